"""Is a generated answer grounded in the passages it cites? Checked before anyone sees it as an answer.

A sentence passes when it cites passages that exist ([n], 1-based, as the
chat numbers its sources), and every number and every name it writes is in
the passages that sentence cites. Numbers are compared after digit
normalization (٢٢ = 22, 1,500 = 1500). Names are the capitalized Latin-script
words (a sentence's first too, unless it is a common short word such as
"The" or the cited text writes it in lower case); one is found when the
cited text holds the word itself, a dictionary translation of it
(`search.translation`: "Turkey" → تركيا), or, for keys of four consonant
classes or more, the same consonant key (`text.names`: "Erdogan" meets
"أردوغان"; shorter keys such as "Iraq"'s "rk" match too many words). A name
the question gives must be in the cited text like any other: a question's
false premise is not confirmed. The answer must also be in the question's
script, and for longer answers in its language. Cyrillic and Arabic-script
names are not checked (no case marks them), nor German ones (every noun is
capitalized); numbers always are. Words
written out as numbers ("twenty") are not compared. This module only judges;
it sends nothing.

>>> check("Turkey called for it [1].", ("دعت تركيا إلى عملية برية",), "en").ok
True
>>> check("Egypt called for it [1].", ("دعت تركيا إلى عملية برية",), "en").problem
'“Egypt” is not in passage [1]'
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from ..search.translation import STOP_WORDS, dictionary
from ..text.names import DISTINCT_KEY_LENGTH, MIN_KEY_LENGTH, arabic_key, latin_key, plain_latin, spellings
from ..text.terms import normalize, terms
from .glosses import ARABIC_WORD, glossary
from ..text.language import is_stop_word, language_of

_CITATION = re.compile(r"\[(\d{1,6}(?:\s*[,،;]\s*\d{1,6})*)\]")
_SENTENCE_END = re.compile(r"(?<=[.!?؟。])\s+|\n+")
_NUMBER = re.compile(r"\d+(?:[.,٫٬]\d+)*")
_LATIN_WORD = re.compile(r"[A-Za-zÀ-ɏ][A-Za-zÀ-ɏ'’-]*")
_SCRIPTS = {"ar": "arabic", "ru": "cyrillic"}
_NOUNS_CAPITALIZED = frozenset({"de"})  # every other language here writes Latin letters
# Shorter answers say too little for the stop-word guess of their language.
LANGUAGE_CHECK_WORDS = 6
# Two spellings of one name share at least half their letters in order (difflib's ratio).
COGNATE_RATIO = 0.5
# Words that start English sentences without being names (besides the stop words).
_STARTERS = frozenset("according however yes also although though meanwhile therefore thus instead earlier later "
                      "today yesterday officials despite moreover now sources selon según laut".split())
# "Edison's" is Edison, Turkish "Suriye'de" (in Syria) is Suriye; "O'Brien" stays whole.
_POSSESSIVE = re.compile(r"['’][a-zçğıöşü]{1,5}$")
_ROMAN_NUMERAL = re.compile(r"[IVXLCDM]+|[A-Z]")  # "Super Bowl XLIX", "Formula K": no name to look up
_TITLES = ("Mr", "Mrs", "Ms", "Dr", "Prof", "Sen", "Rep", "Gov", "Gen", "Col", "Lt", "St", "Jr", "Sr")
_TITLE_WORDS = frozenset(t.lower() for t in _TITLES)
# A full stop after these is no sentence end ("Mr. Davutoglu", "U.S. forces").
_ABBREVIATION = re.compile(r"(?:\b[A-Z]|\b(?:%s|No|vs))\.$" % "|".join(_TITLES))


@dataclass(frozen=True)
class Grounding:
    ok: bool
    citations: tuple[int, ...]  # distinct passage numbers cited, in order of first use
    problem: str = ""  # one line when not ok


def citations(text: str) -> tuple[int, ...]:
    """Passage numbers cited as [n] or [n, m], in order, each once."""
    seen: list[int] = []
    for match in _CITATION.finditer(text):
        for part in re.split(r"[,،;]", match.group(1)):
            n = int(part)
            if n not in seen:
                seen.append(n)
    return tuple(seen)


def check(text: str, passages: Sequence[str], language: str) -> Grounding:
    """Whether `text` is grounded in `passages` (their texts, numbered from 1) for a question in `language`."""
    cited = citations(text)
    if not text.strip() or not _CITATION.sub("", text).strip():
        return Grounding(False, cited, "the model's answer was empty")
    if not cited:
        return Grounding(False, cited, "the model's answer cites no passage")
    missing = [n for n in cited if not 1 <= n <= len(passages)]
    if missing:
        return Grounding(False, cited, f"it cites passage [{missing[0]}], which does not exist")
    problem = _language_problem(_CITATION.sub(" ", text), language)
    if problem:
        return Grounding(False, cited, problem)
    for sentence in sentences(text):
        own = citations(sentence)
        if not own:
            return Grounding(False, cited, f"a sentence cites no passage: “{_short(sentence)}”")
        problem = unsupported(_CITATION.sub(" ", sentence), [passages[n - 1] for n in own], language)
        if problem:
            where = "passage " + ", ".join(f"[{n}]" for n in own)
            return Grounding(False, cited, f"{problem} {where}")
    return Grounding(True, cited)


def complete_sentences(text: str) -> str:
    """The reply up to its last finished sentence (a full stop and its citation), "" before the first.

    >>> complete_sentences("Turkey called for it [1]. Russia ask")
    'Turkey called for it [1].'
    """
    ends = [m.end() for m in re.finditer(r"[.!?؟。](?:\s*\[[\d,،; ]{1,40}\])?(?=\s)", text + " ")]
    ends = [e for e in ends if not _ABBREVIATION.search(text[:e].rstrip())]
    return text[:ends[-1]].strip() if ends else ""


def numbers(text: str) -> set[str]:
    """The numbers of `text`, canonical: Arabic-Indic digits as ASCII, no thousands separators."""
    out = set()
    for raw in _NUMBER.findall(normalize(text).replace("٫", ".").replace("٬", ",")):
        parts = re.split(r"[.,]", raw)
        if len(parts) > 1 and all(len(p) == 3 for p in parts[1:]):
            out.add("".join(parts))  # 1,500 or 1.500 (thousands)
        else:
            out.add(raw.replace(",", "."))
    return out


def sentences(text: str) -> list[str]:
    """Sentences with letters or digits; a citation left alone after a full stop joins the sentence before,
    and so does what follows an abbreviation ("Mr.")."""
    parts = [p.strip() for p in _SENTENCE_END.split(text.strip()) if p.strip()]
    merged: list[str] = []
    for part in parts:
        if merged and (not _CITATION.sub("", part).strip(" .،,;:") or _ABBREVIATION.search(merged[-1])):
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)
    return [m for m in merged if re.search(r"\w", _CITATION.sub("", m))]


def unsupported(text: str, sources: Sequence[str], language: str = "") -> str:
    """What in `text` (written in `language`) the `sources` do not hold ("the number 1999 is not in", "“Egypt”
    is not in"), or "".

    German text has its numbers compared only (German capitalizes every noun: a capital marks no name);
    names are keyed as `language` spells them, or as English does (`names.latin_key`).
    """
    names = language not in _NOUNS_CAPITALIZED
    have_numbers = set().union(*(numbers(t) for t in sources))
    for number in sorted(numbers(text) - have_numbers):
        return f"the number {number} is not in"
    vocabulary = ({normalize(w) for t in sources for w in re.findall(r"\w+", t)}
                  | {normalize(w.strip("'’-")) for t in sources for w in _LATIN_WORD.findall(t)})  # O'Brien
    stems = {t for source in sources for t in terms(source)}
    strong: set[str] = set()
    foreign: set[str] = set()
    for source in sources:
        more_strong, more_foreign = _keys(source)
        strong |= more_strong
        foreign |= more_foreign
    found_names = _names(text) if names else []
    glossed = _glossed(sources) if found_names else frozenset()
    for name in found_names:
        if not _found(name, vocabulary, stems, strong, foreign, language) and not _cognate(name, glossed):
            return f"“{name}” is not in"
    return ""


def _names(sentence: str) -> list[str]:
    """Capitalized words; the first one too unless it is a common word that starts sentences ("The", "According")."""
    words = [_POSSESSIVE.sub("", w).strip("'’-") for w in _LATIN_WORD.findall(sentence)]
    return [w for i, w in enumerate(words) if w[:1].isupper() and w.lower() not in _TITLE_WORDS
            and not _ROMAN_NUMERAL.fullmatch(w)
            and not (i == 0 and (is_stop_word(w) or w.lower() in STOP_WORDS or w.lower() in _STARTERS))]


def _keys(text: str) -> tuple[set[str], set[str]]:
    """Consonant keys of the text: of four classes or more from any word or adjacent Arabic word pair (a
    name in two words), and of three from Arabic words the Arabic–English dictionary does not know
    (transliterated names: تسلا, أمازون), where a short key cannot be an ordinary word's."""
    latin = [latin_key(w) for w in _LATIN_WORD.findall(text)]
    words = ARABIC_WORD.findall(normalize(text))
    arabic = [arabic_key(w) for w in words]
    pairs = [a + b for a, b in zip(arabic, arabic[1:]) if a and b]
    strong = {k for k in latin + arabic + pairs if len(k) >= DISTINCT_KEY_LENGTH}
    foreign = {k for w, k in zip(words, arabic) if len(k) == DISTINCT_KEY_LENGTH - 1 and _name_like(w, k)}
    return strong, foreign


@lru_cache(maxsize=65536)
def _name_like(word: str, key: str) -> bool:
    """A word the Arabic–English dictionary lacks (a transliterated name: تسلا), or one it glosses with a
    word of the same consonants (تركيا "Turkey"): a name, not an ordinary word such as بدون ("without")."""
    book = glossary()
    if book is None:
        return False
    senses = book.gloss(word)
    return not senses or any(latin_key(sense) == key for sense in senses.split(", "))


def _found(name: str, vocabulary: set[str], stems: set[str], strong: set[str], foreign: set[str],
           language: str = "") -> bool:
    word = normalize(name)
    if "-" in word:  # "South-East", "Six-time": each part on its own, common words among them
        parts = [p for p in word.split("-") if len(p) > 2 and p not in STOP_WORDS and not is_stop_word(p)]
        if parts:
            return all(_found(p, vocabulary, stems, strong, foreign, language) for p in parts)
    if word in vocabulary:
        return True
    book = dictionary()
    if book is not None and any(_same_stem(t, s) for t in book.translate(word) for s in stems):
        return True
    short = DISTINCT_KEY_LENGTH - 1
    return any(key in strong if len(key) > short else len(key) == short and key in foreign
               for key in spellings(name, language))


_RELATED_ENDINGS = frozenset(("ي", "يه", "ه", "يا", "ون", "ين", "ان"))


def _glossed(sources: Sequence[str]) -> frozenset[str]:
    """The English senses of the sources' Arabic words (Arabic–English dictionary), in plain letters."""
    book = glossary()
    if book is None:
        return frozenset()
    words = {w for source in sources for w in ARABIC_WORD.findall(source)}
    return frozenset(plain_latin(sense) for w in words for sense in _senses(w) if sense)


@lru_cache(maxsize=65536)
def _senses(word: str) -> tuple[str, ...]:
    book = glossary()
    return tuple(book.gloss(word).split(", ")) if book is not None else ()


def _cognate(name: str, glossed: frozenset[str]) -> bool:
    """The name spelled as another language spells a word the passage glosses: Türkei, Turquía, Türkiye for
    تركيا ("Turkey"). The same consonant key, of three classes at least as for every match by sound here
    (Syrie's "sr" is too short), and at least half the letters alike."""
    plain = plain_latin(name)
    key = latin_key(plain)
    return len(key) >= MIN_KEY_LENGTH and any(
        latin_key(g) == key and SequenceMatcher(None, plain, g).ratio() >= COGNATE_RATIO for g in glossed)


def _same_stem(a: str, b: str) -> bool:
    """Equal, or one the other plus a nisba, feminine or plural ending: تركيا (Turkey) and ترك (of التركي);
    not مصر (Egypt) and مصرف (bank)."""
    short, long = sorted((a, b), key=len)
    return a == b or (len(short) >= 3 and long.startswith(short) and long[len(short):] in _RELATED_ENDINGS)


def _language_problem(text: str, language: str) -> str:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return ""
    arabic = sum(1 for ch in letters if "\u0600" <= ch <= "\u06ff")
    cyrillic = sum(1 for ch in letters if "\u0400" <= ch <= "\u04ff")
    script = "arabic" if arabic * 2 >= len(letters) else "cyrillic" if cyrillic * 2 >= len(letters) else "latin"
    expected = _SCRIPTS.get(language, "latin")
    if script != expected:
        return f"it answered in {script} script, not in the question's language"
    if script == "latin" and len(text.split()) >= LANGUAGE_CHECK_WORDS and language_of(text) != language:
        return f"it answered in another language than the question's ({language_of(text)}, not {language})"
    return ""


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"
