"""The packaged MiniLM: verified extraction into the cache, and unit-length 384-d embeddings."""

from __future__ import annotations

import hashlib
import importlib.metadata

import numpy as np
import pytest

import index.embedder as embedder_module
from index.embedder import (
    DEFAULT_MODEL,
    WEIGHTS_SHA256,
    Embedder,
    ModelError,
    cache_dir,
    packaged_model_dir,
    resolve_model,
    sha256_file,
)


def test_sha256_file_matches_hashlib(tmp_path):
    path = tmp_path / "blob.bin"
    data = bytes(range(256)) * 9000  # spans several read blocks
    path.write_bytes(data)
    assert sha256_file(path) == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"QA_CACHE_DIR": "/somewhere/qa"}, "/somewhere/qa"),
        ({"XDG_CACHE_HOME": "/xdg"}, "/xdg/briefing-qa"),
        ({"QA_CACHE_DIR": "/wins", "XDG_CACHE_HOME": "/xdg"}, "/wins"),
    ],
    ids=["qa-cache-dir", "xdg-cache-home", "qa-cache-dir-wins"],
)
def test_cache_dir_follows_environment(monkeypatch, env, expected):
    monkeypatch.delenv("QA_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert str(cache_dir()) == expected


def test_missing_model_package_is_a_model_error(monkeypatch):
    def not_installed(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(embedder_module.importlib.metadata, "distribution", not_installed)
    with pytest.raises(ModelError, match="make setup"):
        packaged_model_dir()


def test_batch_size_must_be_positive():
    with pytest.raises(ValueError, match="batch_size"):
        Embedder(batch_size=0)


@pytest.mark.parametrize(
    "kind", ["hub-name", "folder-with-weights", "folder-without-weights"],
)
def test_resolve_model_identity_for_other_models(tmp_path, kind):
    if kind == "hub-name":
        name = "sentence-transformers/paraphrase-MiniLM-L3-v2"
        assert resolve_model(name) == (name, hashlib.sha256(name.encode()).hexdigest())
        return
    folder = tmp_path / "model"
    folder.mkdir()
    if kind == "folder-with-weights":
        (folder / "model.safetensors").write_bytes(b"weights")
        assert resolve_model(str(folder)) == (str(folder), hashlib.sha256(b"weights").hexdigest())
    else:
        assert resolve_model(str(folder))[1] == hashlib.sha256(str(folder).encode()).hexdigest()


@pytest.mark.slow
def test_packaged_model_dir_holds_verified_weights():
    folder = packaged_model_dir()
    assert sha256_file(folder / "model.safetensors") == WEIGHTS_SHA256
    for name in ("config.json", "modules.json", "tokenizer.json"):
        assert (folder / name).is_file(), name
    assert resolve_model(DEFAULT_MODEL) == (str(folder), WEIGHTS_SHA256)


@pytest.mark.slow
@pytest.mark.parametrize(
    "damage", ["garbage", "truncated", "deleted"],
    ids=["garbage-weights", "truncated-weights", "deleted-weights"],
)
def test_corrupted_cache_is_detected_and_re_extracted(tmp_path, monkeypatch, damage):
    monkeypatch.setenv("QA_CACHE_DIR", str(tmp_path / "cache"))
    folder = packaged_model_dir()
    assert folder.is_relative_to(tmp_path)  # never the real cache
    weights = folder / "model.safetensors"
    if damage == "garbage":
        weights.write_bytes(b"\x00garbage" * 1000)
    elif damage == "truncated":
        with weights.open("r+b") as handle:
            handle.truncate(weights.stat().st_size // 2)
    else:
        weights.unlink()
    assert not weights.is_file() or sha256_file(weights) != WEIGHTS_SHA256

    again = packaged_model_dir()

    assert again == folder
    assert sha256_file(again / "model.safetensors") == WEIGHTS_SHA256
    leftovers = [p.name for p in (tmp_path / "cache").iterdir() if p.name.startswith(".extract-")]
    assert leftovers == []


@pytest.mark.slow
def test_encode_returns_unit_float32_rows(embedder):
    texts = [
        "The city council approved the budget on Monday.",
        "The council passed the spending plan at Monday's meeting.",
        "The striker scored twice in the cup final.",
    ]
    vectors = embedder.encode(texts)
    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    assert vectors.flags["C_CONTIGUOUS"]
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder.dimension == 384
    # A paraphrase is nearer than an unrelated sentence: the real model, not noise, is loaded.
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2
    # One text alone embeds the same as inside a batch.
    np.testing.assert_allclose(embedder.encode(texts[2:])[0], vectors[2], atol=1e-5)


@pytest.mark.slow
def test_encode_empty_list(embedder):
    vectors = embedder.encode([])
    assert vectors.shape == (0, 384) and vectors.dtype == np.float32


@pytest.mark.slow
def test_embedder_identity_is_the_packaged_weights(embedder):
    assert embedder.name == "all-MiniLM-L6-v2"
    assert embedder.model_hash == WEIGHTS_SHA256


def test_question_path_gives_the_same_vectors_as_encode(embedder):
    """Questions skip SentenceTransformer.encode's batching machinery; the vectors must not change."""
    questions = ["Who convened the Critical Minerals Ministerial?", "  When?  ", "What is the capital of France?",
                 "Which countries' finance ministers attended the meeting held in Washington earlier this month?"]
    together = embedder.encode_questions(questions)
    assert together.dtype == np.float32 and together.shape == (4, 384)
    assert np.allclose(together, embedder.encode(questions), atol=1e-5)
    # One at a time (no padding) as in a micro-batch of several: the same rows.
    assert np.allclose(embedder.encode_questions(questions[:1]), together[:1], atol=1e-5)
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
