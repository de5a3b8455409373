"""LiveIndex: coalesced background builds swapped in whole, failures that change nothing live, and builds
made by another process adopted through the CURRENT pointer. A stand-in answerer holds the live index;
the embedder and the builds are real."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from index.chunker import ChunkParams
from index.errors import IndexWriteError
from index.store import LoadedIndex, build_index, ensure_index
from qa import live as live_module
from qa.live import LiveIndex

pytestmark = pytest.mark.slow

WAIT = 120.0  # seconds; a build of a few short articles takes well under one here


class StandIn:
    """The part of Answerer that LiveIndex uses: paths, the embedder, the live index and `swap`."""

    def __init__(self, corpus_dir: Path, index_dir: Path, embedder) -> None:  # noqa: ANN001
        self.corpus_dir, self.index_dir, self.embedder = corpus_dir, index_dir, embedder
        self.index: LoadedIndex | None = ensure_index(corpus_dir, index_dir, embedder)[0]
        self.swapped: list[str] = []

    def swap(self, index: LoadedIndex) -> None:
        self.swapped.append(index.path.name)
        self.index = index


@pytest.fixture(scope="module")
def embedder():  # type: ignore[no-untyped-def]
    import torch

    from index.embedder import DEFAULT_MODEL, Embedder

    torch.set_num_threads(1)
    return Embedder(DEFAULT_MODEL).load()


@pytest.fixture
def stand_in(tmp_path: Path, embedder) -> StandIn:  # noqa: ANN001
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "geneva.txt").write_text("Storm data deal\n\nOfficials met in Geneva on Monday.\n", encoding="utf-8")
    return StandIn(corpus, tmp_path / "index", embedder)


@pytest.fixture
def make_live(stand_in: StandIn) -> Iterator[Callable[..., LiveIndex]]:
    started: list[LiveIndex] = []

    def make(**options: object) -> LiveIndex:
        live = LiveIndex(stand_in, warm_up=False, **options)  # type: ignore[arg-type]
        started.append(live)
        return live

    yield make
    for live in started:
        live.stop()


def doc_ids(stand_in: StandIn) -> list[str]:
    assert stand_in.index is not None
    return sorted(d.doc_id for d in stand_in.index.documents)


def until(condition: Callable[[], bool], timeout: float = WAIT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_requests_made_before_a_build_share_it(stand_in: StandIn, make_live: Callable[..., LiveIndex]) -> None:
    live = make_live()
    for name in ("a", "b", "c"):
        (stand_in.corpus_dir / f"{name}.txt").write_text(f"Story {name}\n\nThe {name} story happened.\n")
        live.request_build(f"added {name}")
    live.start()
    assert live.wait(3, WAIT)
    assert doc_ids(stand_in) == ["a", "b", "c", "geneva"]
    assert len(stand_in.swapped) == 1, "three writes, one build"
    status = live.status()
    assert status.up_to_date and status.live is not None and status.live.seq == 3
    assert status.running is None and status.last_error is None


def test_nothing_to_build_still_makes_the_write_live(stand_in: StandIn, make_live: Callable[..., LiveIndex]) -> None:
    live = make_live().start()
    assert live.wait(live.request_build("nothing changed"), WAIT)
    assert stand_in.swapped == []


def test_a_failed_build_keeps_the_live_index_and_reports(
    stand_in: StandIn, make_live: Callable[..., LiveIndex], monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = stand_in.index
    real = live_module.build_index
    calls: list[str] = []

    def failing_once(*args: object, **kwargs: object) -> object:
        calls.append("build")
        if len(calls) == 1:
            raise IndexWriteError("no space left on the device; the previous index is still in use")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(live_module, "build_index", failing_once)
    live = make_live().start()
    (stand_in.corpus_dir / "new.txt").write_text("New story\n\nSomething new happened.\n")
    seq = live.request_build("added new.txt")
    assert not live.wait(seq, WAIT), "wait returns False once the build covering the write has failed"
    status = live.status()
    assert status.last_error is not None and "no space left" in status.last_error.message
    assert status.last_error.seq == seq and not status.up_to_date
    assert stand_in.index is before and stand_in.swapped == []
    assert (stand_in.corpus_dir / "new.txt").is_file(), "the corpus keeps the written article"

    assert live.wait(live.request_build("retry"), WAIT)
    assert doc_ids(stand_in) == ["geneva", "new"]
    assert live.status().last_error is None


def test_a_build_made_elsewhere_is_adopted(stand_in: StandIn, make_live: Callable[..., LiveIndex]) -> None:
    make_live(poll_seconds=0.1).start()
    (stand_in.corpus_dir / "other.txt").write_text("Other story\n\nAnother process indexed this.\n")
    build_index(stand_in.corpus_dir, stand_in.index_dir, stand_in.embedder)  # what `qa index` does
    current = (stand_in.index_dir / "CURRENT").read_text().strip()
    assert until(lambda: stand_in.index is not None and stand_in.index.path.name == current)
    assert doc_ids(stand_in) == ["geneva", "other"]


def test_a_build_with_other_settings_is_not_adopted(stand_in: StandIn, make_live: Callable[..., LiveIndex]) -> None:
    live = make_live(poll_seconds=0.1)
    before = stand_in.index
    build_index(stand_in.corpus_dir, stand_in.index_dir, stand_in.embedder,
                ChunkParams(sentences_per_passage=2, overlap=0), rebuild=True)
    assert not live.check_current()
    assert stand_in.index is before and stand_in.swapped == []


def test_status_before_start_and_bad_arguments(stand_in: StandIn) -> None:
    with pytest.raises(ValueError, match="poll_seconds"):
        LiveIndex(stand_in, poll_seconds=0)  # type: ignore[arg-type]
    status = LiveIndex(stand_in, warm_up=False).status()  # type: ignore[arg-type]
    assert status.to_dict()["up_to_date"] is True and status.seq == 0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice values are a Linux feature")
def test_the_builder_alone_runs_at_a_lower_priority(make_live: Callable[..., LiveIndex]) -> None:
    live = make_live(niceness=3).start()
    builder = next(t for t in live._threads if t.name == "index-builder")
    assert builder.native_id is not None
    assert until(lambda: os.getpriority(os.PRIO_PROCESS, builder.native_id) == os.getpriority(os.PRIO_PROCESS, 0) + 3,
                 timeout=10)
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == os.getpriority(os.PRIO_PROCESS, 0)
