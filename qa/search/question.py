r"""Validation of what a caller asks: the question text and k.

Checks and cleans at the boundary, naming the bad value; it does not search.
Text pasted from web pages carries no-break and thin spaces, which are word
breaks like any space; Persian and Urdu words need the zero-width (non-)joiner.

>>> validate_question("Who\u00a0proposed a\u2009ground\u202foperation?")
'Who proposed a ground operation?'
>>> validate_question("  a\x00b\u200b c\n\n d ")
'ab c d'
>>> validate_question("می\u200cخواهم") == "می\u200cخواهم"
True
"""
from __future__ import annotations

import re
import unicodedata

from ..errors import InvalidArgument

MAX_QUESTION_CHARS = 2000
KEPT_FORMAT = frozenset("\u200c\u200d")  # ZWNJ and ZWJ: parts of Persian, Urdu and Indic spellings
_SPACES = re.compile(r"\s+")


def _clean_char(ch: str) -> str:
    category = unicodedata.category(ch)
    if category in ("Zs", "Zl", "Zp") or ch in "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85":
        return " "
    if category[0] == "C" and ch not in KEPT_FORMAT:
        return ""  # control, format (bidi marks, zero-width space), private use, unassigned
    return ch


def validate_question(question: object) -> str:
    if not isinstance(question, str):
        raise InvalidArgument(f"question must be a string, not {type(question).__name__}")
    cleaned = _SPACES.sub(" ", "".join(map(_clean_char, question))).strip()
    if not cleaned.strip("".join(KEPT_FORMAT) + " "):  # joiners alone join nothing
        raise InvalidArgument("question is empty")
    return cleaned[:MAX_QUESTION_CHARS]


def validate_k(k: object) -> int:
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= 100:
        raise InvalidArgument(f"k={k!r} must be an integer between 1 and 100")
    return k
