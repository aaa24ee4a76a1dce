"""Columns: a page's glyphs cut at the gutters between columns of text, in reading order.

A gutter is an empty band between two columns of text side by side; the rows above
and below it, and each column, are looked at on their own. Each band of columns is
read in the direction of its own letters. Lines and paragraphs within a column are
left to `lines` and `paragraphs`.
"""
from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

from .glyphs import Glyph, first_strong
from .lines import FLUSH_TOLERANCE, rows_of, sizes_alike

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


@dataclass(frozen=True)
class _Band:
    """An x band free of ink in rows `first` to `last` (indices into the rows it was found in)."""

    x0: float
    x1: float
    first: int
    last: int


def _free(row: list[Glyph], left: float, right: float, width: float) -> list[tuple[float, float]]:
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


def _bands(rows: list[list[Glyph]], width: float) -> list[_Band]:
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


def _next_to(ink: list[Glyph], edge: float, width: float) -> _Stretch:
    """The stretch of `ink` that reaches furthest toward `edge`, cut at the first gap `width` wide."""
    toward = sorted(ink, key=lambda g: abs(g.center - edge))
    x0, x1 = toward[0].x0, toward[0].x1
    for g in toward[1:]:
        if g.x1 < x0 - width or g.x0 > x1 + width:
            break
        x0, x1 = min(x0, g.x0), max(x1, g.x1)
    return _Stretch(toward[0].y, x0, x1)


def _is_gutter(band: _Band, rows: list[list[Glyph]], size: float) -> bool:
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


def _gutter(rows: list[list[Glyph]]) -> _Band | None:
    """The gutter between two columns that runs through the most rows, if there is one."""
    ink_rows = [[g for g in row if g.text.strip()] for row in rows]
    if len(ink_rows) < COLUMN_LINES or not all(ink_rows):
        return None
    size = statistics.median(g.size for row in ink_rows for g in row)
    bands = [_attached(band, ink_rows, size) for band in _bands(ink_rows, GUTTER_WIDTH * size)]
    gutters = [band for band in bands if _is_gutter(band, ink_rows, size)]
    return max(gutters, key=lambda b: (b.last - b.first, b.x1 - b.x0), default=None)


def _attached(band: _Band, rows: list[list[Glyph]], size: float) -> _Band:
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


def _apart(end: list[Glyph], neighbour: list[Glyph], steps: list[float], size: float) -> bool:
    """Whether the row `end` lies further from `neighbour` than the columns' lines step (`steps`)."""
    own = statistics.median(g.size for g in end)
    limit = max(steps) if sizes_alike(own, size) else statistics.median(steps)
    return abs(_baseline(end) - _baseline(neighbour)) > limit + STEP_JITTER * size


def _under_columns(band: _Band, rows: list[list[Glyph]], size: float) -> bool:
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


def _full(line: list[Glyph], column: list[list[Glyph]], size: float) -> bool:
    """Whether the line reaches both edges of its column (the lines of `column`)."""
    tol = FLUSH_TOLERANCE * size
    left = min(g.x0 for glyphs in column for g in glyphs)
    right = max(g.x1 for glyphs in column for g in glyphs)
    return min(g.x0 for g in line) - left <= tol and right - max(g.x1 for g in line) <= tol


def _ends_short(columns: list[list[list[Glyph]]], step: float, size: float) -> bool:
    """Whether the columns' paragraphs (lines followed by more than `step`) mostly end on a short line."""
    ends = [_full(a, column, size) for column in columns for a, b in pairwise(column)
            if _baseline(b) - _baseline(a) > step]
    return ends.count(False) > ends.count(True)


def _side_steps(band: _Band, rows: list[list[Glyph]], size: float) -> list[float]:
    """The steps between consecutive lines on each side of the band, among lines in the text's `size`."""
    steps: list[float] = []
    for on_side in (lambda g: g.x1 <= band.x0, lambda g: g.x0 >= band.x1):
        # Each side's own baselines: a row may hold lines of both columns a little apart.
        lines = [side for row in rows if (side := [g for g in row if on_side(g)])]
        ys = [_baseline(line) for line in lines if sizes_alike(statistics.median(g.size for g in line), size)]
        steps += [b - a for a, b in pairwise(ys)]
    return steps


def _baseline(glyphs: list[Glyph]) -> float:
    return statistics.median(g.y for g in glyphs)


def columns_of(glyphs: list[Glyph], rtl: bool) -> list[list[Glyph]]:
    """The glyphs cut into columns, in reading order.

    Columns side by side are read right to left when their own letters are mostly
    right-to-left ones (an Arabic article over an English one on one page reads each
    its own way), and as `rtl` (the page's direction) when they have as many of
    either. The rows above and below the rows a gutter runs through (a headline across
    the page, a band laid out otherwise) are looked at on their own, and so is each
    column (a third column beside it).
    """
    rows = [row for row in rows_of(glyphs) if any(g.text.strip() for g in row)]
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
        for part in (columns_of(above, rtl), columns_of(first, rtl), columns_of(second, rtl), columns_of(below, rtl))
        for block in part
    ]


def mostly_rtl(glyphs: list[Glyph]) -> bool:
    """Whether more of the glyphs are right-to-left letters than left-to-right ones (read the right column first)."""
    return _reads_rtl(glyphs, False)


def _reads_rtl(glyphs: list[Glyph], tie: bool) -> bool:
    """Whether more of the glyphs are right-to-left letters than left-to-right ones; `tie` when as many."""
    kinds = Counter(first_strong(g.text) for g in glyphs)
    return tie if kinds["R"] == kinds["L"] else kinds["R"] > kinds["L"]
