"""Passages: windows of whole sentences with overlap, so a fact near a boundary is in some passage whole."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChunkParams:
    sentences_per_passage: int = 4
    overlap: int = 1
    max_chars: int = 1200  # a window stops growing past this, so one passage stays within the model's reach

    def __post_init__(self) -> None:
        if self.sentences_per_passage < 1:
            raise ValueError("sentences_per_passage must be at least 1")
        if not 0 <= self.overlap < self.sentences_per_passage:
            raise ValueError("overlap must be at least 0 and less than sentences_per_passage")
        if self.max_chars < 1:
            raise ValueError("max_chars must be positive")


def passage_windows(sentences: list[tuple[int, int]], params: ChunkParams) -> list[tuple[int, int]]:
    """Half-open ranges [first, last) of sentence indices, one per passage, covering every sentence."""
    windows: list[tuple[int, int]] = []
    n, first = len(sentences), 0
    while first < n:
        last = first + 1
        while (
            last < n
            and last - first < params.sentences_per_passage
            and sentences[last][1] - sentences[first][0] <= params.max_chars
        ):
            last += 1
        windows.append((first, last))
        if last >= n:
            break
        following = max(first + 1, last - params.overlap)
        # When the overlap sentences and the next one do not fit together, overlapping would only repeat
        # a window already made: start the next window at the first new sentence instead.
        if sentences[last][1] - sentences[following][0] > params.max_chars:
            following = last
        first = following
    return windows
