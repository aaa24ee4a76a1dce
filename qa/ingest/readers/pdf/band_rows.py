"""Which rows a band of columns holds: the rows at the ends of a gutter's run that stand apart from its columns.

A gutter (see `columns`) runs through every row it finds free of ink at its x, and so
through a headline, a running header or footer, or a line above or under both columns
that happens to leave it free, and through a band of columns straight under another; the
rules here take such rows off the band's ends by the steps between the columns' own lines
and where the columns start and end, and end a band where both its columns turn to the
other direction. Finding the gutter, and reading the columns, is `columns`'s.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass
from itertools import pairwise

from .glyphs import Glyph, direction
from .lines import FLUSH_TOLERANCE, sizes_alike

# The steps between one layout's baselines agree within this many font sizes (rounding of
# positions; see `attached`).
STEP_JITTER = 0.1


@dataclass(frozen=True)
class Band:
    """An x band free of ink in rows `first` to `last` (indices into the rows it was found in)."""

    x0: float
    x1: float
    first: int
    last: int


def attached(band: Band, rows: list[list[Glyph]], size: float) -> Band:
    """The band without the rows at its ends that stand apart from the columns (`size`: the text's).

    Measured against the steps between the lines of each side (the rows between the
    ends): a row in the text's size stands apart when it lies further from its neighbour
    than the widest of them (a paragraph break is the widest step within columns), a row
    in another size (a headline, a running header or footer) when it lies further than
    the regular line step (type of another size beside the columns' lines would be a
    line of them, as close as they are to each other); and a line on one side only
    that stands above where both columns start, or under where both end, is no line of theirs.
    """
    first, last = band.first, band.last
    while last - first >= 2:
        steps = _side_steps(band, rows[first + 1:last], size)
        if not steps:
            break
        if _apart(rows[first], rows[first + 1], steps, size) or _above_columns(band, rows[first:last + 1], size):
            first += 1
        elif _apart(rows[last], rows[last - 1], steps, size) or _under_columns(band, rows[first:last + 1], size):
            last -= 1
        else:
            break
    return Band(band.x0, band.x1, first, last)


def one_direction(band: Band, rows: list[list[Glyph]], size: float) -> Band:
    """The band up to the row where the lines of both its columns turn to the other direction, its
    new end taken off as `attached` does; the band as it is where they do not.

    Such a turn is where one band of columns ends and another starts straight under it (an
    Arabic article's columns over an English one's, no headline or line across between them):
    a band of columns reads in one direction, the rows under the turn are another band, read
    in its own. One column turning alone (a paragraph in the other script within a column) is
    no turn.
    """
    turn = _turn(band, rows)
    return band if turn is None else attached(Band(band.x0, band.x1, band.first, turn - 1), rows, size)


def _turn(band: Band, rows: list[list[Glyph]]) -> int | None:
    """The first row (an index into `rows`) above which the last line on each side of the band reads
    in one direction and from which the first line on each side reads in the other ("R", "L"; lines
    of as many of either, figures, are passed over)."""
    sides = [[(n, kind) for n, line in enumerate(side, start=band.first) if line and (kind := direction(line))]
             for side in _sides(band, rows[band.first:band.last + 1])]
    for row in range(band.first + 1, band.last + 1):
        turns = set()
        for side in sides:
            above = [kind for n, kind in side if n < row]
            below = [kind for n, kind in side if n >= row]
            turns.add((above[-1], below[0]) if above and below else None)
        if len(turns) == 1 and (turn := turns.pop()) is not None and turn[0] != turn[1]:
            return row
    return None


def _apart(end: list[Glyph], neighbour: list[Glyph], steps: list[float], size: float) -> bool:
    """Whether the row `end` lies further from `neighbour` than the columns' lines step (`steps`)."""
    own = statistics.median(g.size for g in end)
    limit = max(steps) if sizes_alike(own, size) else statistics.median(steps)
    return abs(baseline(end) - baseline(neighbour)) > limit + STEP_JITTER * size


def _under_columns(band: Band, rows: list[list[Glyph]], size: float) -> bool:
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
    sides = _sides(band, rows)
    own = next((n for n, side in enumerate(sides) if side[-1]), None)
    if own is None or sides[1 - own][-1]:
        return False
    mine = [line for line in sides[own] if line]
    other = [line for line in sides[1 - own] if line]
    steps = _side_steps(band, rows[:-1], size)
    if len(mine) < 3 or not other or not steps:
        return False
    jitter = STEP_JITTER * size
    end, above, other_end = baseline(mine[-1]), baseline(mine[-2]), baseline(other[-1])
    if end - other_end <= jitter:
        return False
    widest, regular = max(steps), statistics.median(steps)
    if end - other_end > widest + jitter and above - other_end <= widest + jitter:
        return True
    return end - above > regular + jitter and _full(mine[-2], mine[:-1], size) and _ends_short(
        [mine[:-1], other], regular + jitter, size)


def _above_columns(band: Band, rows: list[list[Glyph]], size: float) -> bool:
    """Whether the first of the band's `rows`, on one side of it only, is a line above both columns
    (a byline or dateline, or the short last line of a paragraph across the page) rather than a
    column's first.

    The mirror of `_under_columns`'s first way, simpler at this end: balanced columns may end
    a step apart, but they start level (each producer sets every column's first line at the top
    of the column box, on one baseline within the steps' jitter), so a line on one side above
    the other column's first line, whose next line on its side is level with that first line, is
    above both.
    """
    sides = _sides(band, rows)
    own = next((n for n, side in enumerate(sides) if side[0]), None)
    if own is None or sides[1 - own][0]:
        return False
    mine = [line for line in sides[own] if line]
    other = [line for line in sides[1 - own] if line]
    return len(mine) >= 2 and bool(other) and abs(baseline(mine[1]) - baseline(other[0])) <= STEP_JITTER * size


def _full(line: list[Glyph], column: list[list[Glyph]], size: float) -> bool:
    """Whether the line reaches both edges of its column (the lines of `column`)."""
    tol = FLUSH_TOLERANCE * size
    left = min(g.x0 for glyphs in column for g in glyphs)
    right = max(g.x1 for glyphs in column for g in glyphs)
    return min(g.x0 for g in line) - left <= tol and right - max(g.x1 for g in line) <= tol


def _ends_short(columns: list[list[list[Glyph]]], step: float, size: float) -> bool:
    """Whether the columns' paragraphs (lines followed by more than `step`) mostly end on a short line."""
    ends = [_full(a, column, size) for column in columns for a, b in pairwise(column)
            if baseline(b) - baseline(a) > step]
    return ends.count(False) > ends.count(True)


def _side_steps(band: Band, rows: list[list[Glyph]], size: float) -> list[float]:
    """The steps between consecutive lines on each side of the band, among lines in the text's `size`."""
    steps: list[float] = []
    for side in _sides(band, rows):
        # Each side's own baselines: a row may hold lines of both columns a little apart.
        ys = [baseline(line) for line in side if line and sizes_alike(statistics.median(g.size for g in line), size)]
        steps += [b - a for a, b in pairwise(ys)]
    return steps


def _sides(band: Band, rows: list[list[Glyph]]) -> list[list[list[Glyph]]]:
    """Each row's glyphs on the band's left side and on its right side (one list of rows per side)."""
    return [[[g for g in row if on_side(g)] for row in rows]
            for on_side in (lambda g: g.x1 <= band.x0, lambda g: g.x0 >= band.x1)]


def baseline(glyphs: list[Glyph]) -> float:
    return statistics.median(g.y for g in glyphs)
