"""Incremental index build: seeds folder in, new index generation out.

Unchanged documents (same content hash, same model and chunking) reuse their
stored chunks and vectors; changed and new ones are chunked and embedded;
deleted ones are dropped. The new generation is swapped in atomically by
`index.save`. This module does not search and does not print: skipped files
come back in the report for the edges to show.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from . import index as store
from ..ingest.chunking import ChunkSettings, chunk_document
from ..ingest.documents import Document, SkippedFile, read_documents
from ..model.embedding import Embedder
from ..errors import IndexIncompatible, IndexNotFound, IndexWriteFailed, NoDocuments
from ..text.terms import terms
from ..text.names import document_keys
from ..ingest.sentences import split_sentences
from ..model.sparse import max_pool_rows, normalize_rows

Progress = Callable[[float, str], None]

# What readers extracted from PDFs, pages, scans... by file digest: not parsed again while unchanged.
EXTRACTED = "extracted"


@dataclass(frozen=True)
class BuildReport:
    added: int
    updated: int
    removed: int
    unchanged: int
    chunks: int
    seconds: float
    embedded: int  # texts (chunks + sentences) that went through the model
    skipped: tuple[SkippedFile, ...] = ()
    index_path: str = ""
    warnings: tuple[SkippedFile, ...] = ()  # indexed, but not exactly as in the file (Document.warning)


@dataclass(frozen=True)
class _DocPart:
    entry: store.DocumentEntry
    chunks: list[store.ChunkRecord]
    units: list[tuple[int, store.UnitRecord]]  # (chunk offset within doc, unit)
    chunk_vectors: np.ndarray | None
    unit_vectors: np.ndarray | None
    unit_sparse: sp.csr_matrix | None = None  # L2-normalized rows
    chunk_sparse: sp.csr_matrix | None = None  # max over the chunk's sentences, then normalized


def _previous(index_dir: Path, model: str, chunking: dict) -> store.StoredIndex | None:
    """The live index if its vectors can be reused by this build, else None."""
    try:
        prev = store.load(index_dir)
    except (IndexNotFound, IndexIncompatible):
        return None
    if prev.manifest.model != model or prev.manifest.chunking != chunking:
        return None
    return prev


@dataclass(frozen=True)
class _Previous:
    """Where each document's chunks and each chunk's sentences sit in the previous index.

    Looked up once per build, so reusing n documents costs O(index), not O(n x index).
    """
    stored: store.StoredIndex
    chunk_rows: dict[str, list[int]]  # source -> its chunk rows
    first_unit: np.ndarray  # a chunk's sentences are rows first_unit[r] .. first_unit[r + 1]
    entries: dict[str, store.DocumentEntry]

    @classmethod
    def of(cls, stored: store.StoredIndex) -> "_Previous":
        chunk_rows: dict[str, list[int]] = {}
        for i, chunk in enumerate(stored.chunks):
            chunk_rows.setdefault(chunk.source, []).append(i)
        first_unit = store.sentence_runs(stored.unit_spans[:, 0], len(stored.chunks))
        return cls(stored, chunk_rows, first_unit, {d.source: d for d in stored.manifest.documents})


def _reuse(previous: _Previous, source: str) -> _DocPart:
    prev = previous.stored
    rows = previous.chunk_rows[source]
    row_map = {row: n for n, row in enumerate(rows)}
    unit_rows = [j for r in rows for j in range(int(previous.first_unit[r]), int(previous.first_unit[r + 1]))]
    entry = previous.entries[source]
    return _DocPart(
        entry=entry,
        chunks=[prev.chunks[i] for i in rows],
        units=[(row_map[prev.units[j].chunk], prev.units[j]) for j in unit_rows],
        chunk_vectors=prev.chunk_vectors[rows],
        unit_vectors=prev.unit_vectors[unit_rows],
        unit_sparse=prev.unit_sparse[unit_rows],
        chunk_sparse=prev.chunk_sparse[rows],
    )


def _split(doc: Document, embedder: Embedder, settings: ChunkSettings, now: str) -> _DocPart:
    chunks = chunk_document(doc, embedder.count_tokens, settings)
    records = [store.ChunkRecord(c.chunk_id, c.source, c.start, c.end, c.text, tuple(terms(c.text)),
                                 tuple(document_keys(c.text))) for c in chunks]
    units = []
    for n, chunk in enumerate(chunks):
        for sent in split_sentences(chunk.text):
            units.append((n, store.UnitRecord(-1, chunk.start + sent.start, chunk.start + sent.end, sent.text)))
    entry = store.DocumentEntry(doc.source, doc.sha256, doc.size, doc.encoding, len(records), now, doc.meta.to_json())
    return _DocPart(entry, records, units, None, None)


def _embed_missing(parts: list[_DocPart], embedder: Embedder, progress: Progress | None) -> tuple[list[_DocPart], int]:
    """Embed chunks (passage prompt) and sentences (raw, dense + sparse) of new documents.

    Identical texts are embedded once; progress is reported per batch.
    """
    chunk_texts = list(dict.fromkeys(c.text for p in parts if p.chunk_vectors is None for c in p.chunks))
    unit_texts = list(dict.fromkeys(u.text for p in parts if p.chunk_vectors is None for _, u in p.units))
    total = len(chunk_texts) + len(unit_texts)
    step = 256
    done_count = 0

    def batches(texts: list[str], encode):
        nonlocal done_count
        outs = []
        for at in range(0, len(texts), step):
            outs.append(encode(texts[at:at + step]))
            done_count += len(texts[at:at + step])
            if progress:
                progress(done_count / total, f"embedded {done_count}/{total} texts")
        return outs

    dim = embedder.dimension
    chunk_out = batches(chunk_texts, embedder.encode_passages)
    chunk_vecs = np.concatenate(chunk_out) if chunk_out else np.zeros((0, dim), np.float32)
    unit_out = batches(unit_texts, embedder.encode_units)
    unit_vecs = np.concatenate([d for d, _ in unit_out]) if unit_out else np.zeros((0, dim), np.float32)
    sparse_parts = [s for _, s in unit_out if s is not None]
    unit_sp = sp.vstack(sparse_parts).tocsr() if sparse_parts else None
    chunk_row = {t: i for i, t in enumerate(chunk_texts)}
    unit_row = {t: i for i, t in enumerate(unit_texts)}

    finished = []
    for part in parts:
        if part.chunk_vectors is None:
            c_rows = [chunk_row[c.text] for c in part.chunks]
            u_rows = [unit_row[u.text] for _, u in part.units]
            raw = unit_sp[u_rows] if unit_sp is not None else None
            # Chunk terms are pooled here, once per new document, not at every load.
            chunk_sp = (normalize_rows(max_pool_rows(raw, np.array([n for n, _ in part.units], np.int64),
                                                     len(part.chunks))) if raw is not None else None)
            part = _DocPart(part.entry, part.chunks, part.units, chunk_vecs[c_rows].reshape(-1, dim),
                            unit_vecs[u_rows].reshape(-1, dim),
                            normalize_rows(raw) if raw is not None else None, chunk_sp)
        finished.append(part)
    return finished, total


def build_index(seeds_dir: Path, index_dir: Path, embedder: Embedder,
                settings: ChunkSettings | None = None, progress: Progress | None = None,
                allow_empty: bool = False) -> BuildReport:
    """Bring `index_dir` up to date with `seeds_dir`; see the module docstring.

    An empty seeds folder is a user error (NoDocuments) unless `allow_empty`,
    which the chat's documents panel uses when its last document is removed.
    """
    t0 = time.perf_counter()
    settings = settings or ChunkSettings()
    seeds_dir, index_dir = Path(seeds_dir), Path(index_dir)
    try:
        with store.build_lock(index_dir):
            docs, skipped = read_documents(seeds_dir, cache=index_dir / EXTRACTED)
            if not docs and not allow_empty:
                detail = f" ({len(skipped)} file(s) skipped)" if skipped else ""
                raise NoDocuments(f"no readable .txt or .md documents in {seeds_dir}{detail}")
            chunking = settings.recorded()
            prev = _previous(index_dir, embedder.model_name, chunking)
            prev_docs = {d.source: d for d in prev.manifest.documents} if prev else {}
            previous = _Previous.of(prev) if prev is not None else None
            now = datetime.now(timezone.utc).isoformat(timespec="seconds")
            parts: list[_DocPart] = []
            added = updated = unchanged = 0
            for doc in docs:
                old = prev_docs.get(doc.source)
                if previous is not None and old is not None and old.sha256 == doc.sha256:
                    parts.append(_reuse(previous, doc.source))
                    unchanged += 1
                else:
                    parts.append(_split(doc, embedder, settings, now))
                    added += old is None
                    updated += old is not None
            removed = len(set(prev_docs) - {d.source for d in docs})
            warnings = tuple(SkippedFile(d.source, d.warning) for d in docs if d.warning)
            if prev is not None and not (added or updated or removed):
                # Nothing changed: keep the live generation instead of rewriting it.
                return BuildReport(0, 0, 0, unchanged, len(prev.chunks), time.perf_counter() - t0,
                                   0, tuple(skipped), str(prev.path), warnings)
            parts, embedded = _embed_missing(parts, embedder, progress)

            chunks: list[store.ChunkRecord] = []
            units: list[store.UnitRecord] = []
            for part in parts:
                base = len(chunks)
                chunks.extend(part.chunks)
                units.extend(store.UnitRecord(base + n, u.start, u.end, u.text) for n, u in part.units)
            dim = embedder.dimension
            manifest = store.Manifest(
                format_version=store.FORMAT_VERSION, model=embedder.model_name, dimension=dim,
                chunking=chunking, documents=tuple(p.entry for p in parts), built_at=now,
                generation=store.next_generation(index_dir))
            path = store.save(
                index_dir, manifest, tuple(chunks), tuple(units),
                _stack([p.chunk_vectors for p in parts], dim), _stack([p.unit_vectors for p in parts], dim),
                _stack_sparse([p.unit_sparse for p in parts if p.units], len(units)),
                _stack_sparse([p.chunk_sparse for p in parts if p.chunks], len(chunks)))
        return BuildReport(added, updated, removed, unchanged, len(chunks), time.perf_counter() - t0,
                           embedded, tuple(skipped), str(path), warnings)
    except OSError as exc:  # reading documents reports its own; this is the index folder refusing writes
        raise IndexWriteFailed(f"cannot write the index in {index_dir}: {exc.strerror or exc}"
                               + (f" ({exc.filename})" if exc.filename else "")) from exc


def _stack(arrays: list[np.ndarray | None], dim: int) -> np.ndarray:
    present = [a for a in arrays if a is not None and len(a)]
    return np.concatenate(present).astype(np.float32) if present else np.zeros((0, dim), np.float32)


def _stack_sparse(present: list[sp.csr_matrix | None], n_rows: int) -> sp.csr_matrix:
    """All parts' sparse rows; zero columns when a part lacks them (a model without a head)."""
    if not present or any(m is None or m.shape[1] == 0 for m in present):
        return sp.csr_matrix((n_rows, 0), dtype=np.float32)
    return sp.vstack(present).tocsr()
