"""Follow-up questions: which lean on the conversation, and what is searched for them."""
import pytest

from qa.answers.followup import contextual_query, is_follow_up, previous_question


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


def test_previous_question_is_the_last_user_turn_with_text():
    history = [{"role": "user", "content": "first"}, {"role": "assistant", "content": "a"},
               {"role": "user", "content": "  "}, "not a message", {"role": "user"}]
    assert previous_question(history) == "first"
    assert previous_question([]) is None and previous_question(None) is None


@pytest.mark.parametrize("question", [
    "ما هو موقف الاتحاد الأوروبي؟",  # هو as a copula
    "من هي رئيسة الوزراء؟",
    "كم عدد الأسهم؟",  # ends in ـهم
    "ما المهم في القرار؟",
    "ومنظمة الصحة العالمية؟",  # waw + a noun that starts like من
    "فمن المهم معرفة ذلك",  # holds ذلك: a cue, but see test_answering for what decides
])
def test_arabic_copulas_and_word_parts_are_not_taken_for_back_references(question):
    """Before, هو/هي/هم anywhere, and و/ف + من/ما at a word's start, all counted as pointing back."""
    assert is_follow_up(question) == ("ذلك" in question), question
