"""Tests for qa.ingest.chunking: exact offsets, full coverage, stable ids, settings."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings as hyp_settings, strategies as st

from qa.ingest.chunking import Chunk, ChunkSettings, chunk_document, chunk_id
from qa.ingest.documents import Document, read_document
from qa.errors import InvalidArgument

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
ARTICLE = SEEDS / "000_f9ca097250a4c633.txt"


def words(text: str) -> int:
    """A fake token counter: whitespace-separated words."""
    return len(text.split())


def doc(text: str, source: str = "doc.txt") -> Document:
    data = text.encode("utf-8")
    return Document(source, text, hashlib.sha256(data).hexdigest(), "utf-8", len(data))


def assert_invariants(document: Document, chunks: list[Chunk]) -> None:
    text = document.text
    covered = [False] * len(text)
    for chunk in chunks:
        assert text[chunk.start:chunk.end] == chunk.text
        assert chunk.text == chunk.text.strip() and chunk.text
        assert chunk.source == document.source
        covered[chunk.start:chunk.end] = [True] * (chunk.end - chunk.start)
    missing = [i for i, ch in enumerate(text) if not ch.isspace() and not covered[i]]
    assert missing == []
    assert [c.start for c in chunks] == sorted(c.start for c in chunks)


def test_short_document_is_one_stripped_chunk() -> None:
    document = doc("\n  مرحبا بالعالم. Hello world.  \n")
    (chunk,) = chunk_document(document, words)
    assert (chunk.start, chunk.end, chunk.text) == (3, 30, "مرحبا بالعالم. Hello world.")
    assert chunk.chunk_id == chunk_id("doc.txt", 3, 30, chunk.text)


def test_whitespace_only_document_has_no_chunks() -> None:
    assert chunk_document(doc(" \n\t\n "), words) == []


def test_repeated_text_still_maps_back_and_covers() -> None:
    # Identical pieces are where the splitter's own add_start_index goes wrong.
    document = doc(" ".join(["a"] * 200) + "\n\n" + " ".join(["b"] * 50) + ". " + "a " * 70)
    chunks = chunk_document(document, words, ChunkSettings(max_tokens=16, overlap_tokens=5))
    assert len(chunks) > 10
    assert_invariants(document, chunks)
    assert all(words(c.text) <= 16 for c in chunks)


def test_overlap_is_applied() -> None:
    document = doc(" ".join(f"w{i}" for i in range(100)))
    chunks = chunk_document(document, words, ChunkSettings(max_tokens=20, overlap_tokens=5))
    assert_invariants(document, chunks)
    for before, after in zip(chunks, chunks[1:]):
        assert 0 < before.end - after.start  # consecutive chunks share text
        assert words(document.text[after.start:before.end]) <= 5


def test_chunk_ids_are_stable_and_depend_on_source() -> None:
    text = ARTICLE.read_text(encoding="utf-8")
    first = chunk_document(doc(text), words, ChunkSettings(max_tokens=40, overlap_tokens=8))
    again = chunk_document(doc(text), words, ChunkSettings(max_tokens=40, overlap_tokens=8))
    other = chunk_document(doc(text, "b.txt"), words, ChunkSettings(max_tokens=40, overlap_tokens=8))
    assert first == again
    assert len({c.chunk_id for c in first}) == len(first)
    assert all(len(c.chunk_id) == 16 for c in first)
    assert {c.chunk_id for c in first}.isdisjoint(c.chunk_id for c in other)
    expected = hashlib.sha256(f"doc.txt\0{first[0].start}\0{first[0].end}\0{first[0].text}".encode())
    assert first[0].chunk_id == expected.hexdigest()[:16]


def test_arabic_clause_punctuation_is_a_split_point() -> None:
    clause = "ذهب الوفد الى المدينة لمناقشة الاتفاق"  # 6 words
    with_commas = f"{clause}، {clause}، {clause}؟"  # 18 words: too long for one chunk
    with_semicolons = f"{clause}؛ {clause}؛ {clause}؟"
    document = doc(" ".join([with_commas, with_semicolons] * 3))
    chunks = chunk_document(document, words, ChunkSettings(max_tokens=16, overlap_tokens=0))
    assert_invariants(document, chunks)
    assert len(chunks) > 4
    assert all(c.text[-1] in "،؛؟" for c in chunks)
    assert {c.text[-1] for c in chunks} == {"،", "؛", "؟"}


def test_real_article_chunks_end_at_sentences() -> None:
    document = read_document(ARTICLE, SEEDS)
    chunks = chunk_document(document, words, ChunkSettings(max_tokens=100, overlap_tokens=20))
    assert_invariants(document, chunks)
    assert len(chunks) > 3
    assert all(words(c.text) <= 100 for c in chunks)
    assert all(c.text.endswith(".") for c in chunks)


def test_character_counter_respects_limit() -> None:
    document = doc("نص عربي طويل جدا بدون نقاط " * 40)
    chunks = chunk_document(document, len, ChunkSettings(max_tokens=50, overlap_tokens=10))
    assert_invariants(document, chunks)
    assert all(len(c.text) <= 50 for c in chunks)


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"max_tokens": 15}, "max_tokens=15"),
        ({"max_tokens": 501}, "max_tokens=501"),
        ({"overlap_tokens": -1}, "overlap_tokens=-1"),
        ({"max_tokens": 32, "overlap_tokens": 32}, "overlap_tokens=32"),
        ({"max_tokens": "200"}, "max_tokens='200'"),
        ({"overlap_tokens": True}, "overlap_tokens=True"),
    ],
)
def test_settings_validation_names_the_bad_value(kwargs: dict, named: str) -> None:
    with pytest.raises(InvalidArgument, match=named):
        ChunkSettings(**kwargs)


def test_settings_as_dict_round_trips() -> None:
    chosen = ChunkSettings(max_tokens=16, overlap_tokens=0)
    assert chosen.as_dict() == {"max_tokens": 16, "overlap_tokens": 0}
    assert ChunkSettings(**chosen.as_dict()) == chosen
    assert ChunkSettings(max_tokens=500, overlap_tokens=499).max_tokens == 500


ALPHABET = "ابتثجحسشعقلمنهوي" + "abcXYZ019" + " " * 6 + "\n\t\u00a0" + ".,!?؟،؛;۔()«»\"'-"


@hyp_settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet=ALPHABET, max_size=1500),
    max_tokens=st.integers(16, 60),
    overlap_share=st.floats(0, 0.9),
    by_chars=st.booleans(),
)
def test_property_offsets_map_back_and_cover(
    text: str, max_tokens: int, overlap_share: float, by_chars: bool
) -> None:
    chosen = ChunkSettings(max_tokens=max_tokens, overlap_tokens=int(max_tokens * overlap_share))
    counter = len if by_chars else words
    document = doc(text)
    chunks = chunk_document(document, counter, chosen)
    assert_invariants(document, chunks)
    if by_chars:  # a heading may join the piece after it, within the overlap's allowance
        assert all(len(c.text) <= max_tokens + chosen.overlap_tokens for c in chunks)


def test_a_title_is_never_a_chunk_of_its_own() -> None:
    """Before, a title whose first paragraph did not fit beside it became a chunk of three words."""
    body = " ".join(f"word{i}" for i in range(30)) + "."
    document = doc("Harbour festival opens\n\n" + body + "\n\n" + body)
    chunks = chunk_document(document, words, ChunkSettings(max_tokens=32, overlap_tokens=8))
    assert_invariants(document, chunks)
    assert chunks[0].text.startswith("Harbour festival opens\n\nword0") and len(chunks) == 2
    assert all(words(c.text) <= 32 + 8 for c in chunks)
    byline = doc("Harbour festival opens\n\nBy Mira Castell\n\n" + body + "\n\n" + body)
    assert chunk_document(byline, words, ChunkSettings(max_tokens=32, overlap_tokens=8))[0].text.startswith(
        "Harbour festival opens\n\nBy Mira Castell\n\nword0")
    crlf = doc("Harbour festival opens\r\n\r\n" + body + "\r\n\r\n" + body)
    assert chunk_document(crlf, words, ChunkSettings(max_tokens=32, overlap_tokens=8))[0].text.startswith(
        "Harbour festival opens\r\n\r\nword0")
    # A sentence that ends with its full stop is text, not a heading: it stays a chunk of its own.
    sentence = doc("The festival opens on Monday.\n\n" + body)
    assert chunk_document(sentence, words, ChunkSettings(max_tokens=32, overlap_tokens=8))[0].text == (
        "The festival opens on Monday.")
