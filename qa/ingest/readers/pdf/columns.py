"""Columns: a page's glyphs cut at the gutters between columns of text, in reading order.

A gutter is an empty band between two columns of text side by side; the rows above
and below it, and each column, are looked at on their own. Each band of columns is
read in the direction of its own letters. Lines and paragraphs within a column are
left to `lines` and `paragraphs`; which rows at the ends of a gutter's run belong to its
columns to `band_rows`.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass

from .band_rows import Band, attached, one_direction
from .glyphs import Glyph, direction
from .lines import rows_of

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


def _bands(rows: list[list[Glyph]], width: float) -> list[Band]:
    """Every x band at least `width` wide free of ink in a run of consecutive rows, each as tall as it runs."""
    left = min(g.x0 for row in rows for g in row)
    right = max(g.x1 for row in rows for g in row)
    found: list[Band] = []
    open_: list[Band] = []
    for n, row in enumerate(rows):
        free = _free(row, left, right, width)
        going: dict[tuple[float, float], Band] = {}
        for band in open_:
            narrowed = [(max(band.x0, a), min(band.x1, b)) for a, b in free]
            narrowed = [(a, b) for a, b in narrowed if b - a >= width]
            if not narrowed:
                found.append(band)
            for a, b in narrowed:
                if (a, b) not in going or going[(a, b)].first > band.first:
                    going[(a, b)] = Band(a, b, band.first, n)
        for a, b in free:
            going.setdefault((a, b), Band(a, b, n, n))
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


def _is_gutter(band: Band, rows: list[list[Glyph]], size: float) -> bool:
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


def _gutter(rows: list[list[Glyph]]) -> Band | None:
    """The gutter between two columns that runs through the most rows, if there is one."""
    ink_rows = [[g for g in row if g.text.strip()] for row in rows]
    if len(ink_rows) < COLUMN_LINES or not all(ink_rows):
        return None
    size = statistics.median(g.size for row in ink_rows for g in row)
    bands = [attached(band, ink_rows, size) for band in _bands(ink_rows, GUTTER_WIDTH * size)]
    gutters = [band for band in bands if _is_gutter(band, ink_rows, size)]
    best = max(gutters, key=lambda b: (b.last - b.first, b.x1 - b.x0), default=None)
    if best is None:
        return None
    upper = one_direction(best, ink_rows, size)
    # Both sides of a turn must be columns by the same test (a row or two in the other script,
    # a source line at one row of both columns, is part of the band it sits in).
    lower = Band(best.x0, best.x1, upper.last + 1, best.last)
    if upper is best or (_is_gutter(upper, ink_rows, size) and _is_gutter(lower, ink_rows, size)):
        return upper
    return best


def columns_of(glyphs: list[Glyph], rtl: bool) -> list[list[Glyph]]:
    """The glyphs cut into columns, in reading order.

    Columns side by side are read right to left when their own letters are mostly
    right-to-left ones (an Arabic article over an English one on one page reads each
    its own way, a headline across between them or not), and as `rtl` (the page's direction) when they have as many of
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
    kind = direction(glyphs)
    return kind == "R" if kind else tie
