"""Fine-tune the extractive reader on SQuAD v1.1 train, then measure it on dev part 1 (gold paragraph).

    .venv/bin/python scripts/train_reader.py                 # train (resumes from var/reader-train/)
    .venv/bin/python scripts/train_reader.py --eval-only     # measure the shipped weights

Why these choices (see docs/reader.md for the measurements):

- The encoder is the packaged all-MiniLM-L6-v2 (sha256-checked by `index.embedder`): it is already on
  every machine that runs the product, it is small enough to read a few windows per question on two cores,
  and its word-embedding matrix can be *frozen* during training, so the shipped file holds only what
  changed (the transformer layers and the span head, fp16) and reuses the packaged embedding matrix.
- Training windows are 128 tokens (about 45 ms an example with bf16 autocast on this CPU, against 95 ms at
  192), one window per question holding its answer, chosen at random among the overlapping windows so
  the answer's position varies.
- Negatives teach when not to answer: a share of the windows of the same paragraph that miss the answer,
  and the question set against another paragraph of its own article. Both point at [CLS] (index 0), the
  usual SQuAD 2.0 "no answer" target; the reader's no-answer score is start[0] + end[0].
- The training loop is Hugging Face's `Trainer`: checkpoints every few minutes into a git-ignored folder,
  resume, bf16 autocast, a progress bar with ETA (examples/s is logged beside it).
- Only the training file is trained on. The dev file is read for the final measurement only.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qa.evaluate import exact_match  # noqa: E402
from qa.evaluate import f1 as f1_score  # noqa: E402
from qa.reader import (  # noqa: E402
    Reader,
    ReaderConfig,
    export_weights,
    load_base_encoder,
)

DATA = ROOT.parent / "shared" / "data" / "squad"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train", type=Path, default=DATA / "train-v1.1.json")
    parser.add_argument("--dev", type=Path, default=DATA / "dev-v1.1-part1.json")
    parser.add_argument("--out", type=Path, default=ROOT / "qa" / "data" / "reader.safetensors")
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "reader-train")
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--window", type=int, default=128, help="training window in tokens")
    parser.add_argument("--stride", type=int, default=48, help="overlap of consecutive training windows")
    parser.add_argument("--eval-window", type=int, default=192)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=8e-5)
    parser.add_argument("--warmup", type=float, default=0.06)
    parser.add_argument("--neg-window", type=float, default=0.08, help="share of answerless windows kept")
    parser.add_argument("--neg-other", type=float, default=0.08, help="share of questions also set against "
                        "another paragraph of their article")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--save-minutes", type=float, default=5.0)
    parser.add_argument("--limit", type=int, default=0, help="train on the first N questions only (smoke runs)")
    parser.add_argument("--eval-limit", type=int, default=0)
    parser.add_argument("--eval-only", action="store_true")
    parser.add_argument("--export-from", type=Path, help="export the weights of a Trainer checkpoint folder to --out")
    return parser.parse_args(argv)


# ---------------------------------------------------------------- training features


def build_features(path: Path, tokenizer, args: argparse.Namespace) -> list[dict]:
    """One answer window per question, plus the negatives; each a dict of token ids and span targets."""
    rng = random.Random(args.seed)
    articles = json.loads(path.read_text(encoding="utf-8"))["data"]
    items: list[tuple[str, str, int | None, int | None]] = []  # question, context, char start, char end
    for article in articles:
        contexts = [p["context"] for p in article["paragraphs"]]
        for index, paragraph in enumerate(article["paragraphs"]):
            for qa in paragraph["qas"]:
                answer = qa["answers"][0]
                start = answer["answer_start"]
                items.append((qa["question"], paragraph["context"], start, start + len(answer["text"])))
                if len(contexts) > 1 and rng.random() < args.neg_other:
                    other = rng.choice([c for i, c in enumerate(contexts) if i != index])
                    items.append((qa["question"], other, None, None))
    if args.limit:
        items = items[: args.limit]
    return windows_for(tokenizer, items, args.window, args.stride, rng, args.neg_window)


def windows_for(tokenizer, items: list[tuple[str, str, int | None, int | None]], window: int, stride: int,
                rng: random.Random, neg_window: float) -> list[dict]:
    """Token windows for (first segment, context, answer start, answer end) items.

    An item with an answer gives one window holding it (picked at random among the overlapping windows
    that do), plus each answerless window with probability `neg_window`, pointed at [CLS]. An item with no
    answer (start None) gives one of its windows, pointed at [CLS].
    """
    features: list[dict] = []
    batch = 512
    for offset in range(0, len(items), batch):
        chunk = items[offset : offset + batch]
        encoded = tokenizer(
            [q.strip() for q, *_ in chunk],
            [c for _, c, *_ in chunk],
            truncation="only_second",
            max_length=window,
            stride=stride,
            return_overflowing_tokens=True,
            return_offsets_mapping=True,
            padding=False,
        )
        per_item: dict[int, list[dict]] = {}
        for w, item_index in enumerate(encoded["overflow_to_sample_mapping"]):
            _, _, start, end = chunk[item_index]
            sequence_ids = encoded.sequence_ids(w)
            offsets = encoded["offset_mapping"][w]
            ctx = [i for i, s in enumerate(sequence_ids) if s == 1]
            target = (0, 0)
            if start is not None and ctx and offsets[ctx[0]][0] <= start and offsets[ctx[-1]][1] >= end:
                s = next(i for i in ctx if offsets[i][1] > start)
                e = next(i for i in reversed(ctx) if offsets[i][0] < end)
                target = (s, e)
            per_item.setdefault(item_index, []).append({
                "input_ids": encoded["input_ids"][w],
                "token_type_ids": encoded["token_type_ids"][w],
                "start_positions": target[0],
                "end_positions": target[1],
            })
        for item_index, windows in per_item.items():
            answered = [w for w in windows if w["start_positions"] > 0]
            if chunk[item_index][2] is None:
                features.append(rng.choice(windows))  # no answer here: one of its windows
                continue
            if answered:
                features.append(rng.choice(answered))
            features.extend(w for w in windows if w["start_positions"] == 0 and rng.random() < neg_window)
    return features


class Features(torch.utils.data.Dataset):
    def __init__(self, rows: list[dict]) -> None:
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index: int) -> dict:
        return self.rows[index]


def collate(rows: list[dict]) -> dict[str, torch.Tensor]:
    width = max(len(r["input_ids"]) for r in rows)
    ids = torch.zeros(len(rows), width, dtype=torch.long)
    types = torch.zeros_like(ids)
    mask = torch.zeros_like(ids)
    for i, r in enumerate(rows):
        n = len(r["input_ids"])
        ids[i, :n] = torch.tensor(r["input_ids"])
        types[i, :n] = torch.tensor(r["token_type_ids"])
        mask[i, :n] = 1
    return {
        "input_ids": ids,
        "token_type_ids": types,
        "attention_mask": mask,
        "start_positions": torch.tensor([r["start_positions"] for r in rows]),
        "end_positions": torch.tensor([r["end_positions"] for r in rows]),
    }


# ---------------------------------------------------------------- evaluation


def evaluate(reader: Reader, path: Path, limit: int = 0) -> dict[str, float]:
    """EM/F1 with the official SQuAD normalisation, the gold paragraph given, no abstention."""
    articles = json.loads(path.read_text(encoding="utf-8"))["data"]
    questions = [
        (qa["question"], p["context"], [a["text"] for a in qa["answers"]])
        for a in articles
        for p in a["paragraphs"]
        for qa in p["qas"]
    ]
    if limit:
        questions = questions[:limit]
    em = f1 = 0.0
    started = time.perf_counter()
    from tqdm import tqdm

    for question, context, golds in tqdm(questions, desc="dev", unit="q"):
        spans = reader.read(question, [context], top_k=1)
        text = context[spans[0].start : spans[0].end] if spans else ""
        em += max(exact_match(text, g) for g in golds)
        f1 += max(f1_score(text, g) for g in golds)
    n = len(questions)
    return {"questions": n, "exact_match": em / n, "f1": f1 / n, "seconds": time.perf_counter() - started}


def fit(model, rows: list[dict], args: argparse.Namespace) -> None:
    """Train `model` on `rows` with Hugging Face's Trainer, resuming from the newest checkpoint in args.work."""
    from transformers import Trainer, TrainerCallback, TrainingArguments

    model.bert.embeddings.word_embeddings.weight.requires_grad_(False)
    negatives = sum(1 for r in rows if r["start_positions"] == 0)
    print(f"{len(rows)} training windows ({negatives} without an answer)", flush=True)

    steps_per_epoch = max(1, len(rows) // args.batch)
    save_steps = max(20, int(args.save_minutes * 60 / (args.batch * 0.05)))

    class ExamplesPerSecond(TrainerCallback):
        """Logs examples/s and loss beside the progress bar's steps/s and ETA."""

        def on_train_begin(self, targs, state, control, **kw):
            self.t0, self.step0 = time.perf_counter(), state.global_step

        def on_log(self, targs, state, control, logs=None, **kw):
            seconds = time.perf_counter() - self.t0
            done = (state.global_step - self.step0) * args.batch
            if logs is not None and seconds > 0:
                logs["examples_per_s"] = round(done / seconds, 1)

    targs = TrainingArguments(
        output_dir=str(args.work),
        num_train_epochs=args.epochs,
        per_device_train_batch_size=args.batch,
        learning_rate=args.lr,
        warmup_steps=args.warmup,
        weight_decay=0.01,
        lr_scheduler_type="linear",
        bf16=True,
        use_cpu=True,
        logging_steps=25,
        save_steps=save_steps,
        save_total_limit=2,
        seed=args.seed,
        data_seed=args.seed,
        dataloader_num_workers=0,
        report_to=[],
        disable_tqdm=False,
        remove_unused_columns=False,
    )
    trainer = Trainer(
        model=model,
        args=targs,
        train_dataset=Features(rows),
        data_collator=collate,
        callbacks=[ExamplesPerSecond()],
    )
    resume = any(args.work.glob("checkpoint-*"))
    print(f"{steps_per_epoch} steps an epoch; checkpoint every {save_steps} steps; resume={resume}", flush=True)
    trainer.train(resume_from_checkpoint=True if resume else None)


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    if args.export_from:
        from transformers import AutoModelForQuestionAnswering

        model = AutoModelForQuestionAnswering.from_pretrained(str(args.export_from))
        print("sha256", export_weights(model, args.out, {"checkpoint": args.export_from.name}))
        return 0
    if args.eval_only:
        reader = Reader.load(args.out, ReaderConfig(window=args.eval_window))
        print(json.dumps(evaluate(reader, args.dev, args.eval_limit), indent=2))
        return 0

    model, tokenizer = load_base_encoder()
    print("tokenizing", args.train, flush=True)
    rows = build_features(args.train, tokenizer, args)
    started = time.perf_counter()
    fit(model, rows, args)
    minutes = (time.perf_counter() - started) / 60
    export_weights(model, args.out)
    print(f"trained in {minutes:.1f} min this run; weights written to {args.out}", flush=True)

    reader = Reader.load(args.out, ReaderConfig(window=args.eval_window))
    result = evaluate(reader, args.dev, args.eval_limit)
    result["train_minutes_this_run"] = round(minutes, 1)
    print(json.dumps(result, indent=2))
    (args.work / "dev-result.json").write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    sys.exit(main())
