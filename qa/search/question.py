"""Validation of what a caller asks: the question text and k.

Checks and cleans at the boundary, naming the bad value; it does not search.
"""
from __future__ import annotations

from ..errors import InvalidArgument

MAX_QUESTION_CHARS = 2000


def validate_question(question: object) -> str:
    if not isinstance(question, str):
        raise InvalidArgument(f"question must be a string, not {type(question).__name__}")
    cleaned = "".join(ch for ch in question if ch.isprintable() or ch in "\n\t").strip()
    if not cleaned:
        raise InvalidArgument("question is empty")
    return cleaned[:MAX_QUESTION_CHARS]


def validate_k(k: object) -> int:
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= 100:
        raise InvalidArgument(f"k={k!r} must be an integer between 1 and 100")
    return k
