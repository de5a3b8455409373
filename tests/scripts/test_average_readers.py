"""scripts/average_readers.py: a soup of two readers, tensor by tensor."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file, save_file

TYPES = "bert.embeddings.token_type_embeddings.weight"
REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))  # scripts/ is a folder of scripts, not an installed package

from scripts.average_readers import average  # noqa: E402


def _write(path: Path, types: list[list[float]], layer: list[float]) -> Path:
    save_file({TYPES: torch.tensor(types), "layer.weight": torch.tensor(layer)}, str(path))
    return path


def test_the_average_is_the_mix_of_each_tensor(tmp_path: Path) -> None:
    a = _write(tmp_path / "a.safetensors", [[1.0, 1.0], [2.0, 2.0]], [4.0, 0.0])
    b = _write(tmp_path / "b.safetensors", [[3.0, 3.0], [6.0, 6.0]], [0.0, 8.0])
    average(a, b, tmp_path / "out.safetensors", 0.25)
    out = load_file(str(tmp_path / "out.safetensors"))
    assert out["layer.weight"].tolist() == [1.0, 6.0]
    assert out[TYPES].tolist() == [[2.5, 2.5], [5.0, 5.0]]


def test_readers_of_other_shapes_are_refused(tmp_path: Path) -> None:
    a = _write(tmp_path / "a.safetensors", [[1.0, 1.0], [2.0, 2.0]], [4.0, 0.0])
    b = _write(tmp_path / "b.safetensors", [[1.0, 1.0], [2.0, 2.0]], [4.0, 0.0, 1.0])
    with pytest.raises(SystemExit, match="different tensors"):
        average(a, b, tmp_path / "out.safetensors", 0.5)
