"""Teach the SQuAD reader to read a conversation: fine-tune it on CoQA turns with the earlier turns in its input.

    .venv/bin/python scripts/train_conversation.py        # from qa/data/reader.safetensors, writes it back

The reader's first segment is "<earlier questions and answers> [SEP] <question>" (`qa.reader.query_text`,
the same function the answerer uses), as CoQA and QuAC readers do, so "What did he do next?" is read with
the turns it leans on. Data: the CoQA part 1 stories of the *train* fold only (`bench.coqa_data.folds`:
every CNN story and one in five of the others are held out for measuring). Each turn's target is the
best-F1 span of the story inside the annotator's rationale; "unknown" turns point at [CLS]; yes/no turns
are left out (no quote answers them). A replay of SQuAD training questions (no history) keeps single
questions as good as before. Hugging Face's Trainer runs the loop (checkpoints, resume, progress bar).

What the history holds (`--history-mix`). At inference the earlier answers are the reader's own, often
wrong, where training on the annotators' answers alone teaches it to trust them: the first conversation
stage read held-out CNN stories at span F1 0.470 given the gold earlier answers but 0.350 given its own,
below the 0.388 of no history at all. So each turn is also taught with the earlier answers a trained reader
gave itself (`--own-from`, computed once and cached in --work) or with no history (what the "rewrite" form
reads), so the reader learns how far to lean on what came before.

Declining (optional): `--unanswerable` adds the train fold's unanswerable SQuAD v2.0 questions and
`--off-paragraph N` adds N SQuAD training questions asked of another paragraph of their article, both
pointed at [CLS], so the reader learns that an on-topic passage without the answer is no answer.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import random
import re
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.coqa_data import folds, load_stories, turn_kind  # noqa: E402
from bench.squad_corpus import SQUAD_V2_FILE, v2_fold  # noqa: E402
from index.embedder import sha256_file  # noqa: E402
from qa.answerer import history_text  # noqa: E402
from qa.evaluate import f1 as f1_score  # noqa: E402
from qa.evaluate import normalize  # noqa: E402
from qa.reader import WEIGHTS, Reader, ReaderConfig, export_weights, query_text  # noqa: E402
from scripts.train_reader import DATA, fit, windows_for  # noqa: E402

HISTORY_TURNS = 2
MAX_SPAN_WORDS = 30
_WORD = re.compile(r"\S+")
_EDGE = ".,;:!?\"'()[]"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--start", type=Path, default=WEIGHTS, help="the SQuAD reader to start from")
    parser.add_argument("--out", type=Path, default=WEIGHTS)
    parser.add_argument("--keep-start", type=Path, default=ROOT / "var" / "reader-squad.safetensors",
                        help="where the starting weights are copied before --out is overwritten")
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "reader-coqa")
    parser.add_argument("--squad", type=Path, default=DATA / "train-v1.1.json")
    parser.add_argument("--replay", type=int, default=3000, help="SQuAD training questions mixed in")
    parser.add_argument("--epochs", type=float, default=2.0)
    parser.add_argument("--window", type=int, default=192)
    parser.add_argument("--stride", type=int, default=64)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=3e-5)
    parser.add_argument("--warmup", type=float, default=0.06)
    parser.add_argument("--neg-window", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--save-minutes", type=float, default=5.0)
    parser.add_argument("--history-mix", choices=["gold", "mixed"], default="mixed",
                        help="gold: earlier turns with the annotators' answers only; mixed: each turn twice, once "
                             "with them and once with the reader's own earlier answers or no history (half each)")
    parser.add_argument("--unanswerable", action="store_true",
                        help="also teach the unanswerable SQuAD v2.0 part 1 questions of the train fold "
                             "(bench.squad_corpus.v2_fold), pointed at [CLS], so the reader learns to decline")
    parser.add_argument("--off-paragraph", type=int, default=0,
                        help="also teach this many SQuAD training questions asked of another paragraph of "
                             "their article (one that does not contain the answer), pointed at [CLS]")
    parser.add_argument("--coqa-sample", type=int, default=0,
                        help="use only this many CoQA training items, drawn at random (0: all)")
    parser.add_argument("--own-from", type=Path, default=WEIGHTS,
                        help="the conversation reader whose own answers fill the 'own' histories")
    return parser.parse_args(argv)


def best_span(story: str, start: int, end: int, answer: str) -> tuple[int, int] | None:
    """The span of story[start:end] (whole words, edge punctuation trimmed) with the best F1 to `answer`."""
    words = [(m.start() + start, m.end() + start) for m in _WORD.finditer(story[start:end])]
    if not words or not normalize(answer):
        return None
    best, best_f1 = None, 0.0
    for i in range(len(words)):
        for j in range(i, min(len(words), i + MAX_SPAN_WORDS)):
            a, b = words[i][0], words[j][1]
            while a < b and story[a] in _EDGE:
                a += 1
            while b > a and story[b - 1] in _EDGE:
                b -= 1
            if a >= b:
                continue
            score = f1_score(story[a:b], answer)
            if score > best_f1 or (score == best_f1 and best and b - a < best[1] - best[0]):
                best, best_f1 = (a, b), score
    return best if best_f1 > 0 else None


def own_answers(stories: list[dict], weights: Path, cache_dir: Path, window: int) -> dict[str, list[str]]:
    """story id -> the answer `weights` gives each turn when the conversation is asked in order with its own
    earlier answers as history (what the reader sees at inference). Cached per weights sha256."""
    cache = cache_dir / f"own-answers-{sha256_file(weights)[:12]}.json"
    if cache.is_file():
        return json.loads(cache.read_text())
    reader = Reader.load(weights, ReaderConfig(window=window))
    out: dict[str, list[str]] = {}
    started = time.perf_counter()
    for number, story in enumerate(stories, start=1):
        said: list[str] = []
        history: list[tuple[str, str]] = []
        for turn in story["turns"]:
            reading = reader.reading(turn["question"], [story["story"]], history_text(tuple(history[-HISTORY_TURNS:])))
            best = reading.spans[0] if reading.spans else None
            answer = story["story"][best.start:best.end] if best else ""
            said.append(answer)
            history.append((turn["question"], answer))
        out[story["id"]] = said
        if number % 50 == 0:
            print(f"own answers: {number}/{len(stories)} stories, {time.perf_counter() - started:.0f}s", flush=True)
    cache_dir.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(out))
    return out


def coqa_items(stories: list[dict], tokenizer, window: int, own: dict[str, list[str]] | None = None,
               rng: random.Random | None = None) -> list[tuple[str, str, int | None, int | None]]:
    """Training items of the turns: the first segment holds the two earlier turns with the annotators'
    answers; with `own`, each turn comes a second time, with the reader's own earlier answers or (half
    the time) with no history."""
    items = []
    for story in stories:
        text = story["story"]
        said = own.get(story["id"]) if own else None
        history: list[tuple[str, str]] = []
        for number, turn in enumerate(story["turns"]):
            kind = turn_kind(turn["answer"])
            firsts = [query_text(tokenizer, turn["question"], history_text(tuple(history[-HISTORY_TURNS:])), window)]
            if said is not None and rng is not None:
                if rng.random() < 0.5:
                    earlier = [(t["question"], a) for t, a in zip(story["turns"][:number], said[:number], strict=True)]
                    past = history_text(tuple(earlier[-HISTORY_TURNS:]))
                else:
                    past = ""
                firsts.append(query_text(tokenizer, turn["question"], past, window))
            target: tuple[int | None, int | None] | None = None
            if kind == "unknown":
                target = (None, None)
            elif kind == "span" and turn["rationale_start"] >= 0:
                target = best_span(text, turn["rationale_start"], turn["rationale_end"], turn["answer"])
            if target:
                items.extend((first, text, target[0], target[1]) for first in dict.fromkeys(firsts))
            history.append((turn["question"], turn["answer"]))
    return items


@functools.cache
def squad_articles(path: Path) -> list[dict]:
    """The articles of a SQuAD file, parsed once: the replay and the off-paragraph items read the same
    40 MB training file."""
    return json.loads(path.read_text(encoding="utf-8"))["data"]


def squad_items(path: Path, count: int, rng: random.Random) -> list[tuple[str, str, int | None, int | None]]:
    articles = squad_articles(path)
    pool = [(qa["question"], p["context"], qa["answers"][0]) for a in articles for p in a["paragraphs"]
            for qa in p["qas"]]
    picked = rng.sample(pool, min(count, len(pool)))
    return [(q, c, a["answer_start"], a["answer_start"] + len(a["text"])) for q, c, a in picked]


def unanswerable_items(path: Path) -> list[tuple[str, str, int | None, int | None]]:
    """The *unanswerable* SQuAD v2.0 part 1 questions of the train-fold articles, each pointed at [CLS].

    Why: CoQA's "unknown" turns (about 1 in 80) are too few to teach a reader when to decline; the readers
    before this one declined 3% of the v2.0 unanswerable questions at their threshold. The answerable v2.0
    questions are left out on purpose: they are the SQuAD v1.1 dev part 1 questions, which measure the
    reader (gold paragraph, SQuAD-open), so teaching them would spoil those numbers. The replayed SQuAD
    training questions are the answerable counterweight."""
    articles = squad_articles(path)
    return [(qa["question"], paragraph["context"], None, None)
            for number, article in enumerate(articles) if v2_fold(number) == "train"
            for paragraph in article["paragraphs"] for qa in paragraph["qas"]
            if qa.get("is_impossible") or not qa["answers"]]


def off_paragraph_items(path: Path, count: int, rng: random.Random) -> list[tuple[str, str, int | None, int | None]]:
    """`count` SQuAD training questions, each asked of *another* paragraph of its own article, pointed at [CLS].

    Why: this is how the bot meets a question its briefing does not answer. Retrieval brings back a passage
    on the question's topic (same article, same names) that does not say the answer; the reader must then
    decline instead of quoting the nearest name. The 2,329 unanswerable SQuAD v2.0 questions of the train
    fold teach that too, but are few, and CoQA's "unknown" turns fewer still. A paragraph that contains any
    of the question's answers (case-insensitive) is never used, so no item teaches declining a question its
    text answers. Only the SQuAD v1.1 *train* file is read: no measured question is taught."""
    articles = squad_articles(path)
    pool = [(article_number, paragraph_number, qa) for article_number, article in enumerate(articles)
            for paragraph_number, paragraph in enumerate(article["paragraphs"]) for qa in paragraph["qas"]
            if len(article["paragraphs"]) > 1 and qa["answers"]]
    rng.shuffle(pool)
    items: list[tuple[str, str, int | None, int | None]] = []
    for article_number, paragraph_number, qa in pool:
        if len(items) >= count:
            break
        paragraphs = articles[article_number]["paragraphs"]
        other = rng.choice([n for n in range(len(paragraphs)) if n != paragraph_number])
        context = paragraphs[other]["context"]
        lowered = context.lower()
        if any(answer["text"].strip().lower() in lowered for answer in qa["answers"]):
            continue
        items.append((qa["question"], context, None, None))
    return items


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    start_weights = args.start
    if args.keep_start and args.start.resolve() == args.out.resolve():
        # The SQuAD-only reader is kept so the two can be compared (and training can restart from it).
        args.keep_start.parent.mkdir(parents=True, exist_ok=True)
        if not args.keep_start.exists():
            shutil.copy2(args.start, args.keep_start)
        start_weights = args.keep_start
    reader = Reader.load(start_weights, ReaderConfig(window=args.window, quantize=False))
    model, tokenizer = reader.model, reader.tokenizer
    stories = load_stories()
    fold = folds(stories)
    train = [s for s in stories if fold[s["id"]] == "train"]
    print(f"{len(train)} training stories of {len(stories)} (held out: {len(stories) - len(train)})", flush=True)
    own = own_answers(train, args.own_from, args.work, args.window) if args.history_mix == "mixed" else None
    conversation = coqa_items(train, tokenizer, args.window, own, rng)
    if args.coqa_sample and args.coqa_sample < len(conversation):
        conversation = rng.sample(conversation, args.coqa_sample)
    declines = unanswerable_items(SQUAD_V2_FILE) if args.unanswerable else []
    elsewhere = off_paragraph_items(args.squad, args.off_paragraph, rng) if args.off_paragraph else []
    items = conversation + declines + elsewhere + squad_items(args.squad, args.replay, rng)
    rows = windows_for(tokenizer, items, args.window, args.stride, rng, args.neg_window)
    model.train()
    started = time.perf_counter()
    fit(model, rows, args)
    minutes = (time.perf_counter() - started) / 60
    digest = export_weights(model, args.out, {"conversation_stage": {
        "stories": len(train), "items": len(items), "windows": len(rows), "epochs": args.epochs, "lr": args.lr,
        "window": args.window, "history_turns": HISTORY_TURNS, "replay": args.replay,
        "history_mix": args.history_mix, "coqa_items": len(conversation),
        "squad_v2_unanswerable_items": len(declines), "off_paragraph_items": len(elsewhere),
        "own_from": sha256_file(args.own_from)[:12] if own else None,
        "minutes": round(minutes, 1)}})
    print(f"trained in {minutes:.1f} min; {args.out} sha256 {digest}", flush=True)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    sys.exit(main())
