"""A three-article corpus where scope matters: the seed briefing and two BBC articles on other subjects."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SEED_FILE = REPO_ROOT / "corpus" / "000_9aa2248574764ab3.txt"
BBC_DIR = REPO_ROOT.parent / "shared" / "data" / "bbc-news"

SEED_ID = "000_9aa2248574764ab3"
# Corpus file name (so doc_id) -> BBC file. Time Warner's profits; voting ink in Kyrgyzstan.
BBC_ARTICLES = {"business_001.txt": "business/001.txt", "tech_001.txt": "tech/001.txt"}
BUSINESS_ID, TECH_ID = "business_001", "tech_001"
TECH_TITLE = "Ink helps drive democracy in Asia"

# Answered by the seed article alone; asked inside another article's scope it must not cite the seed.
SEED_QUESTION = "Who convened the Critical Minerals Ministerial?"
TECH_QUESTION = "Who pushed through the law requiring the use of ink in the elections?"
TECH_FOLLOW_UPS = ("Who agreed to fund it?", "What does it prevent?")


def write_scope_corpus(folder: Path) -> Path:
    """Copy the seed article and the two BBC articles into `folder` (tests never touch corpus/ or shared/)."""
    missing = [str(p) for p in (SEED_FILE, *(BBC_DIR / b for b in BBC_ARTICLES.values())) if not p.is_file()]
    if missing:
        pytest.skip(f"test articles are absent: {missing}")
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(SEED_FILE, folder / SEED_FILE.name)
    for name, source in BBC_ARTICLES.items():
        shutil.copy(BBC_DIR / source, folder / name)
    return folder


def cited_docs(reply: dict) -> set[str]:  # type: ignore[type-arg]
    """Every document a reply draws on: its citations and, when it abstains, its related passages."""
    return {c["doc_id"] for c in reply["citations"] + reply["related"]}
