"""Index files read in place: the chunk table, CSR matrices with their entries on disk, and their writers.

A server reads the few hundred rows a question needs with pread (see
`diskfile`); this module knows the file layout of one generation's parts, not
the generation as a whole (`index.py`).
"""
from __future__ import annotations

import functools
import io
import json
import os
import sys
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from ..diskfile import DiskArray, ReadOnlyFile, load_npy
from .records import ChunkRecord


class ChunkTable(ReadOnlyFile, Sequence[ChunkRecord]):
    """Chunk records read from chunks.jsonl when asked for (an answer needs a dozen, not 100k)."""

    def __init__(self, path: Path, offsets: np.ndarray, source_ids: np.ndarray, sources: tuple[str, ...]) -> None:
        """`offsets[i]` = (start, end) bytes of record i's line; `sources[source_ids[i]]` its document."""
        self.offsets, self.source_ids, self.sources = offsets, source_ids, sources
        super().__init__(path)
        self._get = functools.lru_cache(maxsize=256)(self._read)

    def __len__(self) -> int:
        return len(self.source_ids)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self._get(j) for j in range(*i.indices(len(self)))]
        i = int(i)
        if not -len(self) <= i < len(self):
            raise IndexError(i)
        return self._get(i % len(self))

    def source(self, i: int) -> str:
        return self.sources[self.source_ids[i]]

    def rows_outside(self, sources: Collection[str]) -> np.ndarray:
        """Rows of the chunks of every document but `sources`."""
        hidden = [i for i, s in enumerate(self.sources) if s in sources]
        return np.flatnonzero(~np.isin(self.source_ids, hidden))

    def _read(self, i: int) -> ChunkRecord:
        start, end = (int(x) for x in self.offsets[i])
        record = json.loads(self.pread(end - start, start))
        return ChunkRecord(**{**record, "terms": (), "keys": ()})


Lists = tuple[tuple[str, ...], ...]


def chunk_table(path: Path, with_terms: bool = True) -> tuple[ChunkTable, Lists, Lists]:
    """Scan chunks.jsonl once: line offsets, sources, and (`with_terms`) terms and keys, interned: they repeat."""
    offsets, source_ids, terms, keys = [], [], [], []
    sources: dict[str, int] = {}
    position = 0
    with path.open("rb") as fh:
        for line in fh:
            position += len(line)
            if not line.strip():
                continue
            offsets.append((position - len(line), position))
            record = json.loads(line)
            source_ids.append(sources.setdefault(record["source"], len(sources)))
            if with_terms:
                terms.append(tuple(map(sys.intern, record["terms"])))
                keys.append(tuple(map(sys.intern, record["keys"])))
    table = ChunkTable(path, np.asarray(offsets, dtype=np.int64).reshape(-1, 2), np.asarray(source_ids, dtype=np.int32),
                       tuple(sources))
    return table, tuple(terms), tuple(keys)


@dataclass(frozen=True)
class DiskSparse:
    """A CSR matrix whose row pointers are in memory and entries on disk."""
    shape: tuple[int, int]
    indptr: np.ndarray
    indices: DiskArray
    data: DiskArray

    def entries(self, majors: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(column indices, values, position in `majors`) of the entries of the given rows."""
        majors = np.asarray(majors, dtype=np.int64)
        starts, stops = self.indptr[majors], self.indptr[majors + 1]
        owner = np.repeat(np.arange(len(majors)), stops - starts)
        # Rows that follow each other on disk (a chunk's sentences) are read as one span.
        return self.indices.read_spans(starts, stops), self.data.read_spans(starts, stops), owner


def save_sparse(stem: Path, matrix: sp.csr_matrix) -> None:
    """A CSR matrix as four .npy files (so that `DiskSparse` can read rows from them)."""
    matrix.sort_indices()
    parts = {"shape": np.asarray(matrix.shape, dtype=np.int64), "indptr": matrix.indptr.astype(np.int64),
             "indices": matrix.indices.astype(np.int32), "data": matrix.data.astype(np.float32)}
    for name, array in parts.items():
        fsync_write(stem.with_name(f"{stem.name}.{name}.npy"), npy_bytes(array))


def load_sparse(stem: Path, on_disk: bool) -> "sp.csr_matrix | DiskSparse":
    """A matrix written by `save_sparse`: in memory, or with its entries left on disk."""
    def path(name: str) -> Path:
        return stem.with_name(f"{stem.name}.{name}.npy")

    shape = tuple(int(x) for x in load_npy(path("shape")))
    if len(shape) != 2:
        raise ValueError(f"{stem.name} has shape {shape}")
    indptr = load_npy(path("indptr"))
    if on_disk:
        indices, data = DiskArray(path("indices")), DiskArray(path("data"))
        if len(indices) != len(data) or (len(indptr) and indptr[-1] != len(data)):
            raise ValueError(f"{stem.name} is truncated")
        return DiskSparse((shape[0], shape[1]), indptr, indices, data)
    return sp.csr_matrix((load_npy(path("data")), load_npy(path("indices")), indptr), shape=shape)


def fsync_write(path: Path, data: bytes) -> None:
    with path.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def npy_bytes(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, np.ascontiguousarray(array))
    return buf.getvalue()


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
