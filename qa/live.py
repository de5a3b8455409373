"""A living index: background incremental builds after corpus writes, and adoption of builds made elsewhere.

`LiveIndex` owns two daemon threads beside a loaded `Answerer`:

  - the builder waits for build requests. Requests coalesce: however many writes arrive while it is busy,
    one more build follows, and it reads the corpus as it stands then. A build is `index.store.build_index`
    (incremental: only new or changed articles are embedded; atomic: a temporary folder, then the CURRENT
    pointer), then the new build is loaded and handed to `Answerer.swap`, which replaces the live index in
    one assignment. A question in flight keeps the index it started with. The builder runs at a lower CPU
    priority and with a short GIL switch interval, so questions asked during a build stay fast.
  - the watcher reads the index folder's CURRENT pointer every `poll_seconds` (one small file read) and,
    when another process (`qa index`) has made a new build live, loads and swaps it the same way.

A failed build changes nothing that is live: the previous index keeps answering, the corpus keeps the
written article, and the error is reported in `status()` until the next build succeeds.

Writes are numbered (`request_build` returns the number): a write is answerable once `status().live.seq`
reaches its number, which is how a client knows its article is live.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from index.chunker import ChunkParams
from index.errors import IndexCorrupt, IndexError_, IndexMissing
from index.ingest import scan_corpus
from index.store import DocumentRecord, LoadedIndex, build_index, expected_settings, load_index, staleness
from qa.answerer import Answerer

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0
# Coarse progress of a build by stage (the stages build_index reports, plus ours around it). Embedding is
# most of an incremental build's time for a large article; writing is most of it for a large corpus.
STAGE_PROGRESS = {
    "queued": 0.0, "scan": 0.05, "annotate": 0.15, "segment": 0.2, "embed": 0.3, "write": 0.6,
    "load": 0.85, "swap": 0.95,
}
LOAD_ATTEMPTS = 3  # a build made elsewhere may replace the one being read; read CURRENT again
# While a build runs, the interpreter hands the GIL between threads every 0.5 ms instead of 5 ms. Much of a
# build is pure Python (reading the corpus, BM25 terms, assembling rows), and a question waits for the GIL
# after each of its many model calls: at 5 ms a wait, questions during a build took ~2.3x their idle p50
# over the BBC set (bench/live_add.py).
BUILD_SWITCH_INTERVAL = 0.0005
# The builder thread (and the tagging thread it starts) runs this much nicer than the server, so when the
# CPU is short, questions get it first; an idle CPU still goes to the build. Over the BBC set on two cores
# kept busy by other work: +0 answered the new article in 6.8 s with questions at 2.1x their idle p50
# during the build; +2, 8.8 s and 1.6x; +5, 12.1 s and 1.3x (bench/live_add.py).
BUILD_NICENESS = 2


@dataclass(frozen=True)
class LiveBuild:
    """The index that answers questions now."""

    build: str
    documents: int
    passages: int
    sentences: int
    built_at: str | None
    seq: int  # every write numbered up to this one is in it


@dataclass(frozen=True)
class RunningBuild:
    stage: str
    progress: float
    started_at: float  # Unix time
    reason: str
    seq: int  # the writes this build will make live
    to_embed: int | None = None  # articles new or changed since the live build


@dataclass(frozen=True)
class BuildError:
    message: str
    at: float  # Unix time
    seq: int


@dataclass(frozen=True)
class IndexStatus:
    live: LiveBuild | None
    running: RunningBuild | None
    queued: bool  # another build will follow the running one
    seq: int  # the latest write's number
    last_error: BuildError | None
    last_build_seconds: float | None
    skipped: list[dict[str, Any]] = field(default_factory=list)

    @property
    def up_to_date(self) -> bool:
        return self.live is not None and self.live.seq >= self.seq

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "up_to_date": self.up_to_date}


class LiveIndex:
    """Background builds and the CURRENT watcher for one loaded `Answerer` (see the module docstring)."""

    def __init__(self, answerer: Answerer, params: ChunkParams | None = None,
                 poll_seconds: float = POLL_SECONDS, warm_up: bool = True, niceness: int = BUILD_NICENESS) -> None:
        if poll_seconds <= 0:
            raise ValueError("poll_seconds must be positive")
        if not 0 <= niceness <= 19:
            raise ValueError("niceness must be between 0 and 19")
        self.niceness = niceness
        self.answerer = answerer
        self.params = params or ChunkParams()
        self.poll_seconds = poll_seconds
        self.warm_up = warm_up
        self._cond = threading.Condition()
        self._swap_lock = threading.Lock()  # one load-and-swap at a time, so CURRENT's order is kept
        self._stopping = threading.Event()
        self._requested: list[str] = []  # reasons of requests not yet taken by a build
        self._seq = 0
        self._live_seq = 0
        self._running: RunningBuild | None = None
        self._last_error: BuildError | None = None
        self._last_seconds: float | None = None
        self._rejected: str | None = None  # a build name the watcher would not adopt (logged once)
        self._threads: list[threading.Thread] = []

    # ---------------------------------------------------------------------------------------- control

    def start(self) -> LiveIndex:
        if self.answerer.index is None:
            raise RuntimeError("load the answerer before starting its live index")
        if not self._threads:
            self._threads = [
                threading.Thread(target=self._builder, name="index-builder", daemon=True),
                threading.Thread(target=self._watcher, name="index-watcher", daemon=True),
            ]
            for thread in self._threads:
                thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop both threads. A build in progress is abandoned at exit; its temporary folder is removed by
        the next build, and the live index was never touched."""
        self._stopping.set()
        with self._cond:
            self._cond.notify_all()
        for thread in self._threads:
            thread.join(timeout)
        self._threads = []

    def request_build(self, reason: str) -> int:
        """Ask for a build that includes every corpus change made so far; returns this write's number."""
        with self._cond:
            self._seq += 1
            self._requested.append(reason)
            self._cond.notify_all()
            return self._seq

    def wait(self, seq: int, timeout: float) -> bool:
        """Block until the write numbered `seq` is live, or a build covering it has failed, or `timeout`
        seconds pass. True when it is live."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._live_seq < seq:
                failed = self._last_error is not None and self._last_error.seq >= seq
                remaining = deadline - time.monotonic()
                if failed or remaining <= 0:
                    return False
                self._cond.wait(min(remaining, 0.5))
            return True

    def status(self) -> IndexStatus:
        index = self.answerer.index
        with self._cond:
            live = None
            if index is not None:
                counts = index.manifest.get("counts", {})
                live = LiveBuild(index.path.name, counts.get("documents", len(index.documents)),
                                 counts.get("passages", len(index.passages)),
                                 counts.get("sentences", len(index.sentences)),
                                 index.manifest.get("built_at"), self._live_seq)
            return IndexStatus(
                live=live, running=self._running, queued=bool(self._requested), seq=self._seq,
                last_error=self._last_error, last_build_seconds=self._last_seconds,
                skipped=[s.to_dict() for s in index.skipped] if index is not None else [],
            )

    # ---------------------------------------------------------------------------------------- builder

    def _builder(self) -> None:
        self._lower_priority()
        if self.warm_up:
            self._warm_up()
        while not self._stopping.is_set():
            with self._cond:
                while not self._requested and not self._stopping.is_set():
                    self._cond.wait()
                if self._stopping.is_set():
                    return
                seq, reasons = self._seq, self._requested
                self._requested = []
                reason = reasons[0] if len(reasons) == 1 else f"{len(reasons)} corpus changes"
                self._running = RunningBuild("scan", STAGE_PROGRESS["scan"], time.time(), reason, seq)
            started = time.perf_counter()
            interval = sys.getswitchinterval()
            sys.setswitchinterval(min(interval, BUILD_SWITCH_INTERVAL))
            try:
                self._build(seq, reason)
            except Exception as exc:  # noqa: BLE001 - any failure leaves the live index as it was; report it
                log.exception("index build failed (%s); the previous index is still live", reason)
                message = str(exc) if isinstance(exc, IndexError_ | OSError) else f"{type(exc).__name__}: {exc}"
                with self._cond:
                    self._last_error = BuildError(message, time.time(), seq)
            finally:
                sys.setswitchinterval(interval)
                with self._cond:
                    self._running = None
                    self._last_seconds = time.perf_counter() - started
                    self._cond.notify_all()

    def _build(self, seq: int, reason: str) -> None:
        answerer, live = self.answerer, self.answerer.index
        scan = scan_corpus(answerer.corpus_dir)
        expected = expected_settings(answerer.embedder, self.params)
        pointer = _read_current(answerer.index_dir)
        if live is not None and pointer == live.path.name and staleness(live.manifest, expected, scan) is None:
            self._made_live(seq)  # the corpus is back as the live build has it (say, added then deleted)
            return
        known = {d.text_hash for d in live.documents} if live is not None else set()
        to_embed = sum(DocumentRecord.from_article(a).text_hash not in known for a in scan.articles)
        self._stage("annotate" if to_embed else "write", to_embed=to_embed)
        build_index(answerer.corpus_dir, answerer.index_dir, answerer.embedder, self.params, scan=scan,
                    reason=reason, on_stage=self._stage, previous_index=live)
        self._stage("load")
        self._load_and_swap(seq)

    def _stage(self, stage: str, to_embed: int | None = None) -> None:
        with self._cond:
            if self._running is not None:
                self._running = RunningBuild(
                    stage, STAGE_PROGRESS.get(stage, self._running.progress), self._running.started_at,
                    self._running.reason, self._running.seq,
                    to_embed if to_embed is not None else self._running.to_embed,
                )

    def _lower_priority(self) -> None:
        """Renice this thread alone, `niceness` above where it was: on Linux a thread is its own scheduling
        entity (elsewhere the call would renice the whole process, so it is skipped)."""
        if self.niceness and sys.platform.startswith("linux"):
            try:
                thread = threading.get_native_id()
                nice = min(19, os.getpriority(os.PRIO_PROCESS, thread) + self.niceness)
                os.setpriority(os.PRIO_PROCESS, thread, nice)
            except OSError:
                log.warning("could not lower the index builder's priority", exc_info=True)

    def _warm_up(self) -> None:
        """Load the build-time tagger now, so the first write does not wait a second or two for it."""
        try:
            from index.annotator import annotate

            annotate(["Warm up."])
        except Exception:  # noqa: BLE001 - a real build will report the same problem
            log.exception("could not load the build-time tagger")

    # ---------------------------------------------------------------------------------- load and swap

    def _load_and_swap(self, seq: int | None) -> bool:
        """Load the build CURRENT names and make it live. Returns False when it was not adopted."""
        answerer = self.answerer
        with self._swap_lock:
            for attempt in range(LOAD_ATTEMPTS):
                try:
                    index = load_index(answerer.index_dir)
                    break
                except (IndexMissing, IndexCorrupt):
                    if attempt == LOAD_ATTEMPTS - 1:
                        raise
                    time.sleep(0.2)
            live = answerer.index
            if live is None or index.path != live.path:
                problem = _incompatible(index, expected_settings(answerer.embedder, self.params))
                if problem:
                    if self._rejected != index.path.name:
                        log.warning("not adopting build %s: %s", index.path.name, problem)
                        self._rejected = index.path.name
                    if seq is not None:
                        raise IndexCorrupt(f"build {index.path.name} cannot be used: {problem}")
                    return False
                self._stage("swap")
                answerer.swap(index)
                log.info("index %s is live: %s", index.path.name, index.manifest.get("counts"))
            if seq is not None:
                self._made_live(seq)
            return True

    def _made_live(self, seq: int) -> None:
        with self._cond:
            self._live_seq = max(self._live_seq, seq)
            if self._last_error is not None and self._last_error.seq <= seq:
                self._last_error = None
            # Cleared here, under the same lock as the live seq, so no status shows a build both live and
            # still running (a waiter woken by this notify could otherwise read the 'swap' stage).
            if self._running is not None and self._running.seq <= seq:
                self._running = None
            self._cond.notify_all()

    # ---------------------------------------------------------------------------------------- watcher

    def _watcher(self) -> None:
        while not self._stopping.wait(self.poll_seconds):
            self.check_current()

    def check_current(self) -> bool:
        """Adopt a build another process made live; True when one was swapped in. Cheap when nothing
        changed: one read of the CURRENT file. Skipped while our own build runs (it loads CURRENT last)."""
        live = self.answerer.index
        name = _read_current(self.answerer.index_dir)
        if live is None or not name or name == live.path.name or name == self._rejected:
            return False
        with self._cond:
            if self._running is not None:
                return False
        try:
            return self._load_and_swap(None)
        except Exception:  # noqa: BLE001 - a half-finished or removed build: try again at the next poll
            log.warning("could not load the index build %s; will retry", name, exc_info=True)
            return False


def _read_current(index_dir: Path) -> str | None:
    try:
        return (index_dir / "CURRENT").read_text().strip() or None
    except OSError:
        return None


def _incompatible(index: LoadedIndex, expected: dict[str, Any]) -> str | None:
    """Why a build cannot serve this process (another model, chunking or format), or None."""
    settings = index.manifest.get("settings", {})
    for key, value in expected.items():
        if settings.get(key) != value:
            return f"it was built with other {key} settings"
    return None


__all__ = ["BuildError", "IndexStatus", "LiveBuild", "LiveIndex", "RunningBuild"]
