"""Seconds from POST /api/documents to answerable, and question latency while the build runs, over the BBC set.

Starts `qa serve` on 127.0.0.1 with writes on (a random QA_ADMIN_TOKEN) over the 2,225 BBC articles plus
the seed (var/bench/live-add/corpus: symlinks to /work/shared/data/bbc-news, read in place, never copied
into the repository). Its index is copied from another benchmark's BBC index when one exists (bench/
index_build.py's, or bench/latency.py's server's), else the server builds it at start-up (~15 min here).

Then, for each round: one client asks BBC questions one after another (no pause) and, in between, a question
only the new article answers; a ~1,000-word article is POSTed (no wait) and the clock runs until that
question gets the article's answer. Questions sent in that window were answered during the build. Between
rounds the article is deleted (and the deletion waited for) and idle questions are asked, so idle and
during-build samples see the same machine load. Prints seconds to answerable per round (target <= 10) and
p50 latency during the build against idle (target < 2x).

    .venv/bin/python bench/live_add.py [--rounds 3] [--idle 40] [--torch-threads N] [--json OUT] [--corpus seed]
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.serve_util import (  # noqa: E402
    BBC_INDEX,
    REPO,
    SERVE_BBC,
    WORK,
    _adopt_build,
    bbc_corpus,
    default_torch_threads,
    machine,
    percentile,
    rss_mib,
    seed_corpus,
    start_server,
    stop_server,
)

ROOT = WORK / "live-add"
QUESTIONS = REPO / "tests" / "questions" / "bbc" / "bbc_single.jsonl"
ROUNDS = [  # (accord, city, envoy): one invented article per round, answerable only once it is added
    ("Valdora Hydrogen Accord", "Port Ellery", "Mirela Castan"),
    ("Mereth Tidal Compact", "Kessingford", "Tomas Arvane"),
    ("Ostrava Grid Charter", "Lanmouth", "Ines Barroway"),
    ("Calder Basin Water Pact", "Drummore", "Oskar Velling"),
    ("Sennen Wind Agreement", "Halvergate", "Priya Mandel"),
]
PARAGRAPHS = [
    "The {accord} was signed in {city} on Tuesday by delegations from fourteen countries, ending two years of "
    "talks over how the region should share the cost of new energy infrastructure. Officials described the "
    "document as the most ambitious regional energy agreement in a decade.",
    "The agreement commits the signatories to build a shared network of pipelines, storage sites and "
    "terminals by 2031. Each government will contribute in proportion to the size of its economy, and a "
    "joint fund will cover the cost of connecting the poorest members to the network.",
    "Chief negotiator {envoy}, who led the talks from the start, said the final text had been agreed only "
    "after three sleepless nights. \"Nobody got everything they wanted, but everybody got something they "
    "needed,\" she told reporters outside the conference hall.",
    "Industry groups welcomed the deal, saying it gave companies the certainty they needed to invest. The "
    "regional chamber of commerce estimated that the projects covered by the agreement could support about "
    "forty thousand jobs during construction and several thousand once they are running.",
    "Environmental campaigners were more cautious. They said the agreement left too much room for projects "
    "that still depend on fossil fuels, and warned that the timetable for closing older plants had been "
    "pushed back under pressure from some of the larger economies.",
    "Under the terms of the deal, a permanent secretariat will be set up to monitor progress and publish an "
    "annual report. Members that fall behind on their commitments will be asked to present a recovery plan "
    "within six months, although the agreement contains no financial penalties.",
    "The talks nearly collapsed last spring when two delegations walked out over the allocation of "
    "transit fees. A compromise, under which fees are pooled and redistributed according to a fixed "
    "formula, was eventually brokered by a group of smaller countries.",
    "Economists said the agreement could lower household energy bills over the long term by making better "
    "use of surplus power. In the short term, however, most governments will have to borrow to pay for "
    "their share of the construction costs, and some have already warned of tax rises.",
    "The first projects are expected to begin next year, starting with a storage site near the coast and a "
    "high-voltage link between the two largest grids. Tenders for the work will be published in the "
    "autumn, and companies from outside the region will be allowed to bid.",
    "Parliaments in all fourteen countries must now ratify the agreement before it can enter into force. "
    "Most are expected to do so within a year, but opposition parties in several countries have said they "
    "will challenge parts of the deal, particularly the rules on the joint fund.",
    "Speaking at the closing ceremony, the host country's prime minister said the signing showed that "
    "neighbours with very different economies could still act together. He thanked the negotiators and "
    "said the region would be judged on whether it delivered what it had promised.",
    "Analysts noted that the agreement had been made possible by falling prices for electrolysers and "
    "batteries, which have dropped by more than half over the past five years. Several of the projects "
    "would not have been considered viable when the talks began.",
    "Trade unions said they would watch closely to make sure that the jobs created by the new projects "
    "were well paid and went to local workers. They have asked for a seat on the board of the new "
    "secretariat, a request that officials said would be considered at the first meeting.",
    "The agreement also sets out common safety standards for hydrogen storage and transport, replacing a "
    "patchwork of national rules that companies had long complained about. Regulators from each country will "
    "meet twice a year to compare inspections and share information about accidents.",
    "Farmers' organisations in the border regions raised concerns about the route of the main pipeline, "
    "which will cross several thousand hectares of farmland. The negotiators agreed that landowners would be "
    "compensated at market rates and that the route would be reviewed after public consultations.",
    "Financial markets reacted calmly to the news. Shares in the region's largest utility rose slightly in "
    "early trading, while the price of government bonds in the countries with the biggest commitments was "
    "little changed, suggesting investors had expected an agreement for some weeks.",
    "Diplomats said the most difficult issue had been the question of who would control the joint fund. The "
    "final text gives each member one seat on its board, but decisions on spending above a certain threshold "
    "will require the support of countries representing at least two thirds of the region's population.",
    "Universities in the region will receive grants to train engineers and technicians for the new projects. "
    "Officials said a shortage of skilled workers was now the biggest risk to the timetable, and that the "
    "first training programmes would open to students next September.",
    "The signing ceremony was briefly interrupted by protesters who unfurled a banner calling for faster "
    "action on climate change. They were escorted from the hall by security staff, and the ceremony resumed "
    "after a few minutes with a round of applause from the delegates.",
    "Observers from neighbouring countries that are not members attended the talks and said they would "
    "study the agreement closely. Two of them have already asked to join, and the secretariat will consider "
    "their applications once the agreement has entered into force.",
    "In a joint statement released after the ceremony, the fourteen governments said the agreement marked "
    "the beginning of a new chapter in regional cooperation. They promised to publish the full text, "
    "including its annexes, on their websites within a week.",
]


def article(round_no: int) -> tuple[dict[str, str], str, str]:
    """(article fields, a question only it answers, the answer) for round `round_no`; about 1,000 words."""
    accord, city, envoy = ROUNDS[round_no % len(ROUNDS)]
    paragraphs = [p.format(accord=accord, city=city, envoy=envoy) for p in PARAGRAPHS]
    text = "\n\n".join(paragraphs)
    return ({"title": f"{accord} signed", "date": "2026-06-0" + str(1 + round_no % 9), "text": text},
            f"In which city was the {accord} signed?", city)


def bbc_questions() -> list[str]:
    return [json.loads(line)["question"] for line in QUESTIONS.read_text().splitlines() if line.strip()]


def prepare(kind: str) -> tuple[Path, Path, Path]:
    if kind == "seed":  # a quick check of the benchmark itself: the seed article alone
        return seed_corpus(ROOT / "seed" / "corpus"), ROOT / "seed" / "index", ROOT / "seed" / "conversations.sqlite3"
    corpus = bbc_corpus(ROOT / "corpus")
    index = ROOT / "index"
    for source in (BBC_INDEX, SERVE_BBC / "index"):
        try:
            _adopt_build(source, index)
        except OSError as exc:
            print(f"(could not copy {source}: {exc})", file=sys.stderr)
    if not (index / "CURRENT").is_file():
        print("no BBC index to copy: the server builds one at start-up (~15 minutes here)", file=sys.stderr)
    return corpus, index, ROOT / "conversations.sqlite3"


class Client:
    """Sequential questions; every latency is kept with the time it was sent."""

    def __init__(self, base: str, token: str) -> None:
        self.http = httpx.Client(base_url=base, timeout=120)
        self.auth = {"Authorization": f"Bearer {token}"}
        self.samples: list[tuple[float, float]] = []  # (sent, seconds)

    def ask(self, question: str) -> dict[str, Any]:
        sent = time.perf_counter()
        response = self.http.post("/api/ask", json={"question": question})
        self.samples.append((sent, time.perf_counter() - sent))
        response.raise_for_status()
        return response.json()

    def status(self) -> dict[str, Any]:
        return self.http.get("/api/index").json()


def run_round(client: Client, questions: list[str], start: int, round_no: int, limit: float) -> dict[str, Any]:
    fields, unique_q, answer = article(round_no)
    words = len(fields["text"].split())
    stages: list[tuple[float, str]] = []
    t0 = time.perf_counter()
    response = client.http.post("/api/documents", json=fields, headers=client.auth)
    response.raise_for_status()
    doc_id = response.json()["doc_ids"][0]
    first_sample = len(client.samples)
    answerable, i = None, start
    while time.perf_counter() - t0 < limit:
        client.ask(questions[i % len(questions)])
        i += 1
        running = client.status()["running"]
        stage = running["stage"] if running else "idle"
        if not stages or stages[-1][1] != stage:
            stages.append((time.perf_counter() - t0, stage))
        if client.ask(unique_q)["answer"] == answer:
            answerable = time.perf_counter() - t0
            break
    during = [s for _, s in client.samples[first_sample:]]
    status = client.status()
    deleted = client.http.delete(f"/api/documents/{doc_id}?wait=60", headers=client.auth)
    deleted.raise_for_status()
    return {"round": round_no + 1, "words": words, "answerable_s": answerable, "during": during,
            "stages": stages, "build_s": status.get("last_build_seconds"), "next": i}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--idle", type=int, default=40, help="idle questions before the first round and after each")
    parser.add_argument("--torch-threads", type=int, default=default_torch_threads())
    parser.add_argument("--limit", type=float, default=120.0, help="seconds a round may wait for answerable")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--corpus", choices=("bbc", "seed"), default="bbc",
                        help="seed: the seed article alone, to check the benchmark quickly")
    args = parser.parse_args()

    print(machine())
    corpus, index, db = prepare(args.corpus)
    token = secrets.token_hex(16)
    started = time.perf_counter()
    process, base = start_server(corpus, index, db, torch_threads=args.torch_threads, timeout=3600,
                                 log=ROOT / "serve.log", extra_env={"QA_ADMIN_TOKEN": token})
    print(f"server ready in {time.perf_counter() - started:.0f} s (torch threads {args.torch_threads})")
    client = Client(base, token)
    questions = bbc_questions()
    try:
        live = client.status()["live"]
        print(f"live index: {live['documents']} documents, {live['passages']} passages, "
              f"{live['sentences']} sentences")
        for q in questions[:10]:  # warm-up, not measured
            client.ask(q)
        idle: list[float] = []
        position = 10
        rounds = []
        for round_no in range(args.rounds):
            mark = len(client.samples)
            for _ in range(args.idle):
                client.ask(questions[position % len(questions)])
                position += 1
            idle += [s for _, s in client.samples[mark:]]
            result = run_round(client, questions, position, round_no, args.limit)
            position = result.pop("next")
            rounds.append(result)
            took = f"{result['answerable_s']:.1f} s" if result["answerable_s"] else f"not within {args.limit:.0f} s"
            stages = ", ".join(f"{name}@{t:.1f}s" for t, name in result["stages"])
            print(f"round {result['round']}: {result['words']} words, answerable {took} after the POST "
                  f"(server build {result['build_s'] or 0:.1f} s; stages seen {stages}); "
                  f"{len(result['during'])} questions during the build, p50 "
                  f"{percentile(result['during'], 0.5) * 1000:.0f} ms")
        mark = len(client.samples)
        for _ in range(args.idle):
            client.ask(questions[position % len(questions)])
            position += 1
        idle += [s for _, s in client.samples[mark:]]
        rss, peak = rss_mib(process.pid)
    finally:
        stop_server(process)

    during = [s for r in rounds for s in r["during"]]
    times = [r["answerable_s"] for r in rounds if r["answerable_s"] is not None]
    idle_p50, during_p50 = percentile(idle, 0.5), percentile(during, 0.5)
    print(f"\nseconds from POST to answerable: median {percentile(times, 0.5) if times else float('nan'):.1f} "
          f"(rounds: {', '.join(f'{t:.1f}' for t in times)}; {len(rounds) - len(times)} not answerable)  "
          "target <= 10")
    print(f"p50 question latency: idle {idle_p50 * 1000:.0f} ms (n={len(idle)}), during build "
          f"{during_p50 * 1000:.0f} ms (n={len(during)}); ratio {during_p50 / idle_p50:.2f}  target < 2")
    print(f"p95: idle {percentile(idle, 0.95) * 1000:.0f} ms, during build {percentile(during, 0.95) * 1000:.0f} ms; "
          f"server RSS {rss:.0f} MiB (peak {peak:.0f} MiB)")
    if args.json:
        args.json.write_text(json.dumps({
            "machine": machine(), "rounds": rounds, "idle_p50_s": idle_p50, "during_p50_s": during_p50,
            "answerable_s": times,
        }, indent=1))
    return 0 if times and len(times) == len(rounds) else 1


if __name__ == "__main__":
    raise SystemExit(main())
