"""Requests generated from the OpenAPI schema (schemathesis + hypothesis) against a real `qa serve`:
no input produces a 5xx, every response matches the documented statuses and shapes, the server keeps serving."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bench.serve_util import seed_corpus, start_server, stop_server

pytestmark = pytest.mark.slow

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
ENDPOINTS = [("POST", "/api/ask"), ("GET", "/api/documents/{doc_id}"),
             ("GET", "/api/conversations/{conversation_id}")]

QUESTION = "Who convened the Critical Minerals Ministerial?"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("fuzz")
    process, base = start_server(seed_corpus(root / "corpus"), root / "index", root / "conversations.sqlite3",
                                 torch_threads=1, log=root / "serve.log", timeout=180)
    try:
        yield base
    finally:
        stop_server(process)


@pytest.fixture(scope="module")
def known(server: str) -> dict[str, str]:
    """Ids that exist, so that some generated requests reach past the 404 (a real conversation and document),
    and the answer the server gave before any fuzzing."""
    reply = httpx.post(f"{server}/api/ask", json={"question": QUESTION}, timeout=60).json()
    assert reply["answer"], "the server must answer the question before the fuzzing"
    return {"conversation_id": reply["conversation_id"], "doc_id": reply["citations"][0]["doc_id"],
            "answer": reply["answer"]}


@pytest.fixture(scope="module")
def schema(server: str):  # type: ignore[no-untyped-def]
    return schemathesis.openapi.from_url(f"{server}/openapi.json")


@pytest.mark.parametrize(("method", "path"), ENDPOINTS, ids=[f"{m} {p}" for m, p in ENDPOINTS])
def test_generated_requests_get_no_5xx(
    server: str, schema, known: dict[str, str], method: str, path: str,  # noqa: ANN001
) -> None:
    operation = schema[path][method]
    statuses: list[int] = []
    problems: list[str] = []
    strategies = [operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)]
    if method == "POST":  # follow-ups in a conversation that exists
        strategies.append(st.text(max_size=300).flatmap(lambda q: operation.as_strategy(
            body={"question": q, "conversation_id": known["conversation_id"]})))
    else:
        name = path.split("{")[1].rstrip("}")
        strategies.append(operation.as_strategy(path_parameters={name: known[name]}))
    cases = st.one_of(*strategies)

    @settings(max_examples=50, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @given(cases)
    def check(case) -> None:  # type: ignore[no-untyped-def]
        response = case.call(base_url=server, timeout=60)
        statuses.append(response.status_code)
        try:
            case.validate_response(response, checks=CHECKS)
        except Exception as exc:  # noqa: BLE001 - every failed check is collected, then reported together
            problems.append(f"{response.status_code} for {case.method} {case.formatted_path} "
                            f"body={getattr(case, 'body', None)!r:.200}: {str(exc)[:500]}")

    check()
    assert len(statuses) >= 10, f"only {len(statuses)} requests were generated"
    assert all(s < 500 for s in statuses), "\n".join(problems[:10])
    assert not problems, "\n".join(problems[:10])
    assert httpx.get(f"{server}/api/health", timeout=10).status_code == 200


def test_server_still_answers_after_the_fuzzing(server: str, known: dict[str, str]) -> None:
    """The same answer as before the fuzzing (what it is, right or wrong, is the question sets' business)."""
    reply = httpx.post(f"{server}/api/ask", json={"question": QUESTION}, timeout=60)
    assert reply.status_code == 200 and reply.json()["answer"] == known["answer"]


