"""Shared fixtures for the qa tests: the seed corpus copied to a temporary folder, one real Answerer
built over it for the whole session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SEED_FILE = REPO_ROOT / "corpus" / "000_9aa2248574764ab3.txt"


def require_seed() -> Path:
    if not SEED_FILE.is_file():
        pytest.skip(f"seed article {SEED_FILE} is absent")
    return SEED_FILE


def copy_seed_corpus(folder: Path) -> Path:
    """A corpus folder holding only the seed article (a copy: tests never touch corpus/)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(require_seed(), folder / SEED_FILE.name)
    return folder


@pytest.fixture(scope="session")
def seed_text() -> str:
    """The seed article's body (its "date ..." header line dropped)."""
    return require_seed().read_text(encoding="utf-8").split("\n", 1)[1]


@pytest.fixture(scope="session")
def seed_dirs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(corpus_dir, index_dir) of a seed copy; the index is built by the first Answerer.load()."""
    root = tmp_path_factory.mktemp("seed")
    return copy_seed_corpus(root / "corpus"), root / "index"


@pytest.fixture(scope="session")
def single_thread_torch() -> None:
    """Run the model on one thread. On a shared CPU, torch's default intra-op threads oversubscribe it:
    one question embedding measured ~0.5 s with the default and ~20 ms on one thread (same vectors)."""
    import torch

    torch.set_num_threads(1)


@pytest.fixture(scope="session")
def answerer(seed_dirs: tuple[Path, Path], single_thread_torch: None):  # type: ignore[no-untyped-def]
    """The real model and a real index over the seed article, loaded once for the session."""
    from qa.answerer import Answerer

    corpus_dir, index_dir = seed_dirs
    return Answerer(corpus_dir, index_dir).load()



@pytest.fixture(scope="session")
def answerer_over(tmp_path_factory: pytest.TempPathFactory, single_thread_torch: None):  # type: ignore[no-untyped-def]
    """A factory of real answerers, each over one small article (`text`: a title line, a blank line, the
    body), for rules the seed has no example of."""
    from qa.answerer import Answerer

    def build(name: str, text: str):  # type: ignore[no-untyped-def]
        root = tmp_path_factory.mktemp(name)
        (root / "corpus").mkdir()
        (root / "corpus" / f"{name}.txt").write_text(text, encoding="utf-8")
        return Answerer(root / "corpus", root / "index").load()

    return build
