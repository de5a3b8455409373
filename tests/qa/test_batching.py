"""Micro-batching: concurrent callers share model calls, each gets its own vector, errors reach everyone."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from qa.batching import MicroBatcher


def slow_encode(texts: list[str]) -> np.ndarray:
    time.sleep(0.05)  # a model call long enough for other callers to queue behind it
    return np.array([[len(t), i] for i, t in enumerate(texts)], dtype=np.float32)


def test_lone_call_returns_its_vector() -> None:
    batcher = MicroBatcher(lambda texts: np.array([[len(t)] for t in texts], dtype=np.float32))
    assert batcher.encode_one("abcd")[0] == 4
    assert batcher.calls == 1


def test_concurrent_calls_share_model_calls_and_keep_their_own_results() -> None:
    batcher = MicroBatcher(slow_encode)
    results: dict[str, float] = {}

    def ask(text: str) -> None:
        results[text] = float(batcher.encode_one(text)[0])

    threads = [threading.Thread(target=ask, args=("x" * n,)) for n in range(1, 17)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert results == {"x" * n: float(n) for n in range(1, 17)}
    assert batcher.items == 16
    assert batcher.calls < 16  # at least some questions rode together


def test_an_encoding_error_reaches_the_caller_and_the_worker_survives() -> None:
    calls = {"n": 0}

    def flaky(texts: list[str]) -> np.ndarray:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("model fell over")
        return np.ones((len(texts), 2), dtype=np.float32)

    batcher = MicroBatcher(flaky)
    with pytest.raises(RuntimeError, match="fell over"):
        batcher.encode_one("first")
    assert batcher.encode_one("second").shape == (2,)


def test_rejects_empty_batches() -> None:
    with pytest.raises(ValueError):
        MicroBatcher(slow_encode, max_batch=0)


def test_a_lone_call_is_encoded_in_the_callers_thread() -> None:
    """No hand-off to the worker thread when the model is idle: sequential latency pays no thread switch."""
    seen: list[threading.Thread] = []

    def encode(texts: list[str]) -> np.ndarray:
        seen.append(threading.current_thread())
        return np.ones((len(texts), 2), dtype=np.float32)

    batcher = MicroBatcher(encode)
    batcher.encode_one("a")
    batcher.encode_one("b")
    assert seen == [threading.current_thread()] * 2
    assert batcher.calls == 2 and batcher.items == 2
