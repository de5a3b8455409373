"""Fault tests: processes killed mid-work, corpus files vanishing or unreadable, disks refusing writes,
schema-generated bad HTTP input. Servers listen on 127.0.0.1 only; every wait is bounded."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from subprocess import Popen

import pytest

REPO = Path(__file__).resolve().parents[2]
# --import-mode=importlib puts no folder on sys.path; the server helpers live in bench/serve_util.py.
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.serve_util import start_server, stop_server  # noqa: E402

ARTICLES = {
    "geneva.txt": "Storm data deal\n\nOfficials from twelve countries met in Geneva on Monday. They agreed to "
                  "share data on storms. The next meeting will be held in March.\n",
    "council.txt": "Budget approved\n\nThe city council approved the budget on Tuesday. Spending on parks rises "
                   "by 4%. Mayor Ana Ruiz called it a fair plan.\n",
    "bridge.txt": "Bridge reopens\n\nThe Tamar bridge reopened on Friday after repairs that cost 3 million pounds. "
                  "Engineers replaced 40 cables.\n",
}
MORE_ARTICLES = {
    "harbour.txt": "Harbour dredged\n\nWork to dredge the harbour began in May. The port authority expects larger "
                   "ships by 2027.\n",
    "library.txt": "Library extended\n\nThe central library opened a new wing on Saturday. It holds 20,000 books "
                   "and a children's room.\n",
    "marathon.txt": "Marathon record\n\nKeza Otieno won the city marathon on Sunday in 2 hours 21 minutes, a "
                    "course record.\n",
}


@pytest.fixture
def articles() -> dict[str, str]:
    """Three short articles (file name -> text)."""
    return dict(ARTICLES)


@pytest.fixture
def more_articles() -> dict[str, str]:
    """Three more, added between builds."""
    return dict(MORE_ARTICLES)


@pytest.fixture(scope="session")
def embedder():  # type: ignore[no-untyped-def]
    """One real embedder for the in-process tests, on one torch thread (the machine is small and shared)."""
    import torch

    from index.embedder import Embedder

    torch.set_num_threads(1)
    return Embedder().load()


@pytest.fixture
def write_corpus() -> Callable[[Path, dict[str, str]], Path]:
    def write(folder: Path, articles: dict[str, str]) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in articles.items():
            (folder / name).write_text(text, encoding="utf-8")
        return folder

    return write


@pytest.fixture
def servers() -> Iterator[Callable[..., tuple[Popen[bytes], str]]]:
    """Start `qa serve` subprocesses (one torch thread each); every one still running is stopped at teardown."""
    started: list[Popen[bytes]] = []

    def start(corpus: Path, index: Path, db: Path, log: Path | None = None) -> tuple[Popen[bytes], str]:
        process, base = start_server(corpus, index, db, torch_threads=1, log=log, timeout=180)
        started.append(process)
        return process, base

    yield start
    for process in started:
        stop_server(process, kill=True)
