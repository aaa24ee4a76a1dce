"""The index's records: chunks, sentence units, documents, the manifest, and a loaded generation.

Plain frozen data; reading and writing them is `index.py`.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

if TYPE_CHECKING:
    from ..diskfile import DiskArray
    from .bm25 import LexicalIndex
    from .ondisk import ChunkTable, DiskSparse


@dataclass(frozen=True)
class ChunkRecord:
    chunk_id: str
    source: str
    start: int
    end: int
    text: str
    terms: tuple[str, ...]  # text.terms.terms
    keys: tuple[str, ...] = ()  # text.names.document_keys


@dataclass(frozen=True)
class UnitRecord:
    """A sentence (or short sentence window) inside a chunk, in document offsets."""
    chunk: int  # row of its chunk
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class DocumentEntry:
    source: str
    sha256: str
    size: int
    encoding: str
    chunks: int
    added: str  # ISO time the current version was first indexed
    meta: dict = field(default_factory=dict)  # the reader's Metadata.to_json(): title, date, author, url, pages


@dataclass(frozen=True)
class Manifest:
    format_version: int
    model: str
    dimension: int
    chunking: dict
    documents: tuple[DocumentEntry, ...]
    built_at: str
    generation: int

    def to_json(self) -> dict:
        data = asdict(self)
        data["documents"] = [asdict(d) for d in self.documents]
        return data

    @classmethod
    def from_json(cls, data: dict) -> "Manifest":
        docs = tuple(DocumentEntry(**d) for d in data["documents"])
        return cls(**{**data, "documents": docs})


@dataclass(frozen=True)
class StoredIndex:
    path: Path
    manifest: Manifest
    chunks: "tuple[ChunkRecord, ...] | ChunkTable"  # with on_disk: terms and keys in the BM25 indexes or below
    units: tuple[UnitRecord, ...]  # empty with on_disk: `unit_spans` says the same
    chunk_vectors: "np.ndarray | DiskArray"
    unit_vectors: "np.ndarray | DiskArray"
    unit_sparse: "sp.csr_matrix | DiskSparse"
    chunk_sparse: "sp.csr_matrix | DiskSparse"
    unit_spans: np.ndarray = field(default_factory=lambda: np.zeros((0, 3), np.int64))  # (chunk, start, end)
    chunk_terms: tuple[tuple[str, ...], ...] = ()
    chunk_keys: tuple[tuple[str, ...], ...] = ()
    # With on_disk, the BM25 indexes the build saved (None for a generation written without them).
    lexical: "LexicalIndex | None" = None
    names: "LexicalIndex | None" = None
