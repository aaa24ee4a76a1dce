"""Incremental, atomic builds (plumbing, with the fake embedder)."""
from pathlib import Path

import pytest

from qa.store import index as store
from qa.store.build import build_index
from qa.errors import IndexIncompatible, IndexNotFound, NoDocuments, SeedsNotFound


def _seeds(tmp_path: Path, files: dict[str, str]) -> Path:
    seeds = tmp_path / "seeds"
    seeds.mkdir(exist_ok=True)
    for name, text in files.items():
        path = seeds / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return seeds


DOCS = {
    "a.txt": "Turkey proposed a ground operation in Syria. Russia called the Security Council.",
    "b.md": "The weather in Paris is mild in spring. Tourists visit the museums.",
    "sub/c.txt": "تركيا دعت الي تدخل عسكري بري في سوريا. روسيا تدعو مجلس الامن.",
}


def test_first_build_indexes_every_document(tmp_path, fake_embedder):
    report = build_index(_seeds(tmp_path, DOCS), tmp_path / "index", fake_embedder)
    assert (report.added, report.updated, report.removed, report.unchanged) == (3, 0, 0, 0)
    stored = store.load(tmp_path / "index")
    assert {d.source for d in stored.manifest.documents} == {"a.txt", "b.md", "sub/c.txt"}
    assert len(stored.chunks) == report.chunks == len(stored.chunk_vectors)
    originals = {name: text for name, text in DOCS.items()}
    for chunk in stored.chunks:
        assert originals[chunk.source][chunk.start:chunk.end] == chunk.text
    for unit in stored.units:
        chunk = stored.chunks[unit.chunk]
        assert chunk.start <= unit.start < unit.end <= chunk.end
        assert originals[chunk.source][unit.start:unit.end] == unit.text


def test_rebuild_with_nothing_changed_embeds_nothing(tmp_path, fake_embedder):
    seeds = _seeds(tmp_path, DOCS)
    build_index(seeds, tmp_path / "index", fake_embedder)
    fake_embedder.embedded.clear()
    report = build_index(seeds, tmp_path / "index", fake_embedder)
    assert fake_embedder.embedded == []
    assert (report.added, report.updated, report.removed, report.unchanged, report.embedded) == (0, 0, 0, 3, 0)


def test_only_changed_documents_are_embedded_and_deleted_ones_dropped(tmp_path, fake_embedder):
    seeds = _seeds(tmp_path, DOCS)
    build_index(seeds, tmp_path / "index", fake_embedder)
    before = store.load(tmp_path / "index")
    fake_embedder.embedded.clear()
    (seeds / "a.txt").write_text("Turkey now rejects any ground operation.", encoding="utf-8")
    (seeds / "b.md").unlink()
    (seeds / "d.txt").write_text("A new document about elections.", encoding="utf-8")
    report = build_index(seeds, tmp_path / "index", fake_embedder)
    assert (report.added, report.updated, report.removed, report.unchanged) == (1, 1, 1, 1)
    assert all("Paris" not in t and "تركيا" not in t for t in fake_embedder.embedded)
    assert any("rejects" in t for t in fake_embedder.embedded)
    after = store.load(tmp_path / "index")
    assert "b.md" not in {c.source for c in after.chunks}
    old_c = [v for c, v in zip(before.chunks, before.chunk_vectors) if c.source == "sub/c.txt"]
    new_c = [v for c, v in zip(after.chunks, after.chunk_vectors) if c.source == "sub/c.txt"]
    assert len(old_c) == len(new_c) and all((a == b).all() for a, b in zip(old_c, new_c))
    added = {d.source: d.added for d in after.manifest.documents}
    assert added["sub/c.txt"] == {d.source: d.added for d in before.manifest.documents}["sub/c.txt"]


def test_a_crash_mid_build_leaves_the_previous_index_loadable(tmp_path, fake_embedder, monkeypatch):
    seeds = _seeds(tmp_path, DOCS)
    build_index(seeds, tmp_path / "index", fake_embedder)
    before = store.load(tmp_path / "index")
    (seeds / "new.txt").write_text("Something new to embed.", encoding="utf-8")

    def boom(*args, **kwargs):
        raise RuntimeError("simulated crash while writing vectors")

    monkeypatch.setattr(store, "npy_bytes", boom)
    with pytest.raises(RuntimeError, match="simulated crash while writing vectors"):
        build_index(seeds, tmp_path / "index", fake_embedder)
    after = store.load(tmp_path / "index")
    assert after.path == before.path
    assert [c.chunk_id for c in after.chunks] == [c.chunk_id for c in before.chunks]


def test_index_built_by_another_model_is_refused_with_a_rebuild_hint(tmp_path, fake_embedder):
    build_index(_seeds(tmp_path, DOCS), tmp_path / "index", fake_embedder)
    with pytest.raises(IndexIncompatible, match="qa build"):
        store.load(tmp_path / "index", model="another-model")


def test_another_model_triggers_a_full_rebuild(tmp_path, fake_embedder):
    seeds = _seeds(tmp_path, DOCS)
    build_index(seeds, tmp_path / "index", fake_embedder)
    fake_embedder.model_name = "fake-bow-2"
    report = build_index(seeds, tmp_path / "index", fake_embedder)
    assert report.added == 3 and store.load(tmp_path / "index").manifest.model == "fake-bow-2"


def test_user_errors_are_named(tmp_path, fake_embedder):
    with pytest.raises(SeedsNotFound):
        build_index(tmp_path / "missing", tmp_path / "index", fake_embedder)
    (tmp_path / "empty").mkdir()
    with pytest.raises(NoDocuments):
        build_index(tmp_path / "empty", tmp_path / "index", fake_embedder)
    with pytest.raises(IndexNotFound, match="qa build"):
        store.load(tmp_path / "index")


def test_broken_files_are_skipped_and_reported_while_the_rest_is_indexed(tmp_path, fake_embedder):
    seeds = _seeds(tmp_path, DOCS)
    (seeds / "binary.txt").write_bytes(b"\x00\x01\x02\xff" * 50)
    (seeds / "image.png").write_bytes(b"\x89PNG")
    before = {p: p.read_bytes() for p in seeds.rglob("*") if p.is_file()}
    report = build_index(seeds, tmp_path / "index", fake_embedder)
    assert report.added == 3
    assert {s.source for s in report.skipped} == {"binary.txt", "image.png"}
    assert {p: p.read_bytes() for p in seeds.rglob("*") if p.is_file()} == before


def test_allow_empty_builds_an_empty_index_that_answers_nothing(tmp_path, fake_embedder):
    from qa.search.fusion import Retriever

    seeds = _seeds(tmp_path, {"a.txt": "One document."})
    build_index(seeds, tmp_path / "index", fake_embedder)
    (seeds / "a.txt").unlink()
    report = build_index(seeds, tmp_path / "index", fake_embedder, allow_empty=True)
    assert (report.removed, report.chunks) == (1, 0)
    assert Retriever(fake_embedder, tmp_path / "index").search("document", k=3) == []


def test_an_index_missing_a_file_is_refused_not_crashed(tmp_path, fake_embedder):
    gen = Path(build_index(_seeds(tmp_path, DOCS), tmp_path / "index", fake_embedder).index_path)
    (gen / "unit_sparse.data.npy").unlink()
    with pytest.raises(IndexIncompatible, match="qa build"):
        store.load(tmp_path / "index")


def test_an_unchanged_pdf_is_not_read_again_by_the_next_build(tmp_path, fake_embedder, monkeypatch):
    """Before, every build parsed every PDF, page and scan again (and OCR'd scans again)."""
    import shutil
    from pathlib import Path

    from qa.ingest.readers import sandbox

    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "pdf" / "en_xquad.chromium.pdf"
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(fixture, seeds / "report.pdf")
    real, calls = sandbox.ReaderProcess.extract, []

    def counted(self, suffix, data, name):
        calls.append(name)
        return real(self, suffix, data, name)

    monkeypatch.setattr(sandbox.ReaderProcess, "extract", counted)
    first = build_index(seeds, tmp_path / "index", fake_embedder)
    (seeds / "note.txt").write_text("A new note about something else.", encoding="utf-8")
    second = build_index(seeds, tmp_path / "index", fake_embedder)
    assert calls == ["report.pdf"] and first.added == 1 and second.added == 1 and second.unchanged == 1
    (seeds / "report.pdf").unlink()
    build_index(seeds, tmp_path / "index", fake_embedder)
    assert list((tmp_path / "index" / "extracted").glob("*.json")) == []  # what no file uses is dropped
