"""The document's text from its pages' paragraphs, and the offset at which each page starts.

Paragraphs are separated by a blank line and a paragraph's lines joined by a space; a
paragraph that runs on over a page or column break stays one. The paragraphs' text is
`logical`'s.
"""
from __future__ import annotations

import re

from .lines import FLUSH_TOLERANCE, Line
from .paragraphs import Paragraph

_OPEN = "([{«‹"


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


def _continues(para: Paragraph, page_lines: list[Line], following: Paragraph | None) -> bool:
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


def _column_lines(paras: list[Paragraph], column: int) -> list[Line]:
    return [line for para in paras if para.column == column for line in para.lines]


def assemble(paged: list[list[Paragraph]]) -> tuple[str, list[int]]:
    """The document's text and the offset at which each page's text starts."""
    text = ""
    starts: list[int | None] = []
    last_page: list[Paragraph] = []  # the paragraphs of the last page that had text
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
