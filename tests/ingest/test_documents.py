"""Tests for qa.ingest.documents: encodings, skipping rules, folder walking, read-only."""
from __future__ import annotations

import doctest
import hashlib
import os
import random
from pathlib import Path

import pytest
from hypothesis import assume, given, settings, strategies as st

import qa.ingest.documents
from qa.ingest.documents import (
    UNDECODABLE,
    Document,
    SkippedFile,
    decode_bytes,
    iter_document_paths,
    read_document,
    read_documents,
)
from qa.errors import SeedsNotFound, UnreadableDocument

ARABIC = "وكانت تركيا دعت الثلاثاء الي تدخل عسكري بري في سوريا.\r\nسطر ثان"
SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_doctests() -> None:
    assert doctest.testmod(qa.ingest.documents).failed == 0


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (ARABIC.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + ARABIC.encode("utf-8"), "utf-8-sig"),
        (b"\xff\xfe" + ARABIC.encode("utf-16-le"), "utf-16-le"),
        (b"\xfe\xff" + ARABIC.encode("utf-16-be"), "utf-16-be"),
        (ARABIC.encode("cp1256"), "cp1256"),
        (ARABIC.encode("iso8859_6"), "iso8859_6"),
    ],
)
def test_decode_bytes_detects_encoding_and_keeps_text_exact(data: bytes, encoding: str) -> None:
    text, name = decode_bytes(data)
    assert name == encoding
    assert text == ARABIC  # BOM gone, "\r\n" untouched
    assert not text.startswith("\ufeff")


def test_plain_ascii_is_utf8() -> None:
    assert decode_bytes(b"Hello\tworld\n") == ("Hello\tworld\n", "utf-8")


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",  # NUL bytes, no BOM
        bytes(range(1, 32)) * 4,  # control characters only
    ],
)
def test_binary_is_rejected(data: bytes) -> None:
    with pytest.raises(UnreadableDocument, match="binary content"):
        decode_bytes(data)


@pytest.mark.parametrize(
    "text",
    [
        "Élysée, café, déjà",  # charset-normalizer alone reads it as Windows-1256 "ةlysée"
        "Le président a quitté l'Élysée ; au café, on parlait déjà de « l'après ».\r\n",
        "Señor Müller — “über” 20 €",  # Windows-1252's own punctuation (0x80-0x9f) too
    ],
)
def test_windows_1252_is_read_exactly(text: str) -> None:
    assert decode_bytes(text.encode("cp1252")) == (text, "cp1252")


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("فط،", "cp1256"),  # a few bytes: too short for charset-normalizer's measures
        ("\u200fأنهى اللاعب البرازيلي مشواره.", "cp1256"),  # a right-to-left mark first: noise to it
        ("قالت الوزارة", "iso8859_6"),  # Windows-1256 reads it as "âانت انèزارة"
        ("اتصل بقناة الـCNN أمس", "cp1256"),  # a word that really mixes the scripts
    ],
)
def test_short_arabic_in_either_code_page_is_read_exactly(text: str, encoding: str) -> None:
    assert decode_bytes(text.encode(encoding)) == (text, encoding)


@pytest.mark.parametrize("size", [64, 512, 4096])
def test_random_bytes_are_skipped_as_not_text(size: int, tmp_path: Path) -> None:
    rng = random.Random(size)
    for _ in range(20):
        high = bytes(rng.randrange(0x80, 0x100) for _ in range(size))  # no NUL, no control character
        printable = bytes(rng.randrange(0x20, 0x100) for _ in range(size))
        for data in (high, printable):
            with pytest.raises(UnreadableDocument, match=f"^{UNDECODABLE}$"):
                decode_bytes(data)
    write(tmp_path / "noise.txt", high)
    assert read_documents(tmp_path) == ([], [SkippedFile("noise.txt", UNDECODABLE)])


def test_invalid_bytes_are_rejected() -> None:
    # Not UTF-8; in Windows-1256 these are invisible direction/joiner marks only.
    with pytest.raises(UnreadableDocument, match=UNDECODABLE):
        decode_bytes(b"\x9d\x9e\xfd\xfe" * 10)
    with pytest.raises(UnreadableDocument, match="utf-8-sig"):
        decode_bytes(b"\xef\xbb\xbfabc\xff\xfe\xfd")
    with pytest.raises(UnreadableDocument, match="utf-16-le"):
        decode_bytes(b"\xff\xfe\x00\xd8")  # a lone surrogate


def test_read_documents_reports_every_skip(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "سلام عليكم".encode("cp1256"))
    write(tmp_path / "b.MD", b"# Title\n\nBody.")
    write(tmp_path / "empty.txt", b"")
    write(tmp_path / "blank.md", b" \n\t\r\n")
    write(tmp_path / "image.txt", b"\x00\x01\x02binary\x00")
    write(tmp_path / "report.pdf", b"%PDF-1.4")
    write(tmp_path / "sheet.odt", b"PK\x03\x04")
    write(tmp_path / "README", b"no extension")
    write(tmp_path / ".hidden.txt", b"never listed")
    write(tmp_path / ".git" / "config.txt", b"never listed")

    documents, skipped = read_documents(tmp_path)

    assert [d.source for d in documents] == ["a.txt", "b.MD"]
    assert documents[0].encoding == "cp1256"
    assert documents[0].text == "سلام عليكم"
    assert sorted(skipped, key=lambda s: s.source) == [
        SkippedFile("README", "unsupported type (no extension)"),
        SkippedFile("blank.md", "empty file"),
        SkippedFile("empty.txt", "empty file"),
        SkippedFile("image.txt", "binary content"),
        SkippedFile("report.pdf", "not a valid PDF"),
        SkippedFile("sheet.odt", "unsupported type .odt"),
    ]


def test_document_fields(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbfhello\n"
    path = write(tmp_path / "sub" / "x.txt", data)
    assert read_document(path, tmp_path) == Document(
        source="sub/x.txt",
        text="hello\n",
        sha256=hashlib.sha256(data).hexdigest(),
        encoding="utf-8-sig",
        size=len(data),
    )


def test_read_document_names_file_in_error(tmp_path: Path) -> None:
    path = write(tmp_path / "notes.docx", b"PK")
    with pytest.raises(UnreadableDocument, match=r"^notes\.docx: not a valid Word document$"):
        read_document(path, tmp_path)
    path = write(tmp_path / "notes.odt", b"PK")
    with pytest.raises(UnreadableDocument, match=r"^notes\.odt: unsupported type \.odt$"):
        read_document(path, tmp_path)


def test_oversize_file_is_skipped(tmp_path: Path) -> None:
    write(tmp_path / "big.txt", b"x" * 101)
    write(tmp_path / "ok.txt", b"x" * 100)
    documents, skipped = read_documents(tmp_path, max_bytes=100)
    assert [d.source for d in documents] == ["ok.txt"]
    assert skipped == [SkippedFile("big.txt", "larger than 100 bytes limit")]


def test_default_limit_is_20_mb(tmp_path: Path) -> None:
    with (tmp_path / "huge.txt").open("wb") as handle:
        handle.truncate(20 * 1024 * 1024 + 1)  # sparse: rejected by size before reading
    _, skipped = read_documents(tmp_path)
    assert skipped == [SkippedFile("huge.txt", "larger than 20 MB limit")]


def test_unreadable_file_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Simulated: chmod 0 does not stop root, and tests may run as root.
    write(tmp_path / "secret.txt", b"text")
    write(tmp_path / "open.txt", b"text")
    real_open = Path.open

    def guarded_open(self: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if self.name == "secret.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", guarded_open)
    documents, skipped = read_documents(tmp_path)
    assert [d.source for d in documents] == ["open.txt"]
    assert skipped == [SkippedFile("secret.txt", "permission denied")]


def test_broken_symlink_is_skipped(tmp_path: Path) -> None:
    os.symlink(tmp_path / "gone.txt", tmp_path / "dangling.txt")
    _, skipped = read_documents(tmp_path)
    assert skipped == [SkippedFile("dangling.txt", "cannot read (no such file or directory)")]


def test_nested_folders_are_sorted_with_posix_sources(tmp_path: Path) -> None:
    for name in ["b/z.txt", "a.txt", "b/a/deep.md", "c.txt", "b/y.txt"]:
        write(tmp_path / name, name.encode())
    sources = [p.relative_to(tmp_path).as_posix() for p in iter_document_paths(tmp_path)]
    assert sources == ["a.txt", "b/a/deep.md", "b/y.txt", "b/z.txt", "c.txt"]
    documents, _ = read_documents(tmp_path)
    assert [d.source for d in documents] == sources
    assert documents[1].text == "b/a/deep.md"


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_loop_terminates(tmp_path: Path) -> None:
    write(tmp_path / "sub" / "doc.txt", b"inside")
    os.symlink(tmp_path, tmp_path / "sub" / "loop")  # a folder linked to its ancestor
    os.symlink(tmp_path / "sub" / "doc.txt", tmp_path / "link.txt")
    documents, skipped = read_documents(tmp_path)
    assert [d.source for d in documents] == ["link.txt", "sub/doc.txt"]
    assert skipped == []


def test_files_are_never_modified(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", b"\xef\xbb\xbfline one\r\nline two")
    write(tmp_path / "b.md", "نص".encode("cp1256"))
    write(tmp_path / "c.bin", b"\x00\x01")
    write(tmp_path / "d.txt", b"")
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.rglob("*")}
    read_documents(tmp_path)
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.rglob("*")}
    assert after == before


def test_missing_or_non_folder_seeds(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(SeedsNotFound, match="nope"):
        read_documents(missing)
    with pytest.raises(SeedsNotFound, match="nope"):
        iter_document_paths(missing)
    a_file = write(tmp_path / "file.txt", b"x")
    with pytest.raises(SeedsNotFound, match="file.txt"):
        read_documents(a_file)


def test_real_seed_article_reads_as_utf8() -> None:
    documents, skipped = read_documents(SEEDS)
    article = next(d for d in documents if d.source == "000_f9ca097250a4c633.txt")
    assert article.encoding == "utf-8"
    assert "وكانت تركيا دعت الثلاثاء" in article.text
    assert skipped == []


def test_utf8_with_a_stray_byte_is_read_as_utf8_not_as_windows_1256(tmp_path: Path) -> None:
    """The issue's case: before, one bad byte sent the file to cp1256 and it was indexed as mojibake."""
    data = "قالت الوزارة إن تركيا طرحت احتمال عملية برية".encode() + b"\xff"
    text, name = decode_bytes(data)
    assert name == "utf-8 (1 invalid byte replaced)" and text.startswith("قالت الوزارة") and text.endswith("\ufffd")
    write(tmp_path / "a.txt", data)
    (doc,), skipped = read_documents(tmp_path)
    assert skipped == [] and doc.warning == "invalid UTF-8 bytes replaced by U+FFFD"
    assert decode_bytes("قالت الوزارة".encode("cp1256")) == ("قالت الوزارة", "cp1256")  # real cp1256 is still read


# News text: Arabic letters and marks, Persian letters, Latin with accents, digits, punctuation, spaces.
NEWS_CHARS = st.one_of(
    st.characters(min_codepoint=0x0621, max_codepoint=0x0652),
    st.sampled_from("پچژگکی«»،؛؟ـ"),
    st.characters(min_codepoint=0xC0, max_codepoint=0x17F),
    st.sampled_from(" .,:0123456789abcdefghij\n"),
)


@settings(max_examples=200, deadline=None)
@given(st.text(NEWS_CHARS, min_size=8, max_size=400), st.integers(0, 10_000), st.integers(0x80, 0xFF))
def test_utf8_plus_any_one_bad_byte_is_never_read_in_a_legacy_code_page(text: str, at: int, bad: int) -> None:
    """Widens the Arabic-only property of test_properties.py: Latin and mixed text too, and every byte
    that breaks UTF-8 (a lone continuation byte, a truncated lead byte, 0xc0/0xc1/0xf5-0xff)."""
    assume(sum(not ch.isascii() for ch in text) >= 8)  # one byte can spoil 3 sequences: the rest must outweigh them
    data = text.encode()
    at %= len(data) + 1
    decoded, name = decode_bytes(data[:at] + bytes([bad]) + data[at:])
    assert name.startswith("utf-8 (") and "\ufffd" in decoded
    assert Document("a.txt", decoded, "", name, 0).warning == "invalid UTF-8 bytes replaced by U+FFFD"


def test_a_replacement_character_in_valid_utf8_is_not_a_bad_byte() -> None:
    assert decode_bytes("نص \ufffd سليم".encode()) == ("نص \ufffd سليم", "utf-8")
