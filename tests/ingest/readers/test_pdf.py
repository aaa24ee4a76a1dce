"""The PDF reader on PDFs printed by real producers (tests/fixtures/pdf/, made by its make_fixtures.py).

Each `<text>.<producer>.pdf` was printed from `<text>.<producer>.txt`; the reader must give
that text back in logical order: at most 2% character errors and 99% of its lines found
whole, whatever order the producer wrote the glyphs in.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from extraction import canonical, cer, lines_present

from qa.errors import UnreadableDocument
from qa.ingest.readers import pdf as reader
from qa.ingest.readers.base import Extracted

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "pdf"
PRINTED = sorted(p.stem for p in FIXTURES.glob("*.*.pdf") if (FIXTURES / f"{p.stem}.txt").exists())
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


def test_columns_are_found_in_the_fixtures():
    """Without column detection the two columns' lines would interleave (CER about 0.7)."""
    stems = [stem for stem in PRINTED if "_columns" in stem]
    assert {f"{text}.{producer}_columns" for text in ("ar_seed", "ar_xquad", "en_xquad")
            for producer in ("chromium", "libreoffice")} <= set(stems)
    for stem in stems:
        with reader_pdf(stem) as pdf:
            pages = [reader._glyphs(page) for page in pdf.pages]
        width = pdf_width(stem)
        for number, glyphs in enumerate(pages, start=1):
            blocks = [[g for g in block if g.text.strip()] for block in reader._columns(glyphs, reader._mostly_rtl(glyphs))
                      if len(reader._lines(block, reader.SPACE_GAP)) >= 3]  # not a headline, header or footer
            columns = [(span, block) for span, block in zip(_spans(blocks), blocks) if span[1] - span[0] < width / 2]
            if number == 1:
                assert len(columns) in (2, 4), (stem, [span for span, _ in columns])
            assert len(columns) % 2 == 0, (stem, number, [span for span, _ in columns])
            # Right column first for Arabic, left first for English: each pair by its own script.
            for (first, block), (second, _) in zip(columns[::2], columns[1::2]):
                assert (first[0] > second[0]) == _arabic(block), (stem, number, first, second)


def _arabic(glyphs: list) -> bool:
    """Whether most of the glyphs' letters are Arabic ones (told apart without the reader)."""
    letters = [ch for g in glyphs for ch in g.text if ch.isalpha()]
    return sum(1 for ch in letters if "\u0600" <= ch <= "\u06ff") > len(letters) / 2


@pytest.mark.parametrize("stem", [stem for stem in PRINTED if "_columns" not in stem])
def test_pages_of_one_column_are_not_split(stem):
    with reader_pdf(stem) as pdf:
        for page in pdf.pages:
            glyphs = reader._glyphs(page)
            assert len(reader._columns(glyphs, reader._mostly_rtl(glyphs))) == 1, (stem, page.page_number)


def reader_pdf(stem: str):
    import pdfplumber

    return pdfplumber.open(FIXTURES / f"{stem}.pdf")


def pdf_width(stem: str) -> float:
    with reader_pdf(stem) as pdf:
        return float(pdf.pages[0].width)


# Synthetic pages for the column detection: one glyph per 5 points, words of six letters,
# text 10 points high; a row is given as the x spans its text covers.
def _row(y: float, *spans: tuple[float, float], letter: str = "a") -> list:
    glyphs = []
    for x0, x1 in spans:
        x, n = x0, 0
        while x + 5 <= x1 + 0.01:
            glyphs.append(reader._Glyph(text=letter, x0=x, x1=x + 5, y=y, size=10.0, index=len(glyphs)))
            n += 1
            x += 8 if n % 6 == 0 else 5  # a word gap after six letters
        glyphs[-1].x1 = x1
    return glyphs


def _page(rows: list[list]) -> list:
    glyphs = [g for row in rows for g in row]
    for n, g in enumerate(glyphs):
        g.index = n
    return glyphs


def _spans(blocks: list) -> list[tuple[int, int]]:
    return [(round(min(g.x0 for g in b)), round(max(g.x1 for g in b))) for b in blocks]


def test_two_columns_under_a_headline_are_read_column_by_column():
    for letter, rtl in (("a", False), ("ب", True)):
        headline = _row(20, (50, 540), letter=letter)
        body = [_row(50 + 14 * n, (50, 280), (310, 540), letter=letter) for n in range(12)]
        last = [_row(50 + 14 * 12, (50, 150), letter=letter)]  # the left column one line longer, ending short
        glyphs = _page([headline, *body, *last])
        want = [(50, 540), (310, 540), (50, 280)] if rtl else [(50, 540), (50, 280), (310, 540)]
        assert _spans(reader._columns(glyphs, rtl=rtl)) == want


def test_each_band_of_columns_is_read_in_the_direction_of_its_own_text():
    """Arabic columns above a headline across the page, English ones below it: the page's
    majority (`rtl`) decides neither, and decides only where the columns have no letters."""
    arabic = [_row(20 + 14 * n, (50, 280), (310, 540), letter="ب") for n in range(8)]
    headline = _row(20 + 14 * 9, (50, 540))
    english = [_row(20 + 14 * n, (50, 280), (310, 540)) for n in range(10, 16)]
    figures = [_row(20 + 14 * n, (50, 280), (310, 540), letter="7") for n in range(17, 23)]
    glyphs = _page([*arabic, headline, *english, _row(20 + 14 * 16, (50, 540)), *figures])
    for rtl in (False, True):
        figures_first = [(310, 540), (50, 280)] if rtl else [(50, 280), (310, 540)]
        assert _spans(reader._columns(glyphs, rtl=rtl)) == [
            (310, 540), (50, 280), (50, 540), (50, 280), (310, 540), (50, 540), *figures_first]


def test_three_columns_and_a_band_below_them():
    body = [_row(20 + 14 * n, (50, 200), (225, 375), (400, 550)) for n in range(10)]
    below = [_row(20 + 14 * n, (50, 550)) for n in range(11, 15)]
    blocks = reader._columns(_page(body + below), rtl=False)
    assert _spans(blocks) == [(50, 200), (225, 375), (400, 550), (50, 550)]


def _small(row: list, size: float) -> list:
    for g in row:
        g.size = size
    return row


def test_a_one_line_paragraph_ending_a_double_spaced_column_stays_in_it():
    """The column's own widest step (a paragraph break, here 3.5 font sizes) is no reason to leave it."""
    ys = [20.0]
    for n in range(1, 13):
        ys.append(ys[-1] + (35 if n % 4 == 0 else 25))  # lines 2.5 font sizes apart, paragraphs of four
    body = [_row(y, (50, 280), (310, 540)) for y in ys[:-1]]
    last = _row(ys[-1], (50, 150))  # the left column ends with a paragraph of one line
    assert _spans(reader._columns(_page([*body, last]), rtl=False)) == [(50, 280), (310, 540)]


def test_a_line_hanging_below_balanced_columns_is_under_both():
    """Chromium's one-line paragraph after its columns: a line step under the longer column,
    two under the other one's end (balanced columns end at most a step apart)."""
    body = [_row(20 + 14 * n, (50, 280), (310, 540)) for n in range(12)]
    longer = _row(20 + 14 * 12, (50, 280))  # the left column a line longer
    byline = _row(20 + 14 * 13, (50, 200))
    assert _spans(reader._columns(_page([*body, longer, byline]), rtl=False)) == [(50, 280), (310, 540), (50, 200)]


def test_a_line_after_a_paragraph_break_under_justified_columns_is_under_both():
    """LibreOffice's one-line paragraph under columns that end level: a column whose paragraphs
    end short does not end one on a full line and then go on after a paragraph break."""
    ys = [20.0]
    for n in range(1, 13):
        ys.append(ys[-1] + (20 if n % 5 == 0 else 14))  # paragraphs of five lines, 1.4 and 2 font sizes apart
    widths = [200 if n % 5 == 4 else 280 for n in range(13)]  # the last line of a paragraph short
    body = [_row(y, (50, w), (310, w + 260)) for y, w in zip(ys, widths)]
    byline = _row(ys[-1] + 20, (50, 200))
    assert _spans(reader._columns(_page([*body, byline]), rtl=False)) == [(50, 280), (310, 540), (50, 200)]


def test_the_tail_of_an_uneven_column_stays_in_it():
    """Columns that do not end together (the second one short): the first one's lines under the
    other's end are its own, its last one too."""
    body = [_row(20 + 14 * n, (50, 280), *([(310, 540)] if n < 10 else [])) for n in range(12)]
    last = _row(20 + 14 * 12, (50, 150))
    assert _spans(reader._columns(_page([*body, last]), rtl=False)) == [(50, 280), (310, 540)]


def test_a_footer_in_small_type_close_under_tight_columns_is_no_part_of_them():
    """Type of another size further off than the columns' line step (1.2 font sizes here) stands apart."""
    body = [_row(20 + 12 * n, (50, 280), (310, 540)) for n in range(12)]
    footer = _small(_row(20 + 12 * 11 + 20, (50, 120), (480, 540)), 7.0)  # two font sizes under the last line
    blocks = reader._columns(_page([*body, footer]), rtl=False)
    assert _spans(blocks) == [(50, 280), (310, 540), (50, 540)]
    assert all(g.size == 7.0 for g in blocks[-1])


@pytest.mark.parametrize(
    "rows",
    [
        # one column of text with short last lines of paragraphs
        [_row(20 + 14 * n, (50, 540 if n % 4 != 3 else 200)) for n in range(16)],
        # a centred title over one column
        [_row(20, (220, 370))] + [_row(50 + 14 * n, (50, 540)) for n in range(10)],
        # a table of numbers: a label column and three narrow columns of figures
        [_row(20 + 14 * n, (50, 180), (300, 330), (400, 430), (500, 530)) for n in range(12)],
        # short lines side by side (a list beside a list of figures)
        [_row(20 + 14 * n, (50, 90), (300, 320)) for n in range(12)],
        # a two-line note beside a paragraph
        [_row(20 + 14 * n, (50, 280), *([(310, 540)] if n < 2 else [])) for n in range(12)],
        # a river: two justified lines whose widest word gaps line up
        [_row(20 + 14 * n, *([(50, 290), (305, 540)] if n in (4, 5) else [(50, 540)])) for n in range(10)],
    ],
    ids=["one-column", "centred-title", "table", "short-lines", "note-beside-paragraph", "river"],
)
def test_what_is_not_columns_is_not_split(rows):
    glyphs = _page(rows)
    assert reader._columns(glyphs, rtl=False) == [glyphs]


def test_a_kashida_left_out_of_the_font_map_stretches_a_word_without_breaking_it():
    """LibreOffice justifies Arabic with kashidas that its ToUnicode map leaves out: ink, no text."""
    def glyph(text: str, x0: float, x1: float, index: int, filler: bool = False):
        return reader._Glyph(text=text, x0=x0, x1=x1, y=100.0, size=10.0, index=index, filler=filler)

    # "يا سلام" as drawn, left to right: meem, alef, lam, two kashidas, seen; a space; alef, yeh.
    glyphs = [glyph("م", 0, 5, 0), glyph("ا", 5, 8, 1), glyph("ل", 8, 12, 2), glyph("", 12, 14.5, 3, True),
              glyph("", 14.5, 17, 4, True), glyph("س", 17, 23, 5), glyph("ا", 27, 30, 6), glyph("ي", 30, 35, 7)]
    (line,) = reader._lines(glyphs, reader.SPACE_GAP)
    assert line.visual == "مالس اي"
    assert "".join(ch for ch, _ in reader._reorder(line.visual, rtl=True)) == "يا سلام"


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


def test_pdf_dates():
    assert reader._pdf_date("D:20160218093000+02'00'") == "2016-02-18"
    assert reader._pdf_date("D:20261201222534Z'") == "2026-12-01"
    assert reader._pdf_date("2016") == "2016"
    assert reader._pdf_date("D:201602") == "2016-02"
    assert reader._pdf_date("D:20161345") == ""
    assert reader._pdf_date("yesterday") == ""
    assert reader._pdf_date("") == ""


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
