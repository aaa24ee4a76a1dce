"""Which sentence is quoted: the answering one, a neighbour only where it belongs (real model and index)."""
from __future__ import annotations

import pytest

from qa.answers.answering import select
from qa.search.fusion import Retriever

DOCUMENTS = {
    "festival.txt": "Zephyria Harbour Festival\n\nBy Mira Castell\n\n"
                    "The festival is held every year on 3 March. Fishing boats from twelve villages sail "
                    "into the harbour at dawn.\n\nTickets for the concert cost 15 euros.\n",
    "strike.txt": "Dock workers go on strike\n\n"
                  "The union wants a 22 percent pay rise for its members. She offered a 9 percent rise, which "
                  "the union rejected. The strike is due to end on Thursday.\n",
    "bridge.txt": "The minister told reporters in Lisbon on Monday that the new suspension bridge over the river\n"
                  "would open to traffic in May next year.\n\nThe old ferry will keep running until then.\n",
}


@pytest.fixture(scope="module")
def retriever(tmp_path_factory, real_embedder) -> Retriever:
    from qa.store.build import build_index

    root = tmp_path_factory.mktemp("quoting")
    (root / "seeds").mkdir()
    for name, text in DOCUMENTS.items():
        (root / "seeds" / name).write_text(text, encoding="utf-8")
    build_index(root / "seeds", root / "index", real_embedder)
    return Retriever(real_embedder, root / "index")


def test_a_title_line_is_not_the_quote_when_a_sentence_answers(retriever):
    quote = select(retriever, "When is the Zephyria Harbour Festival held?").quote
    assert quote.startswith("The festival is held every year on 3 March."), quote
    assert "Zephyria Harbour Festival" not in quote and "Mira Castell" not in quote


def test_a_neighbour_sharing_no_word_with_the_question_is_left_out(retriever):
    quote = select(retriever, "When is the strike due to end?").quote
    assert quote == "The strike is due to end on Thursday.", quote


def test_a_neighbour_sharing_the_question_words_joins(retriever):
    quote = select(retriever, "What pay rise does the union want?").quote
    assert "22 percent" in quote, quote


def test_a_line_cut_mid_sentence_is_quoted_with_its_continuation(retriever):
    quote = select(retriever, "When will the new bridge open?").quote
    assert "bridge over the river" in quote and "would open to traffic in May" in quote, quote


def test_a_quote_never_crosses_a_paragraph_break(retriever):
    for question in ("How much do concert tickets cost?", "Until when will the ferry run?",
                     "When do the fishing boats sail into the harbour?"):
        quote = select(retriever, question).quote
        assert "\n\n" not in quote, (question, quote)


def test_a_sentence_that_can_give_the_number_asked_for_gains_the_type_bonus(tmp_path, real_embedder, monkeypatch):
    # The shipped bonus only breaks near ties; a large one shows which way it pushes.
    from qa.answers import quoting
    from qa.store.build import build_index

    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "troops.txt").write_text(
        "Turkey sent troops to the Syrian border on Monday.\n\n"
        "The defence ministry said later that it had sent 300 troops to the border area.\n", encoding="utf-8")
    build_index(tmp_path / "seeds", tmp_path / "index", real_embedder)
    r = Retriever(real_embedder, tmp_path / "index")
    question = "How many troops did Turkey send to the border?"
    monkeypatch.setattr(quoting, "TYPE_WEIGHT", 0.0)
    assert "300" not in select(r, question).quote
    monkeypatch.setattr(quoting, "TYPE_WEIGHT", 1.0)
    assert "300 troops" in select(r, question).quote
    assert "300" not in select(r, "Who sent troops to the Syrian border?").quote  # untyped: no bonus
