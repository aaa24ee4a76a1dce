"""Names written in Latin letters meet their Arabic-script spelling.

An English question about "Erdogan" or "the Denver Broncos" shares no word
with an Arabic article that writes "أردوغان" and "دنفر برونكوس": BM25 sees
nothing, and the dense model only partly bridges proper nouns. Transliterated
names keep their consonants, so both spellings are reduced to a key of
consonant classes, with vowels, h, w, y, ain and hamza dropped and letters
that transliterate into each other merged (p/b, v/f, j/g/غ/ج, k/c/q/ق/ك/خ,
s/z/sh/س/ص/ز/ش, t/th/ت/ط/ث, d/ذ/ض): Erdogan and أردوغان are both "rdgn",
Putin and بوتين "btn", Denver and دنفر "dnfr".

Documents contribute a key for every Arabic-script word (after the article
and conjunction prefixes, without stemming: suffix stripping would cut names);
questions for every capitalized Latin- or Cyrillic-script word except the
first, which is nearly always a question word, with the letters the
question's language gives a sound of its own (German w, Spanish j). Keys shorter than three classes ("rs" would be both
Russia and رئيس, president) are dropped. Keys carry a "~" prefix, which no
`terms.terms` token can have, so a set of words and keys (as quotes are
picked) never confuses the two. This module only makes keys; `search/fusion.py`
scores them with BM25.

>>> question_keys("Who did Erdogan meet in Ankara?")
['~rdgn', '~nkr']
>>> document_keys("التقى أردوغان في أنقرة")
['~rdgn', '~nkr']

For people, not matching, `transliterate` spells an Arabic word in Latin
letters (one common romanization per letter; short vowels are not written
in Arabic, so they are missing here too):

>>> transliterate("أردوغان"), transliterate("بوتين")
('ardwghan', 'bwtyn')
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

from .language import language_of
from .terms import normalize

KEY_PREFIX = "~"
MIN_KEY_LENGTH = 3
# Keys this long tell names apart by sound alone; shorter ones are shared by ordinary Arabic words
# ("rk": Iraq; يبدون "they seem" has Biden's "bdn"), so they need other evidence that a word is a name.
DISTINCT_KEY_LENGTH = 4

# Arabic letters after `terms.normalize` (alef forms, ta marbuta, ya unified), plus
# the Persian/Urdu letters used for foreign names. "" = dropped (vowels and weak letters).
_ARABIC_CLASSES = {
    "ب": "b", "پ": "b", "ت": "t", "ث": "t", "ط": "t", "ج": "g", "چ": "g", "غ": "g", "گ": "g",
    "ح": "", "ه": "", "ا": "", "و": "", "ي": "", "ء": "", "ع": "",
    "خ": "k", "ق": "k", "ك": "k", "د": "d", "ذ": "d", "ض": "d", "ر": "r",
    "ز": "s", "ظ": "s", "س": "s", "ص": "s", "ش": "s", "ژ": "s", "ف": "f", "ڤ": "f",
    "ل": "l", "م": "m", "ن": "n",
}
# Article and conjunction prefixes, longest first; a name keeps at least three letters.
_ARABIC_PREFIXES = ("وال", "بال", "فال", "كال", "لل", "ال")
_LATIN_DIGRAPHS = (("ph", "f"), ("sh", "s"), ("ch", "s"), ("th", "t"), ("kh", "k"), ("ck", "k"),
                   ("gh", "g"), ("qu", "k"), ("x", "ks"))
_LATIN_CLASSES = {
    "b": "b", "p": "b", "t": "t", "d": "d", "j": "g", "g": "g", "k": "k", "c": "k", "q": "k",
    "s": "s", "z": "s", "f": "f", "v": "f", "l": "l", "m": "m", "n": "n", "r": "r",
}
_SOFT_C = re.compile(r"c(?=[eiy])")
_ARABIC_WORD = re.compile("[\u0600-\u06ff]+")
_LATIN_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def _collapse(classes: list[str]) -> str:
    out: list[str] = []
    for c in classes:
        if c and (not out or out[-1] != c):  # doubled letters are one sound
            out.append(c)
    return "".join(out)


def arabic_key(word: str) -> str:
    """Consonant key of one normalized Arabic-script word ("" if it has letters outside the map)."""
    for prefix in _ARABIC_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            word = word[len(prefix):]
            break
    classes = [_ARABIC_CLASSES.get(ch) for ch in word]
    if any(c is None for c in classes):
        return ""
    return _collapse([c for c in classes if c is not None])


# Letters whose sound the question's language spells its own way (text.language): German w is v
# (Bogdanow = بوغدانوف), Spanish j is kh (Zajárova = زخاروفا), Turkish c is j and ç is ch.
_LANGUAGE_LETTERS = {"de": (("w", "v"),), "es": (("j", "kh"),), "tr": (("c", "j"), ("ç", "ch"))}
# Cyrillic in the Latin letters the classes read (Arabic writes ж as ج, х as خ).
_CYRILLIC = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                     "a b v g d e e j z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya".split()))


def plain_latin(word: str) -> str:
    """`word` lower-cased in the letters a–z alone: accents dropped, anything else left out (Türkei -> turkei)."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", word.casefold()) if "a" <= ch <= "z")


def latin_key(word: str, language: str = "") -> str:
    """Consonant key of one Latin- or Cyrillic-script word as `language` spells it; accents are dropped first
    (Gül -> gul)."""
    text = word.casefold()
    for letter, sound in _LANGUAGE_LETTERS.get(language, ()):
        text = text.replace(letter, sound)
    text = "".join(_CYRILLIC.get(ch, ch) for ch in text).replace("-", "")
    text = _SOFT_C.sub("s", plain_latin(text))
    for digraph, replacement in _LATIN_DIGRAPHS:
        text = text.replace(digraph, replacement)
    return _collapse([_LATIN_CLASSES.get(ch, "") for ch in text])


def _keep(key: str) -> bool:
    return len(key) >= MIN_KEY_LENGTH


def document_keys(text: str) -> list[str]:
    """One key per Arabic-script word of `text` that yields a long enough key."""
    keys = (arabic_key(w) for w in _ARABIC_WORD.findall(normalize(text)))
    return [KEY_PREFIX + k for k in keys if _keep(k)]


def spellings(word: str, language: str) -> tuple[str, ...]:
    """The consonant keys a name may have: as `language` spells it, then as English does when that differs
    (a Spanish question keeps "Johnson" English)."""
    return tuple(dict.fromkeys((latin_key(word, language), latin_key(word))))


def question_keys(question: str, vocabulary: Collection[str] = frozenset(),
                  known_keys: Collection[str] = frozenset()) -> list[str]:
    """Keys of the question's capitalized Latin- or Cyrillic-script words, the first word excepted, as the
    question's language spells them, or as English does when only that spelling is in `known_keys` (the
    corpus's keys: a German question keeps "Johnson" English).

    Words already in `vocabulary` (the corpus's `terms.terms`) are left to the
    lexical signals: in documents that spell them in Latin letters too, keys would
    only count them twice.
    """
    language = language_of(question)
    keys = []
    for word in question_names(question):
        if normalize(word) in vocabulary:
            continue
        options = [KEY_PREFIX + key for key in spellings(word, language)]
        known = next((key for key in options if key in known_keys), None)
        # German capitalizes every noun: there a capitalized word is a name only when the corpus knows it.
        if known is None and language == "de":
            continue
        keys.append(known or options[0])
    return [k for k in keys if _keep(k[len(KEY_PREFIX):])]


def question_names(question: str) -> list[str]:
    """The question's capitalized Latin- or Cyrillic-script words, the first word excepted (it is capitalized
    anyway)."""
    # No case in Arabic script: an Arabic word is never taken for a name here.
    return [w for w in _LATIN_WORD.findall(question)[1:] if w[0].isupper()]


_ROMAN = {
    "ا": "a", "أ": "a", "إ": "i", "آ": "aa", "ٱ": "a", "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h",
    "خ": "kh", "د": "d", "ذ": "dh", "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t",
    "ظ": "z", "ع": "'", "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h",
    "ة": "a", "و": "w", "ي": "y", "ى": "a", "ء": "'", "ئ": "'", "ؤ": "'", "پ": "p", "چ": "ch", "ڤ": "v",
    "گ": "g", "ی": "y", "ک": "k",
}


def transliterate(word: str) -> str:
    """`word` in Latin letters, letter by letter (diacritics and tatweel dropped, others kept as they are)."""
    text = unicodedata.normalize("NFC", word)
    out = "".join(_ROMAN.get(ch, "" if unicodedata.category(ch) == "Mn" or ch == "\u0640" else ch) for ch in text)
    return out.strip("'") or out
