"""Average the weights of readers fine-tuned from one start (a "model soup", Wortsman et al. 2022).

    .venv/bin/python scripts/average_readers.py var/reader-coqa3.safetensors var/reader-coqa4.safetensors \
        --out var/reader-soup.safetensors [--mix 0.5]

Why: two conversation stages from the same SQuAD reader pull different ways. Three epochs with little SQuAD
replay read conversations best (CoQA CNN, never abstaining, 0.461) but lose single questions on unseen news
(blind BBC 0.703); two epochs with three times the replay keep the news (0.756) but lose most of the
conversation gain (0.411). Readers fine-tuned from one start lie in one basin, so their average is a reader
too, and commonly keeps much of each one's strength (WiSE-FT, model soups); it costs no training. `--mix` is
the share of the first reader. The card beside `--out` records the parents' sha256 and the mix.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index.embedder import sha256_file  # noqa: E402
from qa.reader import card_for  # noqa: E402


def average(first: Path, second: Path, out: Path, mix: float) -> str:
    """Write mix * first + (1 - mix) * second, tensor by tensor, in the parents' dtype; return its sha256."""
    from safetensors.torch import load_file, save_file

    a, b = load_file(str(first)), load_file(str(second))
    if a.keys() != b.keys() or any(a[k].shape != b[k].shape for k in a):
        raise SystemExit(f"{first} and {second} hold different tensors: not readers of one shape")
    mixed = {k: (mix * a[k].float() + (1 - mix) * b[k].float()).to(a[k].dtype).contiguous() for k in sorted(a)}
    out.parent.mkdir(parents=True, exist_ok=True)
    save_file(mixed, str(out))
    return sha256_file(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("first", type=Path)
    ap.add_argument("second", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--mix", type=float, default=0.5, help="share of the first reader (0..1)")
    args = ap.parse_args(argv)
    if not 0.0 <= args.mix <= 1.0:
        ap.error("--mix must lie between 0 and 1")
    digest = average(args.first, args.second, args.out, args.mix)
    card = {"weights": args.out.name, "sha256": digest, "bytes": args.out.stat().st_size,
            "average_of": [{"weights": p.name, "sha256": sha256_file(p), "share": share}
                           for p, share in ((args.first, args.mix), (args.second, 1 - args.mix))]}
    card_for(args.out).write_text(json.dumps(card, indent=2) + "\n")
    print(f"{args.out} sha256 {digest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
