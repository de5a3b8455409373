"""Shared fixtures for the index tests: paths to real data, corpus writing, and one real embedder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
# Real text written outside the project; read in place, never copied into the repository.
SHARED_DATA = REPO_ROOT / ".." / "shared" / "data"
SEED_FILE = REPO_ROOT / "corpus" / "000_9aa2248574764ab3.txt"


@pytest.fixture
def shared_data() -> Callable[[str], Path]:
    """Return a function giving a path under the shared data folder, or skipping when it is absent."""

    def require(relative: str) -> Path:
        path = SHARED_DATA / relative
        if not path.exists():
            pytest.skip(f"shared test data {relative} is absent (expected at {path.resolve()})")
        return path

    return require


@pytest.fixture
def seed_path() -> Path:
    """The seed article shipped in the repository's corpus folder."""
    if not SEED_FILE.is_file():
        pytest.skip(f"seed article {SEED_FILE} is absent")
    return SEED_FILE


@pytest.fixture
def write_corpus(tmp_path: Path) -> Callable[[dict[str, str | bytes]], Path]:
    """Write {relative name: text or bytes} into tmp_path/corpus and return the folder."""

    def write(files: dict[str, str | bytes], folder: Path | None = None) -> Path:
        root = folder or tmp_path / "corpus"
        root.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return root

    return write


@pytest.fixture(scope="session")
def embedder():
    """The real packaged MiniLM, loaded once for the whole session (named explicitly, so a
    QA_EMBEDDING_MODEL set in the environment does not swap the model under the tests)."""
    from index.embedder import DEFAULT_MODEL, Embedder

    return Embedder(DEFAULT_MODEL).load()


@pytest.fixture
def recording_embedder(embedder):
    """Factory for RecordingEmbedder views of the session embedder."""

    def make(model_hash: str | None = None, name: str | None = None) -> RecordingEmbedder:
        return RecordingEmbedder(embedder, model_hash=model_hash, name=name)

    return make


class RecordingEmbedder:
    """Stands in for an Embedder: delegates to a real one, records every text it is asked to encode,
    and can claim another model identity (to exercise model-change detection)."""

    def __init__(self, inner, model_hash: str | None = None, name: str | None = None) -> None:
        self._inner = inner
        self._model_hash = model_hash
        self._name = name
        self.encoded: list[str] = []
        self.calls = 0

    @property
    def name(self) -> str:
        return self._name or self._inner.name

    @property
    def model_hash(self) -> str:
        return self._model_hash or self._inner.model_hash

    @property
    def dimension(self) -> int:
        return self._inner.dimension

    def load(self):
        self._inner.load()
        return self

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        self.calls += 1
        self.encoded.extend(texts)
        return self._inner.encode(texts, progress=progress)
