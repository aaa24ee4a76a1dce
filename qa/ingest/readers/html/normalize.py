"""How the HTML reader spaces text and compares two texts.

Job: source whitespace as single spaces (`flat`), spaces tidied within lines (`tidy`), a
block's paragraphs (`split_paragraphs`), a metadata value on one line (`meta_text`), and the
key texts of the page and of the extraction are compared by (`text_key`).

Not here: markup (these take strings), the placeholders' characters (`placeholders`).
"""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[^\S\n]+")
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")
_WHITESPACE = re.compile(r"\s+")
_NBSP = "\u00a0"


def split_paragraphs(text: str) -> list[str]:
    """A block's paragraphs: two line breaks in a row (`<br><br>`) end one; spaces tidied."""
    return [p for p in (tidy(part) for part in _PARAGRAPH_BREAK.split(text)) if p]


def flat(text: str | None) -> str:
    """Source whitespace, newlines included, as single spaces (only `<br>` breaks a line).

    >>> flat("روسيا\\n  تدعو\\tمجلس الأمن")
    'روسيا تدعو مجلس الأمن'
    """
    return _WHITESPACE.sub(" ", text) if text else ""


def tidy(text: str) -> str:
    """Spaces as one, no space at a line's ends, no empty line (NBSP and marks are placeholders here or restored)."""
    lines = (_SPACES.sub(" ", line).strip(" ") for line in text.replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line.strip())


def text_key(text: str) -> str:
    """What two texts are compared by: NFKC, casefolded, whitespace runs as one space.

    >>> text_key(" Read\\u00a0ALSO:\\n the talks ")
    'read also: the talks'
    """
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def meta_text(value: str) -> str:
    """A metadata value on one line, NBSP as a space (marks such as ZWNJ are kept)."""
    return " ".join(value.replace(_NBSP, " ").split())
