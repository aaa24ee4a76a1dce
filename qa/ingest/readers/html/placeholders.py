"""Invisible characters kept through trafilatura by printable placeholders.

Job: trafilatura deletes ZWNJ (U+200C) and RLM (U+200F) from its text output and metadata
and turns NBSP (U+00A0) into a space (in its XML too), so Persian "می‌خواهد" came out as
"میخواهد". Before extraction every ZWNJ, ZWJ, LRM, RLM, ALM and narrow NBSP of the page's
text and attributes, and every NBSP between two non-space characters, is replaced by a
printable placeholder the page does not contain (letters of an ancient script), and put
back afterwards (`Placeholders`).

Not here: an NBSP next to a space or another NBSP is layout (indentation, padding) and is
left to become an ordinary space, as other whitespace does (`normalize`).
"""
from __future__ import annotations

import re

# Characters trafilatura drops or turns into spaces, kept through it by placeholders.
# ZWNJ, ZWJ, LRM, RLM, ALM (U+061C) and NARROW NBSP always; NBSP only between non-spaces.
_KEPT = "\u200c\u200d\u200e\u200f\u061c\u202f"
_NBSP = "\u00a0"
_GUARDED = _KEPT + _NBSP
# Placeholder alphabets: printable letters (trafilatura keeps them), unchanged by NFC, from
# scripts news pages do not use. The first whose letters the page does not contain is used.
_PLACEHOLDER_BASES = (0x10000, 0x10600, 0x12000, 0x13000, 0x16800)
_NBSP_INNER = re.compile(r"(?<=\S)\u00a0(?=\S)")


class Placeholders:
    """Swaps the characters trafilatura loses for letters it keeps, and back."""

    def __init__(self, page: str) -> None:
        for base in _PLACEHOLDER_BASES:
            letters = [chr(base + i) for i in range(len(_GUARDED))]
            if not any(letter in page for letter in letters):
                break
        else:  # pragma: no cover - a page holding five ancient scripts
            letters = []
        self._to = {ord(ch): letter for ch, letter in zip(_GUARDED, letters)}
        self._back = {ord(letter): ch for ch, letter in zip(_GUARDED, letters)}
        self._nbsp = self._to.get(ord(_NBSP), _NBSP)
        self._kept = {ord(ch): self._to[ord(ch)] for ch in _KEPT} if letters else {}

    def _swap(self, value: str) -> str:
        if not any(ch in value for ch in _GUARDED):
            return value
        return _NBSP_INNER.sub(self._nbsp, value.translate(self._kept))

    def protect(self, tree) -> None:
        for element in tree.iter():
            if element.text:
                element.text = self._swap(element.text)
            if element.tail:
                element.tail = self._swap(element.tail)
            if isinstance(element.tag, str):
                for key, value in element.attrib.items():
                    if any(ch in value for ch in _GUARDED):
                        element.set(key, self._swap(value))

    def restore(self, text: str) -> str:
        return text.translate(self._back) if self._back else text
