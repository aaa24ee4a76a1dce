"""Lines from glyphs: grouped by baseline, each line's text in visual order with its marks and spaces.

The visual order (left to right) is what the bidi algorithm takes (see `logical`);
a second reading, each glyph's text as drawn, serves producers that draw Arabic in
logical order. Columns and paragraphs are not looked at here.
"""
from __future__ import annotations

import statistics
from bisect import bisect_left
from dataclasses import dataclass
from itertools import pairwise

from .glyphs import LINE_TOLERANCE, SPACES, Glyph, first_strong, is_mark

# Gap between two glyphs, in font sizes, above which a space is inserted.
SPACE_GAP = 0.12
# A line starts or ends "at the margin" within this many font sizes of it.
FLUSH_TOLERANCE = 1.0


@dataclass
class Line:
    glyphs: list[Glyph]
    y: float
    size: float
    x0: float
    x1: float
    visual: str = ""  # the line's text in visual order (left to right), for the bidi algorithm
    drawn: str = ""  # the same with each glyph's text as it is (read as drawn, left to right)
    rtl_glyphs: int = 0
    ltr_glyphs: int = 0


def page_space_gap(glyphs: list[Glyph]) -> float:
    """The gap between two glyphs, in font sizes, that makes a space on this page.

    Where the producer writes space glyphs, a gap counts only when it is most of a
    space wide (some fonts kern letter pairs apart: Amiri's reh-yeh is 0.12 em).
    """
    spaces = [(g.x1 - g.x0) / g.size for g in glyphs if g.text == " " and g.x1 > g.x0]
    if len(spaces) < 5:
        return SPACE_GAP
    return min(0.3, max(SPACE_GAP, 0.6 * statistics.median(spaces)))


def rows_of(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """The glyphs grouped by baseline, top to bottom."""
    glyphs = sorted(glyphs, key=lambda g: (g.y, g.x0))
    groups: list[list[Glyph]] = []
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


def lines_of(glyphs: list[Glyph], space_gap: float) -> list[Line]:
    lines = []
    for group in rows_of(glyphs):
        ink = [g for g in group if g.text.strip()]
        if not ink:
            continue
        line = Line(
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


def _mark_bases(bases: list[Glyph], marks: list[Glyph]) -> tuple[dict[int, int], dict[int, int]]:
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
    rtl = [bases[j] for j in by_index if first_strong(bases[j].text) == "R"]
    with_x = sum(1 for a, b in pairwise(rtl) if b.x0 >= a.x0 - 0.1) >= len(rtl[1:]) / 2
    centers = [g.center for g in bases]

    def near(j: int | None, m: Glyph) -> bool:
        return j is not None and bases[j].text.strip() != "" and (
            bases[j].x0 - m.size <= m.center <= bases[j].x1 + m.size)

    def over(m: Glyph) -> int | None:
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
        arabic = first_strong(m.text) != "L" and not m.text.isascii()
        # Visual order: an Arabic letter's marks come before it, a Latin letter's after it.
        first = after if (with_x and arabic) else before
        if near(first, m) and (not arabic or first_strong(bases[first].text) != "L"):
            visual[m.index] = first
        elif (j := over(m)) is not None:
            visual[m.index] = j
        # Drawn from left to right in logical order: marks come after their letter.
        if near(before, m):
            drawn[m.index] = before
        elif (j := over(m)) is not None:
            drawn[m.index] = j
    return visual, drawn


def _bridged(edge: float, fillers: list[Glyph]) -> float:
    """Where the ink that ends at `edge` ends, carried on through the fillers (sorted by x0) that touch it."""
    for f in fillers:
        if f.x0 <= edge + 0.05 * f.size and f.x1 > edge:
            edge = f.x1
    return edge


def _visual(line: Line, space_gap: float = SPACE_GAP) -> None:
    """Sets the line's text in visual order, marks kept on their letters and spaces put in."""
    fillers = sorted((g for g in line.glyphs if g.filler), key=lambda g: g.x0)
    bases = [g for g in line.glyphs if not g.filler and not is_mark(g.text)]
    marks = [g for g in line.glyphs if is_mark(g.text)]
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
    prev: Glyph | None = None
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
            kind = first_strong(text)
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
    line.visual = SPACES.sub(" ", "".join(parts)).strip()
    line.drawn = SPACES.sub(" ", "".join(drawn)).strip()
    line.rtl_glyphs, line.ltr_glyphs = rtl, ltr


def sizes_alike(a: float, b: float) -> bool:
    """One type size, give or take what rounding and scaling change (15 %)."""
    return abs(a - b) <= 0.15 * max(a, b)
