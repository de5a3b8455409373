"""Turn the SQuAD dev file into a corpus folder (one .txt article per Wikipedia article) and question list."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from index.ingest import doc_id_for

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
SQUAD_FILE = SHARED_DATA / "squad" / "dev-v1.1-part1.json"


@dataclass(frozen=True)
class SquadQuestion:
    id: str
    article: str  # doc_id of the article's corpus file
    question: str
    answers: list[str]
    context: str  # the gold paragraph


def _file_name(number: int, title: str) -> str:
    """The corpus file of the article at position `number` (its doc_id follows from this name)."""
    return f"{number:02d}_{title}.txt"


def write_corpus(target: Path, squad_file: Path = SQUAD_FILE) -> list[SquadQuestion]:
    """Write one `<n>_<title>.txt` per article (headline, blank line, paragraphs); return the questions."""
    data = json.loads(squad_file.read_text())["data"]
    target.mkdir(parents=True, exist_ok=True)
    questions: list[SquadQuestion] = []
    for number, article in enumerate(data):
        name = _file_name(number, article["title"])
        body = "\n\n".join(" ".join(p["context"].split()) for p in article["paragraphs"])
        path = target / name
        content = article["title"].replace("_", " ") + "\n\n" + body + "\n"
        if not path.exists() or path.read_text() != content:
            path.write_text(content)
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                questions.append(SquadQuestion(
                    qa["id"], doc_id_for(name), qa["question"], [a["text"] for a in qa["answers"]],
                    " ".join(paragraph["context"].split()),
                ))
    return questions


SQUAD_V2_FILE = SHARED_DATA / "squad" / "dev-v2.0-part1.json"


def v2_fold(number: int) -> str:
    """"train" or "heldout" for the SQuAD v2.0 part 1 article at position `number` (0-based).

    The v2.0 questions are the only unanswerable questions we have that someone else wrote, so they serve
    twice: a reader learns to decline from one fold and the abstention threshold is calibrated on the other.
    Split by whole article (one in three held out, the 3rd, 6th, ...) so the calibration never sees a
    paragraph the reader was trained on."""
    return "heldout" if number % 3 == 2 else "train"


def v2_heldout_articles(squad_file: Path = SQUAD_V2_FILE) -> set[str]:
    """doc_ids (as `write_corpus` names them) of the held-out v2.0 articles."""
    data = json.loads(squad_file.read_text())["data"]
    return {doc_id_for(_file_name(number, article["title"])) for number, article in enumerate(data)
            if v2_fold(number) == "heldout"}
