"""English word glosses under an Arabic quote, for a reader who asked in another language.

Each content word of the quote is looked up in Debian's FreeDict
Arabic–English dictionary (`dict-freedict-ara-eng`, GPL-2+, read at run time;
`make dictionary` unpacks it into the venv): as written, then without the
conjunction and article prefixes, then without one common suffix, always as
a whole headword (matching light stems instead glossed قال as "Frier").
FreeDict lists senses alphabetically, not by use, so senses that the
English–Arabic dictionary translates back into the word come first
("Forces" before "Troop" for قوات). A word the
dictionary lacks, often a name, is transliterated letter by letter
(`text.names.transliterate`), marked as such; a word that sounds like a
name the question spells (the same consonant key of four classes or more:
ماكرون and "Macron") is
shown in the question's spelling unless the word as written is a headword:
not read as a stem plus suffix (ماكرون is also the plural of ماكر, "foxy"). These are word glosses, not a
translation: the chat says so. Without the dictionary there are none.
This module looks words up; rendering is the web's.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from ..search.translation import dictionary
from ..text import dictd
from ..text.language import ARABIC_FUNCTION_WORDS
from ..text.names import DISTINCT_KEY_LENGTH, arabic_key, question_names, spellings, transliterate
from ..text.terms import normalize, terms

DICTIONARY = "freedict-ara-eng"
SENSES = 2  # the first senses of an entry: the usual ones
# Arabic letters and their marks; not the Arabic comma, question mark or digits.
ARABIC_WORD = re.compile("[\u0621-\u063a\u0640-\u065f\u0670-\u06d3\u06fa-\u06ff]+")
_PREFIXES = ("وال", "فال", "بال", "كال", "لل", "ال", "و", "ف", "ب", "ل")
_SUFFIXES = ("ات", "ون", "ين", "ان", "ها", "هم", "هما", "نا", "ه", "ي")
_SENSE = re.compile(r"^\s*(?:\d+\.\s*)?(.+?)\s*$")
@dataclass(frozen=True)
class Gloss:
    word: str  # as the quote writes it
    gloss: str  # the English senses, or the transliteration
    transliterated: bool = False  # not in the dictionary: letters, not meaning


class Glossary:
    """Normalized Arabic headword → its English senses, every entry of the headword together."""

    def __init__(self, index_file, data_file) -> None:
        self._data = dictd.read_data(data_file)
        self._entries: dict[str, list[str]] = {}
        for headword, location in dictd.index_entries(index_file):
            key = normalize(headword)
            if ARABIC_WORD.fullmatch(key):
                self._entries.setdefault(key, []).append(location)

    def gloss(self, word: str, guess: bool = True) -> str:
        """The word's likeliest senses, "" when no form of it is a headword; without `guess`, only the word as
        written or without its prefix counts (no suffix cut, no article added)."""
        for form in forms(normalize(word), guess):
            if form in self._entries:
                return ", ".join(self._ranked(form)[:SENSES])
        return ""

    def _ranked(self, key: str) -> list[str]:
        senses: list[str] = []
        for where in self._entries[key]:
            for line in dictd.entry_lines(self._data, where):
                match = _SENSE.match(line)
                if match and not line.lstrip().startswith("/") and match.group(1) not in senses:
                    senses.append(match.group(1))
        back = dictionary()
        if back is None:
            return senses
        own = set(terms(key))
        return sorted(senses, key=lambda sense: not (back.translate(sense.lower()) & own))  # stable: else as listed


def forms(key: str, guess: bool = True) -> list[str]:
    """A normalized word, then without a prefix; with `guess`, then each of those without one suffix (three
    letters kept), each also with the article, which many headwords carry (القوات)."""
    bare = [key] + [key[len(p):] for p in _PREFIXES if key.startswith(p) and len(key) - len(p) >= 3]
    if not guess:
        return bare
    cuts = [f[:-len(s)] for f in bare for s in _SUFFIXES if f.endswith(s) and len(f) - len(s) >= 3]
    plain = list(dict.fromkeys(bare + cuts))
    return plain + [f"ال{f}" for f in plain if not f.startswith("ال")]


_lock = threading.Lock()
_loaded: dict[str, Glossary | None] = {}


def glossary() -> Glossary | None:
    """The Arabic–English dictionary, loaded once; None (one warning) when it is not installed."""
    with _lock:
        if DICTIONARY not in _loaded:
            _loaded[DICTIONARY] = _load()
        return _loaded[DICTIONARY]


def _load() -> Glossary | None:
    return dictd.load(DICTIONARY, Glossary, "Arabic quotes get no English glosses")


def glosses(quote: str, language: str, question: str = "") -> tuple[Gloss, ...]:
    """Glosses of the quote's content words, once each, for a question not in Arabic; () otherwise.

    `question` (in `language`): the names it spells stand for the quote words that sound like them (module
    docstring)."""
    if language == "ar" or not quote:
        return ()
    book = glossary()
    if book is None:
        return ()
    # Only keys that tell names apart: three-class ones are ordinary words' too (بطون has Putin's "btn").
    spelled = {key: name for name in question_names(question) for key in spellings(name, language)
               if len(key) >= DISTINCT_KEY_LENGTH}
    seen, out = set(), []
    for word in ARABIC_WORD.findall(quote):
        key = normalize(word)
        if len(key) < 3 or key in seen or any(form in ARABIC_FUNCTION_WORDS for form in forms(key)):
            continue
        seen.add(key)
        # A name the question spells beats a reading that cuts letters off the word (ماكر+ون).
        name = spelled.get(arabic_key(key), "")
        meaning = book.gloss(word, guess=not name)
        out.append(Gloss(word, meaning) if meaning else Gloss(word, name or transliterate(word), transliterated=True))
    return tuple(out)
