"""The on-disk index: a directory of plain files, replaced atomically.

Layout of `index/`:
    CURRENT              name of the live generation (replaced with os.replace)
    .lock                flock held by a build
    gen-<n>/manifest.json   format, model, dimension, chunking, documents
    gen-<n>/chunks.jsonl    one chunk record per vector row (text, offsets, BM25 terms, name keys)
    gen-<n>/units.npy       sentence units: (chunk row, start, end) in document offsets
    gen-<n>/chunk_vectors.npy, unit_vectors.npy   float32, L2-normalized
    gen-<n>/unit_sparse.*.npy    sentence latent terms, L2-normalized rows
    gen-<n>/chunk_sparse.*.npy   chunk latent terms (max over its sentences), L2-normalized rows
                                 (CSR as shape, indptr, indices, data; no columns without a sparse head)
    gen-<n>/bm25_terms/, bm25_keys/   BM25 over the chunks' terms and name keys (bm25s's files, `bm25.py`)

A build writes a complete new generation, fsyncs it, then swaps CURRENT; a
crash at any point leaves the previous generation live. FAISS indexes are
built in memory at load time (they are derived data). A server loads with
`on_disk=True`: chunk records, sentence vectors and latent terms stay in their
files and a query reads the few hundred rows it needs with pread (not memory maps:
see `diskfile`). This module does not embed, chunk or score.
"""
from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from ..diskfile import DiskArray, load_npy
from ..errors import IndexIncompatible, IndexNotFound
from .bm25 import LexicalIndex
from .generations import build_lock, collect_garbage, current_generation, next_generation
from .ondisk import (ChunkTable, DiskSparse, chunk_table, fsync_dir, fsync_write, load_sparse, npy_bytes,
                     save_sparse)
from .records import ChunkRecord, DocumentEntry, Manifest, StoredIndex, UnitRecord

__all__ = ["FORMAT_VERSION", "REBUILD_HINT", "ChunkRecord", "ChunkTable", "DiskArray", "DiskSparse", "DocumentEntry",
           "Manifest", "StoredIndex", "UnitRecord", "build_lock", "current_generation", "load", "next_generation",
           "read_manifest",
           "save", "sentence_runs"]

FORMAT_VERSION = 4  # 2: sentence units with sparse latent terms; 3: chunk sparse terms stored; 4: name keys
REBUILD_HINT = "rebuild it with `qa build` (or `make run`)"
LOAD_ATTEMPTS = 5
BM25_TERMS, BM25_KEYS = "bm25_terms", "bm25_keys"  # optional: generations written before them are indexed at load


def sentence_runs(unit_chunks: np.ndarray, n_chunks: int) -> np.ndarray:
    """`runs[r] .. runs[r + 1]` are chunk r's sentence rows (a build saves sentences in chunk order)."""
    return np.searchsorted(unit_chunks, np.arange(n_chunks + 1))


def load(index_dir: Path, model: str | None = None, on_disk: bool = False) -> StoredIndex:
    """Load the live generation; refuse one built by another model or format.

    `on_disk=True` (for serving) leaves sentence vectors and latent terms in their
    files (see `DiskArray`), builds no UnitRecords and loads the BM25 indexes the
    build saved (`lexical`, `names`); a generation without them gets the chunk
    terms and keys in `chunk_terms` / `chunk_keys` instead, to index at load.
    """
    index_dir = Path(index_dir)
    for _ in range(LOAD_ATTEMPTS):
        gen = current_generation(index_dir)
        if gen is None:
            raise IndexNotFound(f"no index in {index_dir}: build it with `qa build` (or `make run`)")
        try:
            return _load_generation(index_dir, gen, model, on_disk)
        except IndexIncompatible:
            # Two builds finishing during one read collect the generation being read:
            # read the new live one instead, but report a damaged one that is still live.
            if current_generation(index_dir) == gen:
                raise
    return _load_generation(index_dir, gen, model, on_disk)


def read_manifest(index_dir: Path, gen: Path) -> Manifest:
    """Generation `gen`'s manifest; IndexIncompatible (with the rebuild hint) when unreadable or of another format.

    FileNotFoundError passes through: the generation was collected while being read.
    """
    try:
        manifest = Manifest.from_json(json.loads((gen / "manifest.json").read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IndexIncompatible(f"index in {index_dir} has an unreadable manifest ({exc}): {REBUILD_HINT}") from exc
    if manifest.format_version != FORMAT_VERSION:
        raise IndexIncompatible(
            f"index in {index_dir} has format {manifest.format_version}, this qa reads {FORMAT_VERSION}: {REBUILD_HINT}")
    return manifest


def _load_generation(index_dir: Path, gen: Path, model: str | None, on_disk: bool) -> StoredIndex:
    try:
        manifest = read_manifest(index_dir, gen)
    except FileNotFoundError as exc:
        raise IndexIncompatible(f"index in {index_dir} has an unreadable manifest ({exc}): {REBUILD_HINT}") from exc
    if model is not None and manifest.model != model:
        raise IndexIncompatible(
            f"index in {index_dir} was built with model {manifest.model!r}, not {model!r}: {REBUILD_HINT}")
    try:
        lexical = names = None
        if on_disk:
            saved = (gen / BM25_TERMS / "size.txt").exists() and (gen / BM25_KEYS / "size.txt").exists()
            chunks, chunk_terms, chunk_keys = chunk_table(gen / "chunks.jsonl", with_terms=not saved)
            if saved:
                lexical, names = LexicalIndex.load(gen / BM25_TERMS), LexicalIndex.load(gen / BM25_KEYS)
                if lexical.size != len(chunks) or names.size != len(chunks):
                    raise ValueError("the BM25 indexes do not match the chunks")
        else:
            chunks = tuple(ChunkRecord(**{**r, "terms": tuple(r["terms"]), "keys": tuple(r["keys"])})
                           for r in _read_jsonl(gen / "chunks.jsonl"))
        spans = load_npy(gen / "units.npy")
        if spans.ndim != 2 or spans.shape[1] != 3 or (len(spans) and not 0 <= spans[:, 0].min() <= spans[:, 0].max() < len(chunks)):
            raise ValueError("units.npy does not match the chunks")
        if on_disk:
            units: tuple[UnitRecord, ...] = ()
            chunk_vectors = DiskArray(gen / "chunk_vectors.npy")
            unit_vectors = DiskArray(gen / "unit_vectors.npy")
            unit_sparse = load_sparse(gen / "unit_sparse", on_disk=True)
            chunk_sparse = load_sparse(gen / "chunk_sparse", on_disk=True)
        else:
            chunk_vectors = load_npy(gen / "chunk_vectors.npy")
            units = tuple(UnitRecord(int(c), int(a), int(b), chunks[c].text[a - chunks[c].start:b - chunks[c].start])
                          for c, a, b in spans.tolist())
            unit_vectors = load_npy(gen / "unit_vectors.npy")
            unit_sparse = load_sparse(gen / "unit_sparse", on_disk=False)
            chunk_sparse = load_sparse(gen / "chunk_sparse", on_disk=False)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IndexIncompatible(f"index in {gen} is damaged or incomplete ({exc}): {REBUILD_HINT}") from exc
    if (len(chunk_vectors) != len(chunks) or len(unit_vectors) != len(spans) or unit_sparse.shape[0] != len(spans)
            or chunk_sparse.shape[0] != len(chunks)):
        raise IndexIncompatible(f"index in {gen} is inconsistent (rows differ from records): {REBUILD_HINT}")
    return StoredIndex(gen, manifest, chunks, units, chunk_vectors, unit_vectors, unit_sparse, chunk_sparse,
                       spans, chunk_terms if on_disk else (), chunk_keys if on_disk else (), lexical, names)


def _read_jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def _jsonl(records: tuple) -> bytes:
    return "".join(json.dumps(asdict(r), ensure_ascii=False) + "\n" for r in records).encode("utf-8")


def save(index_dir: Path, manifest: Manifest, chunks: tuple[ChunkRecord, ...], units: tuple[UnitRecord, ...],
         chunk_vectors: np.ndarray, unit_vectors: np.ndarray, unit_sparse: sp.csr_matrix | None = None,
         chunk_sparse: sp.csr_matrix | None = None) -> Path:
    """Write a new generation and make it live; older generations but one are removed."""
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    gen = index_dir / f"gen-{manifest.generation:06d}"
    tmp = index_dir / f".tmp-{gen.name}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    fsync_write(tmp / "chunks.jsonl", _jsonl(chunks))
    spans = np.array([(u.chunk, u.start, u.end) for u in units], dtype=np.int64).reshape(-1, 3)
    fsync_write(tmp / "units.npy", npy_bytes(spans))
    fsync_write(tmp / "chunk_vectors.npy", npy_bytes(chunk_vectors.astype(np.float32, copy=False)))
    fsync_write(tmp / "unit_vectors.npy", npy_bytes(unit_vectors.astype(np.float32, copy=False)))
    if unit_sparse is None:
        unit_sparse = sp.csr_matrix((len(units), 0), dtype=np.float32)
    save_sparse(tmp / "unit_sparse", sp.csr_matrix(unit_sparse))
    if chunk_sparse is None:
        chunk_sparse = sp.csr_matrix((len(chunks), 0), dtype=np.float32)
    save_sparse(tmp / "chunk_sparse", sp.csr_matrix(chunk_sparse))
    LexicalIndex([c.terms for c in chunks]).save(tmp / BM25_TERMS)
    LexicalIndex([c.keys for c in chunks]).save(tmp / BM25_KEYS)
    # The manifest goes last: a generation without one is never pointed to.
    fsync_write(tmp / "manifest.json", json.dumps(manifest.to_json(), ensure_ascii=False, indent=1).encode("utf-8"))
    fsync_dir(tmp)
    shutil.rmtree(gen, ignore_errors=True)
    previous = current_generation(index_dir)
    os.rename(tmp, gen)
    pointer_tmp = index_dir / f".CURRENT-{os.getpid()}"
    fsync_write(pointer_tmp, gen.name.encode())
    os.replace(pointer_tmp, index_dir / "CURRENT")
    fsync_dir(index_dir)
    collect_garbage(index_dir, keep={gen.name} | ({previous.name} if previous else set()))
    return gen
