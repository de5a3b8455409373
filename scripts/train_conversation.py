"""Teach the SQuAD reader to read a conversation: fine-tune it on CoQA turns with the earlier turns in its input.

    .venv/bin/python scripts/train_conversation.py        # from qa/data/reader.safetensors, writes it back

The reader's first segment is "<earlier questions and answers> [SEP] <question>" (`qa.reader.query_text`,
the same function the answerer uses), as CoQA and QuAC readers do, so "What did he do next?" is read with
the turns it leans on. Data: the CoQA part 1 stories of the *train* fold only (`bench.coqa_data.folds`:
every CNN story and one in five of the others are held out for measuring). Each turn's target is the
best-F1 span of the story inside the annotator's rationale; "unknown" turns point at [CLS]; yes/no turns
are left out (no quote answers them). A replay of SQuAD training questions (no history) keeps single
questions as good as before. Hugging Face's Trainer runs the loop (checkpoints, resume, progress bar).
"""

from __future__ import annotations

import argparse
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


def coqa_items(stories: list[dict], tokenizer, window: int) -> list[tuple[str, str, int | None, int | None]]:
    items = []
    for story in stories:
        text = story["story"]
        history: list[tuple[str, str]] = []
        for turn in story["turns"]:
            kind = turn_kind(turn["answer"])
            past = " ".join(f"{q} {a}" for q, a in history[-HISTORY_TURNS:])
            first = query_text(tokenizer, turn["question"], past, window)
            if kind == "unknown":
                items.append((first, text, None, None))
            elif kind == "span" and turn["rationale_start"] >= 0:
                span = best_span(text, turn["rationale_start"], turn["rationale_end"], turn["answer"])
                if span:
                    items.append((first, text, span[0], span[1]))
            history.append((turn["question"], turn["answer"]))
    return items


def squad_items(path: Path, count: int, rng: random.Random) -> list[tuple[str, str, int | None, int | None]]:
    import json

    articles = json.loads(path.read_text(encoding="utf-8"))["data"]
    pool = [(qa["question"], p["context"], qa["answers"][0]) for a in articles for p in a["paragraphs"]
            for qa in p["qas"]]
    picked = rng.sample(pool, min(count, len(pool)))
    return [(q, c, a["answer_start"], a["answer_start"] + len(a["text"])) for q, c, a in picked]


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
    items = coqa_items(train, tokenizer, args.window) + squad_items(args.squad, args.replay, rng)
    rows = windows_for(tokenizer, items, args.window, args.stride, rng, args.neg_window)
    model.train()
    started = time.perf_counter()
    fit(model, rows, args)
    minutes = (time.perf_counter() - started) / 60
    digest = export_weights(model, args.out, {"conversation_stage": {
        "stories": len(train), "items": len(items), "windows": len(rows), "epochs": args.epochs, "lr": args.lr,
        "window": args.window, "history_turns": HISTORY_TURNS, "replay": args.replay,
        "minutes": round(minutes, 1)}})
    print(f"trained in {minutes:.1f} min; {args.out} sha256 {digest}", flush=True)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    sys.exit(main())
