"""CoQA part 1 (../shared/data/coqa/coqa-dev-part1.jsonl): stories, turns and the folds kept apart.

The conversational reader is fine-tuned on some stories (scripts/train_conversation.py) and measured on
others. Held out, never trained on: every CNN story (the news the product is for) and one story in five
of every other source (by position among that source's stories, sorted by id). `fold(story)` says which.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

COQA = Path(__file__).resolve().parents[2] / "shared" / "data" / "coqa" / "coqa-dev-part1.jsonl"
HELD_OUT_EVERY = 5


def load_stories(path: Path = COQA) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def folds(stories: list[dict]) -> dict[str, str]:
    """story id -> "train" or "heldout"."""
    by_source: dict[str, list[str]] = defaultdict(list)
    for story in stories:
        by_source[story["source"]].append(story["id"])
    out = {}
    for source, ids in by_source.items():
        for position, story_id in enumerate(sorted(ids)):
            held = source == "cnn" or position % HELD_OUT_EVERY == 0
            out[story_id] = "heldout" if held else "train"
    return out


def turn_kind(answer: str) -> str:
    """"yes/no", "unknown" or "span" (a free-form answer, usually a span of the story)."""
    a = answer.lower().strip(" .!")
    if a in ("yes", "no"):
        return "yes/no"
    if a == "unknown":
        return "unknown"
    return "span"
