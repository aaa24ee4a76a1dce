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

A build writes a complete new generation, fsyncs it, then swaps CURRENT; a
crash at any point leaves the previous generation live. FAISS indexes are
built in memory at load time (they are derived data). A server loads with
`on_disk=True`: chunk records, sentence vectors and latent terms stay in their
files and a query reads the few hundred rows it needs with pread (memory maps
were tried: the kernel maps whole large folios around each touch, and a 100k
index's maps grew the RSS by 1.4 GB). This module does not embed, chunk or score.
"""
from __future__ import annotations

import contextlib
import fcntl
import functools
import json
import os
import shutil
import sys
from collections.abc import Collection, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from .diskfile import DiskArray, ReadOnlyFile, load_npy  # DiskArray: part of this module's on-disk API
from .errors import BuildLocked, IndexIncompatible, IndexNotFound

FORMAT_VERSION = 4  # 2: sentence units with sparse latent terms; 3: chunk sparse terms stored; 4: name keys
REBUILD_HINT = "rebuild it with `qa build` (or `make run`)"
LOAD_ATTEMPTS = 5


@dataclass(frozen=True)
class ChunkRecord:
    chunk_id: str
    source: str
    start: int
    end: int
    text: str
    terms: tuple[str, ...]  # lexical.terms
    keys: tuple[str, ...] = ()  # names.document_keys


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
    chunks: "tuple[ChunkRecord, ...] | ChunkTable"  # with on_disk, terms and keys are in `chunk_terms`/`chunk_keys`
    units: tuple[UnitRecord, ...]  # empty with on_disk: `unit_spans` says the same
    chunk_vectors: "np.ndarray | DiskArray"
    unit_vectors: "np.ndarray | DiskArray"
    unit_sparse: "sp.csr_matrix | DiskSparse"
    chunk_sparse: "sp.csr_matrix | DiskSparse"
    unit_spans: np.ndarray = field(default_factory=lambda: np.zeros((0, 3), np.int64))  # (chunk, start, end)
    chunk_terms: tuple[tuple[str, ...], ...] = ()
    chunk_keys: tuple[tuple[str, ...], ...] = ()


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


def _chunk_table(path: Path) -> tuple[ChunkTable, Lists, Lists]:
    """Scan chunks.jsonl once: line offsets, sources, terms and keys (interned: they repeat across chunks)."""
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


def sentence_runs(unit_chunks: np.ndarray, n_chunks: int) -> np.ndarray:
    """`runs[r] .. runs[r + 1]` are chunk r's sentence rows (a build saves sentences in chunk order)."""
    return np.searchsorted(unit_chunks, np.arange(n_chunks + 1))


def current_generation(index_dir: Path) -> Path | None:
    pointer = index_dir / "CURRENT"
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    gen = index_dir / name
    return gen if name.startswith("gen-") and gen.is_dir() else None


def load(index_dir: Path, model: str | None = None, on_disk: bool = False) -> StoredIndex:
    """Load the live generation; refuse one built by another model or format.

    `on_disk=True` (for serving) leaves sentence vectors and latent terms in their
    files (see `DiskArray`), builds no UnitRecords and moves chunk terms and keys
    to `chunk_terms` / `chunk_keys`, so that they can be dropped once the BM25
    indexes are built.
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


def _load_generation(index_dir: Path, gen: Path, model: str | None, on_disk: bool) -> StoredIndex:
    try:
        manifest = Manifest.from_json(json.loads((gen / "manifest.json").read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IndexIncompatible(f"index in {index_dir} has an unreadable manifest ({exc}): {REBUILD_HINT}") from exc
    if manifest.format_version != FORMAT_VERSION:
        raise IndexIncompatible(
            f"index in {index_dir} has format {manifest.format_version}, this qa reads {FORMAT_VERSION}: {REBUILD_HINT}")
    if model is not None and manifest.model != model:
        raise IndexIncompatible(
            f"index in {index_dir} was built with model {manifest.model!r}, not {model!r}: {REBUILD_HINT}")
    try:
        if on_disk:
            chunks, chunk_terms, chunk_keys = _chunk_table(gen / "chunks.jsonl")
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
            unit_sparse = _load_sparse(gen / "unit_sparse", on_disk=True)
            chunk_sparse = _load_sparse(gen / "chunk_sparse", on_disk=True)
        else:
            chunk_vectors = load_npy(gen / "chunk_vectors.npy")
            units = tuple(UnitRecord(int(c), int(a), int(b), chunks[c].text[a - chunks[c].start:b - chunks[c].start])
                          for c, a, b in spans.tolist())
            unit_vectors = load_npy(gen / "unit_vectors.npy")
            unit_sparse = _load_sparse(gen / "unit_sparse", on_disk=False)
            chunk_sparse = _load_sparse(gen / "chunk_sparse", on_disk=False)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IndexIncompatible(f"index in {gen} is damaged or incomplete ({exc}): {REBUILD_HINT}") from exc
    if (len(chunk_vectors) != len(chunks) or len(unit_vectors) != len(spans) or unit_sparse.shape[0] != len(spans)
            or chunk_sparse.shape[0] != len(chunks)):
        raise IndexIncompatible(f"index in {gen} is inconsistent (rows differ from records): {REBUILD_HINT}")
    return StoredIndex(gen, manifest, chunks, units, chunk_vectors, unit_vectors, unit_sparse, chunk_sparse,
                       spans, chunk_terms if on_disk else (), chunk_keys if on_disk else ())


def _read_jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def _fsync_write(path: Path, data: bytes) -> None:
    with path.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _jsonl(records: tuple) -> bytes:
    return "".join(json.dumps(asdict(r), ensure_ascii=False) + "\n" for r in records).encode("utf-8")


def _npy_bytes(array: np.ndarray) -> bytes:
    import io

    buf = io.BytesIO()
    np.save(buf, np.ascontiguousarray(array))
    return buf.getvalue()


def _save_sparse(stem: Path, matrix: sp.csr_matrix) -> None:
    """A CSR matrix as four .npy files (so that `DiskSparse` can read rows from them)."""
    matrix.sort_indices()
    parts = {"shape": np.asarray(matrix.shape, dtype=np.int64), "indptr": matrix.indptr.astype(np.int64),
             "indices": matrix.indices.astype(np.int32), "data": matrix.data.astype(np.float32)}
    for name, array in parts.items():
        _fsync_write(stem.with_name(f"{stem.name}.{name}.npy"), _npy_bytes(array))


def _load_sparse(stem: Path, on_disk: bool) -> "sp.csr_matrix | DiskSparse":
    """A matrix written by `_save_sparse`: in memory, or with its entries left on disk."""
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
    _fsync_write(tmp / "chunks.jsonl", _jsonl(chunks))
    spans = np.array([(u.chunk, u.start, u.end) for u in units], dtype=np.int64).reshape(-1, 3)
    _fsync_write(tmp / "units.npy", _npy_bytes(spans))
    _fsync_write(tmp / "chunk_vectors.npy", _npy_bytes(chunk_vectors.astype(np.float32, copy=False)))
    _fsync_write(tmp / "unit_vectors.npy", _npy_bytes(unit_vectors.astype(np.float32, copy=False)))
    if unit_sparse is None:
        unit_sparse = sp.csr_matrix((len(units), 0), dtype=np.float32)
    _save_sparse(tmp / "unit_sparse", sp.csr_matrix(unit_sparse))
    if chunk_sparse is None:
        chunk_sparse = sp.csr_matrix((len(chunks), 0), dtype=np.float32)
    _save_sparse(tmp / "chunk_sparse", sp.csr_matrix(chunk_sparse))
    # The manifest goes last: a generation without one is never pointed to.
    _fsync_write(tmp / "manifest.json", json.dumps(manifest.to_json(), ensure_ascii=False, indent=1).encode("utf-8"))
    _fsync_dir(tmp)
    shutil.rmtree(gen, ignore_errors=True)
    previous = current_generation(index_dir)
    os.rename(tmp, gen)
    pointer_tmp = index_dir / f".CURRENT-{os.getpid()}"
    _fsync_write(pointer_tmp, gen.name.encode())
    os.replace(pointer_tmp, index_dir / "CURRENT")
    _fsync_dir(index_dir)
    _collect_garbage(index_dir, keep={gen.name} | ({previous.name} if previous else set()))
    return gen


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _collect_garbage(index_dir: Path, keep: set[str]) -> None:
    """Drop generations other than `keep` (the live one and, for readers mid-load, the one
    it replaced) and what killed builds left: unfinished generations, pointer files."""
    for old in index_dir.glob("gen-*"):
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)
    for stale in [*index_dir.glob(".tmp-gen-*"), *index_dir.glob(".CURRENT-*")]:
        pid = stale.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _pid_alive(int(pid)):
            if stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)
            else:
                stale.unlink(missing_ok=True)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def next_generation(index_dir: Path) -> int:
    numbers = [int(p.name[4:]) for p in Path(index_dir).glob("gen-*") if p.name[4:].isdigit()]
    return max(numbers, default=0) + 1


@contextlib.contextmanager
def build_lock(index_dir: Path, wait: bool = True) -> Iterator[None]:
    """Serialize builds across processes with flock on index/.lock."""
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / ".lock").open("a") as fh:
        flags = fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB)
        try:
            fcntl.flock(fh.fileno(), flags)
        except BlockingIOError:
            raise BuildLocked(f"another build is running on {index_dir}") from None
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
