"""Evidence features: the chunk gap by hand."""
import pytest

from qa.answers.abstention import models
from qa.answers.evidence import chunk_gap
from qa.search.results import Passage, Scored


def _ranked(*scores):
    return [Scored(Passage("text", "a.txt", 0, 4, score, f"c{i}"), i, 0.0, 0.0, 0.0, 0.0) for i, score in enumerate(scores)]


def test_chunk_gap_is_how_far_the_best_passage_stands_above_the_others():
    assert chunk_gap(_ranked(2.0, 1.5, 1.0)) == pytest.approx(0.75)
    assert chunk_gap(_ranked(1.2, 1.2, 1.2)) == 0.0  # nothing stands out: the best of look-alikes
    assert chunk_gap(_ranked(1.7)) == chunk_gap([]) == 0.0  # one chunk in the folder: nothing to compare with
    assert models()["default"].features[-1] == "chunk_gap" and models()["default"].coefficients[-1] > 0  # standing out is evidence of an answer
