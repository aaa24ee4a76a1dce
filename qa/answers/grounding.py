"""Is a generated answer grounded in the passages it cites? Checked before anyone sees it as an answer.

A sentence passes when it cites passages that exist ([n], 1-based, as the
chat numbers its sources), and every number and every name it writes is in
the passages that sentence cites. Numbers are compared after digit
normalization (٢٢ = 22, 1,500 = 1500). Names are the capitalized Latin-script
words after a sentence's first; one is found when the cited text holds the
word itself, its consonant key (`text.names`: "Erdogan" meets "أردوغان"), a
dictionary translation of it (`search.translation`), or when the question
itself named it. The answer must also be in the question's script, and for
longer answers in its language. Cyrillic and Arabic-script names are not
checked (no case marks them); numbers always are. Words written out as
numbers ("twenty") are not compared. This module only judges; it sends nothing.

>>> check("Turkey called for it [1].", ("دعت تركيا إلى عملية برية",), "en", "Who called for it?").ok
True
>>> check("It was Egypt [1].", ("دعت تركيا إلى عملية برية",), "en", "Who called for it?").problem
'“Egypt” is not in passage [1]'
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..search.translation import dictionary
from ..text.names import MIN_KEY_LENGTH, arabic_key, latin_key
from ..text.terms import normalize, terms
from .messages import language_of

_CITATION = re.compile(r"\[(\d+(?:\s*[,،;]\s*\d+)*)\]")
_SENTENCE_END = re.compile(r"(?<=[.!?؟。])\s+|\n+")
_NUMBER = re.compile(r"\d+(?:[.,٫٬]\d+)*")
_LATIN_WORD = re.compile(r"[A-Za-zÀ-ɏ][A-Za-zÀ-ɏ'’-]*")
_ARABIC_WORD = re.compile("[\u0600-\u06ff]+")
_SCRIPTS = {"ar": "arabic", "ru": "cyrillic"}  # every other language here writes Latin letters
# Shorter answers say too little for the stop-word guess of their language.
LANGUAGE_CHECK_WORDS = 6


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


def check(text: str, passages: Sequence[str], language: str, question: str = "") -> Grounding:
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
    asked = {normalize(w) for w in _LATIN_WORD.findall(question)}
    for sentence in _sentences(text):
        own = citations(sentence)
        if not own:
            return Grounding(False, cited, f"a sentence cites no passage: “{_short(sentence)}”")
        problem = _unsupported(sentence, [passages[n - 1] for n in own], own, asked)
        if problem:
            return Grounding(False, cited, problem)
    return Grounding(True, cited)


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


def _sentences(text: str) -> list[str]:
    """Sentences with letters or digits; a citation left alone after a full stop joins the sentence before."""
    parts = [p.strip() for p in _SENTENCE_END.split(text.strip()) if p.strip()]
    merged: list[str] = []
    for part in parts:
        if merged and not _CITATION.sub("", part).strip(" .،,;:"):
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)
    return [m for m in merged if re.search(r"\w", _CITATION.sub("", m))]


def _unsupported(sentence: str, cited_texts: list[str], cited: tuple[int, ...], asked: set[str]) -> str:
    where = "passage " + ", ".join(f"[{n}]" for n in cited)
    body = _CITATION.sub(" ", sentence)
    have_numbers = set().union(*(numbers(t) for t in cited_texts))
    for number in sorted(numbers(body) - have_numbers):
        return f"the number {number} is not in {where}"
    vocabulary = {normalize(w) for t in cited_texts for w in re.findall(r"\w+", t)}
    stems = {t for text in cited_texts for t in terms(text)}
    keys = {k for text in cited_texts for k in _keys(text)}
    for name in _names(body):
        if not _found(name, vocabulary, stems, keys, asked):
            return f"“{name}” is not in {where}"
    return ""


def _names(sentence: str) -> list[str]:
    words = _LATIN_WORD.findall(sentence)
    return [w.strip("'’-") for w in words[1:] if w[0].isupper()]


def _keys(text: str) -> set[str]:
    """Consonant keys of the text's words and of adjacent word pairs (a name in two Arabic words)."""
    keys = [latin_key(w) for w in _LATIN_WORD.findall(text)]
    arabic = [arabic_key(w) for w in _ARABIC_WORD.findall(normalize(text))]
    pairs = [a + b for a, b in zip(arabic, arabic[1:])]
    return {k for k in keys + arabic + pairs if len(k) >= MIN_KEY_LENGTH}


def _found(name: str, vocabulary: set[str], stems: set[str], keys: set[str], asked: set[str]) -> bool:
    word = normalize(name)
    if word in vocabulary or word in asked or any(part in vocabulary for part in word.split("-") if len(part) > 2):
        return True
    key = latin_key(name)
    if len(key) < MIN_KEY_LENGTH or key in keys:
        return True  # too short to tell apart ("Rus"), or the same consonants in the cited text
    book = dictionary()
    return book is not None and bool(book.translate(word) & stems)


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
