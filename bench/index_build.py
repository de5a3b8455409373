"""Index build throughput over the BBC News set, against a bare SentenceTransformer.encode of the same texts.

Builds a corpus folder of symlinks (category/NNN.txt -> the shared BBC files, plus a copy of the seed
article), runs a full build (rebuild=True) into a fresh index folder with a per-stage timer, then in the
same process encodes exactly the texts the build embedded (every sentence, and passage_embedding_text(title,
passage) for every passage) with the same model object and batch size, and compares throughput. Finally it
changes one article, times the incremental refresh (ensure_index), and restores it.

    .venv/bin/python bench/index_build.py              # whole BBC set: ~21 min build + ~18 min bare encode
    .venv/bin/python bench/index_build.py --limit 20   # first 20 files of each category, for a quick run
    .venv/bin/python bench/index_build.py --incremental-only --index-dir DIR   # refresh timings only

Stages (marked by build_index's on_stage callback, with the encode calls timed around the embedder):
    scan      corpus read, decode, clean, titles (before on_stage("annotate"))
    annotate  only starts spaCy tagging in a second thread (it runs alongside segmenting and embedding)
    segment   pysbd sentence spans + passage windows, tagging alongside
    embed     the two Embedder.encode calls (sentences, then passages), tagging alongside
    write     waiting for tagging to finish, then assembling and writing the build
Both models are loaded before the build timer starts; their load times are printed separately.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

from index import annotator  # noqa: E402
from index.embedder import Embedder, sha256_file  # noqa: E402
from index.ingest import scan_corpus  # noqa: E402
from index.lexical import terms  # noqa: E402
from index.store import (  # noqa: E402
    build_index,
    current_build,
    ensure_index,
    load_index,
    make_search,
    passage_embedding_text,
)

DEFAULT_BBC = REPO.parent / "shared" / "data" / "bbc-news"
DEFAULT_SEED = REPO / "corpus" / "000_9aa2248574764ab3.txt"
WORK = REPO / "var" / "bench"
MARKER = ".bench-corpus"  # hidden, so the corpus scan ignores it


def load() -> str:
    a, b, c = os.getloadavg()
    return f"{a:.2f} {b:.2f} {c:.2f}"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def cpu() -> float:
    """User + system CPU seconds of this process (all threads): less sensitive to other load than wall."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')} load {load()}] {msg}", flush=True)


class TimedEmbedder(Embedder):
    """The project's Embedder, with each encode call's size and wall time recorded."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[int, float, float]] = []  # (texts, started, ended)
        self.cpu_end = 0.0

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        started = time.perf_counter()
        out = super().encode(texts, progress=progress)
        self.calls.append((len(texts), started, time.perf_counter()))
        self.cpu_end = cpu()
        return out


def make_corpus(bbc: Path, seed: Path, target: Path, limit: int) -> int:
    """Symlink every BBC category/NNN.txt (the first `limit` per category when limit > 0), copy the seed."""
    if target.exists():
        if not (target / MARKER).exists():
            sys.exit(f"{target} exists and was not made by this script; refusing to delete it")
        shutil.rmtree(target)  # removes the links, never the files they point to
    target.mkdir(parents=True)
    (target / MARKER).write_text("made by bench/index_build.py\n")
    count = 0
    for category in sorted(p for p in bbc.iterdir() if p.is_dir()):
        files = sorted(category.glob("*.txt"))
        if limit > 0:
            files = files[:limit]
        (target / category.name).mkdir()
        for src in files:
            os.symlink(src.resolve(), target / category.name / src.name)
            count += 1
    shutil.copy2(seed, target / seed.name)
    return count


def fresh_index_dir(path: Path) -> None:
    if path.exists():
        looks_like_index = any((path / n).exists() for n in ("CURRENT", "builds", ".lock"))
        if any(path.iterdir()) and not looks_like_index:
            sys.exit(f"{path} exists and is not an index folder; refusing to delete it")
        shutil.rmtree(path)


def du(path: Path) -> tuple[int, int]:
    """(apparent bytes, allocated bytes) of a folder."""
    apparent = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    out = subprocess.run(["du", "-sk", str(path)], capture_output=True, text=True, check=True).stdout
    return apparent, int(out.split()[0]) * 1024


def embedded_texts(loaded) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:  # noqa: ANN001
    """The sentence and passage texts build_index encoded, in its order (one article per text hash)."""
    sent_off = np.searchsorted(loaded.sentences[:, 0], np.arange(len(loaded.documents) + 1))
    pass_off = np.searchsorted(loaded.passages[:, 0], np.arange(len(loaded.documents) + 1))
    seen: set[str] = set()
    sentences, passages, s_rows, p_rows = [], [], [], []
    for row, doc in enumerate(loaded.documents):
        if doc.text_hash in seen:  # _compute_parts embeds each distinct text once
            continue
        seen.add(doc.text_hash)
        for s in range(sent_off[row], sent_off[row + 1]):
            sentences.append(loaded.sentence_text(s))
            s_rows.append(s)
        for p in range(pass_off[row], pass_off[row + 1]):
            passages.append(passage_embedding_text(doc.title, loaded.passage_text(p)))
            p_rows.append(p)
    return sentences, passages, np.array(s_rows, dtype=np.int64), np.array(p_rows, dtype=np.int64)


def components(corpus: Path, index_dir: Path) -> None:
    """Re-time the pieces of scan and write (and of an incremental refresh) one by one."""
    import bm25s

    print("\n== components, re-timed separately ==")
    t = time.perf_counter()
    scan = scan_corpus(corpus)
    print(f"scan_corpus: {time.perf_counter() - t:.2f}s ({len(scan.articles)} articles)")
    t = time.perf_counter()
    loaded = load_index(index_dir)
    print(f"load_index (verify checksums): {time.perf_counter() - t:.2f}s")
    build = current_build(index_dir)
    t = time.perf_counter()
    load_index(index_dir, verify_files=False)
    print(f"load_index (no verify): {time.perf_counter() - t:.2f}s")
    t = time.perf_counter()
    for p in build.rglob("*"):
        if p.is_file():
            sha256_file(p)
    print(f"sha256 of every build file: {time.perf_counter() - t:.2f}s")
    for key in ("passage_vectors", "sentence_vectors"):
        vecs = getattr(loaded, key)
        t = time.perf_counter()
        make_search(vecs)
        print(f"make_search({key}, n={len(vecs)}): {time.perf_counter() - t:.2f}s")
    t = time.perf_counter()
    passage_terms = [terms(loaded.documents[d].title + " " + loaded.documents[d].text[s:e]) or ["\u2205"]
                     for d, s, e, _, _ in loaded.passages]
    t_terms = time.perf_counter() - t
    bm25s.BM25().index(passage_terms, show_progress=False)
    print(f"BM25: terms {t_terms:.2f}s, index {time.perf_counter() - t - t_terms:.2f}s")


def incremental(corpus: Path, index_dir: Path, embedder: TimedEmbedder, modify: str,
                settings_refresh: bool = False) -> None:
    """Change one article (a real file replaces its symlink), refresh, restore it, refresh again."""
    def refresh(label: str) -> None:
        embedder.calls.clear()
        log(f"ensure_index ({label}) ...")
        t = time.perf_counter()
        _, rep = ensure_index(corpus, index_dir, embedder)
        secs = time.perf_counter() - t
        if rep is None:
            print(f"{label}: {secs:.2f}s, index was fresh (no build)")
        else:
            enc = sum(b - a for _, a, b in embedder.calls)
            print(f"{label}: {secs:.2f}s total (build {rep.seconds:.2f}s, encode {enc:.2f}s) "
                  f"embedded={rep.embedded_documents} reused={rep.reused_documents} reason: {rep.reason}")

    if settings_refresh:
        refresh("bring the index to the current settings")
    link = corpus / modify
    if not link.is_symlink():
        link = next(p for p in sorted(corpus.rglob("*.txt")) if p.is_symlink())
    rel = link.relative_to(corpus).as_posix()
    original = os.readlink(link)
    text = Path(original).read_text(encoding="utf-8")
    print(f"\n== incremental rebuild: {rel} changed ==")

    try:
        link.unlink()
        added = "\n\nA sentence added by bench/index_build.py changes this article.\n"
        link.write_text(text.rstrip("\n") + added, encoding="utf-8")
        refresh("changed article")
    finally:
        link.unlink(missing_ok=True)
        os.symlink(original, link)
    refresh("article restored")
    refresh("no change")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=0, help="first N files of each BBC category (0 = all)")
    ap.add_argument("--bbc-dir", type=Path, default=DEFAULT_BBC)
    ap.add_argument("--seed", type=Path, default=DEFAULT_SEED)
    ap.add_argument("--corpus-dir", type=Path, default=None, help="default var/bench/bbc-corpus[-limN]")
    ap.add_argument("--index-dir", type=Path, default=None, help="default var/bench/bbc-index[-limN]; wiped")
    ap.add_argument("--modify", default="business/001.txt", help="article changed for the incremental run")
    ap.add_argument("--no-bare", action="store_true", help="skip the bare SentenceTransformer.encode run")
    ap.add_argument("--no-incremental", action="store_true", help="skip the incremental-rebuild run")
    ap.add_argument("--no-components", action="store_true", help="skip re-timing scan/load/FAISS/BM25")
    ap.add_argument("--incremental-only", action="store_true",
                    help="no full build: refresh the existing index to the current settings, then time "
                         "one changed article (the corpus folder is kept if it exists)")
    args = ap.parse_args()
    suffix = f"-lim{args.limit}" if args.limit else ""
    corpus = args.corpus_dir or WORK / f"bbc-corpus{suffix}"
    index_dir = args.index_dir or WORK / f"bbc-index{suffix}"

    import torch

    print(f"python {platform.python_version()}  torch {torch.__version__} threads={torch.get_num_threads()}  "
          f"QA_TORCH_THREADS={os.environ.get('QA_TORCH_THREADS', '(unset)')}  nproc={os.cpu_count()}")
    log("start")
    if args.incremental_only and (corpus / MARKER).exists():
        print(f"corpus: {corpus} (kept)")
    else:
        n_links = make_corpus(args.bbc_dir, args.seed, corpus, args.limit)
        print(f"corpus: {corpus} ({n_links} BBC symlinks + seed copy {args.seed.name})")
    if args.incremental_only:
        print(f"index:  {index_dir} (existing)")
    else:
        print(f"index:  {index_dir} (fresh)")
        fresh_index_dir(index_dir)

    embedder = TimedEmbedder()
    t = time.perf_counter()
    embedder.load()
    model_load = time.perf_counter() - t
    t = time.perf_counter()
    annotator._nlp()
    spacy_load = time.perf_counter() - t
    t = time.perf_counter()
    embedder._model.encode(["A warm-up sentence for the first forward pass."] * embedder.batch_size,
                           batch_size=embedder.batch_size, show_progress_bar=False)
    warm = time.perf_counter() - t
    print(f"model load: MiniLM {model_load:.1f}s  spaCy {spacy_load:.1f}s  warm-up batch {warm:.1f}s  "
          f"(none of these in build time)  batch_size={embedder.batch_size}")

    if args.incremental_only:
        if not args.no_components:
            components(corpus, index_dir)
        incremental(corpus, index_dir, embedder, args.modify, settings_refresh=True)
        print(f"\npeak RSS: {peak_rss_mb():.0f} MiB")
        log("end")
        return

    # ------------------------------------------------------------------------------------ full build
    marks: list[tuple[str, float, float]] = []
    log("full build (rebuild=True) ...")
    cpu0 = cpu()
    started = time.perf_counter()
    report = build_index(corpus, index_dir, embedder, rebuild=True,
                         on_stage=lambda name: marks.append((name, time.perf_counter(), cpu())))
    ended = time.perf_counter()
    cpu1 = cpu()
    build_s = ended - started
    log(f"build done: {report.summary()}")
    rss_build = peak_rss_mb()
    at = {name: wall for name, wall, _ in marks}
    at_cpu = {name: c for name, _, c in marks}
    embed_end = embedder.calls[-1][2]
    stages = {
        "scan": at["annotate"] - started,
        "annotate": at["segment"] - at["annotate"],
        "segment": at["embed"] - at["segment"],
        "embed": embed_end - at["embed"],
        "write": ended - embed_end,
    }
    stage_cpu = {
        "scan": at_cpu["annotate"] - cpu0,
        "annotate": at_cpu["segment"] - at_cpu["annotate"],
        "segment": at_cpu["embed"] - at_cpu["segment"],
        "embed": embedder.cpu_end - at_cpu["embed"],
        "write": cpu1 - embedder.cpu_end,
    }
    build_calls = list(embedder.calls)

    print("\n== full build ==")
    print(f"documents: {report.documents}  passages: {report.passages}  sentences: {report.sentences}  "
          f"skipped: {len(report.skipped)}")
    for s in report.skipped:
        print(f"  skipped {s}")
    bad = [s for s in report.skipped if s.file != "sport/199.txt"]
    if args.limit == 0 and (len(report.skipped) != 1 or bad):
        print("  WARNING: expected exactly one skip (sport/199.txt, invalid UTF-8)")
    print(f"build seconds: {build_s:.1f}  (BuildReport.seconds {report.seconds:.1f}; CPU {cpu1 - cpu0:.1f}s)")
    print(f"  {'stage':<9} {'wall':>8}  {'share':>6}  {'CPU s':>8}")
    for name, secs in stages.items():
        print(f"  {name:<9} {secs:8.1f}s {secs / build_s * 100:5.1f}%  {stage_cpu[name]:8.1f}")
    for n, a, b in build_calls:
        print(f"    encode call: {n} texts in {b - a:.1f}s ({n / (b - a):.1f} texts/s)")
    build_pps = report.passages / build_s
    print(f"build passages/s: {build_pps:.2f}  (documents/s {report.documents / build_s:.2f})")

    loaded = load_index(index_dir)
    build = current_build(index_dir)
    apparent, allocated = du(build)
    print(f"index size on disk: {allocated / 2**20:.1f} MiB allocated (du), "
          f"{apparent / 2**20:.1f} MiB apparent")
    for p in sorted(build.rglob("*"), key=lambda p: -p.stat().st_size if p.is_file() else 0)[:8]:
        if p.is_file():
            print(f"  {p.relative_to(build).as_posix():<28} {p.stat().st_size / 2**20:8.2f} MiB")
    print(f"search kinds: {loaded.manifest.get('search')}")
    print(f"peak RSS after build: {rss_build:.0f} MiB")

    # ---------------------------------------------------------------------------- bare encode
    if not args.no_bare:
        sentences, passages, s_rows, p_rows = embedded_texts(loaded)
        embedded = sum(n for n, _, _ in build_calls)
        print(f"\n== bare SentenceTransformer.encode (same model object, batch_size={embedder.batch_size})")
        print(f"texts: {len(sentences)} sentences + {len(passages)} passages = "
              f"{len(sentences) + len(passages)}"
              f"  (the build encoded {embedded})")
        if len(sentences) + len(passages) != embedded:
            print("  WARNING: text count differs from what the build encoded")
        model = embedder._model
        log("bare encode ...")
        c = cpu()
        t = time.perf_counter()
        sv = model.encode(sentences, batch_size=embedder.batch_size, normalize_embeddings=True,
                          convert_to_numpy=True, show_progress_bar=False)
        t_mid = time.perf_counter()
        pv = model.encode(passages, batch_size=embedder.batch_size, normalize_embeddings=True,
                          convert_to_numpy=True, show_progress_bar=False)
        bare_s = time.perf_counter() - t
        bare_cpu = cpu() - c
        log("bare encode done")
        s_cos = np.einsum("ij,ij->i", sv, loaded.sentence_vectors[s_rows])
        p_cos = np.einsum("ij,ij->i", pv, loaded.passage_vectors[p_rows])
        print(f"bare seconds: {bare_s:.1f}  (sentences {t_mid - t:.1f}s, "
              f"passages {bare_s - (t_mid - t):.1f}s; "
              f"CPU {bare_cpu:.1f}s)")
        bare_pps = report.passages / bare_s
        print(f"bare passages/s: {bare_pps:.2f}")
        print(f"build/bare throughput ratio: {build_pps / bare_pps:.3f}  (embed stage alone: "
              f"{bare_s / stages['embed']:.3f} of bare speed)")
        print(f"build/bare ratio in CPU seconds (bare CPU / build CPU): {bare_cpu / (cpu1 - cpu0):.3f}")
        print(f"vectors match the index: min cosine sentences {s_cos.min():.6f}, passages {p_cos.min():.6f}")

    if not args.no_components:
        components(corpus, index_dir)
    if not args.no_incremental:
        incremental(corpus, index_dir, embedder, args.modify)

    print(f"\npeak RSS: {peak_rss_mb():.0f} MiB")
    log("end")


if __name__ == "__main__":
    main()
