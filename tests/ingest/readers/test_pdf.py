"""The PDF reader on PDFs printed by real producers (tests/fixtures/pdf/, made by its make_fixtures.py).

Each `<text>.<producer>.pdf` was printed from `<text>.<producer>.txt`; the reader must give
that text back in logical order: at most 2% character errors and 99% of its lines found
whole, whatever order the producer wrote the glyphs in.
"""
from __future__ import annotations

import json
import re

import pytest
from extraction import canonical, cer, lines_present
from pdf_fixtures import BYLINE_ABOVE, FIXTURES, PRINTED, STACKED

from qa.errors import UnreadableDocument
from qa.ingest.readers import pdf as reader
from qa.ingest.readers.base import Extracted

PAGE_STARTS = json.loads((FIXTURES / "page_starts.json").read_text(encoding="utf-8"))
RIGHT_TO_LEFT = [stem for stem in PRINTED if not stem.startswith("en_")]

_cache: dict[str, Extracted] = {}


def extracted(stem: str) -> Extracted:
    if stem not in _cache:
        parts = reader.read((FIXTURES / f"{stem}.pdf").read_bytes(), f"{stem}.pdf")
        assert len(parts) == 1
        _cache[stem] = parts[0]
    return _cache[stem]


def source(stem: str) -> str:
    return (FIXTURES / f"{stem}.txt").read_text(encoding="utf-8")


def test_the_fixtures_cover_every_producer_and_text():
    producers = {stem.split(".", 1)[1] for stem in PRINTED}
    texts = {stem.split(".", 1)[0] for stem in PRINTED}
    assert {"chromium", "libreoffice", "fpdf2", "fpdf2_plain"} <= producers
    assert {"ar_seed", "ar_xquad", "en_xquad", "mixed"} <= texts
    assert set(BYLINE_ABOVE) | set(STACKED) <= set(PRINTED)
    assert len(PAGE_STARTS) >= 3  # multi-page ones
    for pdf in FIXTURES.glob("*.pdf"):
        assert pdf.stat().st_size < 300_000, pdf.name


@pytest.mark.parametrize("stem", PRINTED)
def test_text_comes_back_in_logical_order(stem):
    got = extracted(stem)
    want = source(stem)
    assert cer(got.text, want) <= 0.02
    assert lines_present(got.text, want) >= 0.99
    assert got.encoding == "pdf"


@pytest.mark.parametrize("stem", PRINTED)
def test_paragraphs_are_separated_by_a_blank_line(stem):
    got = [canonical(p) for p in extracted(stem).text.split("\n\n")]
    want = [canonical(p) for p in source(stem).split("\n\n") if p.strip()]
    assert got == want


@pytest.mark.parametrize("stem", PRINTED)
def test_text_is_normalized(stem):
    text = extracted(stem).text
    assert not re.search("[\ufb50-\ufdff\ufe70-\ufeff]", text)  # no presentation forms, no lam-alef ligatures
    assert "\x00" not in text and "(cid:" not in text
    assert not re.search(r"[ \t]{2,}", text)
    assert text == text.strip()


@pytest.mark.parametrize("stem", sorted(PAGE_STARTS))
def test_page_offsets_point_at_each_page_first_words(stem):
    meta = extracted(stem).meta
    text = extracted(stem).text
    assert meta.pages[0] == 0
    assert len(meta.pages) == len(PAGE_STARTS[stem]) + 1
    assert list(meta.pages) == sorted(meta.pages)
    for n, (offset, words) in enumerate(zip(meta.pages[1:], PAGE_STARTS[stem]), start=2):
        assert canonical(text[offset:]).startswith(words), (n, text[offset:offset + 40])
        assert text[offset - 1].isspace()
        assert meta.page_at(offset) == n and meta.page_at(offset - 1) == n - 1


@pytest.mark.parametrize("stem", [s for s in PRINTED if s not in PAGE_STARTS])
def test_one_page_documents_have_one_page_offset(stem):
    assert extracted(stem).meta.pages == (0,)


@pytest.mark.parametrize("stem", ["ar_seed.chromium", "ar_seed.chromium_columns"])
def test_running_header_and_footer_are_dropped(stem):
    text = extracted(f"{stem}_hf").text
    assert "file:" not in text and "1/2" not in text and "2/2" not in text
    assert canonical(text) == canonical(extracted(stem).text)


@pytest.mark.parametrize("stem", PRINTED)
def test_metadata_from_the_info_dictionary(stem):
    meta = extracted(stem).meta
    assert meta.title == source(stem).splitlines()[0]
    producer = stem.split(".", 1)[1]
    if producer.startswith("fpdf2") or producer == "owner_password":
        assert meta.published == "2016-02-18"  # set by make_fixtures.py
    else:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta.published)
    if producer.startswith("chromium") or producer == "rotated":
        assert meta.author == ""  # Chromium writes no /Author
    else:
        assert meta.author == {"ar_seed": "وكالات الأنباء", "mixed": "qa test fixtures"}.get(stem.split(".")[0], "XQuAD")


def test_a_scanned_pdf_has_no_text_layer():
    with pytest.raises(UnreadableDocument) as err:
        reader.read((FIXTURES / "scanned.pdf").read_bytes(), "scanned.pdf")
    assert str(err.value) == "no text layer (scanned?)"


def test_a_pdf_that_needs_a_password():
    with pytest.raises(UnreadableDocument) as err:
        reader.read((FIXTURES / "encrypted.pdf").read_bytes(), "encrypted.pdf")
    assert str(err.value) == "encrypted PDF"


def test_an_owner_password_alone_does_not_stop_reading():
    assert canonical(extracted("mixed.owner_password").text) == canonical(source("mixed.owner_password"))


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"hello, world\n",
        b"%PDF-1.7\n",
        (FIXTURES / "malformed.pdf").read_bytes(),
        (FIXTURES / "mixed.fpdf2.pdf").read_bytes()[:4000],  # cut off
        b"%PDF-1.4\n" + bytes(range(256)) * 64,
    ],
    ids=["empty", "not-pdf", "header-only", "malformed", "truncated", "garbage"],
)


def test_broken_files_are_not_valid_pdfs(data):
    with pytest.raises(UnreadableDocument) as err:
        reader.read(data, "broken.pdf")
    assert str(err.value) == "not a valid PDF"


@pytest.mark.parametrize("stem", RIGHT_TO_LEFT)
def test_better_than_plain_extractors_on_right_to_left_text(stem):
    """The gain over pdfplumber's extract_text and pypdfium2, which each reverse some producers."""
    import pdfplumber
    import pypdfium2

    path = FIXTURES / f"{stem}.pdf"
    with pdfplumber.open(path) as pdf:
        plain = "\n".join(page.extract_text() or "" for page in pdf.pages)
    doc = pypdfium2.PdfDocument(str(path))
    try:
        pdfium = "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()
    ours = cer(extracted(stem).text, source(stem))
    assert ours <= cer(plain, source(stem))
    assert ours <= cer(pdfium, source(stem))
