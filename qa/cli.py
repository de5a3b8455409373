"""The `qa` command: index, ask, eval, chat, serve. Each subcommand calls the same core as the web layer."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from index.errors import IndexError_, ModelError
from qa.settings import Settings, get_settings


def _answerer(settings: Settings, progress: bool = False):  # type: ignore[no-untyped-def]
    from qa.answerer import Answerer

    answerer = Answerer(settings.corpus_dir, settings.index_dir, settings.embedding_model)
    answerer.load(progress=progress)
    report = answerer.build_report
    if report is not None:
        print(f"index refreshed ({report.reason}): {report.summary()}", file=sys.stderr)
    return answerer


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    from index.embedder import Embedder
    from index.store import build_index, ensure_index

    embedder = Embedder(settings.embedding_model)
    progress = sys.stderr.isatty()
    started = time.perf_counter()
    if args.rebuild:
        report = build_index(settings.corpus_dir, settings.index_dir, embedder, progress=progress,
                             rebuild=True, reason="--rebuild")
        loaded = None
    else:
        loaded, report = ensure_index(settings.corpus_dir, settings.index_dir, embedder, progress=progress)
    if report is None:
        assert loaded is not None
        counts = loaded.manifest["counts"]
        skipped = loaded.skipped
        print("index is up to date")
        print(f"documents: {counts['documents']}\npassages: {counts['passages']}\n"
              f"sentences: {counts['sentences']}\nskipped: {len(skipped)}\n"
              f"seconds: {time.perf_counter() - started:.1f}")
    else:
        skipped = report.skipped
        print(f"built index in {settings.index_dir} ({report.reason})")
        print(f"documents: {report.documents}\npassages: {report.passages}\nsentences: {report.sentences}\n"
              f"skipped: {len(skipped)}\nembedded: {report.embedded_documents}\n"
              f"reused: {report.reused_documents}\nseconds: {report.seconds:.1f}")
    for item in skipped:
        print(f"skipped {item}", file=sys.stderr)
    return 1 if args.strict and skipped else 0


def _print_answer(payload: dict, out=None) -> None:  # type: ignore[no-untyped-def]
    out = out or sys.stdout
    if payload["resolved_question"] != payload["question"]:
        print(f"Understood as: {payload['resolved_question']}", file=out)
    if payload["answer"] is not None:
        print(f"Answer: {payload['answer']}   (confidence {payload['confidence']:.2f})", file=out)
    else:
        print(payload["message"], file=out)
    for number, c in enumerate(payload["citations"] or payload["related"], start=1):
        label = "" if payload["citations"] else "related "
        print(f"  [{number}] {label}{c['title']} ({c['date'] or 'undated'}) {c['doc_id']}:{c['start']}-{c['end']}",
              file=out)
        print(f"      {c['text']}", file=out)


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from qa.chat import ChatService
    from qa.history import ConversationStore

    service = ChatService(_answerer(settings), ConversationStore(settings.conversations_path))
    reply = service.ask(args.question, args.conversation, args.doc)
    payload = reply.to_dict()
    if args.json:
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        _print_answer(payload)
        scope = f", asking only about {', '.join(reply.scope)}" if reply.scope else ""
        print(f"(conversation {reply.conversation_id}{scope})")
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from qa.chat import ChatService
    from qa.history import ConversationStore

    service = ChatService(_answerer(settings), ConversationStore(settings.conversations_path))
    conversation = args.conversation or service.start()
    if args.doc:
        # Checked and stored before the first question, so a wrong id fails at once.
        scope = service.set_scope(conversation, args.doc)
        print(f"Asking only about: {', '.join(scope)}")
    print("Ask about the briefing; follow-up questions work. Empty line or Ctrl-D to quit.")
    print("Try: " + " | ".join(service.examples))
    while True:
        try:
            question = input("> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            break
        if not question:
            break
        try:
            reply = service.ask(question, conversation)
        except ValueError as exc:
            print(f"error: {exc}")
            continue
        _print_answer(reply.to_dict())
    print(f"(conversation {conversation} is saved)")
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from qa.chat import ChatService
    from qa.evaluate import evaluate, read_sets
    from qa.history import ConversationStore

    answerer = _answerer(settings)
    singles, conversations = read_sets(args.files)
    with tempfile.TemporaryDirectory() as tmp:
        service = ChatService(answerer, ConversationStore(Path(tmp) / "eval.sqlite3"))

        def converse(questions: list[str]):  # type: ignore[no-untyped-def]
            conversation = service.start()
            return [service.ask(q, conversation).answer for q in questions]

        report = evaluate(singles, conversations, lambda q: answerer.ask(q), converse)
    metrics, misses = report.metrics(), report.misses()
    if args.json:
        print(json.dumps({"metrics": metrics, "misses": misses}, indent=2, ensure_ascii=False))
        return 0
    for key, value in metrics.items():
        print(f"{key:>22}: {value}")
    if misses:
        print(f"\nmisses ({len(misses)}):")
        for miss in misses:
            resolved = f" [as: {miss['resolved']}]" if miss["resolved"] != miss["question"] else ""
            print(f"  {miss['id']}: {miss['question']}{resolved}\n      answered {miss['answered']!r} "
                  f"(f1 {miss['f1']}, conf {miss['confidence']}); expected {miss['expected'][:2]}")
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from web.app import create_app

    # Build or refresh the index and load the model before binding the port, once for the process.
    answerer = _answerer(settings, progress=sys.stderr.isatty())
    uvicorn.run(create_app(settings, answerer), host=args.host, port=args.port, log_level="info")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="qa", description="Extractive, cited answers from a news briefing.")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("index", help="build or refresh the index of the corpus")
    s.add_argument("--rebuild", action="store_true", help="ignore the previous build and embed everything")
    s.add_argument("--strict", action="store_true", help="exit non-zero when any file was skipped")
    s.set_defaults(func=cmd_index)
    s = sub.add_parser("ask", help="ask one question")
    s.add_argument("question")
    s.add_argument("--json", action="store_true", help="print the HTTP contract's JSON")
    s.add_argument("--conversation", help="continue this conversation id")
    s.add_argument("--doc", action="append", metavar="ID",
                   help="answer only from this document (repeatable); the conversation keeps the scope")
    s.set_defaults(func=cmd_ask)
    s = sub.add_parser("chat", help="a conversation in the terminal")
    s.add_argument("--conversation", help="continue this conversation id")
    s.add_argument("--doc", action="append", metavar="ID",
                   help="answer only from this document (repeatable)")
    s.set_defaults(func=cmd_chat)
    s = sub.add_parser("eval", help="score question sets (JSONL)")
    s.add_argument("files", nargs="+", type=Path)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_eval)
    s = sub.add_parser("serve", help="serve the web chat and HTTP API")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.set_defaults(func=cmd_serve)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    settings = get_settings()
    try:
        return int(args.func(args, settings))
    except (IndexError_, ModelError, FileNotFoundError, ValueError, KeyError) as exc:
        print(f"qa {args.command}: {_message(exc)}", file=sys.stderr)
        return 2


def _message(exc: Exception) -> object:
    """What went wrong, for stderr. A KeyError carries the bare key (a conversation or document id)."""
    if not isinstance(exc, KeyError):
        return exc
    from qa.answerer import UnknownDocument  # here, so that `qa --help` never imports the model stack

    if isinstance(exc, UnknownDocument):
        return f"no document has the id {exc.args[0]!r}"
    return exc.args[0] if exc.args else exc


if __name__ == "__main__":
    raise SystemExit(main())
