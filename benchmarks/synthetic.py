"""Large indexes without hours of embedding: one real index, tiled.

`base_index` builds a real index from all 240 XQuAD Arabic paragraphs with
`qa.store.build.build_index` (one document per paragraph). `tiled_index` repeats its
chunks, sentences, vectors and sparse rows until it holds exactly `n_chunks`
chunks: copy i's sources are renamed `copy{i}/...`, sentence→chunk row numbers
are shifted, and copies after the first get tiny Gaussian noise on their
vectors (renormalized) so FAISS does not return exact ties. Text, terms and
sparse rows stay identical across copies, so BM25 and sparse scoring see a
realistic number of rows but no new vocabulary. Written with `qa.store.index.save`
so the result loads exactly like a built index. Nothing here is timed.

The work folder is QA_BENCH_WORK when set (run_all.py shares one between
scripts, so the 100k index is built once) or a temporary folder.
"""
from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from common import log, new_embedder, write_seeds, xquad_paragraphs

NOISE = 0.003  # per dimension; a copy keeps cosine ~0.998 to its original


def work_dir() -> Path:
    shared = os.environ.get("QA_BENCH_WORK")
    if shared:
        path = Path(shared)
        path.mkdir(parents=True, exist_ok=True)
        return path
    return Path(tempfile.mkdtemp(prefix="qa-bench-"))


def _built(index_dir: Path) -> bool:
    """True when `index_dir` holds an index this qa can load (the format may have moved on)."""
    from qa.store import index as store
    from qa.errors import IndexIncompatible, IndexNotFound

    try:
        store.load(index_dir)
    except (IndexNotFound, IndexIncompatible):
        shutil.rmtree(index_dir, ignore_errors=True)
        return False
    return True


def base_index(work: Path, embedder=None) -> Path:
    """The real 240-paragraph index (built once per work folder)."""
    from qa.store.build import build_index

    index_dir = work / "base-index"
    if _built(index_dir):
        return index_dir
    seeds = write_seeds(work / "base-seeds", xquad_paragraphs("ar"))
    report = build_index(seeds, index_dir, embedder or new_embedder())
    log(f"base index: {report.chunks} chunks from {report.added} paragraphs, "
        f"{report.embedded} texts embedded in {report.seconds:.1f} s")
    return index_dir


def tiled_index(work: Path, base: Path, n_chunks: int, seed: int = 0) -> Path:
    """An index of exactly `n_chunks` chunks tiled from `base` (built once per work folder)."""
    from qa.store import index as store

    out = work / f"tiled-{n_chunks}-format{store.FORMAT_VERSION}-bm25"  # with the saved BM25 indexes
    if (out / "CURRENT").exists():
        return out
    src = store.load(base)
    n_base = len(src.chunks)
    copies = -(-n_chunks // n_base)
    rng = np.random.default_rng(seed)
    unit_chunk = np.array([u.chunk for u in src.units], dtype=np.int64)
    chunks, units, docs = [], [], []
    chunk_vecs, unit_vecs, unit_rows, chunk_rows = [], [], [], []
    for i in range(copies):
        keep = min(n_base, n_chunks - i * n_base)
        offset = i * n_base
        kept_units = np.flatnonzero(unit_chunk < keep)
        chunks.extend(dataclasses.replace(c, source=f"copy{i}/{c.source}", chunk_id=f"{c.chunk_id}-{i}")
                      for c in src.chunks[:keep])
        units.extend(dataclasses.replace(src.units[j], chunk=src.units[j].chunk + offset) for j in kept_units)
        kept_sources = {c.source for c in src.chunks[:keep]}
        docs.extend(dataclasses.replace(d, source=f"copy{i}/{d.source}")
                    for d in src.manifest.documents if d.source in kept_sources)
        chunk_vecs.append(_jitter(src.chunk_vectors[:keep], rng, i))
        unit_vecs.append(_jitter(src.unit_vectors[kept_units], rng, i))
        unit_rows.append(kept_units)
        chunk_rows.append(np.arange(keep))
    rows, crows = np.concatenate(unit_rows), np.concatenate(chunk_rows)
    has_sparse = src.unit_sparse.shape[1] > 0
    sparse = src.unit_sparse[rows] if has_sparse else None
    chunk_sparse = sp.csr_matrix(src.chunk_sparse)[crows] if has_sparse else None
    manifest = dataclasses.replace(src.manifest, documents=tuple(docs), generation=1)
    shutil.rmtree(out, ignore_errors=True)
    store.save(out, manifest, tuple(chunks), tuple(units), np.concatenate(chunk_vecs),
               np.concatenate(unit_vecs), sparse, chunk_sparse)
    log(f"tiled index: {len(chunks)} chunks, {len(units)} sentences ({copies} copies of {n_base} chunks)")
    return out


def _jitter(vectors: np.ndarray, rng: np.random.Generator, copy: int) -> np.ndarray:
    if copy == 0:
        return vectors.astype(np.float32)
    noisy = vectors + rng.normal(0.0, NOISE, vectors.shape).astype(np.float32)
    return (noisy / np.linalg.norm(noisy, axis=1, keepdims=True)).astype(np.float32)
