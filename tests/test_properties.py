"""Invariants that hold for any input (hypothesis), beyond the per-module property tests.

Already covered elsewhere, not repeated here: chunk offsets and coverage over an
Arabic/Latin alphabet (test_chunking), sentence offsets over the same kind of
alphabet (test_sentences), index save/load of random records (test_index). Here:
the same offset invariants over any Unicode text, normalization idempotence,
decoding that never returns wrong text, whole builds that map back to their
files, and upload names that never leave the seeds folder.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings, strategies as st

from conftest import FakeEmbedder
from qa.store import index as store
from qa.store.build import build_index
from qa.ingest.chunking import ChunkSettings, chunk_document
from qa.ingest.documents import Document, decode_bytes
from qa.errors import InvalidArgument, UnreadableDocument
from qa.text.terms import normalize, terms
from qa.web.library import Upload, safe_name, save_uploads
from qa.ingest.sentences import split_sentences

ARABIC_LETTERS = [chr(c) for c in range(0x0621, 0x064B)]
ARABIC_MARKS = [chr(c) for c in [*range(0x064B, 0x0660), 0x0670, 0x0640]]  # harakat, superscript alef, tatweel
# The scripts of news documents: Arabic letters with their marks, Arabic-Indic and Persian digits, presentation
# forms and ligatures (ﻻ, ﷲ), Latin with precomposed accents, punctuation and spaces of both.
DOCUMENT_CHARS = st.one_of(
    st.sampled_from(ARABIC_LETTERS + ARABIC_MARKS),
    st.characters(min_codepoint=0x0660, max_codepoint=0x06FF),
    st.characters(min_codepoint=0xFB50, max_codepoint=0xFDFF),
    st.characters(min_codepoint=0xFE70, max_codepoint=0xFEFC),
    st.characters(min_codepoint=0x20, max_codepoint=0x7E),
    st.characters(min_codepoint=0xA0, max_codepoint=0x24F),
    st.sampled_from("\n\t\u00a0\u200c\u200f«»،؛؟"),
)
CP1256_LETTERS = [ch for ch in ARABIC_LETTERS if ch.encode("cp1256", "ignore")]
# Two Arabic letters in Windows-1256 are two UTF-8 lead bytes in a row, never valid UTF-8. (A lone letter
# before "،" can be: "آ،" is the UTF-8 of "¡". Such a file is read as UTF-8; real articles have words.)
words = st.text(alphabet=st.sampled_from(CP1256_LETTERS), min_size=2, max_size=8)


def count_words(text: str) -> int:
    return len(text.split())


def doc(text: str) -> Document:
    data = text.encode("utf-8", "surrogatepass")
    return Document("doc.txt", text, hashlib.sha256(data).hexdigest(), "utf-8", len(data))


@settings(max_examples=500, deadline=None)
@given(st.text(DOCUMENT_CHARS, max_size=200))
def test_normalize_is_idempotent_on_document_text(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
    assert terms(once) == terms(text)  # a query normalized before matching finds the same terms


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=1200), max_tokens=st.integers(16, 40), by_chars=st.booleans())
def test_chunks_of_any_unicode_text_map_back_and_cover_it(text: str, max_tokens: int, by_chars: bool) -> None:
    document = doc(text)
    chunks = chunk_document(document, len if by_chars else count_words, ChunkSettings(max_tokens, max_tokens // 4))
    covered = set()
    for chunk in chunks:
        assert text[chunk.start:chunk.end] == chunk.text and chunk.text.strip() == chunk.text != ""
        covered.update(range(chunk.start, chunk.end))
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=2000))
def test_sentences_of_any_unicode_text_map_back_in_order(text: str) -> None:
    sentences = split_sentences(text)
    kept = set()
    for previous, sentence in zip([None, *sentences], sentences):
        assert text[sentence.start:sentence.end] == sentence.text and sentence.text.strip() == sentence.text != ""
        assert previous is None or previous.end <= sentence.start
        kept.update(range(sentence.start, sentence.end))
    assert all(i in kept for i, ch in enumerate(text) if not ch.isspace())


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300), st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le-bom", "utf-16-be-bom"]))
def test_decoding_returns_the_exact_text_or_refuses(text: str, encoding: str) -> None:
    assume(not text.startswith("\ufeff"))  # a leading BOM character is read as a byte-order mark
    if encoding.endswith("-bom"):
        codec = encoding[:-4]
        data = ("\ufeff" + text).encode(codec)
    else:
        data = text.encode(encoding)
    try:
        decoded, _ = decode_bytes(data)
    except UnreadableDocument:
        assert "\x00" in text or sum((ch < " " or ch == "\x7f") and ch not in "\t\n\r\f" for ch in text) > 1
        return
    assert decoded == text


@settings(max_examples=200, deadline=None)
@given(st.lists(words, min_size=1, max_size=40), st.lists(st.sampled_from([" ", " ", "\n", ". ", "، ", "؟ "]),
                                                           min_size=40, max_size=40))
def test_arabic_in_windows_1256_decodes_exactly(tokens: list[str], gaps: list[str]) -> None:
    text = "".join(token + gap for token, gap in zip(tokens, gaps)).strip()
    assert decode_bytes(text.encode("cp1256")) == (text, "cp1256")


corpus = st.dictionaries(
    st.sampled_from(["a.txt", "b.md", "sub/c.txt", "sub/deeper/d.txt", "e.txt"]),
    st.text(DOCUMENT_CHARS, min_size=1, max_size=600).filter(lambda t: t.strip()),
    min_size=1, max_size=4,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=corpus, second=corpus)
def test_builds_map_back_to_their_files_and_rebuilds_equal_fresh_builds(tmp_path_factory, first, second) -> None:
    base = tmp_path_factory.mktemp("build")
    seeds = base / "seeds"

    def write(files: dict[str, str]) -> None:
        for old in [p for p in seeds.rglob("*") if p.is_file()]:
            if old.relative_to(seeds).as_posix() not in files:
                old.unlink()
        for name, text in files.items():
            (seeds / name).parent.mkdir(parents=True, exist_ok=True)
            (seeds / name).write_text(text, encoding="utf-8")

    def records(index: Path) -> tuple:
        stored = store.load(index)
        docs = tuple((d.source, d.sha256, d.size, d.chunks) for d in stored.manifest.documents)
        return docs, stored.chunks, stored.units, stored.chunk_vectors.tobytes(), stored.unit_vectors.tobytes()

    seeds.mkdir()
    write(first)
    build_index(seeds, base / "index", FakeEmbedder())
    write(second)
    embedder = FakeEmbedder()
    report = build_index(seeds, base / "index", embedder)
    stored = store.load(base / "index")
    for entry in stored.manifest.documents:
        assert entry.sha256 == hashlib.sha256((seeds / entry.source).read_bytes()).hexdigest()
    for chunk in stored.chunks:
        assert second[chunk.source][chunk.start:chunk.end] == chunk.text
    for unit in stored.units:
        chunk = stored.chunks[unit.chunk]
        assert chunk.start <= unit.start < unit.end <= chunk.end
        assert second[chunk.source][unit.start:unit.end] == unit.text
    changed = [text for name, text in second.items() if first.get(name) != text]
    assert report.unchanged == len(second) - len(changed)
    assert all(any(t in text for text in changed) for t in embedder.embedded)  # unchanged files are reused
    build_index(seeds, base / "fresh", FakeEmbedder())
    assert records(base / "index") == records(base / "fresh")


upload_names = st.one_of(
    st.text(max_size=60),
    st.builds(lambda a, b, ext: a + b + ext, st.sampled_from(["", "../", "../../", "/", "/etc/", "C:\\", "\\\\host\\",
                                                                "./", "\x00", ".", "sub/"]),
              st.text(max_size=30), st.sampled_from([".txt", ".md", ".TXT", ".txt.exe", "", ".txt\x00.png"])),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(upload_names, min_size=1, max_size=6))
def test_uploads_under_any_name_stay_plain_files_inside_seeds(tmp_path_factory, names: list[str]) -> None:
    base = tmp_path_factory.mktemp("uploads")
    seeds = base / "seeds"
    uploads = [Upload(name, f"Document {n}: harbour festival.\n".encode()) for n, name in enumerate(names)]
    report = save_uploads(seeds, uploads)
    assert len(report.saved) + len(report.rejected) == len(uploads)
    assert sorted(os.listdir(base)) == ["seeds"]  # nothing next to the folder
    assert sorted(os.listdir(seeds)) == sorted(report.saved)  # nothing else inside, no leftovers
    for name in report.saved:
        assert "/" not in name and "\\" not in name and "\x00" not in name and not name.startswith(".")
        assert name.endswith((".txt", ".md")) and len(name.encode()) < 255
        assert (seeds / name).is_file() and not (seeds / name).is_symlink()
    for name in names:
        try:
            cleaned = safe_name(name)
        except InvalidArgument:
            continue
        assert safe_name(cleaned) == cleaned  # a saved name is already safe


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(ARABIC_LETTERS + [" ", " ", "،", "."]), min_size=8, max_size=300),
       st.integers(0, 10_000), st.sampled_from([b"\xff", b"\xfe", b"\xc0", b"\x80", b"\xbf", b"\xe0"]))
def test_utf8_plus_one_bad_byte_never_decodes_as_windows_1256(text: str, at: int, bad: bytes) -> None:
    assume(sum(ch in ARABIC_LETTERS for ch in text) >= 8)  # a one-letter text with a bad byte is anyone's guess
    data = text.encode()
    at %= len(data) + 1
    decoded, name = decode_bytes(data[:at] + bad + data[at:])
    assert name.startswith("utf-8 (") and "\ufffd" in decoded
