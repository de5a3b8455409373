"""The trained extractive reader: start/end logits over [question; passage window] and a no-answer score.

The encoder is the packaged all-MiniLM-L6-v2 (found and sha256-checked by `index.embedder`), fine-tuned on
SQuAD v1.1 train by `scripts/train_reader.py` with its word-embedding matrix frozen. So the shipped file,
`qa/data/reader.safetensors`, holds only the weights that changed (transformer layers, position and type
embeddings, span head) in fp16, and the packaged model supplies the word embeddings. The file's sha256 is
recorded in `qa/data/reader.json` beside the training settings and checked at load.

Answers are exact character offsets: the fast tokenizer's offset mapping turns token positions back into
the context's characters, so `context[span.start:span.end]` is the answer with no re-joining of tokens.
"""

from __future__ import annotations

import json
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from index.embedder import sha256_file

DATA_DIR = Path(__file__).resolve().parent / "data"
WEIGHTS = DATA_DIR / "reader.safetensors"
CARD = DATA_DIR / "reader.json"


def configured_weights() -> Path:
    """The reader weights in use: `QA_READER_WEIGHTS` (to compare trained readers) or the shipped ones."""
    return Path(os.environ.get("QA_READER_WEIGHTS") or WEIGHTS)


def card_for(weights: Path) -> Path:
    """The JSON card beside a weights file (sha256, settings, calibration): reader.safetensors -> reader.json."""
    return weights.with_name(weights.stem.split(".")[0] + ".json")
FROZEN = "bert.embeddings.word_embeddings.weight"


class ReaderError(RuntimeError):
    """The reader's weights are missing, damaged or do not fit the packaged encoder."""


@dataclass(frozen=True)
class ReaderConfig:
    window: int = 192  # tokens per window, question included
    stride: int = 64  # overlap between consecutive windows of one context
    max_answer_tokens: int = 30
    quantize: bool = True  # int8 dynamic quantization of the linear layers (about 2x faster on CPU)
    threads: int | None = None


@dataclass(frozen=True)
class Span:
    """The best span of one context: character offsets into that context and the reader's scores."""

    context: int  # index of the context it was read from
    start: int
    end: int
    score: float  # start logit + end logit
    null_score: float  # the no-answer score of the window it came from (start[0] + end[0])
    window: int = 0

    @property
    def margin(self) -> float:
        """How much the reader prefers this span to answering nothing; the input of the calibration."""
        return self.score - self.null_score


@dataclass
class Reading:
    """All spans the reader proposes for one question, best first, and the lowest no-answer score seen."""

    spans: list[Span] = field(default_factory=list)
    null_score: float = 0.0


def load_base_encoder():
    """The packaged MiniLM with a fresh span head, and its fast tokenizer (for training)."""
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer

    from index.embedder import packaged_model_dir

    base = packaged_model_dir()
    model = AutoModelForQuestionAnswering.from_pretrained(str(base))
    tokenizer = AutoTokenizer.from_pretrained(str(base), use_fast=True)
    return model, tokenizer


def export_weights(model, path: Path = WEIGHTS, card: dict | None = None) -> str:
    """Write the trained weights (all but the frozen word embeddings) in fp16; record their sha256."""
    from safetensors.torch import save_file

    state = {
        name: tensor.detach().to(torch.float16).contiguous()
        for name, tensor in model.state_dict().items()
        if name != FROZEN
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    save_file(state, str(tmp))
    os.replace(tmp, path)
    digest = sha256_file(path)
    card_path = card_for(path)
    record = json.loads(card_path.read_text()) if card_path.exists() else {}
    record.update(card or {})
    record.update({"weights": path.name, "sha256": digest, "bytes": path.stat().st_size})
    card_path.write_text(json.dumps(record, indent=2) + "\n")
    return digest


def query_text(tokenizer, question: str, history: str, window: int) -> str:
    """The reader's first segment: earlier turns, [SEP], the question (as CoQA and QuAC readers read).

    The question is kept whole; the history is cut from the left (oldest words first) so that the first
    segment takes at most a third of the window and every window keeps room for the passage. Training
    (scripts/train_reader.py) builds its inputs with this same function.
    """
    question = " ".join(question.split())
    if not history:
        return question
    budget = window // 3 - len(tokenizer(question, add_special_tokens=False)["input_ids"]) - 1
    if budget <= 4:
        return question
    ids = tokenizer(" ".join(history.split()), add_special_tokens=False)["input_ids"]
    if len(ids) > budget:
        ids = ids[-budget:]
    return f"{tokenizer.decode(ids)} [SEP] {question}"


class Reader:
    """Reads a question against contexts in one batch of windows and returns the best spans."""

    def __init__(self, model, tokenizer, config: ReaderConfig) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.config = config

    @classmethod
    def load(cls, path: Path = WEIGHTS, config: ReaderConfig | None = None) -> Reader:
        from safetensors import safe_open
        from safetensors.torch import load_file
        from transformers import AutoConfig, AutoModelForQuestionAnswering, AutoTokenizer

        from index.embedder import packaged_model_dir

        config = config or ReaderConfig()
        path = Path(path)
        if not path.is_file():
            raise ReaderError(f"reader weights {path} are missing; train them with scripts/train_reader.py")
        card_path = card_for(path)
        if card_path.is_file():
            expected = json.loads(card_path.read_text()).get("sha256")
            actual = sha256_file(path)
            if expected and actual != expected:
                raise ReaderError(f"{path} has sha256 {actual}, expected {expected} ({card_path.name})")
        base = packaged_model_dir()
        model_config = AutoConfig.from_pretrained(str(base))
        model = AutoModelForQuestionAnswering.from_config(model_config)
        with safe_open(str(base / "model.safetensors"), framework="pt") as packaged:
            if "embeddings.word_embeddings.weight" not in packaged.keys():
                raise ReaderError(f"{base} holds no word embeddings")
            word = packaged.get_tensor("embeddings.word_embeddings.weight").to(torch.float32)
        state = {k: v.to(torch.float32) for k, v in load_file(str(path)).items()}
        missing, unexpected = model.load_state_dict(state, strict=False)
        missing = [m for m in missing if not m.endswith("position_ids") and m != FROZEN]
        if missing or unexpected:
            raise ReaderError(f"{path} does not fit the encoder: missing {missing[:3]}, unexpected {unexpected[:3]}")
        model.get_input_embeddings().weight = torch.nn.Parameter(word, requires_grad=False)
        model.eval()
        if config.quantize:
            # In place: a quantized copy would leave the fp32 layers allocated beside it (server RSS over
            # BBC 1,164 MiB copied, 1,072 MiB in place).
            with warnings.catch_warnings():  # torch.ao.quantization's deprecation notices, on every load
                warnings.simplefilter("ignore")
                model = torch.ao.quantization.quantize_dynamic(
                    model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True)
        tokenizer = AutoTokenizer.from_pretrained(str(base), use_fast=True)
        return cls(model, tokenizer, config)

    def read(self, question: str, contexts: list[str], top_k: int = 1) -> list[Span]:
        """The best span of each context, best first (at most `top_k`)."""
        return self.reading(question, contexts).spans[:top_k]

    def reading(self, question: str, contexts: list[str], history: str = "") -> Reading:
        """Read every context in one batch; the best span per context, best first.

        `history` (earlier questions and answers of a conversation) goes before the question, in the
        first segment, and is cut from the left when the window is short of room.
        """
        if not contexts:
            return Reading()
        config = self.config
        first = query_text(self.tokenizer, question, history, config.window)
        encoded = self.tokenizer(
            [first] * len(contexts),
            contexts,
            truncation="only_second",
            max_length=config.window,
            stride=config.stride,
            return_overflowing_tokens=True,
            return_offsets_mapping=True,
            padding=True,
            return_tensors="pt",
        )
        sample = encoded.pop("overflow_to_sample_mapping").tolist()
        offsets = encoded.pop("offset_mapping").tolist()
        with torch.inference_mode():
            if config.threads:
                torch.set_num_threads(config.threads)
            inputs = ("input_ids", "attention_mask", "token_type_ids")
            out = self.model(**{k: v for k, v in encoded.items() if k in inputs})
        starts = out.start_logits.float().numpy()
        ends = out.end_logits.float().numpy()
        best: dict[int, Span] = {}
        null = float("inf")
        for w in range(starts.shape[0]):
            seq = encoded.sequence_ids(w)
            ctx = np.array([s == 1 for s in seq])
            window_null = float(starts[w, 0] + ends[w, 0])
            null = min(null, window_null)
            span = self._best_span(starts[w], ends[w], ctx, config.max_answer_tokens)
            if span is None:
                continue
            s, e, score = span
            c = sample[w]
            candidate = Span(c, int(offsets[w][s][0]), int(offsets[w][e][1]), score, window_null, w)
            if c not in best or candidate.margin > best[c].margin:
                best[c] = candidate
        spans = sorted(best.values(), key=lambda sp: sp.margin, reverse=True)
        return Reading(spans, null if null != float("inf") else 0.0)

    @staticmethod
    def _best_span(start: np.ndarray, end: np.ndarray, ctx: np.ndarray, max_len: int) -> tuple[int, int, float] | None:
        """argmax of start[i] + end[j] over context tokens with i <= j < i + max_len."""
        idx = np.flatnonzero(ctx)
        if idx.size == 0:
            return None
        s = start[idx]
        e = end[idx]
        scores = s[:, None] + e[None, :]
        n = idx.size
        i, j = np.indices((n, n))
        scores = np.where((j >= i) & (j - i < max_len), scores, -np.inf)
        flat = int(np.argmax(scores))
        a, b = divmod(flat, n)
        return int(idx[a]), int(idx[b]), float(scores[a, b])
