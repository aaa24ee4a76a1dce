"""The index directory: round trip, reads from disk with pread, atomic swap, lock, refusal of foreign formats."""
import json
import os
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.store import index as store
from qa.errors import BuildLocked, IndexIncompatible


def _manifest(gen: int, model: str = "m") -> store.Manifest:
    doc = store.DocumentEntry("a.txt", "00", 3, "utf-8", 1, "2026-01-01T00:00:00+00:00")
    return store.Manifest(store.FORMAT_VERSION, model, 4, {"max_tokens": 200}, (doc,), "now", gen)


texts = st.text(min_size=1, max_size=40)


@settings(max_examples=25, deadline=None)
@given(st.lists(texts, min_size=1, max_size=6))
def test_save_load_round_trip_keeps_records_vectors_and_manifest(tmp_path_factory, chunk_texts):
    index_dir = tmp_path_factory.mktemp("idx")
    chunks = tuple(store.ChunkRecord(f"id{i}", "a.txt", i, i + len(t), t, tuple(t.split()), tuple(t.split()[:1]))
                   for i, t in enumerate(chunk_texts))
    # Two sentence units per chunk (its text, then its first character), so chunk and unit rows differ.
    units = tuple(u for i, c in enumerate(chunks) for u in (store.UnitRecord(i, c.start, c.end, c.text),
                                                             store.UnitRecord(i, c.start, c.start + 1, c.text[0])))
    rng = np.random.default_rng(0)
    chunk_vectors = rng.standard_normal((len(chunks), 4)).astype(np.float32)
    unit_vectors = rng.standard_normal((len(units), 4)).astype(np.float32)
    store.save(index_dir, _manifest(1), chunks, units, chunk_vectors, unit_vectors)
    loaded = store.load(index_dir, model="m")
    assert loaded.chunks == chunks and loaded.units == units
    assert np.array_equal(loaded.chunk_vectors, chunk_vectors) and np.array_equal(loaded.unit_vectors, unit_vectors)
    assert loaded.manifest == _manifest(1)
    # A server's load reads the same rows from the files.
    lean = store.load(index_dir, model="m", on_disk=True)
    assert [c.text for c in lean.chunks] == list(chunk_texts) and lean.manifest == _manifest(1)
    assert np.array_equal(lean.unit_vectors.take(np.arange(len(units))), unit_vectors)
    assert np.array_equal(lean.chunk_vectors.take(np.arange(len(chunks))), chunk_vectors)


def test_new_generation_replaces_the_old_and_garbage_is_collected(tmp_path):
    empty = np.zeros((0, 4), np.float32)
    for gen in range(1, 5):
        store.save(tmp_path, _manifest(gen), (), (), empty, empty)
    assert store.load(tmp_path).manifest.generation == 4
    assert sorted(p.name for p in tmp_path.glob("gen-*")) == ["gen-000003", "gen-000004"]
    assert store.next_generation(tmp_path) == 5


def test_a_generation_without_manifest_is_never_current(tmp_path):
    empty = np.zeros((0, 4), np.float32)
    store.save(tmp_path, _manifest(1), (), (), empty, empty)
    (tmp_path / ".tmp-gen-000002-999999").mkdir()  # a crashed writer's leftovers
    assert store.load(tmp_path).manifest.generation == 1


def test_foreign_format_version_is_refused(tmp_path):
    empty = np.zeros((0, 4), np.float32)
    gen = store.save(tmp_path, _manifest(1), (), (), empty, empty)
    data = json.loads((gen / "manifest.json").read_text())
    data["format_version"] = 999
    (gen / "manifest.json").write_text(json.dumps(data))
    with pytest.raises(IndexIncompatible, match="format 999"):
        store.load(tmp_path)


def test_build_lock_serializes_builders(tmp_path):
    order = []

    def hold():
        with store.build_lock(tmp_path):
            order.append("first-in")
            time.sleep(0.3)
            order.append("first-out")

    t = threading.Thread(target=hold)
    t.start()
    time.sleep(0.05)
    with pytest.raises(BuildLocked):
        with store.build_lock(tmp_path, wait=False):
            pass
    with store.build_lock(tmp_path):
        order.append("second")
    t.join()
    assert order == ["first-in", "first-out", "second"]


def _sparse_generation(index_dir):
    """A generation of 3 chunks and 7 sentence units with latent terms; returns it with what was saved in it."""
    import scipy.sparse as sp

    rng = np.random.default_rng(1)
    unit_sparse = sp.random(7, 50, density=0.2, format="csr", dtype=np.float32, random_state=1)
    chunk_sparse = sp.random(3, 50, density=0.3, format="csr", dtype=np.float32, random_state=2)
    chunks = tuple(store.ChunkRecord(f"id{i}", "a.txt", i, i + 1, "x", ("x",), (f"~k{i}",)) for i in range(3))
    units = tuple(store.UnitRecord(i * 3 // 7, i, i + 1, "x") for i in range(7))  # in chunk order, as a build saves
    vectors = rng.standard_normal((7, 4)).astype(np.float32)
    gen = store.save(index_dir, _manifest(1), chunks, units, vectors[:3], vectors, unit_sparse, chunk_sparse)
    return gen, chunks, vectors, unit_sparse, chunk_sparse


def test_sparse_terms_round_trip(tmp_path):
    _, _, _, unit_sparse, chunk_sparse = _sparse_generation(tmp_path)
    loaded = store.load(tmp_path)
    assert loaded.unit_sparse.format == "csr" and loaded.chunk_sparse.format == "csr"
    assert loaded.unit_sparse.shape == (7, 50) and loaded.chunk_sparse.shape == (3, 50)
    assert (loaded.unit_sparse != unit_sparse).nnz == 0 and (loaded.chunk_sparse != chunk_sparse).nnz == 0


def test_an_on_disk_load_reads_rows_from_the_files_with_pread_not_memory_maps(tmp_path):
    gen, chunks, vectors, unit_sparse, chunk_sparse = _sparse_generation(tmp_path)
    # A server's load leaves vectors and terms in their files and reads rows on demand.
    lean = store.load(tmp_path, on_disk=True)
    assert isinstance(lean.unit_vectors, store.DiskArray) and lean.units == ()
    assert np.array_equal(lean.unit_vectors.take(np.array([5, 0, 1, 2])), vectors[[5, 0, 1, 2]])
    # Nothing of the generation is memory-mapped (maps grew a server by gigabytes: qa/diskfile.py).
    assert os.path.realpath(gen) not in Path("/proc/self/maps").read_text()
    # And nothing was copied at load: a row changed in the file afterwards is read as changed.
    path = gen / "unit_vectors.npy"
    with path.open("r+b") as fh:
        fh.seek(path.stat().st_size - 4 * vectors[0].nbytes)  # row 3 of 7: the last four rows start here
        fh.write(np.full(4, 9.0, np.float32).tobytes())
    assert lean.unit_vectors.take(np.array([3])).tolist() == [[9.0] * 4]
    assert np.array_equal(lean.unit_vectors.take(np.array([2, 4])), vectors[[2, 4]])
    # Terms and keys come as the BM25 indexes the build saved, not as lists to index at load.
    assert lean.chunk_terms == () == lean.chunk_keys
    assert lean.lexical.size == 3 and lean.lexical.vocabulary == {"x"} and lean.names.document_frequency["~k1"] == 1
    assert [c.text for c in lean.chunks] == [c.text for c in chunks] and lean.chunks[-1].chunk_id == "id2"
    assert all(c.terms == () == c.keys for c in lean.chunks) and lean.chunks.source(1) == "a.txt"
    assert lean.chunks.rows_outside({"b.txt"}).tolist() == [0, 1, 2] and not len(lean.chunks.rows_outside({"a.txt"}))
    features, values, owner = lean.unit_sparse.entries(np.array([2, 6]))
    expected = unit_sparse[[2, 6]].tocoo()
    assert sorted(zip(owner, features, values)) == sorted(zip(expected.row, expected.col, expected.data))
    features, values, owner = lean.chunk_sparse.entries(np.array([2, 0]))
    expected = chunk_sparse[[2, 0]].tocoo()
    assert sorted(zip(owner, features, values)) == sorted(zip(expected.row, expected.col, expected.data))
    # Runs of consecutive rows are read as one span; any order and repeats still line up.
    for rows in ([0, 1, 2, 3, 4, 5, 6], [4, 5, 6, 0, 1], [3, 2, 1], [1, 1, 2]):
        features, values, owner = lean.unit_sparse.entries(np.array(rows))
        expected = unit_sparse[rows].tocoo()
        assert sorted(zip(owner, features, values)) == sorted(zip(expected.row, expected.col, expected.data)), rows


def test_a_model_without_sparse_head_stores_empty_terms(tmp_path):
    chunks = (store.ChunkRecord("id0", "a.txt", 0, 1, "x", ("x",)),)
    units = (store.UnitRecord(0, 0, 1, "x"),)
    vec = np.ones((1, 4), np.float32)
    store.save(tmp_path, _manifest(1), chunks, units, vec, vec)
    loaded = store.load(tmp_path)
    assert loaded.unit_sparse.shape == (1, 0) and loaded.chunk_sparse.shape == (1, 0)


def _bm25_chunks() -> tuple:
    texts = ["تركيا تدعو الى عملية برية في سوريا", "روسيا تطلب اجتماع مجلس الأمن", "", "Turkey and Russia at the council"]
    from qa.text.names import document_keys
    from qa.text.terms import terms

    return tuple(store.ChunkRecord(f"id{i}", "a.txt", i, i + 1, t, tuple(terms(t)), tuple(document_keys(t)))
                 for i, t in enumerate(texts))


def test_saved_bm25_indexes_score_as_the_ones_built_at_load(tmp_path):
    from qa.store.bm25 import LexicalIndex
    from qa.text.terms import terms

    chunks = _bm25_chunks()
    vectors = np.eye(4, dtype=np.float32)
    store.save(tmp_path, _manifest(1), chunks, (), vectors, np.zeros((0, 4), np.float32))
    lean = store.load(tmp_path, on_disk=True)
    built = LexicalIndex([c.terms for c in chunks])
    for query in ("عملية برية", "مجلس الأمن روسيا", "council", "nothing"):
        assert np.array_equal(lean.lexical.scores(terms(query)), built.scores(terms(query))), query
    assert lean.lexical.document_frequency == built.document_frequency and lean.lexical.size == 4
    assert lean.lexical.present(terms("روسيا تركيا"), np.array([1])) == built.present(terms("روسيا تركيا"), np.array([1]))
    assert lean.names.vocabulary == LexicalIndex([c.keys for c in chunks]).vocabulary


def test_a_generation_without_saved_bm25_is_indexed_at_load(tmp_path):
    import shutil

    chunks = _bm25_chunks()
    gen = store.save(tmp_path, _manifest(1), chunks, (), np.eye(4, dtype=np.float32), np.zeros((0, 4), np.float32))
    shutil.rmtree(gen / "bm25_terms")  # as an index written before BM25 was saved
    lean = store.load(tmp_path, on_disk=True)
    assert lean.lexical is None and lean.chunk_terms == tuple(c.terms for c in chunks)
    (gen / "bm25_keys" / "size.txt").write_text("9", encoding="utf-8")
    shutil.copytree(gen / "bm25_keys", gen / "bm25_terms")
    with pytest.raises(IndexIncompatible, match="damaged"):
        store.load(tmp_path, on_disk=True)


@pytest.mark.parametrize("damage", ["empty", "truncated"])
def test_a_damaged_saved_bm25_file_is_reported_as_a_damaged_index(tmp_path, damage):
    gen = store.save(tmp_path, _manifest(1), _bm25_chunks(), (), np.eye(4, dtype=np.float32),
                     np.zeros((0, 4), np.float32))
    data = gen / "bm25_terms" / "data.csc.index.npy"
    data.write_bytes(b"" if damage == "empty" else data.read_bytes()[:20])
    with pytest.raises(IndexIncompatible, match="damaged"):
        store.load(tmp_path, on_disk=True)
