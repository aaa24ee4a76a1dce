"""A PDF page's glyphs as pdfminer lays them out: where each is drawn, its text and type size.

Duplicates drawn at one place count once, /ActualText spans (Chromium writes Arabic
letters with marks that way) replace the glyphs they cover, each glyph's text is NFKC
(presentation forms and lam-alef ligatures to base letters), text running in another
direction than most is dropped and a page turned by /Rotate is turned back; a glyph
its font's ToUnicode map leaves out (LibreOffice's kashidas) is ink without text.
Grouping the glyphs into lines, columns or words is left to the other modules.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

# Baselines closer than this (in font sizes) are one line.
LINE_TOLERANCE = 0.4

SPACES = re.compile(r"[ \t\u00A0\u2000-\u200B\u3000]+")


@dataclass
class Glyph:
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


def _strong(ch: str) -> str:
    """"R" for a right-to-left letter, "L" for a left-to-right one, "" otherwise."""
    kind = unicodedata.bidirectional(ch)
    if kind in ("R", "AL"):
        return "R"
    if kind == "L":
        return "L"
    return ""


def first_strong(text: str) -> str:
    for ch in text:
        kind = _strong(ch)
        if kind:
            return kind
    return ""


def direction(glyphs: list[Glyph]) -> str:
    """"R" when more of the glyphs are right-to-left letters than left-to-right ones, "L" when fewer,
    "" when as many (no letters: figures, punctuation)."""
    kinds = Counter(first_strong(g.text) for g in glyphs)
    return "" if kinds["R"] == kinds["L"] else "R" if kinds["R"] > kinds["L"] else "L"


def is_mark(text: str) -> bool:
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


def page_glyphs(page) -> list[Glyph]:
    layout, chars, spans = _layout_chars(page)
    left, bottom, right, top = layout.bbox
    # Text runs in one of four directions (a page turned by /Rotate, landscape content):
    # the most common one is turned to run left to right, text in any other is dropped
    # (stamps, margin notes).
    turns = [_quarter_turns(c.matrix) for c in chars]
    turn = Counter(turns).most_common(1)[0][0] if turns else 0
    chars = [c for c, t in zip(chars, turns) if t == turn]
    glyphs: list[Glyph] = []
    drawn: dict[tuple[str, int], list[float]] = {}
    by_span: dict[int, list[Glyph]] = {}
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
        glyph = Glyph(text=_glyph_text(raw), x0=x0, x1=x1, y=y, size=size, index=index)
        span = getattr(c, "qa_span", None)
        if span is not None:
            by_span.setdefault(span, []).append(glyph)
        elif getattr(c, "qa_unmapped", False):
            glyphs.append(Glyph(text="", x0=x0, x1=x1, y=y, size=size, index=index, filler=True))
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
        glyphs.append(Glyph(
            text=text, x0=min(g.x0 for g in members), x1=max(g.x1 for g in members),
            y=base.y, size=max(g.size for g in members), index=min(g.index for g in members),
        ))
    return glyphs
