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
from .generation import Generated
from .glosses import Gloss, glosses
from ..text.answer_type import AnswerType, expected_type
from ..text.language import language_of
from .messages import MESSAGES
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
    page: int = 0  # the quote's page in its document (PDFs), 0 when it has none
    generated: Generated | None = None  # the local model's answer (QA_LLM_URL), None when not asked
    glosses: tuple[Gloss, ...] = ()  # English word glosses of an Arabic quote, for a question in another language


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

    @property
    def found(self) -> bool:
        """A quote, and evidence above its kind's bar."""
        return self.rank >= 0 and is_found(self.confidence, self.features)


def select(retriever: Retriever, question: str, history: Sequence[dict] | None = None, k: int = 5,
           exclude: frozenset[str] = frozenset(), pair: bool = True) -> Selection:
    """Retrieve and pick the best quote; `exclude` hides documents (used to make unanswerable questions).

    With a conversation, the question is searched alone and together with the
    previous question, and the better-evidenced reading wins: found over not
    found, then the higher confidence. Whether the question points back
    ("and who opposed it?") only breaks an exact tie, so a new question that
    happens to hold "that" or "هذا" is not answered from the previous topic.
    """
    kind = expected_type(question)  # the user's own question's, also when searched with the previous one
    alone = _select_one(retriever, question, k, exclude, pair, kind)
    if previous_question(history) is None:
        return alone
    with_context = _select_one(retriever, contextual_query(question, history), k, exclude, pair, kind)

    def strength(sel: Selection) -> tuple[bool, float]:
        return sel.found, sel.confidence

    if strength(with_context) == strength(alone):
        return with_context if is_follow_up(question) else alone
    return max(alone, with_context, key=strength)


def _select_one(retriever: Retriever, question: str, k: int, exclude: frozenset[str], pair: bool,
                kind: AnswerType) -> Selection:
    search = retriever.run(question, k=max(k, EVIDENCE_PASSAGES), exclude=exclude)
    idx = search.index if search.index is not None else retriever.index()
    # Quote and verdict from the same EVIDENCE_PASSAGES whatever k: k only sets how many are shown
    # (at least up to the quoted one).
    rank, rows = best_quote(idx, dataclasses.replace(search, ranked=search.ranked[:EVIDENCE_PASSAGES], index=idx),
                           pair, kind)
    trimmed = dataclasses.replace(search, ranked=search.ranked[:max(k, rank + 1)], index=idx)
    if rank < 0:
        return Selection(trimmed, -1, "", -1, -1, 0.0, evidence(idx, retriever.embedder, search, "", kind))
    start, end = int(idx.unit_start[rows[0]]), int(idx.unit_end[rows[-1]])
    chunk = idx.chunks[search.ranked[rank].row]
    quote = chunk.text[start - chunk.start:end - chunk.start]
    features = evidence(idx, retriever.embedder, search, quote, kind)
    return Selection(trimmed, rank, quote, start, end, confidence(features), features)


def answer(retriever: Retriever, question: str, history: Sequence[dict] | None = None, k: int = 5) -> Answer:
    question = validate_question(question)
    lang = language_of(question)
    sel = select(retriever, question, history, k)
    passages = tuple(s.passage for s in sel.search.ranked)
    if not sel.found:
        return Answer(MESSAGES[lang]["not_found"], "", False, passages[:k], confidence=sel.confidence,
                      language=lang, query=sel.search.query)
    top = passages[sel.rank]
    text = f"{sel.quote} [{sel.rank + 1}]\n\n{MESSAGES[lang]['source']}: {top.source}"
    return Answer(text, sel.quote, True, passages, top.source, sel.start, sel.end, sel.rank + 1,
                  sel.confidence, lang, sel.search.query, top.page_at(sel.start),
                  glosses=glosses(sel.quote, lang, question) if language_of(sel.quote) == "ar" else ())
