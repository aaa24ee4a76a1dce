"""Question text as people paste it: Unicode spaces are word breaks, joiners stay, controls go."""
import pytest

from qa.errors import InvalidArgument
from qa.search.question import validate_k, validate_question


@pytest.mark.parametrize("raw, cleaned", [
    ("Who\u00a0proposed a\u2009ground\u202foperation?", "Who proposed a ground operation?"),  # NBSP, thin, narrow NBSP
    ("من\u00a0اقترح\u3000عملية برية؟", "من اقترح عملية برية؟"),  # NBSP and ideographic space in Arabic
    ("چه کسی عملیات زمینی را پیشنهاد کرد؟ می\u200cخواهم بدانم", "چه کسی عملیات زمینی را پیشنهاد کرد؟ می\u200cخواهم بدانم"),
    ("\u200fمن اقترح\u200e عملية\u200b برية؟", "من اقترح عملية برية؟"),  # bidi marks and zero-width space dropped
    ("a\x00b\x07 c", "ab c"),
    ("  line one\n\n\tline two  ", "line one line two"),
])
def test_spaces_become_spaces_and_joiners_stay(raw, cleaned):
    assert validate_question(raw) == cleaned


def test_question_and_k_validation_names_the_bad_value():
    for empty in ("  \n\t\u00a0\u200b ", "\u200c", " \u200d \u200c "):  # joiners alone join nothing
        with pytest.raises(InvalidArgument, match="empty"):
            validate_question(empty)
    with pytest.raises(InvalidArgument, match="string"):
        validate_question(None)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="k=0"):
        validate_k(0)
    assert len(validate_question("x" * 100_000)) <= 2000
