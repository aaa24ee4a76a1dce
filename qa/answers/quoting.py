"""Which sentence(s) of the top passages to quote.

A sentence scores by its dense and sparse similarity to the question, its word
overlap with it and the score of its passage; the quote is that sentence joined
with its better neighbour when both fit in QUOTE_MAX_CHARS characters
(docs/quality.md measures the gain). It does not decide whether to answer.
"""
from __future__ import annotations

import math

import numpy as np

from ..search.loaded import LoadedIndex
from ..search.results import Search
from ..text.names import document_keys
from ..text.terms import terms

QUOTE_MAX_CHARS = 400
OVERLAP_WEIGHT = 0.3
QUOTE_PASSAGES = 3  # sentences are picked from the best few passages only


def best_quote(idx: LoadedIndex, search: Search, pair: bool = True) -> tuple[int, list[int]]:
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
