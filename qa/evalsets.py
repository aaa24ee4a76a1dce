"""Question sets written by hand over a folder of documents: quote accuracy and refusals per language.

A set is JSON: {"questions": [{"id", "language", "question", "answers": [...],
"article": n | null, "near": bool}]}. A question with answers is answerable
from its article (an index into the folder's documents, or the one document
`source` the set names); one without is answerable by none. A quote is right
when, after `text.terms.normalize`, it holds one of the answers and comes from
the right document. With `hide_own`, every answerable question is asked again
with its own document hidden (`Retriever.run(exclude=...)`: as if never
indexed), which makes it unanswerable. `benchmarks/eval_questions.py` runs
the sets; this module asks and counts.
"""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .answers import answering
from .evaluate import contains_answer
from .errors import InvalidArgument
from .search.fusion import Retriever


@dataclass(frozen=True)
class SetQuestion:
    qid: str
    language: str
    text: str
    answers: tuple[str, ...]
    article: int | None = None
    near: bool = False


@dataclass(frozen=True)
class Outcome:
    qid: str
    language: str
    answerable: bool
    found: bool
    quote_right: bool  # the quote holds an answer, from the right document (answerable only)
    source: str
    confidence: float
    hidden: bool = False  # unanswerable because its own document was hidden
    article: int | None = None  # the question's article (answerable and near misses), for split fits
    features: dict = field(default_factory=dict, repr=False)


def load_set(path: Path) -> list[SetQuestion]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return [SetQuestion(q["id"], q["language"], q["question"], tuple(q.get("answers") or ()), q.get("article"),
                            bool(q.get("near"))) for q in data["questions"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InvalidArgument(f"cannot read the question set {path}: {exc}") from exc


def ask(retriever: Retriever, questions: Sequence[SetQuestion], sources: Sequence[str], hide_own: bool = False,
        k: int = 5, alone: bool = False) -> list[Outcome]:
    """Ask every question; `sources[n]` is the document of article n (a one-document set: `sources[0]`).

    `alone`: also ask each answerable question in a folder of its own article only, and in a folder of
    one other article (the next one): users' folders are often a single document.
    """
    outcomes = []
    for q in questions:
        if alone and q.answers and q.article is not None and len(sources) > 1:
            own = sources[q.article]
            other = sources[(q.article + 1) % len(sources)]
            for folder, answerable in ((own, True), (other, False)):
                sel = answering.select(retriever, q.text, k=k, exclude=frozenset(sources) - {folder})
                found = sel.found
                right = answerable and sel.rank >= 0 and contains_answer(sel.quote, q.answers)
                outcomes.append(Outcome(q.qid, q.language, answerable, found, right, folder, sel.confidence,
                                        not answerable, q.article, {**sel.features, "folder": 1.0}))
        own = sources[q.article if q.article is not None else 0] if q.answers else ""
        sel = answering.select(retriever, q.text, k=k)
        found = sel.found
        source = sel.search.ranked[sel.rank].passage.source if sel.rank >= 0 else ""
        right = bool(q.answers) and source == own and contains_answer(sel.quote, q.answers)
        outcomes.append(Outcome(q.qid, q.language, bool(q.answers), found, right, source, sel.confidence,
                                article=q.article, features=sel.features))
        if hide_own and q.answers:
            hidden = answering.select(retriever, q.text, k=k, exclude=frozenset({own}))
            found = hidden.found
            outcomes.append(Outcome(q.qid, q.language, False, found, False, "", hidden.confidence, True,
                                    q.article, hidden.features))
    return outcomes


def summary(outcomes: Sequence[Outcome]) -> dict[str, dict[str, int]]:
    """Counts per language and overall ("all"): answerable, quoted right and found, refused; unanswerable, refused."""
    table: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(
        ("answerable", "right", "answerable_refused", "unanswerable", "unanswerable_refused"), 0))
    for o in outcomes:
        for key in (o.language, "all"):
            row = table[key]
            if o.answerable:
                row["answerable"] += 1
                row["right"] += o.found and o.quote_right
                row["answerable_refused"] += not o.found
            else:
                row["unanswerable"] += 1
                row["unanswerable_refused"] += not o.found
    return dict(table)
