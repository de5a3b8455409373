"""qa.smalltalk: greetings, thanks, help and goodbyes are recognised; questions about the briefing are not."""

from __future__ import annotations

import pytest

from qa.smalltalk import classify, reply

CLASSIFY = [
    ("hello", "greeting", "hello"),
    ("Hi there!", "greeting", "hi-there"),
    ("Hey bot", "greeting", "hey-bot"),
    ("Good morning", "greeting", "good-morning"),
    ("  hello  ", "greeting", "padded"),
    ("thanks", "thanks", "thanks"),
    ("Thank you very much!", "thanks", "thank-you"),
    ("ok", "thanks", "ok"),
    ("help", "help", "help"),
    ("What can you do?", "help", "what-can-you-do"),
    ("How does this work?", "help", "how-does-this-work"),
    ("bye", "bye", "bye"),
    ("That's all!", "bye", "thats-all"),
    ("Who convened the Critical Minerals Ministerial?", None, "question"),
    ("Hello, who convened the Finance Ministerial?", None, "greeting-then-question"),
    ("Thanks! Who is Marco Rubio?", None, "thanks-then-question"),
    ("What is this briefing about?", None, "summary-request"),
    ("Hilary Clinton", None, "greeting-prefix-inside-a-word"),
]


@pytest.mark.parametrize(("message", "kind"), [c[:2] for c in CLASSIFY], ids=[c[2] for c in CLASSIFY])
def test_classify(message: str, kind: str | None) -> None:
    assert classify(message) == kind


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        pytest.param(
            "What do you know about Sergio Gor?", None, id="what-do-you-know-about-x",
        ),
        pytest.param(
            "Cool, who is Rubio", None, id="acknowledgement-then-question",
        ),
        pytest.param(
            "?", "help", id="lone-question-mark",
        ),
        pytest.param(
            "hello?", "greeting", id="greeting-with-question-mark",
        ),
    ],
)
def test_classify_edge_cases(message: str, kind: str | None) -> None:
    assert classify(message) == kind


@pytest.mark.parametrize("kind", ["greeting", "thanks", "help"])
def test_reply_lists_the_examples(kind: str) -> None:
    examples = ["What is this briefing about?", "Who is Marco Rubio?"]
    text = reply(kind, examples)
    assert all(f"“{q}”" in text for q in examples)
    assert reply(kind, []).strip() and "Try:" not in reply(kind, [])


def test_goodbye_has_no_examples() -> None:
    assert "Try:" not in reply("bye", ["What is this briefing about?"])
