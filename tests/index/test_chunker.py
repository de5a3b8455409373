"""Passage windows over sentences, and chunking parameter validation."""

from __future__ import annotations

import pytest

from index.chunker import ChunkParams, passage_windows


def spans(n: int, length: int = 10, gap: int = 1) -> list[tuple[int, int]]:
    """n sentences of `length` characters separated by `gap` characters."""
    return [(i * (length + gap), i * (length + gap) + length) for i in range(n)]


@pytest.mark.parametrize(
    ("sentences", "params", "expected"),
    [
        (spans(0), ChunkParams(), []),
        (spans(1), ChunkParams(), [(0, 1)]),
        (spans(4), ChunkParams(), [(0, 4)]),
        (spans(5), ChunkParams(), [(0, 4), (3, 5)]),
        (spans(10), ChunkParams(), [(0, 4), (3, 7), (6, 10)]),
        (spans(10), ChunkParams(3, 0), [(0, 3), (3, 6), (6, 9), (9, 10)]),
        (spans(6), ChunkParams(2, 1), [(0, 2), (1, 3), (2, 4), (3, 5), (4, 6)]),
        (spans(3), ChunkParams(1, 0), [(0, 1), (1, 2), (2, 3)]),
        (spans(7), ChunkParams(5, 2), [(0, 5), (3, 7)]),
        # 10-char sentences, 1-char gaps: two sentences span 21 chars, three span 32.
        (spans(4), ChunkParams(4, 1, max_chars=25), [(0, 2), (1, 3), (2, 4)]),
        (spans(4), ChunkParams(4, 0, max_chars=25), [(0, 2), (2, 4)]),
        (spans(4), ChunkParams(4, 1, max_chars=32), [(0, 3), (2, 4)]),
        # A sentence longer than max_chars is still a passage of its own; the window never stalls.
        ([(0, 50), (51, 60), (61, 70)], ChunkParams(4, 1, max_chars=10), [(0, 1), (1, 2), (2, 3)]),
        # Overlap larger than what max_chars lets a window hold still moves forward by one.
        (spans(4), ChunkParams(4, 3, max_chars=21), [(0, 2), (1, 3), (2, 4)]),
    ],
    ids=[
        "no-sentences", "one-sentence", "exactly-one-window", "five-default", "ten-default",
        "three-no-overlap", "pairs-overlap-one", "single-sentence-windows", "five-overlap-two",
        "max-chars-limits-to-two", "max-chars-no-overlap", "max-chars-at-limit", "long-sentence-alone",
        "overlap-clamped-by-progress",
    ],
)
def test_passage_windows(sentences, params, expected):
    assert passage_windows(sentences, params) == expected


@pytest.mark.parametrize("n", [1, 2, 3, 7, 13, 50], ids=lambda n: f"{n}-sentences")
@pytest.mark.parametrize(
    "params", [ChunkParams(), ChunkParams(3, 2), ChunkParams(2, 0), ChunkParams(6, 1, max_chars=40)],
    ids=["default", "3-2", "2-0", "6-1-max40"],
)
def test_windows_cover_every_sentence_with_bounded_overlap(n, params):
    windows = passage_windows(spans(n), params)
    assert windows[0][0] == 0 and windows[-1][1] == n
    covered = {i for first, last in windows for i in range(first, last)}
    assert covered == set(range(n))
    for (f1, l1), (f2, l2) in zip(windows, windows[1:], strict=False):
        assert f1 < f2 <= l1 < l2
        assert l1 - f2 <= params.overlap
    assert all(1 <= last - first <= params.sentences_per_passage for first, last in windows)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sentences_per_passage": 0}, "sentences_per_passage"),
        ({"sentences_per_passage": -3}, "sentences_per_passage"),
        ({"overlap": -1}, "overlap"),
        ({"sentences_per_passage": 3, "overlap": 3}, "overlap"),
        ({"sentences_per_passage": 2, "overlap": 5}, "overlap"),
        ({"sentences_per_passage": 1, "overlap": 1}, "overlap"),
        ({"max_chars": 0}, "max_chars"),
        ({"max_chars": -100}, "max_chars"),
    ],
    ids=[
        "zero-sentences", "negative-sentences", "negative-overlap", "overlap-equals-size",
        "overlap-above-size", "single-sentence-with-overlap", "zero-max-chars", "negative-max-chars",
    ],
)
def test_chunk_params_reject_bad_values(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ChunkParams(**kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"sentences_per_passage": 1, "overlap": 0}, {"sentences_per_passage": 5, "overlap": 4},
     {"max_chars": 1}],
    ids=["defaults", "smallest", "largest-overlap", "smallest-max-chars"],
)
def test_chunk_params_accept_valid_values(kwargs):
    params = ChunkParams(**kwargs)
    assert passage_windows(spans(6), params)[-1][1] == 6


@pytest.mark.parametrize(
    ("sentences", "params"),
    [
        ([(0, 10), (11, 21), (22, 100)], ChunkParams(4, 1, max_chars=30)),
        ([(0, 400), (401, 800), (801, 2500)], ChunkParams()),  # defaults, a 1700-char sentence
    ],
    ids=["small", "default-params-long-sentence"],
)
def test_no_window_is_contained_in_the_previous_one(sentences, params):
    windows = passage_windows(sentences, params)
    for (_, l1), (_, l2) in zip(windows, windows[1:], strict=False):
        assert l2 > l1, windows
