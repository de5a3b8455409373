"""Micro-batching of question embeddings: concurrent questions share one model call.

Opportunistic rather than timed: a lone question is encoded at once, in the caller's own thread (no
waiting window and no hand-off, so sequential latency is unchanged); questions that arrive while the
model is busy queue up and go through together in the next call, which is cheaper per question than one
call each on a CPU.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future

import numpy as np

MAX_BATCH = 32


class MicroBatcher:
    def __init__(self, encode: Callable[[list[str]], np.ndarray], max_batch: int = MAX_BATCH) -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        self._encode = encode
        self._max = max_batch
        self._queue: queue.Queue[tuple[str, Future[np.ndarray]]] = queue.Queue()
        self._worker: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._model = threading.Lock()  # held by whoever is calling the model: one call at a time
        self.calls = 0  # model calls made, for benchmarks and tests
        self.items = 0  # texts encoded

    def encode_one(self, text: str) -> np.ndarray:
        if self._queue.empty() and self._model.acquire(blocking=False):
            # The model is idle and nobody waits: encode here rather than hand the text to the worker
            # thread and back. (With a queue, newcomers join it, so waiting questions are not overtaken.)
            try:
                vector = self._encode([text])[0]
                self.calls += 1
                self.items += 1
            finally:
                self._model.release()
            return vector
        self._ensure_worker()
        future: Future[np.ndarray] = Future()
        self._queue.put((text, future))
        return future.result()

    def _ensure_worker(self) -> None:
        if self._worker is None:
            with self._start_lock:
                if self._worker is None:
                    self._worker = threading.Thread(target=self._run, name="embedding-batcher", daemon=True)
                    self._worker.start()

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            while len(batch) < self._max:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                with self._model:
                    vectors = self._encode([text for text, _ in batch])
                    self.calls += 1
                    self.items += len(batch)
            except BaseException as exc:  # noqa: BLE001 - handed to every waiting caller
                for _, future in batch:
                    future.set_exception(exc)
                continue
            for (_, future), vector in zip(batch, vectors, strict=True):
                future.set_result(vector)
