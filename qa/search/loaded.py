"""A stored index generation opened for search: FAISS over the chunk vectors, BM25 over terms and name keys.

Built once per generation and immutable afterwards, so threads share it
without locks. It scores rows it is given; ranking them is `fusion.py`.
"""
from __future__ import annotations

import ctypes
import dataclasses
from collections.abc import Callable

import faiss
import numpy as np
import scipy.sparse as sp

from ..errors import IndexIncompatible
from ..ingest.readers.base import Metadata
from ..model.embedding import QueryVectors
from ..store import index as store
from ..store.bm25 import LexicalIndex


class LoadedIndex:
    """A stored index (loaded with on_disk=True) with its search structures; immutable once built."""

    def __init__(self, stored: store.StoredIndex) -> None:
        if not isinstance(stored.chunks, store.ChunkTable) or not isinstance(stored.unit_vectors, store.DiskArray):
            raise TypeError("LoadedIndex needs an index loaded with on_disk=True")
        self.chunks: store.ChunkTable = stored.chunks
        self.chunk_search = _faiss(stored.chunk_vectors, stored.manifest.dimension)
        # FAISS's own copy doubles as the chunk vectors: no second one in memory.
        self.chunk_vectors = _stored_vectors(self.chunk_search, len(stored.chunks), stored.manifest.dimension)
        self.lexical = stored.lexical or LexicalIndex(stored.chunk_terms)
        self.names = stored.names or LexicalIndex(stored.chunk_keys)
        # Terms and keys were only needed for BM25; the array copy of the vectors only for FAISS.
        self.stored = dataclasses.replace(stored, chunk_vectors=self.chunk_vectors, chunk_terms=(), chunk_keys=(),
                                          lexical=None, names=None)
        self.unit_vectors = stored.unit_vectors
        self.documents = {d.source: Metadata.from_json(d.meta) for d in stored.manifest.documents}
        spans = stored.unit_spans
        self.unit_chunk, self.unit_start, self.unit_end = (np.ascontiguousarray(spans[:, i]) for i in range(3))
        if len(spans) and np.any(np.diff(self.unit_chunk) < 0):
            raise IndexIncompatible(f"index in {stored.path} lists sentences out of chunk order: {store.REBUILD_HINT}")
        self.first_unit = store.sentence_runs(self.unit_chunk, len(stored.chunks))
        has_sparse = stored.unit_sparse.shape[1] > 0 and stored.chunk_sparse.shape[1] > 0
        self.unit_sparse = stored.unit_sparse if has_sparse else None
        self.chunk_sparse = stored.chunk_sparse if has_sparse else None
        _release_freed_memory()

    @property
    def generation(self) -> str:
        return self.stored.path.name

    def units_of(self, row: int) -> np.ndarray:
        return np.arange(self.first_unit[row], self.first_unit[row + 1], dtype=np.int64)

    def unit_text(self, j: int) -> str:
        chunk = self.chunks[int(self.unit_chunk[j])]
        return chunk.text[int(self.unit_start[j]) - chunk.start:int(self.unit_end[j]) - chunk.start]

    def sparse_scores(self, query: sp.csr_matrix, rows: np.ndarray) -> np.ndarray:
        """Sparse cosine of the question to the given chunks."""
        assert self.chunk_sparse is not None
        return _row_dots(self.chunk_sparse, rows, query)

    def unit_scores(self, vectors: QueryVectors, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(dense cosine, sparse cosine or zeros) of the question to the given sentences."""
        rows = np.asarray(rows, dtype=np.int64)
        dense = self.unit_vectors.take(rows) @ vectors.dense
        if self.unit_sparse is None or vectors.sparse is None:
            return dense, np.zeros(len(rows), dtype=np.float32)
        return dense, _row_dots(self.unit_sparse, rows, vectors.sparse)


def _row_dots(matrix: store.DiskSparse, rows: np.ndarray, query: sp.csr_matrix) -> np.ndarray:
    """matrix[rows] @ query.T, reading only those rows."""
    dense_query = np.zeros(matrix.shape[1], dtype=np.float32)
    dense_query[query.indices] = query.data
    features, values, owner = matrix.entries(np.asarray(rows, dtype=np.int64))
    return np.bincount(owner, weights=values * dense_query[features], minlength=len(rows)).astype(np.float32)


def _release_freed_memory() -> None:
    """Give the heap freed by loading (parsed records, term lists) back to the OS.

    glibc keeps freed small blocks for reuse; after a 100k-chunk load that was
    resident memory nothing would use again (docs/benchmarks.md). Other C libraries: no-op.
    """
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _faiss(vectors: store.DiskArray, dim: int) -> faiss.Index:
    """Exact inner product (see docs/benchmarks.md for when approximate indexes pay off).

    Filled block by block from the file, so the vectors are in memory once, inside FAISS.
    """
    idx = faiss.IndexFlatIP(dim)
    for at in range(0, len(vectors), 8192):
        idx.add(np.ascontiguousarray(vectors.read(at, min(at + 8192, len(vectors))), dtype=np.float32))
    return idx


def _stored_vectors(index: faiss.IndexFlat, n: int, dim: int) -> np.ndarray:
    """A read-only numpy view of the vectors inside a flat FAISS index."""
    if n == 0:
        return np.zeros((0, dim), dtype=np.float32)
    view = faiss.rev_swig_ptr(index.get_xb(), n * dim).reshape(n, dim)
    view.setflags(write=False)
    return view


class Visible:
    """The index as if only the chunks outside `exclude` had ever been indexed (the unanswerable simulation).

    Word statistics (BM25's IDF and length norms, coverage, rare-word weights)
    are computed over the visible chunks alone, so a hidden document leaves no
    trace in them; dense search is over the visible vectors. Terms are
    recomputed from the chunk texts, once per row (`terms_of`).
    """

    def __init__(self, idx: LoadedIndex, exclude: frozenset[str],
                 terms_of: "Callable[[int], tuple[tuple[str, ...], tuple[str, ...]]]") -> None:
        self.rows = idx.chunks.rows_outside(exclude)
        lists = [terms_of(int(r)) for r in self.rows]
        self.lexical = LexicalIndex([t for t, _ in lists])
        self.names = LexicalIndex([k for _, k in lists])
        self.vectors = np.ascontiguousarray(idx.chunk_vectors[self.rows]) if len(self.rows) else None
        self.size = len(idx.chunks)

    def spread(self, scores: np.ndarray) -> np.ndarray:
        """Scores over the visible rows as an array over every row (zero for the hidden ones)."""
        full = np.zeros(self.size, dtype=np.float32)
        if len(scores):
            full[self.rows] = scores
        return full

    def nearest(self, query: np.ndarray, pool: int) -> np.ndarray:
        """The `pool` visible rows nearest to `query` (inner product)."""
        if self.vectors is None:
            return np.zeros(0, dtype=np.int64)
        scores = self.vectors @ query
        top = np.argpartition(-scores, min(pool, len(scores)) - 1)[:pool]
        return self.rows[top]
