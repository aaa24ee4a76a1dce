"""Hybrid retrieval: dense chunk + dense sentence + Arabic-aware BM25, fused.

A chunk's score adds three signals:
  * cosine of the question to the chunk,
  * cosine of the question to the chunk's best sentence (fine-grained evidence
    that whole-chunk vectors blur),
  * BM25 over normalized terms, scaled per query to [0, 1] and weighted by the
    share of question terms the corpus knows (`LexicalIndex.coverage`), so a
    question in another script than the documents relies on the dense side.
This module returns ranked passages with their best sentences; choosing the
answer and abstaining is `answer.py`'s job.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from . import index as store
from .embedding import Embedder
from .errors import InvalidArgument
from .lexical import LexicalIndex, terms

LEXICAL_WEIGHT = 0.3
SENTENCE_WEIGHT = 1.0
MAX_QUESTION_CHARS = 2000


@dataclass(frozen=True)
class Passage:
    text: str
    source: str
    start: int
    end: int
    score: float
    chunk_id: str


@dataclass(frozen=True)
class Scored:
    """A ranked chunk with the evidence behind its score (for answer selection)."""
    passage: Passage
    row: int
    dense: float
    sentence: float
    lexical: float
    best_unit: int  # row in units, -1 if the chunk has no sentence


class LoadedIndex:
    """A stored index with its search structures; immutable once built."""

    def __init__(self, stored: store.StoredIndex) -> None:
        self.stored = stored
        self.chunks = stored.chunks
        self.units = stored.units
        self.chunk_search = _faiss(stored.chunk_vectors)
        self.unit_vectors = stored.unit_vectors
        self.lexical = LexicalIndex([c.terms for c in stored.chunks])
        self.units_of: list[list[int]] = [[] for _ in stored.chunks]
        for j, unit in enumerate(stored.units):
            self.units_of[unit.chunk].append(j)

    @property
    def generation(self) -> str:
        return self.stored.path.name


def _faiss(vectors: np.ndarray) -> faiss.Index:
    """Exact inner product; fast enough here (see docs/benchmarks.md for larger corpora)."""
    dim = vectors.shape[1] if vectors.ndim == 2 and vectors.shape[1] else 384
    idx = faiss.IndexFlatIP(dim)
    if len(vectors):
        idx.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return idx


def validate_question(question: object) -> str:
    if not isinstance(question, str):
        raise InvalidArgument(f"question must be a string, not {type(question).__name__}")
    cleaned = "".join(ch for ch in question if ch.isprintable() or ch in "\n\t").strip()
    if not cleaned:
        raise InvalidArgument("question is empty")
    return cleaned[:MAX_QUESTION_CHARS]


def validate_k(k: object) -> int:
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= 100:
        raise InvalidArgument(f"k={k!r} must be an integer between 1 and 100")
    return k


class Retriever:
    """Searches the live index; picks up a new generation when a build swaps it in."""

    def __init__(self, embedder: Embedder, index_dir: Path) -> None:
        self.embedder = embedder
        self.index_dir = Path(index_dir)
        self._loaded: LoadedIndex | None = None
        self._lock = threading.Lock()

    def index(self) -> LoadedIndex:
        gen = store.current_generation(self.index_dir)
        loaded = self._loaded
        if loaded is not None and gen is not None and gen.name == loaded.generation:
            return loaded
        with self._lock:
            if self._loaded is None or gen is None or gen.name != self._loaded.generation:
                self._loaded = LoadedIndex(store.load(self.index_dir, self.embedder.model_name))
            return self._loaded

    def search(self, question: str, k: int = 5, candidates: int = 50,
               exclude: frozenset[str] = frozenset()) -> list[Scored]:
        question = validate_question(question)
        k = validate_k(k)
        idx = self.index()
        n = len(idx.chunks)
        if n == 0:
            return []
        qvec = self.embedder.encode_query(question)
        qterms = terms(question)

        pool = min(n, max(candidates, 4 * k))
        if exclude:
            pool = n  # hidden documents must not crowd the candidates out
        dense_scores, dense_rows = idx.chunk_search.search(qvec[None, :], pool)
        lexical = idx.lexical.scores(qterms)
        weight = LEXICAL_WEIGHT * idx.lexical.coverage(qterms)
        rows = {int(r) for r in dense_rows[0] if r >= 0}
        if weight > 0 and lexical.max() > 0:
            rows.update(int(r) for r in np.argsort(-lexical)[:pool])
            lexical = lexical / lexical.max()
        if exclude:
            rows = {r for r in rows if idx.chunks[r].source not in exclude}
        if not rows:
            return []
        cand = np.fromiter(rows, dtype=np.int64)
        dense = idx.stored.chunk_vectors[cand] @ qvec
        sentence = np.zeros(len(cand), dtype=np.float32)
        best_unit = np.full(len(cand), -1, dtype=np.int64)
        for i, row in enumerate(cand):
            unit_rows = idx.units_of[row]
            if unit_rows:
                sims = idx.unit_vectors[unit_rows] @ qvec
                j = int(np.argmax(sims))
                sentence[i], best_unit[i] = sims[j], unit_rows[j]
            else:
                sentence[i] = dense[i]
        fused = dense + SENTENCE_WEIGHT * sentence + weight * lexical[cand]
        order = np.argsort(-fused)[:k]
        results = []
        for i in order:
            rec = idx.chunks[int(cand[i])]
            passage = Passage(rec.text, rec.source, rec.start, rec.end, float(fused[i]), rec.chunk_id)
            results.append(Scored(passage, int(cand[i]), float(dense[i]), float(sentence[i]),
                                  float(lexical[cand[i]]), int(best_unit[i])))
        return results
