"""The evidence a search gives that the documents answer its question: the abstention model's inputs.

Features of the best sentence, its chunk and the ranking (similarities, shared
rare words, names and translated words, how far the best passage stands out, whether the quote
could give the kind of answer asked for: a number, a time).
It computes them; weighing them is `abstention.py`.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..model.embedding import Embedder
from ..search.loaded import LoadedIndex
from ..search.results import Scored, Search
from ..text.answer_type import AnswerType, can_answer
from ..text.language import script_of
from ..text.names import document_keys
from ..text.terms import terms

EVIDENCE_PASSAGES = 10
FEATURES = ("sentence_dense", "sentence_sparse", "sentence_z", "chunk_dense", "chunk_sparse",
            "coverage", "rare_terms_found", "rare_terms_missing", "names_found", "names_missing",
            "translation_coverage", "translations_found", "translations_missing", "chunk_gap", "type_missing")


def _background_scores(embedder: Embedder, search: Search) -> np.ndarray:
    """The question's combined similarity to each packaged background sentence."""
    dense, sparse = embedder.background()
    scores = dense @ search.vectors.dense
    if sparse is not None and search.vectors.sparse is not None:
        scores = scores + np.asarray((sparse @ search.vectors.sparse.T).todense()).ravel()
    return scores


def _expected_terms(question_terms: Sequence[str], chunk_terms: Sequence[str], script: str) -> tuple[str, ...]:
    """The question's terms a passage in `script` can be asked to hold: those of its script, those
    of none (figures), and those of another script it holds (a Latin name in an Arabic passage).

    A French word missing from an Arabic passage says nothing against it, even where an English
    story beside it holds the word ("a", "information").
    Scripts as `script_of` tells them: a letter neither Arabic nor Cyrillic counts as Latin, and a
    passage of figures alone has none (an English question's words then count only where held).

    >>> _expected_terms(["qui", "a", "2016", "ترك"], ["ترك", "2016"], "arabic")
    ('2016', 'ترك')
    >>> _expected_terms(["nato", "ترك"], ["nato"], "arabic")
    ('nato', 'ترك')
    """
    held = set(chunk_terms)
    return tuple(t for t in question_terms if t in held or script_of(t) in ("", script))


def evidence(idx: LoadedIndex, embedder: Embedder, search: Search, quote: str,
             kind: AnswerType) -> dict[str, float]:
    """The features (names in FEATURES) of this search and its quote, plus facts the decision needs.

    `kind` is what the user's own question asks for (`answer_type.expected_type`), not the searched
    text, which for a follow-up also holds the previous question.
    """
    # "How many…?" quoted with no number, "When…?" with no time: judged on the quote as the asker
    # reads it, whose second sentence often holds the figure the best one lacks (docs/quality.md).
    type_missing = float(not can_answer(quote, kind))
    ranked = search.ranked[:EVIDENCE_PASSAGES]
    rows = np.concatenate([idx.units_of(s.row) for s in ranked]
                          + [np.zeros(0, np.int64)])
    if not len(rows):
        return {**dict.fromkeys(FEATURES, 0.0), "type_missing": type_missing,
                "question_terms": float(len(search.terms)), "compared": 0.0, "same_script": 1.0}
    dense, sparse = idx.unit_scores(search.vectors, rows)
    combined = dense + sparse
    j = int(np.argmax(combined))
    background = _background_scores(embedder, search)
    spread = float(background.std()) if len(background) > 1 else 0.0
    z = (float(combined[j]) - float(background.mean())) / spread if spread > 1e-6 else 0.0
    chunk = idx.chunks[int(idx.unit_chunk[rows[j]])]
    # The same evidence across scripts: the question's Latin-script names in the chunk's Arabic words.
    # Word statistics of what was searched: the visible documents alone when some are hidden.
    lexical = search.lexical if search.lexical is not None else idx.lexical
    names = search.name_index if search.name_index is not None else idx.names
    named = names.idf_share(search.names, document_keys(chunk.text)) if search.names else 0.0
    has_names = 1.0 if search.names else 0.0
    chunk_terms = terms(chunk.text)
    passage_script = script_of(chunk.text)
    expected = _expected_terms(search.terms, chunk_terms, passage_script)
    distinct = len(set(search.terms))
    coverage = len(lexical.present(sorted(expected))) / distinct if distinct else 0.0
    rare = lexical.idf_share(expected, chunk_terms)
    # And the English question's words, translated, among the chunk's Arabic terms (translation.py).
    known = search.translation_coverage
    found = lexical.concept_share(search.translations, chunk_terms) if known else 0.0
    return {
        "sentence_dense": float(dense[j]),
        "sentence_sparse": float(sparse[j]),
        "sentence_z": z,
        "chunk_dense": max(s.dense for s in ranked),
        "chunk_sparse": max(s.sparse for s in ranked),
        "coverage": coverage,
        "rare_terms_found": coverage * rare,
        "rare_terms_missing": coverage * (1 - rare),
        "names_found": has_names * named,
        "names_missing": has_names * (1 - named),
        "translation_coverage": known,
        "translations_found": known * found,
        "translations_missing": known * (1 - found),
        "chunk_gap": chunk_gap(ranked),
        "type_missing": type_missing,
        "question_terms": float(len(search.terms)),  # not a model input: see abstention.evidence_kind
        # Words shared with documents in the question's script say nothing of a passage in another (an
        # English story beside Arabic ones): not a model input either, see abstention.evidence_kind.
        "same_script": float(script_of(search.query) == passage_script),
        "compared": float(len(ranked) - 1),  # passages chunk_gap compares with; none: see abstention
    }


def chunk_gap(ranked: Sequence[Scored]) -> float:
    """How far the best passage's score stands above the mean of the next ones (up to nine).

    The one signal that compares the passage with its competitors in these
    documents rather than with the question alone: a passage that answers
    tends to stand out from the rest of the folder, the best of several
    unrelated ones does not (docs/quality.md). With nothing to compare to (a
    one-chunk folder) it is 0 and unused: `abstention` then uses the model
    without it.
    """
    if len(ranked) < 2:
        return 0.0
    return ranked[0].passage.score - float(np.mean([s.passage.score for s in ranked[1:]]))
