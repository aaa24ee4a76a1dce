"""The documents panel's backend: safe upload names, validation, no overwrites, safe removal."""
from __future__ import annotations

import doctest
import hashlib
import os
from pathlib import Path

import pytest

import qa.web.library
from qa.store.build import build_index
from helpers import remount_readonly, small_tmpfs
from qa.errors import InvalidArgument, SeedsWriteFailed
from qa.web.library import (MAX_UPLOAD_BYTES, Upload, indexed_documents, known_contents, read_upload, remove_document, safe_name,
                        save_uploads, status)

TEXT = "Zephyria holds its harbour festival on 3 March.\n".encode()


def test_doctests():
    assert doctest.testmod(qa.web.library).failed == 0


@pytest.mark.parametrize("raw, expected", [
    ("notes.txt", "notes.txt"),
    ("../x.txt", "x.txt"),
    ("../../etc/cron.d/x.md", "x.md"),
    ("C:\\Users\\me\\report.TXT", "report.txt"),
    ("a\x00b.txt", "ab.txt"),
    ("a\x1b[31mb.txt", "a[31mb.txt"),
    ("evil\u202etxt.md", "eviltxt.md"),  # a bidi override could disguise the extension
    ("CON.txt", "_CON.txt"),
    ("nul.tar.md", "_nul.tar.md"),
    ("lpt9.txt", "_lpt9.txt"),
    (".hidden.txt", "hidden.txt"),
    ("  spaced   name .md", "spaced name.md"),
    ('what?<is>"this"|*.txt', "what__is__this___.txt"),
    ("تقرير الأخبار.txt", "تقرير الأخبار.txt"),
])
def test_safe_name(raw, expected):
    assert safe_name(raw) == expected


@pytest.mark.parametrize("raw", ["/etc/passwd", "x.exe", "x.txt.exe", "noext", "..", "", "x.txt/", "...txt", "\x00.md"])
def test_safe_name_refuses_other_types(raw):
    with pytest.raises(InvalidArgument):
        safe_name(raw)


def test_long_names_are_cut_below_the_file_name_limit():
    name = safe_name("ب" * 300 + ".txt")
    assert name.endswith(".txt") and len(name.encode()) < 255


def test_uploads_land_inside_seeds_under_safe_names(tmp_path: Path):
    seeds = tmp_path / "seeds"
    report = save_uploads(seeds, [Upload("../escape.txt", TEXT), Upload("/etc/passwd", b"root:x:0:0"),
                                  Upload("CON.txt", TEXT + b"2"), Upload(".hidden.md", TEXT + b"3")])
    assert report.saved == ("escape.txt", "_CON.txt", "hidden.md")
    assert [r.name for r in report.rejected] == ["passwd"]
    assert not (tmp_path / "escape.txt").exists()
    assert sorted(p.name for p in seeds.iterdir()) == ["_CON.txt", "escape.txt", "hidden.md"]
    assert (seeds / "escape.txt").read_bytes() == TEXT


def test_existing_files_are_never_overwritten(tmp_path: Path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text("original", encoding="utf-8")
    report = save_uploads(seeds, [Upload("a.txt", b"second"), Upload("a.txt", b"third")])
    assert report.saved == ("a-1.txt", "a-2.txt")
    assert (seeds / "a.txt").read_text() == "original"
    assert (seeds / "a-2.txt").read_text() == "third"


def test_same_content_twice_is_saved_once(tmp_path: Path):
    report = save_uploads(tmp_path, [Upload("a.txt", TEXT), Upload("b.txt", TEXT)], known={})
    assert report.saved == ("a.txt",)
    assert report.rejected[0].reason == "same content as a.txt"
    again = save_uploads(tmp_path, [Upload("c.txt", TEXT)], known={hashlib.sha256(TEXT).hexdigest(): "old.txt"})
    assert again.saved == () and "old.txt" in again.rejected[0].reason


@pytest.mark.parametrize("upload, reason", [
    (Upload("big.txt", b"a" * (20 * 1024 * 1024 + 1)), "20 MB limit for this format"),
    (Upload("bin.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "binary"),
    (Upload("ctl.md", bytes(range(1, 32)) * 10), "binary"),
    (Upload("empty.txt", b" \n\t"), "empty"),
    (Upload("bad.txt", b"\xef\xbb\xbf\xff\xfe\xfd"), "utf-8"),
    (Upload("page.html", b"<html></html>"), "no article text found in the page"),
    (Upload("scan.pdf", b"%PDF-1.4 truncated"), "not a valid PDF"),
    (Upload("sheet.odt", b"PK\x03\x04"), "not a format qa reads"),
])
def test_invalid_uploads_are_rejected_with_a_reason(tmp_path: Path, upload, reason):
    report = save_uploads(tmp_path, [upload])
    assert report.saved == ()
    assert reason in report.rejected[0].reason
    assert list(tmp_path.iterdir()) == []  # not even a temporary file is left


def test_encodings_are_accepted(tmp_path: Path):
    arabic = "مهرجان الميناء في زفيريا يقام في 3 مارس."
    report = save_uploads(tmp_path, [Upload("a.txt", arabic.encode("cp1256")),
                                     Upload("b.txt", arabic.encode("utf-16")),
                                     Upload("c.md", arabic.encode("utf-8-sig"))])
    assert report.saved == ("a.txt", "b.txt", "c.md")
    assert (tmp_path / "a.txt").read_bytes() == arabic.encode("cp1256")  # stored as sent


def test_too_many_files_are_refused_as_a_whole(tmp_path: Path):
    with pytest.raises(InvalidArgument, match="21 files"):
        save_uploads(tmp_path, [Upload(f"{i}.txt", TEXT + bytes([65 + i])) for i in range(21)])
    assert list(tmp_path.iterdir()) == []


def test_read_upload_stops_past_the_limit(tmp_path: Path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 100)
    assert len(read_upload(big, max_bytes=10).data) == 11
    assert read_upload(big, "shown.txt").name == "shown.txt"


def test_remove_deletes_only_documents_inside_seeds(tmp_path: Path):
    seeds = tmp_path / "seeds"
    (seeds / "sub").mkdir(parents=True)
    (seeds / "sub" / "a.txt").write_text("a", encoding="utf-8")
    (seeds / "b.md").write_text("b", encoding="utf-8")
    outside = tmp_path / "outside.txt"
    outside.write_text("keep", encoding="utf-8")
    os.symlink(outside, seeds / "link.txt")
    os.symlink(tmp_path, seeds / "up")
    for bad in ["../outside.txt", str(outside), "link.txt", "up/outside.txt", "sub/../../outside.txt",
                "missing.txt", "sub", "", "a\x00.txt", "sub/a.exe"]:
        with pytest.raises(InvalidArgument):
            remove_document(seeds, bad)
    assert outside.read_text() == "keep"
    assert remove_document(seeds, "sub/a.txt") == "sub/a.txt"
    assert remove_document(seeds, "b.md") == "b.md"
    assert not (seeds / "sub" / "a.txt").exists() and not (seeds / "b.md").exists()


def test_status_and_documents_come_from_the_live_manifest(tmp_path: Path, fake_embedder):
    assert status(tmp_path / "index") is None
    assert indexed_documents(tmp_path / "index") == ()
    seeds = tmp_path / "seeds"
    save_uploads(seeds, [Upload("a.txt", b"Turkey proposed a ground operation.\n\nRussia objected."),
                         Upload("b.md", b"Paris weather is mild.")])
    build_index(seeds, tmp_path / "index", fake_embedder)
    st = status(tmp_path / "index")
    docs = indexed_documents(tmp_path / "index")
    assert (st.model, st.documents, st.generation) == ("fake-bow", 2, 1)
    assert [d.source for d in docs] == ["a.txt", "b.md"]
    assert st.chunks == sum(d.chunks for d in docs) >= 2
    assert st.built_at == docs[0].added
    again = save_uploads(seeds, [Upload("copy.md", b"Paris weather is mild.")], known_contents(tmp_path / "index"))
    assert again.saved == () and again.rejected[0].reason == "same content as b.md"


@pytest.mark.parametrize("manifest", ['{"format": 99}', '{"format_version": 3, "model": "m", "dimension": 4, '
                                      '"chunking": {}, "documents": [], "built_at": "", "generation": 1}', "not json"])
def test_a_manifest_of_another_format_gives_the_rebuild_hint(tmp_path, manifest):
    from qa.errors import IndexIncompatible

    gen = tmp_path / "gen-000001"
    gen.mkdir()
    (gen / "manifest.json").write_text(manifest, encoding="utf-8")
    (tmp_path / "CURRENT").write_text("gen-000001", encoding="utf-8")
    with pytest.raises(IndexIncompatible, match="rebuild it with `qa build`"):
        qa.web.library.read_manifest(tmp_path)
    with pytest.raises(IndexIncompatible):
        indexed_documents(tmp_path)


def test_a_full_disk_rejects_the_upload_in_one_line_and_leaves_nothing_behind(tmp_path: Path):
    """Before, the OSError escaped save_uploads, and the chat's handler (QAError only) lost it."""
    with small_tmpfs(tmp_path / "disk", "64k") as seeds:
        (seeds / "kept.txt").write_bytes(TEXT)
        big = Upload("big.txt", b"Zephyria harbour news. " * 8000)  # ~180 kB onto a 64 kB disk
        report = save_uploads(seeds, [big, Upload("small.txt", TEXT.replace(b"3", b"4"))])
        assert report.saved == ("small.txt",)
        ((name, reason),) = [(r.name, r.reason) for r in report.rejected]
        assert name == "big.txt" and reason == f"cannot save big.txt in {seeds}: no space left on device"
        assert sorted(p.name for p in seeds.iterdir()) == ["kept.txt", "small.txt"]  # no hidden half-file
        assert (seeds / "kept.txt").read_bytes() == TEXT


def test_a_read_only_seeds_folder_refuses_saves_and_removals_in_one_line(tmp_path: Path):
    with small_tmpfs(tmp_path / "disk") as seeds:
        (seeds / "kept.txt").write_bytes(TEXT)
        remount_readonly(seeds)
        report = save_uploads(seeds, [Upload("new.txt", TEXT.replace(b"3", b"5"))])
        assert report.saved == () and report.rejected[0].reason.endswith("read-only file system")
        with pytest.raises(SeedsWriteFailed, match="cannot remove kept.txt from .*: read-only file system"):
            remove_document(seeds, "kept.txt")
        assert [p.name for p in seeds.iterdir()] == ["kept.txt"]


def test_uploads_are_saved_where_the_file_system_has_no_hard_links(tmp_path: Path, monkeypatch):
    import errno

    def no_links(src, dst, *args, **kwargs):
        raise OSError(errno.EPERM, "Operation not permitted")  # what FAT answers

    monkeypatch.setattr(qa.web.library.os, "link", no_links)
    (tmp_path / "report.txt").write_bytes(b"an older report")
    report = save_uploads(tmp_path, [Upload("report.txt", TEXT)])
    assert report.saved == ("report-1.txt",)
    assert (tmp_path / "report.txt").read_bytes() == b"an older report" and (tmp_path / "report-1.txt").read_bytes() == TEXT
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report-1.txt", "report.txt"]


@pytest.mark.parametrize("fixture", ["html/en_super_bowl.html", "pdf/mixed.chromium.pdf", "docx/python_docx_news.docx",
                                     "epub/libreoffice_news.epub", "eml/cp1256_qp.eml", "feed/news.atom",
                                     "ocr/english-news.png"])
def test_every_format_qa_reads_is_accepted_as_an_upload(tmp_path: Path, fixture: str):
    source = Path(__file__).resolve().parents[1] / "fixtures" / fixture
    if source.suffix == ".png":
        from qa.ingest.readers import ocr

        if not ocr.available():
            pytest.skip("tesseract is not installed (make ocr)")
    report = save_uploads(tmp_path / "seeds", [Upload(source.name, source.read_bytes())])
    assert report.saved == (source.name,) and report.rejected == ()
    assert (tmp_path / "seeds" / source.name).read_bytes() == source.read_bytes()  # saved as it came


def test_removing_a_feed_item_removes_its_feed(tmp_path: Path):
    (tmp_path / "news.atom").write_bytes(b"<feed/>")
    assert remove_document(tmp_path, "news.atom#tag:example.org,2015:1") == "news.atom"
    (tmp_path / "news.rss").write_bytes(b"<rss/>")
    assert remove_document(tmp_path, "news.rss#https://example.org/2015/08/story.html") == "news.rss"  # a URL id
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(InvalidArgument, match="not inside the seeds folder"):
        remove_document(tmp_path, "../news.rss#https://example.org/x")
