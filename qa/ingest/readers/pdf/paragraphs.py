"""Paragraphs: each column's lines parted by vertical gaps and changes of type size.

Also each paragraph's alignment and base direction (from its letters, its alignment
and which reading leaves no line starting with a full stop, counted by `logical`),
and the running headers and footers dropped. The text of a paragraph in logical order
is `logical`'s; joining paragraphs into the document is `assemble`'s.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise

from .columns import columns_of, mostly_rtl
from .glyphs import page_glyphs
from .lines import FLUSH_TOLERANCE, Line, lines_of, page_space_gap, sizes_alike


@dataclass
class Paragraph:
    lines: list[Line]
    column: int = 0  # which of the page's columns (in reading order) it is in
    rtl: bool = False
    align: str = ""
    texts: list[str] = field(default_factory=list)


def page_paragraphs(page) -> list[Paragraph]:
    glyphs = page_glyphs(page)
    space_gap = page_space_gap(glyphs)
    columns = [lines for block in columns_of(glyphs, mostly_rtl(glyphs)) if (lines := lines_of(block, space_gap))]
    if not columns:
        return []
    # Line spacing in font sizes: lines of one paragraph follow each other at the smallest
    # regular step of their size and script (each script is set in its own font, and fonts of one
    # size differ in line height: LibreOffice's Noto Naskh Arabic lines step 2.2 font sizes where
    # its Noto Serif ones step 1.8); a larger step (or a change of size) starts a paragraph.
    ratios: dict[tuple[int, str], list[float]] = {}
    for lines in columns:
        for a, b in pairwise(lines):
            ratio = (b.y - a.y) / max(a.size, 1e-3)
            if _same_size(a, b) and 0.6 < ratio < 3.5:
                ratios.setdefault((round(a.size), _pair_script(a, b)), []).append(ratio)
    everything = sorted(r for rs in ratios.values() for r in rs)
    overall = everything[len(everything) * 3 // 10] if everything else 1.5

    def spacing(a: Line, b: Line) -> float:
        """The regular step after line `a`: its size's and script's, else its size's, else the page's."""
        size, script = round(a.size), _pair_script(a, b)
        own = sorted(ratios.get((size, script), [])) if script else []
        if len(own) < 3:
            own = sorted(r for (s, _), rs in ratios.items() if s == size for r in rs)
        return own[len(own) * 3 // 10] if len(own) >= 3 else overall

    paragraphs: list[Paragraph] = []
    for column, lines in enumerate(columns):
        paragraphs += _paragraphs(lines, column, spacing)
    return paragraphs


def _same_size(a: Line, b: Line) -> bool:
    return sizes_alike(a.size, b.size)


def _pair_script(a: Line, b: Line) -> str:
    """"R" or "L" when both lines have more letters of that direction than of the other, else ""."""
    kinds = {"R" if line.rtl_glyphs > line.ltr_glyphs else "L" if line.ltr_glyphs > line.rtl_glyphs else ""
             for line in (a, b)}
    return kinds.pop() if len(kinds) == 1 else ""


def _paragraphs(lines: list[Line], column: int, spacing: Callable[[Line, Line], float]) -> list[Paragraph]:
    """One column's lines as paragraphs: a step over `spacing(prev, line)` font sizes or a change of size parts them."""
    left = min(line.x0 for line in lines)
    right = max(line.x1 for line in lines)
    paragraphs: list[Paragraph] = []
    for line in lines:
        if paragraphs:
            prev = paragraphs[-1].lines[-1]
            ratio = (line.y - prev.y) / max(prev.size, 1e-3)
            if _same_size(line, prev) and ratio <= 1.15 * spacing(prev, line) + 0.05:
                paragraphs[-1].lines.append(line)
                continue
        paragraphs.append(Paragraph(lines=[line], column=column))
    for para in paragraphs:
        para.align = _alignment(para, left, right)
    return paragraphs


def paragraph_rtl(para: Paragraph, punct_rtl: int, punct_ltr: int) -> bool:
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


def _alignment(para: Paragraph, left: float, right: float) -> str:
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


def drop_running_lines(paged: list[list[Paragraph]]) -> None:
    """Drops one-line paragraphs at the top or bottom of most pages that repeat (page numbers too)."""
    if len(paged) < 2:
        return

    def key(para: Paragraph) -> str | None:
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
