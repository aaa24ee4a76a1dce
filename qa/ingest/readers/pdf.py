"""PDF reader: the text layer of a PDF in logical order, Arabic and English alike.

No single extractor gets right-to-left text right on every producer: some write
glyphs in logical order, others in visual order, some map a mirrored bracket to
the bracket typed and others to the one shown, and each tool reads some of them
well and reverses the others. This reader therefore ignores the content stream's
order and works from where the glyphs are drawn:

1. pdfminer's glyphs as pdfplumber lays them out (duplicates drawn at one place
   once), with /ActualText spans read (Chromium writes Arabic letters with marks
   that way), NFKC per glyph (presentation forms and lam-alef ligatures to base
   letters); text running in another direction than most is dropped, and a page
   turned by /Rotate is turned back; a glyph its font's ToUnicode map leaves out
   (LibreOffice's kashidas) is ink without text;
2. columns: a page (or a band of it, under a headline across the page) whose text
   runs in columns side by side is cut at the gutters between them, and the
   columns are read one after the other, the right one first where the columns'
   text is mostly right-to-left, and a line under both (a byline shorter than a column)
   after them; then lines by baseline within each column (tolerance
   relative to the font size);
3. each line's glyphs by x, i.e. in visual order, each combining mark kept with
   its letter (found through the content stream's order); spaces where the PDF
   has a space glyph or where a gap is most of a space wide;
4. paragraphs from vertical gaps (relative to the line spacing of their type
   size) and changes of type size;
5. visual to logical order line by line with python-bidi, in the paragraph's
   base direction: the one in which no line starts with a full stop, else the
   direction of two thirds of its letters, else its alignment; brackets at
   right-to-left levels mirrored or not, whichever balances them;
6. a check against producers that draw Arabic from left to right in logical
   order (no bidi, no shaping: the visual order is then the logical one): Arabic
   words start with "ال" and end with "ة"/"ى" far more often than the reverse,
   and whichever reading shows that is kept.

Paragraphs are separated by a blank line, the lines of a paragraph joined by a
space (a line break would end a sentence for the sentence splitter); a
paragraph that runs on over a page or column break stays one. `Metadata.pages` holds the
offset at which each page's text starts. One-line paragraphs repeated at the
top or bottom of most pages (running headers, page numbers) are dropped.
Metadata comes from the info dictionary (Title, Author, CreationDate as an ISO
date). Errors: "not a valid PDF", "encrypted PDF" (a user password is needed),
"no text layer (scanned?)".
"""
from __future__ import annotations

import datetime as dt
import io
import math
import re
import statistics
import unicodedata
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise

from qa.errors import UnreadableDocument

from .base import Extracted, Metadata

# Gap between two glyphs, in font sizes, above which a space is inserted.
SPACE_GAP = 0.12
# Baselines closer than this (in font sizes) are one line.
LINE_TOLERANCE = 0.4
# A line starts or ends "at the margin" within this many font sizes of it.
FLUSH_TOLERANCE = 1.0
# Columns (see `_gutter`): a gutter is an empty band at least this many font sizes wide
# between text on either side, each side at least COLUMN_LINES lines and COLUMN_WIDTH font
# sizes wide, its lines filling COLUMN_FILL of that width on the median (text, not a table's
# cells), the two sides side by side over COLUMN_OVERLAP of the band's height.
GUTTER_WIDTH = 1.0
# COLUMN_LINES: one line more than a river runs through, i.e. the word gaps of consecutive
# justified lines that line up into a band a gutter wide with text either side (two lines
# at most in any producer's fixtures, whose columns hold nine lines or more).
COLUMN_LINES = 3
COLUMN_WIDTH = 8.0
COLUMN_FILL = 0.6
COLUMN_OVERLAP = 0.6
# The steps between one layout's baselines agree within this many font sizes (rounding of
# positions; see `_attached`).
STEP_JITTER = 0.1

_ARABIC_WORD = re.compile(r"[\u0621-\u064A\u0671-\u06D3]+")
_SPACES = re.compile(r"[ \t\u00A0\u2000-\u200B\u3000]+")


@dataclass
class _Glyph:
    text: str  # NFKC of the glyph's text, in logical order
    x0: float
    x1: float
    y: float  # baseline, growing downwards
    size: float
    index: int  # position in the content stream
    # Ink without text: a glyph its font's ToUnicode map leaves out (see `_unmapped`). It adds no
    # character but bridges the letters either side of it (LibreOffice's kashidas in justified Arabic).
    filler: bool = False

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class _Line:
    glyphs: list[_Glyph]
    y: float
    size: float
    x0: float
    x1: float
    visual: str = ""  # the line's text in visual order (left to right), for the bidi algorithm
    drawn: str = ""  # the same with each glyph's text as it is (read as drawn, left to right)
    rtl_glyphs: int = 0
    ltr_glyphs: int = 0


@dataclass
class _Paragraph:
    lines: list[_Line]
    column: int = 0  # which of the page's columns (in reading order) it is in
    rtl: bool = False
    align: str = ""
    texts: list[str] = field(default_factory=list)


def read(data: bytes, name: str) -> list[Extracted]:
    """The PDF's text in logical order, one `Extracted`; `UnreadableDocument` with a bare reason."""
    import pdfplumber

    if not data or b"%PDF" not in data[:1024]:
        raise UnreadableDocument("not a valid PDF")
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            paged = [_page_paragraphs(page) for page in pdf.pages]
            info = dict(pdf.metadata or {})
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds on a broken or locked file
        raise _reason(exc) from None
    if not any(paged):
        raise UnreadableDocument("no text layer (scanned?)")
    _drop_running_lines(paged)
    _to_logical([para for paras in paged for para in paras])
    text, starts = _assemble(paged)
    if not text.strip():
        raise UnreadableDocument("no text layer (scanned?)")
    title = _info_text(info.get("Title"))
    meta = Metadata(
        title="" if _is_file_name(title) else title,
        author=_info_text(info.get("Author")),
        published=_pdf_date(_info_text(info.get("CreationDate"))),
        pages=tuple(starts),
    )
    return [Extracted(text=text, meta=meta, encoding="pdf")]


# ---------------------------------------------------------------- errors, metadata


def _reason(exc: BaseException) -> UnreadableDocument:
    from pdfminer.pdfdocument import PDFEncryptionError

    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc  # PdfminerException(e)
    if isinstance(inner, PDFEncryptionError) or isinstance(exc, PDFEncryptionError):
        return UnreadableDocument("encrypted PDF")
    return UnreadableDocument("not a valid PDF")


def _info_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        if value[:2] in (b"\xfe\xff", b"\xff\xfe"):
            value = value.decode("utf-16", errors="replace")
        else:
            value = value.decode("latin-1", errors="replace")
    elif isinstance(value, (list, tuple)):
        return ""
    text = str(value).replace("\x00", "")
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def _is_file_name(title: str) -> bool:
    low = title.lower()
    return not title or low in {"untitled", "untitled document"} or bool(
        re.search(r"\.(docx?|odt|pdf|html?|txt|rtf|indd|qxd)$", low)
    )


_PDF_DATE = re.compile(r"^(?:D:)?(\d{4})(\d{2})?(\d{2})?")


def _pdf_date(value: str) -> str:
    """A PDF date ("D:20160218093000+02'00'") as an ISO date ("2016-02-18"); "" when unreadable."""
    match = _PDF_DATE.match(value.strip())
    if not match:
        return ""
    year, month, day = match.group(1), match.group(2) or "01", match.group(3) or "01"
    try:
        date = dt.date(int(year), int(month), int(day))
    except ValueError:
        return ""
    if not match.group(2):
        return f"{date.year:04d}"
    if not match.group(3):
        return f"{date.year:04d}-{date.month:02d}"
    return date.isoformat()


# ---------------------------------------------------------------- glyphs and lines


def _strong(ch: str) -> str:
    """"R" for a right-to-left letter, "L" for a left-to-right one, "" otherwise."""
    kind = unicodedata.bidirectional(ch)
    if kind in ("R", "AL"):
        return "R"
    if kind == "L":
        return "L"
    return ""


def _first_strong(text: str) -> str:
    for ch in text:
        kind = _strong(ch)
        if kind:
            return kind
    return ""


def _is_mark(text: str) -> bool:
    return bool(text) and all(unicodedata.category(ch) in ("Mn", "Me") for ch in text)


_CID = re.compile(r"^\(cid:\d+\)$")


def _glyph_text(raw: str) -> str:
    """A glyph's text, NFKC, without control characters (and "" for pdfminer's unmapped "(cid:N)")."""
    if not raw or _CID.match(raw):
        return ""
    text = unicodedata.normalize("NFKC", raw)
    return "".join(ch for ch in text if ch == " " or (ch >= " " and unicodedata.category(ch) not in ("Cc", "Cf", "Co", "Cs")))


def _layout_chars(page):
    """The page's characters as pdfminer lays them out, each with the /ActualText span it is in.

    pdfplumber's own layout with one addition: glyphs inside a marked-content span
    with /ActualText (Chromium writes one around every glyph whose character its
    font's map cannot give, like an Arabic letter with shadda and kasra) carry the
    span, whose text replaces theirs.
    """
    from pdfminer.layout import LTChar, LTContainer
    from pdfminer.pdfinterp import PDFPageInterpreter
    from pdfminer.utils import decode_text
    from pdfplumber.page import PDFPageAggregatorWithMarkedContent

    class Device(PDFPageAggregatorWithMarkedContent):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.stack: list[int | None] = []
            self.spans: dict[int, str] = {}

        def begin_tag(self, tag, props=None):
            super().begin_tag(tag, props)
            span = None
            if isinstance(props, dict) and "ActualText" in props and not any(s is not None for s in self.stack):
                value = props["ActualText"]
                if isinstance(value, bytes):
                    value = decode_text(value)
                if isinstance(value, str):
                    span = len(self.spans) + 1
                    self.spans[span] = value
            self.stack.append(span)

        def end_tag(self):
            super().end_tag()
            if self.stack:
                self.stack.pop()

        def render_char(self, matrix, font, fontsize, scaling, rise, cid, *args, **kwargs):
            adv = super().render_char(matrix, font, fontsize, scaling, rise, cid, *args, **kwargs)
            if self.cur_item._objs:
                current = next((s for s in self.stack if s is not None), None)
                self.cur_item._objs[-1].qa_span = current  # type: ignore[attr-defined]
                self.cur_item._objs[-1].qa_unmapped = _unmapped(font, cid)  # type: ignore[attr-defined]
            return adv

    device = Device(page.pdf.rsrcmgr, pageno=page.page_number, laparams=None)
    PDFPageInterpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    layout = device.get_result()
    chars = []

    def walk(obj, depth=0):
        for child in obj:
            if isinstance(child, LTChar):
                chars.append(child)
            elif isinstance(child, LTContainer) and depth < 20:
                walk(child, depth + 1)

    walk(layout)
    return layout, chars, device.spans


def _unmapped(font, cid: int) -> bool:
    """Whether the font has a ToUnicode map that leaves the glyph out.

    pdfminer then falls back on a simple font's /Encoding, which means nothing for a
    subset with codes of its own: LibreOffice declares WinAnsi and leaves its kashidas
    out, which would read as "$". A CID font's glyph left out is "(cid:N)" already.
    """
    from pdfminer.pdffont import PDFSimpleFont

    unicode_map = getattr(font, "unicode_map", None)
    return isinstance(font, PDFSimpleFont) and unicode_map is not None and cid not in unicode_map.cid2unichr


def _quarter_turns(matrix) -> int:
    """The direction a glyph's baseline runs in, in quarter turns counterclockwise (0: left to right)."""
    a, b = float(matrix[0]), float(matrix[1])
    return round(math.atan2(b, a) / (math.pi / 2)) % 4


def _turn(x: float, y: float, turns: int) -> tuple[float, float]:
    """The point turned clockwise by `turns` quarter turns (what undoes text running that way)."""
    for _ in range(turns):
        x, y = y, -x
    return x, y


def _glyphs(page) -> list[_Glyph]:
    layout, chars, spans = _layout_chars(page)
    left, bottom, right, top = layout.bbox
    # Text runs in one of four directions (a page turned by /Rotate, landscape content):
    # the most common one is turned to run left to right, text in any other is dropped
    # (stamps, margin notes).
    turns = [_quarter_turns(c.matrix) for c in chars]
    turn = Counter(turns).most_common(1)[0][0] if turns else 0
    chars = [c for c, t in zip(chars, turns) if t == turn]
    glyphs: list[_Glyph] = []
    drawn: dict[tuple[str, int], list[float]] = {}
    by_span: dict[int, list[_Glyph]] = {}
    for index, c in enumerate(chars):
        if c.x1 < left or c.x0 > right or c.y1 < bottom or c.y0 > top:
            continue  # outside the page
        xs, ys = zip(*(_turn(x, y, turn) for x in (c.x0, c.x1) for y in (c.y0, c.y1)))
        x0, x1 = min(xs), max(xs)
        y = -_turn(float(c.matrix[4]), float(c.matrix[5]), turn)[1]  # the baseline, growing downwards
        size = (max(ys) - min(ys)) or 10.0  # the glyph's height along the turned page
        raw = c.get_text()
        # The same glyph drawn again at the same place (fake bold, shadows) counts once.
        same_place = drawn.setdefault((raw, round(y)), [])
        if any(abs(x - x0) < 0.1 * size for x in same_place):
            continue
        same_place.append(x0)
        glyph = _Glyph(text=_glyph_text(raw), x0=x0, x1=x1, y=y, size=size, index=index)
        span = getattr(c, "qa_span", None)
        if span is not None:
            by_span.setdefault(span, []).append(glyph)
        elif getattr(c, "qa_unmapped", False):
            glyphs.append(_Glyph(text="", x0=x0, x1=x1, y=y, size=size, index=index, filler=True))
        elif glyph.text:
            glyphs.append(glyph)
    for span, members in by_span.items():
        text = _glyph_text(spans.get(span, ""))
        if not text:
            continue  # /ActualText "" hides what it covers
        base = max(members, key=lambda g: g.x1 - g.x0)
        if any(abs(g.y - base.y) > LINE_TOLERANCE * base.size for g in members):
            glyphs.extend(g for g in members if g.text)  # a span over several lines: its glyphs as they are
            continue
        glyphs.append(_Glyph(
            text=text, x0=min(g.x0 for g in members), x1=max(g.x1 for g in members),
            y=base.y, size=max(g.size for g in members), index=min(g.index for g in members),
        ))
    return glyphs


def _space_gap(glyphs: list[_Glyph]) -> float:
    """The gap between two glyphs, in font sizes, that makes a space on this page.

    Where the producer writes space glyphs, a gap counts only when it is most of a
    space wide (some fonts kern letter pairs apart: Amiri's reh-yeh is 0.12 em).
    """
    spaces = [(g.x1 - g.x0) / g.size for g in glyphs if g.text == " " and g.x1 > g.x0]
    if len(spaces) < 5:
        return SPACE_GAP
    return min(0.3, max(SPACE_GAP, 0.6 * statistics.median(spaces)))


def _rows(glyphs: list[_Glyph]) -> list[list[_Glyph]]:
    """The glyphs grouped by baseline, top to bottom."""
    glyphs = sorted(glyphs, key=lambda g: (g.y, g.x0))
    groups: list[list[_Glyph]] = []
    for g in glyphs:
        if groups:
            last = groups[-1]
            ref_y = last[0].y
            ref_size = max(last[0].size, g.size)
            if abs(g.y - ref_y) <= LINE_TOLERANCE * ref_size:
                last.append(g)
                continue
        groups.append([g])
    return groups


def _lines(glyphs: list[_Glyph], space_gap: float) -> list[_Line]:
    lines = []
    for group in _rows(glyphs):
        ink = [g for g in group if g.text.strip()]
        if not ink:
            continue
        line = _Line(
            glyphs=group,
            y=statistics.median(g.y for g in ink),
            size=statistics.median(g.size for g in ink),
            x0=min(g.x0 for g in ink),
            x1=max(g.x1 for g in ink),
        )
        _visual(line, space_gap)
        if line.visual.strip():
            lines.append(line)
    return lines


def _mark_bases(bases: list[_Glyph], marks: list[_Glyph]) -> tuple[dict[int, int], dict[int, int]]:
    """For each mark (by stream index), the base glyph it belongs to (position in `bases`).

    Two answers, one per reading of the line. The content stream says it best: a
    producer that writes glyphs in visual order (HarfBuzz output: Chromium, LibreOffice,
    fpdf2) writes an Arabic letter's marks just before it, one that writes them in
    logical order just after it. Where is the mark then? The stream neighbour is taken
    when it is within a font size of the mark, else the letter the mark is drawn over.
    """
    by_index = sorted(range(len(bases)), key=lambda j: bases[j].index)
    indices = [bases[j].index for j in by_index]
    # Which way the stream runs through right-to-left letters: with x (visual) or against it.
    rtl = [bases[j] for j in by_index if _first_strong(bases[j].text) == "R"]
    with_x = sum(1 for a, b in pairwise(rtl) if b.x0 >= a.x0 - 0.1) >= len(rtl[1:]) / 2
    centers = [g.center for g in bases]

    def near(j: int | None, m: _Glyph) -> bool:
        return j is not None and bases[j].text.strip() != "" and (
            bases[j].x0 - m.size <= m.center <= bases[j].x1 + m.size)

    def over(m: _Glyph) -> int | None:
        i = bisect_left(centers, m.center)
        candidates = [j for j in (i - 1, i) if 0 <= j < len(bases) and bases[j].text.strip()]
        if not candidates:
            return None
        inside = [j for j in candidates if bases[j].x0 <= m.center <= bases[j].x1]
        return min(inside or candidates, key=lambda j: abs(bases[j].center - m.center))

    visual: dict[int, int] = {}
    drawn: dict[int, int] = {}
    for m in marks:
        k = bisect_left(indices, m.index)
        after = by_index[k] if k < len(by_index) else None
        before = by_index[k - 1] if k > 0 else None
        arabic = _first_strong(m.text) != "L" and not m.text.isascii()
        # Visual order: an Arabic letter's marks come before it, a Latin letter's after it.
        first = after if (with_x and arabic) else before
        if near(first, m) and (not arabic or _first_strong(bases[first].text) != "L"):
            visual[m.index] = first
        elif (j := over(m)) is not None:
            visual[m.index] = j
        # Drawn from left to right in logical order: marks come after their letter.
        if near(before, m):
            drawn[m.index] = before
        elif (j := over(m)) is not None:
            drawn[m.index] = j
    return visual, drawn


def _bridged(edge: float, fillers: list[_Glyph]) -> float:
    """Where the ink that ends at `edge` ends, carried on through the fillers (sorted by x0) that touch it."""
    for f in fillers:
        if f.x0 <= edge + 0.05 * f.size and f.x1 > edge:
            edge = f.x1
    return edge


def _visual(line: _Line, space_gap: float = SPACE_GAP) -> None:
    """Sets the line's text in visual order, marks kept on their letters and spaces put in."""
    fillers = sorted((g for g in line.glyphs if g.filler), key=lambda g: g.x0)
    bases = [g for g in line.glyphs if not g.filler and not _is_mark(g.text)]
    marks = [g for g in line.glyphs if _is_mark(g.text)]
    # A glyph of no width drawn where the next one starts (an alef in a lam-alef ligature)
    # sorts before it; ties keep the content stream's order.
    bases.sort(key=lambda g: (g.center, g.index))
    of_visual, of_drawn = _mark_bases(bases, sorted(marks, key=lambda g: g.index)) if marks else ({}, {})
    marks_visual: dict[int, list[str]] = {}
    marks_drawn: dict[int, list[str]] = {}
    for m in sorted(marks, key=lambda g: g.index):
        if m.index in of_visual:
            marks_visual.setdefault(of_visual[m.index], []).append(m.text)
        if m.index in of_drawn:
            marks_drawn.setdefault(of_drawn[m.index], []).append(m.text)
    parts: list[str] = []
    drawn: list[str] = []
    prev: _Glyph | None = None
    rtl = ltr = 0
    for j, g in enumerate(bases):
        is_space = not g.text.strip()
        gap = g.x0 - _bridged(prev.x1, fillers) if prev is not None and prev.text.strip() else 0.0
        if not is_space and gap > space_gap * min(g.size, prev.size if prev else g.size):
            parts.append(" ")
            drawn.append(" ")
        if is_space:
            parts.append(" ")
            drawn.append(" ")
        else:
            text = g.text + "".join(marks_visual.get(j, ()))
            drawn.append(g.text + "".join(marks_drawn.get(j, ())))
            kind = _first_strong(text)
            if kind == "R":
                rtl += 1
                # python-bidi reverses the right-to-left run character by character: a glyph
                # of several characters (a letter and its marks) goes in reversed, to come out whole.
                parts.append(text[::-1])
            else:
                if kind == "L":
                    ltr += 1
                parts.append(text)
        prev = g
    line.visual = _SPACES.sub(" ", "".join(parts)).strip()
    line.drawn = _SPACES.sub(" ", "".join(drawn)).strip()
    line.rtl_glyphs, line.ltr_glyphs = rtl, ltr


# ---------------------------------------------------------------- columns


@dataclass(frozen=True)
class _Band:
    """An x band free of ink in rows `first` to `last` (indices into the rows it was found in)."""

    x0: float
    x1: float
    first: int
    last: int


def _free(row: list[_Glyph], left: float, right: float, width: float) -> list[tuple[float, float]]:
    """The x intervals between `left` and `right` that no glyph of the row touches, at least `width` wide."""
    free = []
    edge = left
    for g in sorted(row, key=lambda g: g.x0):
        if g.x0 - edge >= width:
            free.append((edge, g.x0))
        edge = max(edge, g.x1)
    if right - edge >= width:
        free.append((edge, right))
    return free


def _bands(rows: list[list[_Glyph]], width: float) -> list[_Band]:
    """Every x band at least `width` wide free of ink in a run of consecutive rows, each as tall as it runs."""
    left = min(g.x0 for row in rows for g in row)
    right = max(g.x1 for row in rows for g in row)
    found: list[_Band] = []
    open_: list[_Band] = []
    for n, row in enumerate(rows):
        free = _free(row, left, right, width)
        going: dict[tuple[float, float], _Band] = {}
        for band in open_:
            narrowed = [(max(band.x0, a), min(band.x1, b)) for a, b in free]
            narrowed = [(a, b) for a, b in narrowed if b - a >= width]
            if not narrowed:
                found.append(band)
            for a, b in narrowed:
                if (a, b) not in going or going[(a, b)].first > band.first:
                    going[(a, b)] = _Band(a, b, band.first, n)
        for a, b in free:
            going.setdefault((a, b), _Band(a, b, n, n))
        open_ = list(going.values())
    return found + open_


@dataclass(frozen=True)
class _Stretch:
    """The ink of a row next to a band on one side, up to the first gap as wide as a gutter."""

    y: float
    x0: float
    x1: float


def _next_to(ink: list[_Glyph], edge: float, width: float) -> _Stretch:
    """The stretch of `ink` that reaches furthest toward `edge`, cut at the first gap `width` wide."""
    toward = sorted(ink, key=lambda g: abs(g.center - edge))
    x0, x1 = toward[0].x0, toward[0].x1
    for g in toward[1:]:
        if g.x1 < x0 - width or g.x0 > x1 + width:
            break
        x0, x1 = min(x0, g.x0), max(x1, g.x1)
    return _Stretch(toward[0].y, x0, x1)


def _is_gutter(band: _Band, rows: list[list[_Glyph]], size: float) -> bool:
    """Whether the band parts two columns of text: several lines next to it on each side, each side
    wide and filled by its lines (a table's cells are narrow or short; a third column beyond a
    gutter is no part of a side), the sides side by side over most of the band's height (not a
    short note beside a paragraph)."""
    width = GUTTER_WIDTH * size
    sides: list[list[_Stretch]] = [[], []]
    for row in rows[band.first:band.last + 1]:
        left = [g for g in row if g.x1 <= band.x0]
        right = [g for g in row if g.x0 >= band.x1]
        if left:
            sides[0].append(_next_to(left, band.x0, width))
        if right:
            sides[1].append(_next_to(right, band.x1, width))
    for side in sides:
        if len(side) < COLUMN_LINES:
            return False
        extent = max(s.x1 for s in side) - min(s.x0 for s in side)
        if extent < COLUMN_WIDTH * size or statistics.median(s.x1 - s.x0 for s in side) < COLUMN_FILL * extent:
            return False
    tops = [min(s.y for s in side) for side in sides]
    bottoms = [max(s.y for s in side) for side in sides]
    height = max(bottoms) - min(tops)
    return height > 0 and min(bottoms) - max(tops) >= COLUMN_OVERLAP * height


def _gutter(rows: list[list[_Glyph]]) -> _Band | None:
    """The gutter between two columns that runs through the most rows, if there is one."""
    ink_rows = [[g for g in row if g.text.strip()] for row in rows]
    if len(ink_rows) < COLUMN_LINES or not all(ink_rows):
        return None
    size = statistics.median(g.size for row in ink_rows for g in row)
    bands = [_attached(band, ink_rows, size) for band in _bands(ink_rows, GUTTER_WIDTH * size)]
    gutters = [band for band in bands if _is_gutter(band, ink_rows, size)]
    return max(gutters, key=lambda b: (b.last - b.first, b.x1 - b.x0), default=None)


def _attached(band: _Band, rows: list[list[_Glyph]], size: float) -> _Band:
    """The band without the rows at its ends that stand apart from the columns (`size`: the text's).

    Measured against the steps between the lines of each side (the rows between the
    ends): a row in the text's size stands apart when it lies further from its neighbour
    than the widest of them (a paragraph break is the widest step within columns), a row
    in another size (a headline, a running header or footer) when it lies further than
    the regular line step (type of another size beside the columns' lines would be a
    line of them, as close as they are to each other).
    """
    first, last = band.first, band.last
    while last - first >= 2:
        steps = _side_steps(band, rows[first + 1:last], size)
        if not steps:
            break
        if _apart(rows[first], rows[first + 1], steps, size):
            first += 1
        elif _apart(rows[last], rows[last - 1], steps, size) or _under_columns(band, rows[first:last + 1], size):
            last -= 1
        else:
            break
    return _Band(band.x0, band.x1, first, last)


def _apart(end: list[_Glyph], neighbour: list[_Glyph], steps: list[float], size: float) -> bool:
    """Whether the row `end` lies further from `neighbour` than the columns' lines step (`steps`)."""
    own = statistics.median(g.size for g in end)
    limit = max(steps) if _sizes_alike(own, size) else statistics.median(steps)
    return abs(_baseline(end) - _baseline(neighbour)) > limit + STEP_JITTER * size


def _under_columns(band: _Band, rows: list[list[_Glyph]], size: float) -> bool:
    """Whether the last of the band's `rows`, on one side of it only, is a line under both columns
    (a one-line paragraph across the page: a byline, a closing line) rather than a column's last.

    Two ways to tell, as the producers set such a line. Balanced columns end together, the
    longer at most its widest step below the other: a line hanging further below the other
    column's end, while the line above it does not, is under both (Chromium puts it a line
    step under the longer column). And where a column's paragraphs end on short lines (justified
    text), a full line followed by a paragraph break is the column's last, its paragraph going
    on in the next column: the line after the break is under both (LibreOffice puts it a
    paragraph break under columns that end level).
    """
    sides = [[[g for g in row if on_side(g)] for row in rows]
             for on_side in (lambda g: g.x1 <= band.x0, lambda g: g.x0 >= band.x1)]
    own = next((n for n, side in enumerate(sides) if side[-1]), None)
    if own is None or sides[1 - own][-1]:
        return False
    mine = [line for line in sides[own] if line]
    other = [line for line in sides[1 - own] if line]
    steps = _side_steps(band, rows[:-1], size)
    if len(mine) < 3 or not other or not steps:
        return False
    jitter = STEP_JITTER * size
    end, above, other_end = _baseline(mine[-1]), _baseline(mine[-2]), _baseline(other[-1])
    if end - other_end <= jitter:
        return False
    widest, regular = max(steps), statistics.median(steps)
    if end - other_end > widest + jitter and above - other_end <= widest + jitter:
        return True
    return end - above > regular + jitter and _full(mine[-2], mine[:-1], size) and _ends_short(
        [mine[:-1], other], regular + jitter, size)


def _full(line: list[_Glyph], column: list[list[_Glyph]], size: float) -> bool:
    """Whether the line reaches both edges of its column (the lines of `column`)."""
    tol = FLUSH_TOLERANCE * size
    left = min(g.x0 for glyphs in column for g in glyphs)
    right = max(g.x1 for glyphs in column for g in glyphs)
    return min(g.x0 for g in line) - left <= tol and right - max(g.x1 for g in line) <= tol


def _ends_short(columns: list[list[list[_Glyph]]], step: float, size: float) -> bool:
    """Whether the columns' paragraphs (lines followed by more than `step`) mostly end on a short line."""
    ends = [_full(a, column, size) for column in columns for a, b in pairwise(column)
            if _baseline(b) - _baseline(a) > step]
    return ends.count(False) > ends.count(True)


def _side_steps(band: _Band, rows: list[list[_Glyph]], size: float) -> list[float]:
    """The steps between consecutive lines on each side of the band, among lines in the text's `size`."""
    steps: list[float] = []
    for on_side in (lambda g: g.x1 <= band.x0, lambda g: g.x0 >= band.x1):
        # Each side's own baselines: a row may hold lines of both columns a little apart.
        lines = [side for row in rows if (side := [g for g in row if on_side(g)])]
        ys = [_baseline(line) for line in lines if _sizes_alike(statistics.median(g.size for g in line), size)]
        steps += [b - a for a, b in pairwise(ys)]
    return steps


def _baseline(glyphs: list[_Glyph]) -> float:
    return statistics.median(g.y for g in glyphs)


def _columns(glyphs: list[_Glyph], rtl: bool) -> list[list[_Glyph]]:
    """The glyphs cut into columns, in reading order.

    Columns side by side are read right to left when their own letters are mostly
    right-to-left ones (an Arabic article over an English one on one page reads each
    its own way), and as `rtl` (the page's direction) when they have as many of
    either. The rows above and below the rows a gutter runs through (a headline across
    the page, a band laid out otherwise) are looked at on their own, and so is each
    column (a third column beside it).
    """
    rows = [row for row in _rows(glyphs) if any(g.text.strip() for g in row)]
    band = _gutter(rows)
    if band is None:
        return [glyphs] if glyphs else []
    middle = (band.x0 + band.x1) / 2
    run = [g for row in rows[band.first:band.last + 1] for g in row]
    first = [g for g in run if g.center < middle]
    second = [g for g in run if g.center >= middle]
    if _reads_rtl(run, rtl):
        first, second = second, first
    above = [g for row in rows[:band.first] for g in row]
    below = [g for row in rows[band.last + 1:] for g in row]
    # Glyphs of no ink (spaces) on no row of ink stay out: they would make no line anyway.
    return [
        block
        for part in (_columns(above, rtl), _columns(first, rtl), _columns(second, rtl), _columns(below, rtl))
        for block in part
    ]


def _mostly_rtl(glyphs: list[_Glyph]) -> bool:
    """Whether more of the glyphs are right-to-left letters than left-to-right ones (read the right column first)."""
    return _reads_rtl(glyphs, False)


def _reads_rtl(glyphs: list[_Glyph], tie: bool) -> bool:
    """Whether more of the glyphs are right-to-left letters than left-to-right ones; `tie` when as many."""
    kinds = Counter(_first_strong(g.text) for g in glyphs)
    return tie if kinds["R"] == kinds["L"] else kinds["R"] > kinds["L"]


# ---------------------------------------------------------------- paragraphs


def _page_paragraphs(page) -> list[_Paragraph]:
    glyphs = _glyphs(page)
    space_gap = _space_gap(glyphs)
    columns = [lines for block in _columns(glyphs, _mostly_rtl(glyphs)) if (lines := _lines(block, space_gap))]
    if not columns:
        return []
    # Line spacing in font sizes: lines of one paragraph follow each other at the smallest
    # regular step of their size; a larger step (or a change of size) starts a paragraph.
    ratios: dict[float, list[float]] = {}
    for lines in columns:
        for a, b in pairwise(lines):
            ratio = (b.y - a.y) / max(a.size, 1e-3)
            if _same_size(a, b) and 0.6 < ratio < 3.5:
                ratios.setdefault(round(a.size), []).append(ratio)
    everything = sorted(r for rs in ratios.values() for r in rs)
    overall = everything[len(everything) * 3 // 10] if everything else 1.5

    def spacing(size: float) -> float:
        own = sorted(ratios.get(round(size), []))
        return own[len(own) * 3 // 10] if len(own) >= 3 else overall

    paragraphs: list[_Paragraph] = []
    for column, lines in enumerate(columns):
        paragraphs += _paragraphs(lines, column, spacing)
    return paragraphs


def _sizes_alike(a: float, b: float) -> bool:
    """One type size, give or take what rounding and scaling change (15 %)."""
    return abs(a - b) <= 0.15 * max(a, b)


def _same_size(a: _Line, b: _Line) -> bool:
    return _sizes_alike(a.size, b.size)


def _paragraphs(lines: list[_Line], column: int, spacing) -> list[_Paragraph]:
    """One column's lines as paragraphs: a step over `spacing(size)` font sizes or a change of size parts them."""
    left = min(line.x0 for line in lines)
    right = max(line.x1 for line in lines)
    paragraphs: list[_Paragraph] = []
    for line in lines:
        if paragraphs:
            prev = paragraphs[-1].lines[-1]
            ratio = (line.y - prev.y) / max(prev.size, 1e-3)
            if _same_size(line, prev) and ratio <= 1.15 * spacing(prev.size) + 0.05:
                paragraphs[-1].lines.append(line)
                continue
        paragraphs.append(_Paragraph(lines=[line], column=column))
    for para in paragraphs:
        para.align = _alignment(para, left, right)
    return paragraphs


def _direction(para: _Paragraph, punct_rtl: int, punct_ltr: int) -> bool:
    """True when the paragraph reads right to left.

    First the reading in which no line starts with a full stop or a comma; then the
    paragraph's letters, when one script has two thirds of them; then its alignment
    (LibreOffice sets right-to-left paragraphs flush left, so alignment comes last).
    """
    if punct_rtl != punct_ltr:
        return punct_rtl < punct_ltr
    rtl = sum(line.rtl_glyphs for line in para.lines)
    ltr = sum(line.ltr_glyphs for line in para.lines)
    if rtl >= 2 * ltr and rtl:
        return True
    if ltr >= 2 * rtl and ltr:
        return False
    if para.align:
        return para.align == "right"
    return rtl > ltr


def _alignment(para: _Paragraph, left: float, right: float) -> str:
    """"left", "right" or "" (centred, justified, one full line)."""
    at_left = at_right = 0
    for line in para.lines:
        tol = FLUSH_TOLERANCE * line.size
        flush_left = line.x0 - left <= tol
        flush_right = right - line.x1 <= tol
        if flush_left and not flush_right:
            at_left += 1
        elif flush_right and not flush_left:
            at_right += 1
    if at_left == at_right:
        return ""
    return "right" if at_right > at_left else "left"


def _drop_running_lines(paged: list[list[_Paragraph]]) -> None:
    """Drops one-line paragraphs at the top or bottom of most pages that repeat (page numbers too)."""
    if len(paged) < 2:
        return

    def key(para: _Paragraph) -> str | None:
        if len(para.lines) != 1:
            return None
        return re.sub(r"\d+", "#", para.lines[0].visual)

    for end in (0, -1):
        keys = [key(paras[end]) if paras else None for paras in paged]
        counts = Counter(k for k in keys if k)
        for k, n in counts.items():
            if n >= max(2, 0.6 * len(paged)):
                for paras, kk in zip(paged, keys):
                    if kk == k and len(paras) > 1:
                        paras.pop(end)


# ---------------------------------------------------------------- visual to logical

_OPEN = "([{«‹"
_LEADING_PUNCT = re.compile(r"^[\s\"'“”»«]*[.,،;؛:!?؟](?!\.)")  # not an ellipsis


_FAMILIES = ("()", "[]", "{}", "«»", "‹›")
_FAMILY_OF = {ch: pair for pair in _FAMILIES for ch in pair}


def _reorder(visual: str, rtl: bool) -> list[tuple[str, bool]]:
    """The logical order of one visual line with base direction `rtl`: each character with
    whether it sits at a right-to-left level (where a bracket may be mirrored).

    python-bidi's steps without its last one (L4, mirroring), which is left to `_render`:
    producers differ on it (see `_brackets`).
    """
    from bidi import algorithm as uba

    try:
        storage = uba.get_empty_storage()
        storage["base_level"] = 1 if rtl else 0
        storage["base_dir"] = "R" if rtl else "L"
        uba.get_embedding_levels(visual, storage)
        uba.explicit_embed_and_overrides(storage, False)
        uba.resolve_weak_types(storage, False)
        uba.resolve_neutral_types(storage, False)
        uba.resolve_implicit_levels(storage, False)
        uba.reorder_resolved_levels(storage, False)
        return [(c["ch"], bool(c["level"] % 2)) for c in storage["chars"]]
    except (AttributeError, KeyError, TypeError):  # another python-bidi: its public function
        return [(ch, False) for ch in uba.get_display(visual, base_dir="R" if rtl else "L")]


def _render(chars: list[tuple[str, bool]], mirror: dict[str, bool]) -> str:
    """The characters, each mirrored glyph at a right-to-left level mapped to its mirror
    (brackets only for the families `mirror` says so of)."""
    from bidi.mirror import MIRRORED

    out = []
    for ch, odd in chars:
        if odd and ch in MIRRORED and mirror.get(_FAMILY_OF.get(ch, ""), True):
            ch = MIRRORED[ch]
        out.append(ch)
    return "".join(out)


def _bracket_errors(text: str, pair: str) -> int:
    """Closing brackets with nothing open and opening ones never closed, of one family."""
    errors = depth = 0
    for ch in text:
        if ch == pair[0]:
            depth += 1
        elif ch == pair[1]:
            if depth:
                depth -= 1
            else:
                errors += 1
    return errors + depth


def _choose(texts_with: list[str], texts_without: list[str], pair: str) -> bool | None:
    """Mirror the family or not: whichever leaves fewer unbalanced brackets; None on a tie."""
    with_ = sum(_bracket_errors(t, pair) for t in texts_with)
    without = sum(_bracket_errors(t, pair) for t in texts_without)
    return None if with_ == without else with_ < without


def _brackets(lines: list[list[list[tuple[str, bool]]]]) -> list[list[str]]:
    """Each paragraph's lines as text, brackets at right-to-left levels mirrored or not.

    A producer maps a bracket drawn mirrored (an opening bracket of Arabic text, drawn
    as ")") either to the character typed, "(" (then the bidi algorithm's mirroring must
    not be applied) or to the glyph's look, ")" (then it must). Chromium does the one
    with one font and the other with another; fpdf2 one for () and the other for «».
    So each family of brackets is decided in each paragraph by which choice balances
    them; where that is a tie, on each line; where that is a tie too, for the document
    (and by the standard, mirroring, when the document cannot tell either).
    """
    on = {pair: True for pair in _FAMILIES}
    off = {pair: False for pair in _FAMILIES}
    rendered = {
        flag: [[_render(chars, on if flag else off) for chars in para] for para in lines]
        for flag in (True, False)
    }
    document = {}
    for pair in _FAMILIES:
        verdict = _choose([" ".join(para) for para in rendered[True]], [" ".join(para) for para in rendered[False]], pair)
        document[pair] = True if verdict is None else verdict
    out = []
    for n, para in enumerate(lines):
        paragraph = {
            pair: _choose([" ".join(rendered[True][n])], [" ".join(rendered[False][n])], pair) for pair in _FAMILIES
        }
        texts = []
        for m, chars in enumerate(para):
            if not any(ch in _FAMILY_OF for ch, _ in chars):
                texts.append(rendered[True][n][m])
                continue
            choice = {}
            for pair in _FAMILIES:
                verdict = paragraph[pair]
                if verdict is None:
                    verdict = _choose([rendered[True][n][m]], [rendered[False][n][m]], pair)
                choice[pair] = document[pair] if verdict is None else verdict
            texts.append(_render(chars, choice))
        out.append(texts)
    return out


def _punct_errors(lines: list[str]) -> int:
    """Lines that start with a full stop or comma: the mark of a wrong base direction."""
    return sum(1 for line in lines if _LEADING_PUNCT.match(line))


def _to_logical(paragraphs: list[_Paragraph]) -> None:
    # Each paragraph's direction: the base direction under which no line starts with a full stop.
    reordered = []
    for para in paragraphs:
        by_dir = {rtl: [_reorder(line.visual, rtl) for line in para.lines] for rtl in (True, False)}
        standard = {pair: True for pair in _FAMILIES}
        para.rtl = _direction(
            para,
            _punct_errors([_render(chars, standard) for chars in by_dir[True]]),
            _punct_errors([_render(chars, standard) for chars in by_dir[False]]),
        )
        reordered.append(by_dir[para.rtl])
    chosen = _brackets(reordered)
    # Producers that draw Arabic from left to right in logical order (no bidi) leave the
    # visual order already logical; the reading whose Arabic words look like Arabic wins.
    drawn = [[line.drawn for line in para.lines] for para in paragraphs]
    flat = lambda texts: [t for lines in texts for t in lines]
    if _arabic_score(flat(drawn)) > _arabic_score(flat(chosen)) + 2:
        chosen = drawn
        for para in paragraphs:  # the bidi reading's directions mean nothing then: the letters'
            para.rtl = sum(line.rtl_glyphs for line in para.lines) > sum(line.ltr_glyphs for line in para.lines)
    for para, lines in zip(paragraphs, chosen):
        para.texts = lines


def _arabic_score(texts: list[str]) -> int:
    """How much the texts look like Arabic in logical order (words start with ال, end with ة/ى)."""
    score = 0
    for text in texts:
        for word in _ARABIC_WORD.findall(text):
            if len(word) < 2:
                continue
            if word.startswith("ال") and len(word) > 3:
                score += 1
            if word.endswith("لا") and len(word) > 3:
                score -= 1
            if word[-1] in "ةى":
                score += 1
            if word[0] in "ةى":
                score -= 1
    return score


# ---------------------------------------------------------------- the text


def _join_lines(texts: list[str]) -> str:
    """A paragraph's lines joined by spaces, except after a soft hyphen, a hyphen, an opening bracket."""
    out = ""
    for text in texts:
        text = text.strip()
        if not text:
            continue
        if not out:
            out = text
        elif out.endswith("\u00ad"):
            out = out[:-1] + text
        elif out[-1] in _OPEN or (out[-1] in "-\u2010" and len(out) > 1 and out[-2].isalpha() and text[0].isalpha()):
            out += text
        else:
            out += " " + text
    return out.replace("\u00ad", "")


def _continues(para: _Paragraph, page_lines: list[_Line], following: _Paragraph | None) -> bool:
    """Whether a page's (or column's) last paragraph runs on to the next one's first.

    It does when its last line ends without a full stop (or ends one and fills the
    line from margin to margin, as justified text does), reaches most of the way
    across, and the next page goes on in the same type size and direction.
    `page_lines` are the lines of the page or column the paragraph ends.
    """
    if following is None or not page_lines:
        return False
    last, first = para.lines[-1], following.lines[0]
    if abs(last.size - first.size) > 0.15 * max(last.size, first.size) or para.rtl != following.rtl:
        return False
    left = min(line.x0 for line in page_lines)
    right = max(line.x1 for line in page_lines)
    tol = FLUSH_TOLERANCE * last.size
    full = last.x0 - left <= tol and right - last.x1 <= tol
    if re.search(r"[.!?؟:]['\"”’»)]*$", _join_lines(para.texts)):
        return full
    return (last.x1 - last.x0) >= 0.6 * max(1e-3, right - left)


def _column_lines(paras: list[_Paragraph], column: int) -> list[_Line]:
    return [line for para in paras if para.column == column for line in para.lines]


def _assemble(paged: list[list[_Paragraph]]) -> tuple[str, list[int]]:
    """The document's text and the offset at which each page's text starts."""
    text = ""
    starts: list[int | None] = []
    last_page: list[_Paragraph] = []  # the paragraphs of the last page that had text
    for paras in paged:
        paras = [para for para in paras if _join_lines(para.texts)]
        start = None
        for n, para in enumerate(paras):
            if text:
                if start is None:  # the page's first paragraph: on from the last page's last column?
                    runs_on = bool(last_page) and _continues(
                        last_page[-1], _column_lines(last_page, last_page[-1].column), para)
                else:  # on from the column before (a column break: back up to the next column's top)?
                    prev = paras[n - 1]
                    runs_on = (prev.column != para.column and para.lines[0].y < prev.lines[-1].y
                               and _continues(prev, _column_lines(paras, prev.column), para))
                text += " " if runs_on else "\n\n"
            if start is None:
                start = len(text)
            text += _join_lines(para.texts)
        starts.append(start)
        if paras:
            last_page = paras
    # A page without text starts where the next page's text does (or at the end).
    following = len(text)
    for i in range(len(starts) - 1, -1, -1):
        if starts[i] is None:
            starts[i] = following
        following = starts[i]
    if starts:
        starts[0] = 0
    return text, [int(s) for s in starts]
