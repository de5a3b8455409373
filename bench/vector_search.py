"""Vector search alone: recall@10 and single-query latency of the FAISS index make_search chooses, vs exact.

(a) The index type index.store.make_search picks (IndexFlatIP up to EXACT_SEARCH_LIMIT vectors, HNSW above)
    against exact IndexFlatIP:
      - on real vectors from a built index (--index-dir, e.g. var/bench/bbc-index from bench/index_build.py):
        500 rows are held out as queries (perturbed to --query-cos with their source), the rest indexed;
        when make_search picks exact search there, the HNSW branch is also measured (forced, same settings);
      - on --synth-n synthetic unit vectors (default 200k, above the limit, so HNSW is chosen), both
        "uniform" (random on the sphere: the worst case for any approximate index, since no point is much
        nearer than any other) and "clustered" (Gaussian clusters of about 100 points, cosine ~0.7 to the
        centre, ~0.5 between members: neighbours exist, as in real embeddings).
(b) A synthetic --big-n (default 1,000,000) passage run: exact IndexFlatIP, HNSW (M=32, --efc) built in
    chunks under a time budget (--hnsw-budget; past it HNSW holds only the vectors added so far and is
    compared with exact search over the same vectors), and IndexIVFFlat (--nlist) as the scalable
    alternative; recall@10 on --big-queries queries, p50/p95 single-query latency, build time, RSS.

    .venv/bin/python bench/vector_search.py --index-dir var/bench/bbc-index
    .venv/bin/python bench/vector_search.py --quick          # small sizes, about a minute

Latency is one query per search call (as the answerer searches), measured with perf_counter around
index.search; FAISS uses its OpenMP threads (printed) but a single query runs on one thread.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import faiss  # noqa: E402
import numpy as np  # noqa: E402

from index import store  # noqa: E402

K = 10


def load() -> str:
    a, b, c = os.getloadavg()
    return f"{a:.2f} {b:.2f} {c:.2f}"


def rss_mb() -> float:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')} load {load()} rss {rss_mb():.0f} MiB] {msg}", flush=True)


def unit(x: np.ndarray) -> np.ndarray:
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x


def perturb(vectors: np.ndarray, cos: float, rng: np.random.Generator) -> np.ndarray:
    """Rotate each unit vector to a random nearby direction at cosine `cos` from where it was."""
    noise = rng.standard_normal(vectors.shape).astype(np.float32)
    noise -= np.einsum("ij,ij->i", noise, vectors)[:, None] * vectors  # orthogonal to the vector
    unit(noise)
    sin = float(np.sqrt(max(0.0, 1 - cos * cos)))
    return np.ascontiguousarray(unit(cos * vectors + sin * noise), dtype=np.float32)


class Synth:
    """Unit vectors from one of two distributions, drawn in chunks so memory stays bounded."""

    def __init__(self, kind: str, n: int, dim: int, seed: int) -> None:
        self.kind, self.dim = kind, dim
        self.rng = np.random.default_rng(seed)
        if kind == "clustered":
            self.centres = unit(self.rng.standard_normal((max(10, n // 100), dim)).astype(np.float32))

    def draw(self, n: int) -> np.ndarray:
        x = self.rng.standard_normal((n, self.dim), dtype=np.float32)
        if self.kind == "clustered":
            unit(x)  # noise of norm 1: cosine 1/sqrt(2) ~ 0.71 between a point and its centre
            x += self.centres[self.rng.integers(0, len(self.centres), n)]
        return unit(x)


def flat_view(flat: faiss.IndexFlat) -> np.ndarray:
    """The vectors an IndexFlat holds, as a numpy view (no copy)."""
    return faiss.rev_swig_ptr(flat.get_xb(), flat.ntotal * flat.d).reshape(flat.ntotal, flat.d)


def latencies_ms(index: faiss.Index, queries: np.ndarray) -> np.ndarray:
    out = np.empty(len(queries))
    for i in range(len(queries)):
        q = queries[i: i + 1]
        t = time.perf_counter()
        index.search(q, K)
        out[i] = (time.perf_counter() - t) * 1000
    return out


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(f) & set(t)) / K for f, t in zip(found, truth, strict=True)]))


def describe(index: faiss.Index) -> str:
    if hasattr(index, "hnsw"):
        return f"HNSW(M={index.hnsw.nb_neighbors(0) // 2}, efC={index.hnsw.efConstruction}, " \
               f"efS={index.hnsw.efSearch})"
    return type(index).__name__


def measure(
    label: str, index: faiss.Index, queries: np.ndarray, truth: np.ndarray,
) -> tuple[float, float, float]:
    lat = latencies_ms(index, queries)
    _, found = index.search(queries, K)
    r = recall(found, truth)
    p50, p95 = np.percentile(lat, [50, 95])
    print(f"  {label:<44} recall@10 {r:.4f}   p50 {p50:8.3f} ms   p95 {p95:8.3f} ms", flush=True)
    return r, p50, p95


def ef_sweep(index: faiss.Index, queries: np.ndarray, truth: np.ndarray, values: tuple[int, ...]) -> None:
    keep = index.hnsw.efSearch
    for ef in values:
        index.hnsw.efSearch = ef
        measure(f"  efSearch={ef}", index, queries, truth)
    index.hnsw.efSearch = keep


def threads_compare(label: str, index: faiss.Index, queries: np.ndarray, truth: np.ndarray) -> None:
    """Single-query latency with 1 and with 2 OpenMP threads (FAISS defaults to one per core)."""
    keep = faiss.omp_get_max_threads()
    for threads in (1, 2):
        faiss.omp_set_num_threads(threads)
        measure(f"  {label}, {threads} OpenMP thread(s)", index, queries, truth)
    faiss.omp_set_num_threads(keep)


def compare(
    label: str, base: np.ndarray, queries: np.ndarray, force_hnsw: bool, efc: tuple[int, ...] = (),
    omp_compare: bool = False,
) -> None:
    """Exact IndexFlatIP vs what make_search builds for `base` (and the forced HNSW branch if asked)."""
    print(f"\n-- {label}: {len(base)} vectors x {base.shape[1]}, {len(queries)} queries; "
          f"EXACT_SEARCH_LIMIT={store.EXACT_SEARCH_LIMIT}")
    r0 = rss_mb()
    t = time.perf_counter()
    flat = faiss.IndexFlatIP(base.shape[1])
    flat.add(base)
    print(f"  IndexFlatIP build {time.perf_counter() - t:.2f}s, +{rss_mb() - r0:.0f} MiB RSS")
    _, truth = flat.search(queries, K)
    measure("exact IndexFlatIP", flat, queries, truth)
    if omp_compare:
        threads_compare("exact IndexFlatIP", flat, queries, truth)
    variants = [("make_search choice", None)]
    if force_hnsw and len(base) <= store.EXACT_SEARCH_LIMIT:
        variants.append(("HNSW branch forced", 0))
    for name, limit in variants:
        saved = store.EXACT_SEARCH_LIMIT
        if limit is not None:
            store.EXACT_SEARCH_LIMIT = limit  # read at call time: forces make_search's HNSW branch
        try:
            r0 = rss_mb()
            t = time.perf_counter()
            index = store.make_search(base)
            build = time.perf_counter() - t
        finally:
            store.EXACT_SEARCH_LIMIT = saved
        print(f"  {name}: {describe(index)}, build {build:.2f}s, +{rss_mb() - r0:.0f} MiB RSS")
        measure(f"{name}: {describe(index)}", index, queries, truth)
        if hasattr(index, "hnsw"):
            ef_sweep(index, queries, truth, (16, 32, 64, 256))
        if omp_compare:
            threads_compare(name, index, queries, truth)
        del index
    for value in efc:
        # The store's HNSW with another efConstruction: build time against recall (a cheaper rebuild).
        index = faiss.IndexHNSWFlat(base.shape[1], store.HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = value
        index.hnsw.efSearch = store.HNSW_EF_SEARCH
        t = time.perf_counter()
        index.add(base)
        print(f"  HNSW with efConstruction={value}: build {time.perf_counter() - t:.2f}s")
        measure(f"  {describe(index)}", index, queries, truth)
        del index


def part_a(args: argparse.Namespace) -> None:
    print("\n==== (a) make_search's index vs exact search ====")
    rng = np.random.default_rng(1)
    if args.index_dir:
        loaded = store.load_index(args.index_dir, verify_files=False)
        print(f"real vectors from {loaded.path} (search kinds in manifest: {loaded.manifest.get('search')})")
        for key in ("passage_vectors", "sentence_vectors"):
            vecs = getattr(loaded, key)
            nq = min(args.queries, len(vecs) // 10)
            held = rng.choice(len(vecs), nq, replace=False)
            mask = np.ones(len(vecs), bool)
            mask[held] = False
            base = np.ascontiguousarray(vecs[mask])
            queries = perturb(vecs[held].copy(), args.query_cos, rng)
            compare(f"real {key} (queries: held-out rows at cosine {args.query_cos})", base, queries, True,
                    efc=tuple(args.real_efc), omp_compare=args.omp_compare)
    for kind in args.synth_kinds:
        log(f"synthetic {kind} {args.synth_n} ...")
        synth = Synth(kind, args.synth_n, args.dim, seed=2)
        base = np.vstack([synth.draw(min(100_000, args.synth_n - i))
                          for i in range(0, args.synth_n, 100_000)])
        queries = perturb(synth.draw(args.queries), args.query_cos, rng)
        compare(f"synthetic {kind} (queries: held-out draws at cosine {args.query_cos})", base, queries,
                False)
        del base


def part_b(args: argparse.Namespace) -> None:
    n, dim, chunk = args.big_n, args.dim, 100_000
    print(f"\n==== (b) {n} synthetic {args.big_kind} passages, dim {dim} ====")
    synth = Synth(args.big_kind, n, dim, seed=3)
    r0 = rss_mb()
    flat = faiss.IndexFlatIP(dim)
    t = time.perf_counter()
    for i in range(0, n, chunk):
        flat.add(synth.draw(min(chunk, n - i)))
    log(f"IndexFlatIP: generated + added {flat.ntotal} in {time.perf_counter() - t:.1f}s, "
        f"+{rss_mb() - r0:.0f} MiB RSS")
    queries = perturb(synth.draw(args.big_queries), args.query_cos, np.random.default_rng(4))
    t = time.perf_counter()
    _, truth = flat.search(queries, K)
    print(f"  ground truth for {len(queries)} queries (one batched call): {time.perf_counter() - t:.1f}s")
    measure("exact IndexFlatIP", flat, queries, truth)
    xb = flat_view(flat)

    # HNSW, as make_search builds it above the limit but with --efc, added in chunks under a time budget.
    hnsw = faiss.IndexHNSWFlat(dim, store.HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efConstruction = args.efc
    hnsw.hnsw.efSearch = store.HNSW_EF_SEARCH
    r0 = rss_mb()
    step = args.hnsw_chunk
    started = time.perf_counter()
    last = 0.0
    while hnsw.ntotal < n:
        elapsed = time.perf_counter() - started
        if hnsw.ntotal and elapsed + last * 1.15 > args.hnsw_budget:
            log(f"HNSW: stopping at {hnsw.ntotal} vectors, the next chunk would pass the "
                f"{args.hnsw_budget:.0f}s budget")
            break
        t = time.perf_counter()
        hnsw.add(xb[hnsw.ntotal: min(n, hnsw.ntotal + step)])
        last = time.perf_counter() - t
        log(f"HNSW: {hnsw.ntotal}/{n} added, chunk {last:.1f}s, total {time.perf_counter() - started:.1f}s")
    build = time.perf_counter() - started
    nh = hnsw.ntotal
    links = hnsw.hnsw.neighbors.size() * 4
    print(f"  HNSW(M={store.HNSW_NEIGHBOURS}, efC={args.efc}) over {nh} vectors: build {build:.1f}s "
          f"({nh / build:.0f} vectors/s), +{rss_mb() - r0:.0f} MiB RSS "
          f"(vectors {nh * dim * 4 / 2**20:.0f} MiB + links {links / 2**20:.0f} MiB)")
    if nh < n:
        sub_truth = faiss.knn(queries, xb[:nh], K, metric=faiss.METRIC_INNER_PRODUCT)[1]
        sub = faiss.IndexFlatIP(dim)
        sub.add(xb[:nh])
        measure(f"exact IndexFlatIP over the same {nh}", sub, queries, sub_truth)
        del sub
        print(f"  HNSW holds {nh} of {n}: recall is against exact search over those {nh}")
    else:
        sub_truth = truth
    measure(f"HNSW efSearch={hnsw.hnsw.efSearch} (store default)", hnsw, queries, sub_truth)
    ef_sweep(hnsw, queries, sub_truth, (64, 256, 512))
    del hnsw

    if args.nlist:
        log(f"IndexIVFFlat nlist={args.nlist} ...")
        quantizer = faiss.IndexFlatIP(dim)
        ivf = faiss.IndexIVFFlat(quantizer, dim, args.nlist, faiss.METRIC_INNER_PRODUCT)
        r0 = rss_mb()
        train = xb[np.random.default_rng(5).choice(n, min(n, args.nlist * 64), replace=False)]
        t = time.perf_counter()
        ivf.train(train)
        trained = time.perf_counter() - t
        t = time.perf_counter()
        for i in range(0, n, chunk):
            ivf.add(xb[i: i + chunk])
        added = time.perf_counter() - t
        print(f"  IVFFlat(nlist={args.nlist}): train {trained:.1f}s on {len(train)}, add {added:.1f}s, "
              f"+{rss_mb() - r0:.0f} MiB RSS")
        for nprobe in (8, 16, 32, 64):
            ivf.nprobe = nprobe
            measure(f"IVFFlat nprobe={nprobe}", ivf, queries, truth)
        del ivf, quantizer
    print(f"  peak RSS so far: {peak_rss_mb():.0f} MiB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index-dir", type=Path, help="a built index whose vectors part (a) uses")
    ap.add_argument("--quick", action="store_true", help="60k synthetic, 100k big, 60s HNSW budget")
    ap.add_argument("--skip-a", action="store_true")
    ap.add_argument("--skip-b", action="store_true")
    ap.add_argument("--dim", type=int, default=384)
    ap.add_argument("--queries", type=int, default=500, help="queries for part (a)")
    ap.add_argument("--query-cos", type=float, default=0.8, help="cosine between a query and its source")
    ap.add_argument("--real-efc", type=int, nargs="*", default=[40],
                    help="also build HNSW over the real vectors with these efConstruction values")
    ap.add_argument("--omp-compare", action="store_true",
                    help="on real vectors, also time single queries with 1 and 2 OpenMP threads")
    ap.add_argument("--synth-n", type=int, default=200_000)
    ap.add_argument("--synth-kinds", default="uniform,clustered")
    ap.add_argument("--big-n", type=int, default=1_000_000)
    ap.add_argument("--big-kind", default="uniform", choices=("uniform", "clustered"))
    ap.add_argument("--big-queries", type=int, default=200)
    ap.add_argument("--efc", type=int, default=40, help="HNSW efConstruction for part (b)")
    ap.add_argument("--hnsw-chunk", type=int, default=50_000)
    ap.add_argument("--hnsw-budget", type=float, default=900.0, help="seconds for the part (b) HNSW build")
    ap.add_argument("--nlist", type=int, default=1024, help="IVFFlat lists for part (b); 0 skips IVF")
    args = ap.parse_args()
    args.synth_kinds = [k for k in args.synth_kinds.split(",") if k]
    if args.quick:
        args.synth_n, args.big_n, args.hnsw_budget, args.nlist = 60_000, 100_000, 60.0, 256
    print(f"faiss {faiss.__version__}, omp threads {faiss.omp_get_max_threads()}, nproc {os.cpu_count()}, "
          f"numpy {np.__version__}")
    log("start")
    started = time.perf_counter()
    if not args.skip_a:
        part_a(args)
    if not args.skip_b:
        part_b(args)
    print(f"\npeak RSS: {peak_rss_mb():.0f} MiB; total {time.perf_counter() - started:.0f}s")
    log("end")


if __name__ == "__main__":
    main()
