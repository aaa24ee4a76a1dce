"""From ranked passages to an answer: the sentence(s) that answer, or an honest "not found".

Runs the search (with the previous question for follow-ups), picks the quote
(`quoting`), gathers the evidence (`evidence`) and lets the abstention model
decide (`abstention`). This module renders no HTML.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..search.fusion import Retriever
from ..search.question import validate_question
from ..search.results import Passage, Search
from .abstention import confidence, is_found
from .evidence import EVIDENCE_PASSAGES, evidence
from .followup import contextual_query, is_follow_up, previous_question
from .messages import MESSAGES, language_of
from .quoting import best_quote


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
    confidence: float = 0.0  # probability that the documents answer the question
    language: str = "en"
    query: str = field(default="", repr=False)  # what retrieval actually searched


@dataclass(frozen=True)
class Selection:
    """The best candidate answer before the found/not-found decision."""
    search: Search
    rank: int  # index into search.ranked of the passage holding the quote, -1 if none
    quote: str
    start: int
    end: int
    confidence: float
    features: dict[str, float] = field(default_factory=dict)


def select(retriever: Retriever, question: str, history: Sequence[dict] | None = None, k: int = 5,
           exclude: frozenset[str] = frozenset(), pair: bool = True) -> Selection:
    """Retrieve and pick the best quote; `exclude` hides documents (used to make unanswerable questions).

    With a conversation, a question that points back ("and who opposed it?")
    is searched together with the previous question; any other question is
    searched alone first, and with the previous question only if alone it
    finds no answer.
    """
    if previous_question(history) is None:
        return _select_one(retriever, question, k, exclude, pair)
    contextual = contextual_query(question, history)
    if is_follow_up(question):
        return _select_one(retriever, contextual, k, exclude, pair)
    alone = _select_one(retriever, question, k, exclude, pair)
    if alone.rank >= 0 and is_found(alone.confidence, alone.features):
        return alone
    with_context = _select_one(retriever, contextual, k, exclude, pair)
    return with_context if with_context.confidence > alone.confidence else alone


def _select_one(retriever: Retriever, question: str, k: int, exclude: frozenset[str], pair: bool) -> Selection:
    search = retriever.run(question, k=max(k, EVIDENCE_PASSAGES), exclude=exclude)
    idx = search.index if search.index is not None else retriever.index()
    trimmed = dataclasses.replace(search, ranked=search.ranked[:k], index=idx)
    rank, rows = best_quote(idx, trimmed, pair)
    if rank < 0:
        return Selection(trimmed, -1, "", -1, -1, 0.0, evidence(idx, retriever.embedder, search))
    start, end = int(idx.unit_start[rows[0]]), int(idx.unit_end[rows[-1]])
    chunk = idx.chunks[search.ranked[rank].row]
    quote = chunk.text[start - chunk.start:end - chunk.start]
    features = evidence(idx, retriever.embedder, search)
    return Selection(trimmed, rank, quote, start, end, confidence(features), features)


def answer(retriever: Retriever, question: str, history: Sequence[dict] | None = None, k: int = 5) -> Answer:
    question = validate_question(question)
    lang = language_of(question)
    sel = select(retriever, question, history, k)
    passages = tuple(s.passage for s in sel.search.ranked)
    if sel.rank < 0 or not is_found(sel.confidence, sel.features):
        return Answer(MESSAGES[lang]["not_found"], "", False, passages, confidence=sel.confidence,
                      language=lang, query=sel.search.query)
    top = passages[sel.rank]
    text = f"{sel.quote} [{sel.rank + 1}]\n\n{MESSAGES[lang]['source']}: {top.source}"
    return Answer(text, sel.quote, True, passages, top.source, sel.start, sel.end, sel.rank + 1,
                  sel.confidence, lang, sel.search.query)
