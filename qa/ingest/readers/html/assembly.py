"""The article as trafilatura finds it: its extraction of the page, read into blocks of text.

Job: `extract(tree)` runs trafilatura on the prepared tree (no comments, images, links or
formatting; tables kept; no deduplication; precision favoured; the date from the markup
only, no guessing from the text). `blocks(body)` reads its XML body into (kind, text) in
document order: paragraphs, headings and block quotes, each a block; a list a block of one
line an item; a `<br>` inside one a line break, two ending a paragraph (`split_paragraphs`
splits there); a table one block of one line a row, cells joined by " | "; a layout table
trafilatura kept whole, its cells' paragraphs in order.

Not here: what trafilatura drops or keeps wrongly, put right afterwards against the page
(`links`, `headings`, `repeats`), and the headline (`read`).
"""
from __future__ import annotations

import trafilatura

from .layout import nearest_table
from .normalize import flat, tidy

_BLOCKS = frozenset({"p", "head", "quote", "code", "list", "table", "div", "section", "article"})
_SKIP = frozenset({"graphic", "note", "fw"})


def extract(tree):
    """trafilatura's document for the prepared page (body and metadata), or None."""
    return trafilatura.bare_extraction(
        tree,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        include_formatting=False,
        deduplicate=False,
        favor_precision=True,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )


def blocks(body) -> list[tuple[str, str]]:
    """(kind, text) of each block of trafilatura's XML body, in document order."""
    out: list[tuple[str, str]] = []
    _children(body, out)
    return out


def _children(element, out: list[tuple[str, str]]) -> None:
    if element.text and element.text.strip():
        out.append(("loose", flat(element.text)))
    for child in element:
        _block(child, out)
        if child.tail and child.tail.strip():
            out.append(("loose", flat(child.tail)))


def _has_blocks(element) -> bool:
    return any(isinstance(child.tag, str) and child.tag in _BLOCKS for child in element)


def _block(element, out: list[tuple[str, str]]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _SKIP or not tag:
        return
    if tag == "table" and any(_has_blocks(cell) for cell in element.iter("cell")):
        # A layout table (old sites set whole pages in them): its cells' paragraphs, in order.
        for row in element.iter("row"):
            if nearest_table(row) is not element:
                continue
            for cell in row:
                if not (isinstance(cell.tag, str) and cell.tag == "cell"):
                    continue
                if _has_blocks(cell):
                    _children(cell, out)
                elif _inline(cell).strip():
                    out.append(("loose", _inline(cell)))
        return
    if tag == "table":
        rows = []
        for row in element.iter("row"):
            cells = [tidy(_inline(cell)).replace("\n", " ") for cell in row if isinstance(cell.tag, str) and cell.tag == "cell"]
            while cells and not cells[-1]:  # trafilatura pads a caption row with empty cells
                cells.pop()
            if cells:
                rows.append(" | ".join(cells))
        if rows:
            out.append(("table", "\n".join(rows)))
        return
    if tag == "list":
        items = [tidy(_inline(item)) for item in element if isinstance(item.tag, str) and item.tag == "item"]
        items = [item for item in items if item]
        if items:
            out.append(("list", "\n".join(items)))
        return
    if _has_blocks(element):
        _children(element, out)  # a quote or division holding paragraphs: each of them
        return
    out.append((tag, _inline(element)))


def _inline(element) -> str:
    """An element's text on one line but where a `<lb/>` breaks it; images and notes left out."""
    parts: list[str] = [flat(element.text)]
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "lb":
            parts.append("\n")
        elif tag and tag not in _SKIP:
            parts.append(_inline(child))
        parts.append(flat(child.tail))
    return "".join(parts)
