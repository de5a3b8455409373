"""Inputs generated from the OpenAPI schema never produce a 5xx, and the server keeps serving."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.serve_util import seed_corpus, start_server, stop_server  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("fuzz")
    process, base, _ = start_server(seed_corpus(root / "corpus"), root / "index", root / "conv.sqlite3")
    try:
        yield base
    finally:
        stop_server(process)


def test_no_5xx_for_generated_requests(server: str) -> None:
    schema = schemathesis.openapi.from_url(f"{server}/openapi.json")
    failures: list[str] = []
    calls: list[str] = []
    for operation in schema.get_all_operations():
        api = operation.ok()
        if not api.path.startswith("/api/"):
            continue
        label = f"{api.method.upper()} {api.path}"

        @settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(api.as_strategy())
        def check(case) -> None:  # type: ignore[no-untyped-def]
            response = case.call(base_url=server, timeout=60)
            calls.append(label)  # noqa: B023 - check() runs within this iteration
            if response.status_code >= 500:
                failures.append(f"{label}: {response.status_code} for {case.body!r}")  # noqa: B023

        check()
    assert not failures, "\n".join(failures[:10])
    assert {"POST /api/ask", "GET /api/documents/{doc_id}", "GET /api/conversations/{conversation_id}"} <= set(calls)
    assert httpx.get(f"{server}/api/health", timeout=10).status_code == 200
