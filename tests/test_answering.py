"""Answers: language, follow-ups, abstention, and the headline question end to end."""
import pytest

from qa.answering import (COEFFICIENTS, CROSS_SCRIPT_THRESHOLD, FEATURES, FOUND_THRESHOLD, answer,
                          contextual_query, is_cross_script, is_follow_up, is_found, language_of)
from qa.retrieval import Retriever
from test_retrieval import has_turkish_ground


def test_language_of():
    assert language_of("من اقترح عملية برية؟") == "ar"
    assert language_of("Who proposed a ground operation?") == "en"
    assert language_of("¿Quién propuso una operación terrestre?") == "en"
    assert language_of("?!") == "en"


def test_cross_script_bar_is_for_questions_sharing_neither_words_nor_names():
    assert len(COEFFICIENTS) == len(FEATURES)
    english = {"coverage": 0.0, "question_terms": 4.0, "names_found": 0.0, "names_missing": 0.0}
    named = {**english, "names_found": 0.6, "names_missing": 0.4}
    assert is_cross_script(english) and not is_cross_script(named)
    assert not is_cross_script({**english, "coverage": 0.5})
    assert not is_cross_script({**english, "question_terms": 0.0})  # "?!" has no script to excuse it
    between = (CROSS_SCRIPT_THRESHOLD + FOUND_THRESHOLD) / 2
    assert is_found(between, english) and not is_found(between, named)


def test_follow_up_borrows_the_previous_user_turn():
    history = [{"role": "user", "content": "Who proposed a ground operation?"},
               {"role": "assistant", "content": "Turkey [1]"}]
    assert contextual_query("and who opposed it?", history) == "Who proposed a ground operation? and who opposed it?"
    assert contextual_query("متى حدث ذلك؟", history).startswith("Who proposed")
    assert contextual_query("and then?", None) == "and then?"


def test_follow_up_cues_in_both_languages():
    for q in ["and who opposed it?", "What about Russia?", "متى حدث ذلك؟", "ومتى؟", "وماذا عن روسيا؟"]:
        assert is_follow_up(q), q
    # A self-contained question stays alone, even when short or starting with the letter waw.
    for q in ["من اقترح عملية برية؟", "Who proposed a ground operation?", "وزير الخارجية الروسي قال ماذا؟"]:
        assert not is_follow_up(q), q


@pytest.mark.slow
@pytest.mark.parametrize("question", ["Who proposed a ground operation?", "من اقترح عملية برية؟"])
def test_headline_answer_quotes_a_turkish_ground_operation_sentence(seed_index, real_embedder, question):
    ans = answer(Retriever(real_embedder, seed_index), question)
    assert ans.found, ans
    assert has_turkish_ground(ans.quote), ans.quote
    assert ans.quote in ans.passages[ans.citation - 1].text
    assert f"[{ans.citation}]" in ans.text and "000_f9ca097250a4c633.txt" in ans.text
    assert len(ans.quote) <= 400


@pytest.mark.slow
def test_question_the_article_does_not_answer_is_refused_in_its_language(seed_index, real_embedder):
    retriever = Retriever(real_embedder, seed_index)
    en = answer(retriever, "What is the recipe for chocolate cake?")
    assert not en.found and en.quote == "" and "could not find" in en.text and en.passages
    ar = answer(retriever, "ما هي وصفة كعكة الشوكولاتة؟")
    assert not ar.found and "لم أجد" in ar.text
