"""Evidence features: the chunk gap by hand; the answer type of the seed's quotes with the real model."""
import pytest

from qa.answers.abstention import models
from qa.answers.answering import select
from qa.answers.evidence import chunk_gap
from qa.search.fusion import Retriever
from qa.search.results import Passage, Scored


def _ranked(*scores):
    return [Scored(Passage("text", "a.txt", 0, 4, score, f"c{i}"), i, 0.0, 0.0, 0.0, 0.0) for i, score in enumerate(scores)]


def test_chunk_gap_is_how_far_the_best_passage_stands_above_the_others():
    assert chunk_gap(_ranked(2.0, 1.5, 1.0)) == pytest.approx(0.75)
    assert chunk_gap(_ranked(1.2, 1.2, 1.2)) == 0.0  # nothing stands out: the best of look-alikes
    assert chunk_gap(_ranked(1.7)) == chunk_gap([]) == 0.0  # one chunk in the folder: nothing to compare with
    model = models()["default"]
    assert model.coefficients[model.features.index("chunk_gap")] > 0  # standing out is evidence of an answer


@pytest.mark.slow
@pytest.mark.parametrize("question, missing", [
    ("How many Turkish soldiers would join the ground operation?", 1.0),  # the article gives no figure
    ("How many days does de Mistura need?", 0.0),  # "عشرة أيام": ten days
    ("When did Turkey call for a ground intervention?", 0.0),  # "الثلاثاء": Tuesday
    ("Who proposed a ground operation?", 0.0),  # asks for no number or time
])
def test_type_missing_says_whether_the_quote_could_give_the_number_or_time_asked_for(
        seed_index, real_embedder, question, missing):
    assert select(Retriever(real_embedder, seed_index), question).features["type_missing"] == missing
