"""Column detection (qa/ingest/readers/pdf/columns.py): on the fixtures and on synthetic pages."""
from __future__ import annotations

import pytest
from pdf_fixtures import BYLINE_ABOVE, FIXTURES, PRINTED, STACKED, pdf_width, reader_pdf

from qa.ingest.readers.pdf.columns import columns_of, mostly_rtl
from qa.ingest.readers.pdf.glyphs import Glyph, page_glyphs
from qa.ingest.readers.pdf.lines import SPACE_GAP, lines_of


def test_columns_are_found_in_the_fixtures():
    """Without column detection the two columns' lines would interleave (CER about 0.7)."""
    stems = [stem for stem in PRINTED if "_columns" in stem]
    assert {f"{text}.{producer}_columns" for text in ("ar_seed", "ar_xquad", "en_xquad")
            for producer in ("chromium", "libreoffice")} <= set(stems)
    for stem in stems:
        with reader_pdf(stem) as pdf:
            pages = [page_glyphs(page) for page in pdf.pages]
        width = pdf_width(stem)
        for number, glyphs in enumerate(pages, start=1):
            blocks = [[g for g in block if g.text.strip()] for block in columns_of(glyphs, mostly_rtl(glyphs))
                      if len(lines_of(block, SPACE_GAP)) >= 3]  # not a headline, header or footer
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


@pytest.mark.parametrize("stem", BYLINE_ABOVE)
def test_a_byline_above_the_columns_is_read_before_both(stem):
    """The line between the headline and the columns is in the block above them (with the headline),
    not a column's first line, over whichever column the producer sets it."""
    byline = (FIXTURES / f"{stem}.txt").read_text(encoding="utf-8").split("\n\n")[1]
    with reader_pdf(stem) as pdf:
        glyphs = page_glyphs(pdf.pages[0])
    blocks = columns_of(glyphs, mostly_rtl(glyphs))
    holding = [n for n, block in enumerate(blocks)
               if any(_letters(line.visual) == _letters(byline) for line in lines_of(block, SPACE_GAP))]
    assert holding == [0], stem
    # The headline and byline, the two columns, and LibreOffice's last paragraph across the page under them.
    assert len(blocks) == (4 if "libreoffice" in stem else 3), stem


def _letters(text: str) -> list[str]:
    """The text's letters in any order (a line's visual order reverses Arabic)."""
    return sorted(ch for ch in text if ch.isalpha())


@pytest.mark.parametrize("stem", STACKED)
def test_stacked_bands_of_columns_are_read_each_in_its_own_direction(stem):
    """The fixtures' Arabic columns straight over English ones: the Arabic band first, right column
    first, then the English band, left column first (the headline before them)."""
    with reader_pdf(stem) as pdf:
        glyphs = page_glyphs(pdf.pages[0])
    blocks = columns_of(glyphs, mostly_rtl(glyphs))
    assert len(blocks) == 5, stem
    middle = pdf_width(stem) / 2
    lefts = [min(g.x0 for g in block) < middle for block in blocks[1:]]
    assert [_arabic(block) for block in blocks[1:]] == [True, True, False, False], stem
    assert lefts == [False, True, True, False], stem


@pytest.mark.parametrize("stem", [stem for stem in PRINTED if "_columns" not in stem])
def test_pages_of_one_column_are_not_split(stem):
    with reader_pdf(stem) as pdf:
        for page in pdf.pages:
            glyphs = page_glyphs(page)
            assert len(columns_of(glyphs, mostly_rtl(glyphs))) == 1, (stem, page.page_number)


# Synthetic pages for the column detection: one glyph per 5 points, words of six letters,
# text 10 points high; a row is given as the x spans its text covers.
def _row(y: float, *spans: tuple[float, float], letter: str = "a") -> list:
    glyphs = []
    for x0, x1 in spans:
        x, n = x0, 0
        while x + 5 <= x1 + 0.01:
            glyphs.append(Glyph(text=letter, x0=x, x1=x + 5, y=y, size=10.0, index=len(glyphs)))
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
        assert _spans(columns_of(glyphs, rtl=rtl)) == want


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
        assert _spans(columns_of(glyphs, rtl=rtl)) == [
            (310, 540), (50, 280), (50, 540), (50, 280), (310, 540), (50, 540), *figures_first]


@pytest.mark.parametrize("shorter", [False, True], ids=["level", "left-arabic-column-a-line-shorter"])
def test_columns_straight_over_columns_in_the_other_script_are_two_bands(shorter):
    """Arabic columns with English ones straight under them, nothing across the page between: where
    both columns' lines turn to the other direction one band ends, and each is read its own way."""
    arabic = [_row(20 + 14 * n, *([(310, 540)] if shorter and n == 7 else [(50, 280), (310, 540)]), letter="ب")
              for n in range(8)]
    english = [_row(20 + 14 * n, (50, 280), (310, 540)) for n in range(8, 14)]
    for rtl in (False, True):
        blocks = columns_of(_page([*arabic, *english]), rtl=rtl)
        assert _spans(blocks) == [(310, 540), (50, 280), (50, 280), (310, 540)]
        assert [len({g.y for g in block}) for block in blocks] == [8, 7 if shorter else 8, 6, 6]


@pytest.mark.parametrize("where", ["last", "first"])
def test_one_row_in_the_other_script_across_both_columns_starts_no_band(where):
    """A short Latin line at one row of both Arabic columns (a source, a web address) is too few
    lines for a band of its own: the columns stay one band, each line in its column."""
    arabic = [_row(20 + 14 * n, (50, 280), (310, 540), letter="ب") for n in range(1, 11)]
    latin = _row(20 + 14 * (11 if where == "last" else 0), (50, 150), (310, 410))
    rows = [*arabic, latin] if where == "last" else [latin, *arabic]
    blocks = columns_of(_page(rows), rtl=True)
    assert _spans(blocks) == [(310, 540), (50, 280)]
    assert [len({g.y for g in block}) for block in blocks] == [11, 11]


def test_a_column_turning_to_the_other_script_alone_starts_no_band():
    """An English paragraph at the foot of one Arabic column (the other goes on in Arabic) is that
    column's: only both columns turning at one row end a band."""
    rows = [_row(20 + 14 * n, (50, 280), (310, 540), letter="ب") for n in range(6)]
    rows += [_row(20 + 14 * n, (50, 280), letter="ب") + _row(20 + 14 * n, (310, 540)) for n in range(6, 10)]
    blocks = columns_of(_page(rows), rtl=True)
    assert _spans(blocks) == [(310, 540), (50, 280)]
    assert [len({g.y for g in block}) for block in blocks] == [10, 10]


def test_three_columns_and_a_band_below_them():
    body = [_row(20 + 14 * n, (50, 200), (225, 375), (400, 550)) for n in range(10)]
    below = [_row(20 + 14 * n, (50, 550)) for n in range(11, 15)]
    blocks = columns_of(_page(body + below), rtl=False)
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
    assert _spans(columns_of(_page([*body, last]), rtl=False)) == [(50, 280), (310, 540)]


def test_a_line_hanging_below_balanced_columns_is_under_both():
    """Chromium's one-line paragraph after its columns: a line step under the longer column,
    two under the other one's end (balanced columns end at most a step apart)."""
    body = [_row(20 + 14 * n, (50, 280), (310, 540)) for n in range(12)]
    longer = _row(20 + 14 * 12, (50, 280))  # the left column a line longer
    byline = _row(20 + 14 * 13, (50, 200))
    assert _spans(columns_of(_page([*body, longer, byline]), rtl=False)) == [(50, 280), (310, 540), (50, 200)]


def test_a_line_after_a_paragraph_break_under_justified_columns_is_under_both():
    """LibreOffice's one-line paragraph under columns that end level: a column whose paragraphs
    end short does not end one on a full line and then go on after a paragraph break."""
    ys = [20.0]
    for n in range(1, 13):
        ys.append(ys[-1] + (20 if n % 5 == 0 else 14))  # paragraphs of five lines, 1.4 and 2 font sizes apart
    widths = [200 if n % 5 == 4 else 280 for n in range(13)]  # the last line of a paragraph short
    body = [_row(y, (50, w), (310, w + 260)) for y, w in zip(ys, widths)]
    byline = _row(ys[-1] + 20, (50, 200))
    assert _spans(columns_of(_page([*body, byline]), rtl=False)) == [(50, 280), (310, 540), (50, 200)]


@pytest.mark.parametrize("span", [(50, 200), (390, 540)], ids=["over-the-left-column", "over-the-right-column"])
def test_a_line_above_where_both_columns_start_is_above_both(span):
    """A byline between the headline and the columns, over either column, as far above them as
    their paragraphs are apart (no further than a step of theirs): columns start level, so a line
    on one side above the other's first line is no column's."""
    ys = [71.0]
    for n in range(1, 12):
        ys.append(ys[-1] + (21 if n % 4 == 0 else 14))  # paragraphs of four lines, 1.4 and 2.1 font sizes apart
    for letter, rtl in (("a", False), ("ب", True)):
        headline = _row(20, (50, 540), letter=letter)
        byline = _row(50, span, letter=letter)
        body = [_row(y, (50, 280), (310, 540), letter=letter) for y in ys]
        columns = [(310, 540), (50, 280)] if rtl else [(50, 280), (310, 540)]
        blocks = columns_of(_page([headline, byline, *body]), rtl=rtl)
        assert _spans(blocks) == [(50, 540), *columns]
        assert sorted({g.y for g in blocks[0]}) == [20, 50]


def test_a_column_that_starts_lower_than_the_other_keeps_its_first_line():
    """Only a line above the level where both columns start stands above them: the right column's
    first line, half a line above the left column's (not level with its own next line), stays its own."""
    right = [_row(20 + 14 * n, (310, 540)) for n in range(12)]
    left = [_row(27 + 14 * n, (50, 280)) for n in range(11)]
    rows = sorted([*right, *left], key=lambda row: row[0].y)
    assert _spans(columns_of(_page(rows), rtl=False)) == [(50, 280), (310, 540)]


def test_the_tail_of_an_uneven_column_stays_in_it():
    """Columns that do not end together (the second one short): the first one's lines under the
    other's end are its own, its last one too."""
    body = [_row(20 + 14 * n, (50, 280), *([(310, 540)] if n < 10 else [])) for n in range(12)]
    last = _row(20 + 14 * 12, (50, 150))
    assert _spans(columns_of(_page([*body, last]), rtl=False)) == [(50, 280), (310, 540)]


def test_a_footer_in_small_type_close_under_tight_columns_is_no_part_of_them():
    """Type of another size further off than the columns' line step (1.2 font sizes here) stands apart."""
    body = [_row(20 + 12 * n, (50, 280), (310, 540)) for n in range(12)]
    footer = _small(_row(20 + 12 * 11 + 20, (50, 120), (480, 540)), 7.0)  # two font sizes under the last line
    blocks = columns_of(_page([*body, footer]), rtl=False)
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
    assert columns_of(glyphs, rtl=False) == [glyphs]
