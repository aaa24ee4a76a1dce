"""English question words as Arabic index terms, through Debian's FreeDict English–Arabic dictionary.

An English question over Arabic documents shares no word with them, so the
evidence that decides whether the documents answer at all (are the question's
rare words in the best passage?) was missing for it: abstention had only
similarities to go on. Looking each English content word up in a dictionary
gives the Arabic words to look for ("tower" → "البرج" → the term "برج"):
evidence for "not in these documents", words for picking the quote, and a
BM25 signal in ranking (`fusion.py`; each measured in docs/quality.md).

The dictionary is Debian's `dict-freedict-eng-ara` (FreeDict/Arabeyes, GPL-2+,
87k headwords, one translation each), read at run time, never copied into
this project. `make dictionary` (part of `make run` and `make test`) unpacks
it into the virtual environment without root (`apt-get download`); an
installed system package works too. Without it `dictionary()` returns None
(with one warning) and English questions do without translations.
The dictd format: an index of "headword<TAB>offset<TAB>length" lines (base64
numbers) into a gzip-compatible text file of entries.

>>> english_words("When was the Eiffel Tower built?")
['eiffel', 'tower', 'built']
"""
from __future__ import annotations

import re
import threading
from functools import lru_cache
from pathlib import Path

from ..text import dictd
from ..text.language import language_of
from ..text.terms import terms

DICTIONARY = "freedict-eng-ara"
_WORD = re.compile(r"[a-z]+")
# Words that carry no content of their own; question words included (every question has one).
STOP_WORDS = frozenset("""
a an the of in on at to for from by with and or but nor is are was were be been being am do does did
done what which who whom whose when where why how that this these those it its as into onto than then
there their they them he she his her him we our us you your i my me not no yes many much more most
other others some such can could would should will shall may might must has have had having about
after before during over under between through up down out off if so also any each all both only own
same too very just one two three first second last per via upon while since until against among
""".split())
# English inflections, tried in order after the word itself: the dictionary lists base forms.
_SUFFIXES = (("s", ""), ("es", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"), ("ly", ""), ("ies", "y"))


def english_words(question: str) -> list[str]:
    """The question's Latin-script content words, lower-cased, in order (three letters or more)."""
    return [w for w in _WORD.findall(question.lower()) if len(w) > 2 and w not in STOP_WORDS]


class Dictionary:
    """Headword → Arabic index terms (`text.terms.terms` of the translation)."""

    def __init__(self, index_file: Path, data_file: Path) -> None:
        self._entries: dict[str, str] = {}
        for headword, location in dictd.index_entries(index_file):
            # The first entry of a headword wins: it is the usual sense.
            self._entries.setdefault(headword.lower(), location)
        self._data = dictd.read_data(data_file)

    def __len__(self) -> int:
        return len(self._entries)

    def translate(self, word: str) -> frozenset[str]:
        """Arabic index terms of `word` or of its base form; empty when the dictionary lacks it."""
        for candidate in _base_forms(word):
            if candidate in self._entries:
                body = dictd.entry_lines(self._data, self._entries[candidate])
                return frozenset(t for line in body for t in terms(line) if not t.isascii())
        return frozenset()


def _base_forms(word: str) -> list[str]:
    forms = [word]
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            forms.append(word[: -len(suffix)] + replacement)
    return forms


_lock = threading.Lock()
_loaded: dict[str, Dictionary | None] = {}


def dictionary() -> Dictionary | None:
    """The English–Arabic dictionary, loaded once (about 0.1 s); None when it is not installed or unreadable."""
    with _lock:
        if DICTIONARY not in _loaded:
            _loaded[DICTIONARY] = _load()
        return _loaded[DICTIONARY]


def _load() -> Dictionary | None:
    return dictd.load(DICTIONARY, Dictionary, "English questions over Arabic documents get weaker evidence")


@lru_cache(maxsize=4096)
def translations(question: str) -> tuple[frozenset[str], ...]:
    """One set of Arabic terms per English content word of the question (empty when untranslated).

    Only for an English question: a French or German word looked up in the English
    dictionary is another word ("hat" is not a hat in German).
    """
    if language_of(question) != "en":
        return ()
    book = dictionary()
    words = english_words(question)
    if book is None:
        return ()
    return tuple(book.translate(w) for w in words)
