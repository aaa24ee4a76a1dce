"""BM25 (bm25s) over the stored term lists of the chunks, and the word statistics behind it.

Terms come from `qa.text.terms` at build time; this module scores and counts
them. It does not fuse scores with the dense side; `fusion.py` does.
"""
from __future__ import annotations

import math
from collections.abc import Collection, Sequence

import numpy as np


class LexicalIndex:
    """BM25 over pre-computed term lists; rebuilt from stored terms in well under a second per 10k chunks."""

    def __init__(self, term_lists: Sequence[Sequence[str]]) -> None:
        import bm25s

        self.size = len(term_lists)
        self.document_frequency: dict[str, int] = {}
        for ts in term_lists:
            for t in set(ts):
                self.document_frequency[t] = self.document_frequency.get(t, 0) + 1
        self.vocabulary: frozenset[str] = frozenset(self.document_frequency)
        self._bm25 = bm25s.BM25()
        if self.size:
            # bm25s needs at least one token per document to build its matrix. The term
            # sequences are passed as they are: a copy would double them in memory.
            self._bm25.index([ts if len(ts) else ("",) for ts in term_lists], show_progress=False)

    def present(self, query_terms: Sequence[str], rows: np.ndarray | None = None) -> frozenset[str]:
        """The query's terms that occur in the corpus, or only in chunks `rows`.

        `rows` lets an evaluation hide documents from the statistics as well as
        from the results, as if they had never been indexed.
        """
        known = {t for t in query_terms if t in self.vocabulary}
        if rows is None or not known:
            return frozenset(known)
        return frozenset(t for t in known if self._bm25.get_scores([t])[rows].any())

    def coverage(self, query_terms: Sequence[str], rows: np.ndarray | None = None) -> float:
        """Share of the query's distinct terms that occur anywhere in the corpus (or in `rows`).

        A question in another script than the documents scores ~0 here, which is
        how fusion learns to ignore the lexical side for cross-lingual questions.
        """
        return self.concept_coverage([{t} for t in set(query_terms)], rows)

    def concept_coverage(self, concepts: Sequence[Collection[str]], rows: np.ndarray | None = None) -> float:
        """`coverage` for concepts with several spellings: a concept counts when any of them occurs.

        Every concept counts in the share, an empty one (a word without translation) too.
        """
        if not concepts:
            return 0.0
        present = self.present(sorted(set().union(*concepts)), rows)
        return sum(1 for c in concepts if present.intersection(c)) / len(concepts)

    def idf_share(self, query_terms: Sequence[str], chunk_terms: Sequence[str]) -> float:
        """IDF-weighted share of the query's terms that occur in one chunk.

        An answering chunk tends to hold the question's rare words (names,
        places); a chunk that merely resembles the question does not. A term
        the corpus lacks weighs as the rarest of all and is missing from every
        chunk: documents that answer a question tend to know its words.
        """
        return self.concept_share([{t} for t in set(query_terms)], chunk_terms)

    def concept_share(self, concepts: Sequence[Collection[str]], chunk_terms: Sequence[str]) -> float:
        """`idf_share` for concepts that each have several spellings (a translated word's terms).

        A concept is found when any of its terms is in the chunk, and weighs as
        its most common term: the conservative reading of an ambiguous word.
        """
        distinct = {frozenset(c) for c in concepts if c}
        if not distinct:
            return 0.0
        present = set(chunk_terms)
        weights = {c: math.log(1 + self.size / (1 + max(self.document_frequency.get(t, 0) for t in c)))
                   for c in distinct}
        return sum(w for c, w in weights.items() if c & present) / sum(weights.values())

    def scores(self, query_terms: Sequence[str]) -> np.ndarray:
        """BM25 score of every chunk for the query (zeros where nothing matches)."""
        known = [t for t in query_terms if t in self.vocabulary]
        if not self.size or not known:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)
