"""BM25 (bm25s) over the chunks' term lists, with the word statistics behind it; saved with each generation.

Terms and name keys come from `qa.text` at build time. The build saves both
indexes beside the generation's other files (bm25s's own plain-file format),
so a server loads them instead of re-indexing every chunk's terms at start-up
and at every swap. This module scores and counts terms; fusing them with the
dense side is `search/fusion.py`'s job.
"""
from __future__ import annotations

import math
import os
from collections.abc import Collection, Sequence
from pathlib import Path

import numpy as np

from ..diskfile import NPY_HEADER_LOCK
from .ondisk import fsync_dir


class LexicalIndex:
    """BM25 over pre-computed term lists (or as saved by `save`)."""

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

    def save(self, folder: Path) -> None:
        """bm25s's files in `folder`, synced to disk (the generation is swapped in only after)."""
        folder.mkdir(parents=True, exist_ok=True)
        if self.size:
            self._bm25.save(str(folder))
        (folder / "size.txt").write_text(str(self.size), encoding="utf-8")  # written last: the folder is complete
        for path in sorted(folder.iterdir()):
            with path.open("rb") as fh:
                os.fsync(fh.fileno())
        fsync_dir(folder)  # the folder's entries too: it is a subfolder of the generation

    @classmethod
    def load(cls, folder: Path) -> "LexicalIndex":
        """An index written by `save`; ValueError/OSError when the folder is incomplete or damaged."""
        try:
            return cls._load(folder)
        except (EOFError, AttributeError, TypeError, KeyError, IndexError) as exc:  # bm25s on damaged files
            raise ValueError(f"{folder.name} is damaged ({type(exc).__name__}: {exc})") from exc

    @classmethod
    def _load(cls, folder: Path) -> "LexicalIndex":
        import bm25s

        size = int((folder / "size.txt").read_text(encoding="utf-8"))
        index = cls([])
        if size:
            with NPY_HEADER_LOCK:  # np.load parses headers with ast, which is not thread-safe (diskfile)
                index._bm25 = bm25s.BM25.load(str(folder), mmap=False, show_progress=False, verbosity=0)
            indptr = np.asarray(index._bm25.scores["indptr"])
            if int(index._bm25.scores["num_docs"]) != size or len(indptr) - 1 > len(index._bm25.vocab_dict):
                raise ValueError(f"{folder.name} does not match its size")
            counts = np.diff(indptr)
            # A term's document frequency is its column's entry count: BM25 scores every occurrence above 0.
            # bm25s may list a term without a column (its placeholder ""): it occurs nowhere.
            index.document_frequency = {t: int(counts[i]) for t, i in index._bm25.vocab_dict.items()
                                        if t and i < len(counts) and counts[i] > 0}
            index.vocabulary = frozenset(index.document_frequency)
        index.size = size
        return index

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
