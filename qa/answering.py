"""From ranked passages to an answer: the sentence that answers, or an honest "not found".

Sentence choice uses the passage and the sentence together: a sentence scores
by its own cosine to the question, the score of the passage around it, and
its lexical overlap with the question. Abstention compares the best
sentence's evidence with a threshold calibrated on answerable vs unanswerable
questions (docs/quality.md). Follow-up questions borrow the previous user
turn for retrieval. This module does not render HTML; the chat does.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .lexical import terms
from .retrieval import Passage, Retriever, Scored, validate_question

# Calibrated with `qa eval` on generated unanswerable questions (docs/quality.md).
FOUND_THRESHOLD = 1.55
QUOTE_MAX_CHARS = 400
SHORT_SENTENCE_CHARS = 80
FOLLOW_UP_MAX_WORDS = 6
_ARABIC_LETTER = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_FOLLOW_UP_START = re.compile(r"^(and|but|what about|how about|so|then|و|ف|ثم|وماذا|ماذا عن)\b", re.IGNORECASE)

MESSAGES = {
    "en": {
        "not_found": "I could not find an answer to this in the documents. The closest passages are listed below.",
        "source": "Source",
    },
    "ar": {
        "not_found": "لم أجد إجابة عن هذا السؤال في المستندات. أقرب المقاطع مدرجة أدناه.",
        "source": "المصدر",
    },
}


@dataclass(frozen=True)
class Answer:
    text: str
    quote: str
    found: bool
    passages: tuple[Passage, ...]
    source: str = ""
    quote_start: int = -1  # offsets of the quote in its source document
    quote_end: int = -1
    citation: int = 0  # 1-based index into passages, 0 when not found
    confidence: float = 0.0
    language: str = "en"
    query: str = field(default="", repr=False)  # what retrieval actually searched


def language_of(text: str) -> str:
    """'ar' when most letters are Arabic, else 'en' (the fallback for messages)."""
    letters = _LETTER.findall(text)
    if not letters:
        return "en"
    arabic = sum(1 for ch in letters if _ARABIC_LETTER.match(ch))
    return "ar" if arabic / len(letters) >= 0.5 else "en"


def contextual_query(question: str, history: Sequence[dict] | None) -> str:
    """The question, prefixed by the previous user turn when it reads like a follow-up."""
    if not history:
        return question
    previous = [m.get("content") for m in history if isinstance(m, dict) and m.get("role") == "user"]
    previous = [p for p in previous if isinstance(p, str) and p.strip()]
    if not previous:
        return question
    short = len(question.split()) <= FOLLOW_UP_MAX_WORDS
    if short or _FOLLOW_UP_START.match(question.strip()):
        return f"{previous[-1].strip()} {question}"
    return question


def _quote_span(idx, unit_row: int) -> tuple[int, int, str]:
    """The best sentence, joined with its neighbour when it is too short to stand alone."""
    unit = idx.units[unit_row]
    siblings = idx.units_of[unit.chunk]
    pos = siblings.index(unit_row)
    start, end = unit.start, unit.end
    if end - start < SHORT_SENTENCE_CHARS and pos + 1 < len(siblings):
        nxt = idx.units[siblings[pos + 1]]
        if nxt.end - start <= QUOTE_MAX_CHARS:
            end = nxt.end
    chunk = idx.chunks[unit.chunk]
    text = chunk.text[start - chunk.start:end - chunk.start]
    return start, end, text


def _best_sentence(retriever: Retriever, query: str, ranked: list[Scored]) -> tuple[int, int, float]:
    """(rank in `ranked`, unit row, score) of the sentence that best answers."""
    idx = retriever.index()
    qvec = retriever.embedder.encode_query(query)
    qterms = set(terms(query))
    best = (0, -1, -np.inf)
    for rank, item in enumerate(ranked[:3]):
        unit_rows = idx.units_of[item.row]
        if not unit_rows:
            continue
        sims = idx.unit_vectors[unit_rows] @ qvec
        for j, row in enumerate(unit_rows):
            overlap = len(qterms & set(terms(idx.units[row].text))) / max(1, len(qterms))
            score = float(sims[j]) + item.dense + 0.2 * overlap
            if score > best[2]:
                best = (rank, row, score)
    return best


@dataclass(frozen=True)
class Selection:
    """The best candidate answer before the found/not-found decision."""
    query: str
    ranked: tuple[Scored, ...]
    rank: int  # index into ranked of the passage holding the quote
    quote: str
    start: int
    end: int
    score: float


def select(retriever: Retriever, question: str, history: Sequence[dict] | None = None, k: int = 5,
           exclude: frozenset[str] = frozenset()) -> Selection:
    """Retrieve and pick the best sentence; `exclude` hides documents (used to make unanswerable questions)."""
    query = contextual_query(question, history)
    ranked = tuple(retriever.search(query, k=k, exclude=exclude))
    if not ranked:
        return Selection(query, ranked, -1, "", -1, -1, -np.inf)
    rank, unit_row, score = _best_sentence(retriever, query, list(ranked))
    if unit_row < 0:
        return Selection(query, ranked, -1, "", -1, -1, -np.inf)
    start, end, quote = _quote_span(retriever.index(), unit_row)
    return Selection(query, ranked, rank, quote, start, end, score)


def answer(retriever: Retriever, question: str, history: Sequence[dict] | None = None, k: int = 5) -> Answer:
    question = validate_question(question)
    lang = language_of(question)
    sel = select(retriever, question, history, k)
    passages = tuple(s.passage for s in sel.ranked)
    if sel.rank < 0 or sel.score < FOUND_THRESHOLD:
        return Answer(MESSAGES[lang]["not_found"], "", False, passages, confidence=float(sel.score),
                      language=lang, query=sel.query)
    top = sel.ranked[sel.rank].passage
    text = f"{sel.quote} [{sel.rank + 1}]\n\n{MESSAGES[lang]['source']}: {top.source}"
    return Answer(text, sel.quote, True, passages, top.source, sel.start, sel.end, sel.rank + 1,
                  float(sel.score), lang, sel.query)
