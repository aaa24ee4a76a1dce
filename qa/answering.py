"""From ranked passages to an answer: the sentence(s) that answer, or an honest "not found".

A sentence of the top passages scores by its dense and sparse similarity to
the question, its word overlap with it and the score of its passage; the quote
is that sentence joined with its better neighbour when both fit in 400
characters (docs/quality.md measures the gain). Whether the documents answer
at all is a logistic model over a few evidence features, calibrated on
answerable vs generated unanswerable questions (benchmarks/calibrate_abstention.py).
Follow-ups borrow the previous user turn. This module renders no HTML.
"""
from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .embedding import Embedder
from .lexical import terms
from .names import document_keys
from .retrieval import LoadedIndex, Passage, Retriever, Scored, Search, validate_question

QUOTE_MAX_CHARS = 400
OVERLAP_WEIGHT = 0.3
QUOTE_PASSAGES = 3  # sentences are picked from the best few passages only
EVIDENCE_PASSAGES = 10
# Logistic abstention model, fitted by benchmarks/calibrate_abstention.py on all 1,190 XQuAD
# questions both ways, each asked in the whole index and in folders of one and of four
# articles, with and without its own (`qa eval --small-folders 1,4`): users' folders are
# often small, and what stands out in 48 articles does not in one. Fitted on even articles,
# on the odd ones it refused 0.962 of unanswerable Arabic questions in the whole index
# (wrongly 0.085) and 0.799 of English ones (wrongly 0.097) (docs/quality.md).
FEATURES = ("sentence_dense", "sentence_sparse", "sentence_z", "chunk_dense", "chunk_sparse",
            "coverage", "rare_terms_found", "rare_terms_missing", "names_found", "names_missing",
            "translation_coverage", "translations_found", "translations_missing", "chunk_gap")
COEFFICIENTS = (5.486, 1.201, 0.579, 8.28, 4.509, -1.305, 2.486, -3.79, 0.86, -0.64, 1.187, 2.366, -1.179, 14.33)
INTERCEPT = -16.47
# What a question shares with the documents decides how strong its evidence can be, so each
# kind has its own bar: the probability below which 8% of its answerable questions fall in
# the whole index (calibrate_abstention.py). "words": the documents hold some of the
# question's words. "across": none, but they hold its Latin-script names or, translated, at
# least half of its English content words (with fewer, a miss is as likely the one-sense
# dictionary's as the documents'). "none": another script and nothing to go on but similarity.
# For "none" the 8% rule would set 0.16 (held out: 0.82 of unanswerable English questions
# refused, 0.95 in one-article folders), but XQuAD's questions paraphrase their paragraph
# closely and the seed's English headline question does not: it scores 0.049. The bar is the
# highest in steps of 0.01 that still answers it (held out: 0.80 refused in the whole index,
# 0.82 in one-article folders; docs/quality.md).
THRESHOLDS = {"words": 0.555, "across": 0.347, "none": 0.04}
FOUND_THRESHOLD = THRESHOLDS["words"]  # what `qa eval` reports as its threshold
# A folder of one chunk has nothing for its passage to stand out from: the model refitted on
# the same questions without chunk_gap judges it (bars by the same rule, "none" as above).
# In one-paragraph folders it refuses 0.887 / 0.961 of unanswerable Arabic / English questions
# (wrongly 0.035 / 0.059); the gap imputed with its mean refused 0.744 / 0.636
# (benchmarks/abstention_one_chunk.py, docs/quality.md).
ALONE_FEATURES = tuple(name for name in FEATURES if name != "chunk_gap")
ALONE_COEFFICIENTS = (8.889, 4.936, 0.775, 10.269, 6.162, -0.109, 6.236, -6.345, 1.803, -0.699, 1.535, 3.984,
                      -2.449)
ALONE_INTERCEPT = -20.475
ALONE_THRESHOLDS = {"words": 0.472, "across": 0.349, "none": 0.04}
TRANSLATED_MIN_COVERAGE = 0.5

_ARABIC_LETTER = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_FOLLOW_UP_START = re.compile(
    r"^(and|but|what about|how about|so|then|also)\b|^(ماذا عن|ثم)|^[وف](متى|من|ما|ماذا|كيف|أين|اين|لماذا|هل|كم|أي|اي)",
    re.IGNORECASE)
# Words that point back into the conversation; a question holding one needs its context.
_ANAPHORA = re.compile(r"\b(it|its|they|them|their|that|this|those|these|he|she|him|her)\b|(ذلك|هذا|هذه|تلك|هؤلاء|هو|هي|هم)(?!\w)",
                       re.IGNORECASE)

MESSAGES = {
    "en": {"not_found": "I could not find an answer to this in the documents. The closest passages are listed below.",
           "source": "Source"},
    "ar": {"not_found": "لم أجد إجابة عن هذا السؤال في المستندات. أقرب المقاطع مدرجة أدناه.",
           "source": "المصدر"},
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


def language_of(text: str) -> str:
    """'ar' when most letters are Arabic, else 'en' (the fallback for messages)."""
    letters = _LETTER.findall(text)
    if not letters:
        return "en"
    arabic = sum(1 for ch in letters if _ARABIC_LETTER.match(ch))
    return "ar" if arabic / len(letters) >= 0.5 else "en"


def _previous_question(history: Sequence[dict] | None) -> str | None:
    if not history:
        return None
    previous = [m.get("content") for m in history if isinstance(m, dict) and m.get("role") == "user"]
    previous = [p.strip() for p in previous if isinstance(p, str) and p.strip()]
    return previous[-1] if previous else None


def is_follow_up(question: str) -> bool:
    """Does the question lean on the conversation ("and who opposed it?", "متى حدث ذلك؟")?"""
    return bool(_FOLLOW_UP_START.match(question.strip()) or _ANAPHORA.search(question))


def contextual_query(question: str, history: Sequence[dict] | None) -> str:
    """The question prefixed by the previous user turn (for retrieval of follow-ups)."""
    previous = _previous_question(history)
    return f"{previous} {question}" if previous else question


def _quote(idx: LoadedIndex, search: Search, pair: bool = True) -> tuple[int, list[int]]:
    """(rank of the passage, unit rows of the quote) for the best sentence and its better neighbour."""
    # Name keys and translated words count as words: across scripts they are the only words
    # a sentence can share with the question.
    qset = set(search.terms) | set(search.names) | set().union(*search.translations)
    words = _words_and_keys if search.names else terms  # keys only cost time when asked for
    best: tuple[float, int, list[int]] = (-math.inf, -1, [])
    for rank, item in enumerate(search.ranked[:QUOTE_PASSAGES]):
        rows = idx.units_of(item.row)
        if not len(rows):
            continue
        dense, sparse = idx.unit_scores(search.vectors, rows)
        overlap = np.array([len(qset & set(words(idx.unit_text(j)))) / max(1, len(qset)) for j in rows])
        own = dense + sparse + OVERLAP_WEIGHT * overlap
        for i, j in enumerate(rows):
            if own[i] + item.dense <= best[0]:
                continue
            chosen = [j]
            neighbours = [(own[i + d], rows[i + d]) for d in (-1, 1) if 0 <= i + d < len(rows)]
            fitting = [(s, n) for s, n in neighbours
                       if max(idx.unit_end[n], idx.unit_end[j]) - min(idx.unit_start[n], idx.unit_start[j])
                       <= QUOTE_MAX_CHARS]
            if fitting and pair:
                chosen = sorted([j, max(fitting)[1]])
            best = (own[i] + item.dense, rank, chosen)
    return best[1], best[2]


def _words_and_keys(text: str) -> list[str]:
    return terms(text) + document_keys(text)


def _background_scores(embedder: Embedder, search: Search) -> np.ndarray:
    """The question's combined similarity to each packaged background sentence."""
    dense, sparse = embedder.background()
    scores = dense @ search.vectors.dense
    if sparse is not None and search.vectors.sparse is not None:
        scores = scores + np.asarray((sparse @ search.vectors.sparse.T).todense()).ravel()
    return scores


def evidence(idx: LoadedIndex, embedder: Embedder, search: Search) -> dict[str, float]:
    """The abstention model's features for this search (names in FEATURES)."""
    ranked = search.ranked[:EVIDENCE_PASSAGES]
    rows = np.concatenate([idx.units_of(s.row) for s in ranked]
                          + [np.zeros(0, np.int64)])
    if not len(rows):
        return {**dict.fromkeys(FEATURES, 0.0), "question_terms": float(len(search.terms)), "compared": 0.0}
    dense, sparse = idx.unit_scores(search.vectors, rows)
    combined = dense + sparse
    j = int(np.argmax(combined))
    background = _background_scores(embedder, search)
    spread = float(background.std()) if len(background) > 1 else 0.0
    z = (float(combined[j]) - float(background.mean())) / spread if spread > 1e-6 else 0.0
    chunk = idx.chunks[int(idx.unit_chunk[rows[j]])]
    # The same evidence across scripts: the question's Latin-script names in the chunk's Arabic words.
    named = idx.names.idf_share(search.names, document_keys(chunk.text)) if search.names else 0.0
    has_names = 1.0 if search.names else 0.0
    chunk_terms = terms(chunk.text)
    rare = idx.lexical.idf_share(search.terms, chunk_terms)
    # And the English question's words, translated, among the chunk's Arabic terms (translation.py).
    known = search.translation_coverage
    found = idx.lexical.concept_share(search.translations, chunk_terms) if known else 0.0
    return {
        "sentence_dense": float(dense[j]),
        "sentence_sparse": float(sparse[j]),
        "sentence_z": z,
        "chunk_dense": max(s.dense for s in search.ranked),
        "chunk_sparse": max(s.sparse for s in search.ranked),
        "coverage": search.coverage,
        "rare_terms_found": search.coverage * rare,
        "rare_terms_missing": search.coverage * (1 - rare),
        "names_found": has_names * named,
        "names_missing": has_names * (1 - named),
        "translation_coverage": known,
        "translations_found": known * found,
        "translations_missing": known * (1 - found),
        "chunk_gap": chunk_gap(ranked),
        "question_terms": float(len(search.terms)),  # not a model input: see is_found
        "compared": float(len(ranked) - 1),  # passages chunk_gap compares with; none: see confidence
    }


def chunk_gap(ranked: Sequence[Scored]) -> float:
    """How far the best passage's score stands above the mean of the next ones (up to nine).

    The one signal that compares the passage with its competitors in these
    documents rather than with the question alone: a passage that answers
    tends to stand out from the rest of the folder, the best of several
    unrelated ones does not (docs/quality.md). With nothing to compare to (a
    one-chunk folder) it is 0 and unused: `confidence` then uses the model
    without it.
    """
    if len(ranked) < 2:
        return 0.0
    return ranked[0].passage.score - float(np.mean([s.passage.score for s in ranked[1:]]))


def evidence_kind(features: dict[str, float]) -> str:
    """"words", "across" or "none": what the question shares with the documents (THRESHOLDS).

    A question without words (emoji, punctuation) has no other script to excuse weak
    evidence: it is judged as "words".
    """
    if features.get("coverage", 0.0) > 0 or features.get("question_terms", 0.0) == 0:
        return "words"
    named = features.get("names_found", 0.0) + features.get("names_missing", 0.0) > 0
    if named or features.get("translation_coverage", 0.0) >= TRANSLATED_MIN_COVERAGE:
        return "across"
    return "none"


def _model(features: dict[str, float]) -> tuple[tuple[str, ...], tuple[float, ...], float, dict[str, float]]:
    """(features, coefficients, intercept, bars) of the model that judges this search."""
    if features.get("compared", 1.0) < 1:  # one chunk: chunk_gap compares with nothing
        return ALONE_FEATURES, ALONE_COEFFICIENTS, ALONE_INTERCEPT, ALONE_THRESHOLDS
    return FEATURES, COEFFICIENTS, INTERCEPT, THRESHOLDS


def is_found(confidence: float, features: dict[str, float]) -> bool:
    return confidence >= _model(features)[3][evidence_kind(features)]


def confidence(features: dict[str, float]) -> float:
    names, coefficients, intercept, _ = _model(features)
    logit = intercept + sum(c * features[name] for c, name in zip(coefficients, names))
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, logit))))


def select(retriever: Retriever, question: str, history: Sequence[dict] | None = None, k: int = 5,
           exclude: frozenset[str] = frozenset(), pair: bool = True) -> Selection:
    """Retrieve and pick the best quote; `exclude` hides documents (used to make unanswerable questions).

    With a conversation, a question that points back ("and who opposed it?")
    is searched together with the previous question; any other question is
    searched alone first, and with the previous question only if alone it
    finds no answer.
    """
    previous = _previous_question(history)
    if previous is None:
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
    rank, rows = _quote(idx, trimmed, pair)
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
