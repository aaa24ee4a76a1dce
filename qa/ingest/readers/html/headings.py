"""Subheadings trafilatura gets wrong: dropped on pages it reads through its fallbacks, kept above a box of links.

Job: `recover_headings`: a heading of the page comes back between two paragraphs or data
tables it kept that are its neighbours on the page, unless it titles a box of links.
`drop_box_headings`: a heading it kept goes when it titles a box of links it dropped.

Not here: the other headings of a container trafilatura recognizes (it keeps them itself),
the headline (`read` puts it first), the boxes of links themselves (trafilatura drops them).
"""
from __future__ import annotations

import re

from .normalize import flat, text_key, tidy
from .page import HEADINGS, is_link_line

# How far from a heading its neighbouring paragraphs may be (an ad slot or an image between).
_HEADING_REACH = 4
_CELL_SEPARATORS = re.compile(r"[\s|]+")


def recover_headings(tree, paragraphs: list[str]) -> list[str]:
    """`paragraphs` with the page's subheadings that trafilatura dropped put back.

    trafilatura keeps the headings of a container it recognizes (an `<article>`, a class like
    "article-body"), but on a page it reads through its fallbacks (plain <div>s, layout
    tables) it keeps the paragraphs and loses the headings between them. A heading is put
    back only between two paragraphs that follow each other in the text and are its
    neighbours on the page (siblings, at most _HEADING_REACH elements away); a data table
    (the text has it as rows) is a neighbour as a paragraph is. A heading with a box of
    links ("Related", "Most read") between it and the paragraph it would sit before, within
    the same reach, titles that box and stays out.
    """
    if len(paragraphs) < 2:
        return paragraphs
    index: dict[str, int] = {}
    tables: dict[str, int] = {}
    for n, paragraph in enumerate(paragraphs):
        index.setdefault(text_key(paragraph), n)
        tables.setdefault(_cells_key(paragraph), n)
    inserts: dict[int, list[str]] = {}
    for heading in tree.iter(*HEADINGS):
        text = tidy(flat(heading.text_content()))
        if not text or text_key(text) in index:
            continue
        before = _neighbour(heading, index, tables, backwards=True)
        after = _neighbour(heading, index, tables, backwards=False)
        if before is not None and after == before + 1:
            inserts.setdefault(after, []).append(text)
    if not inserts:
        return paragraphs
    out: list[str] = []
    for n, paragraph in enumerate(paragraphs):
        out.extend(inserts.get(n, []))
        out.append(paragraph)
    return out


def drop_box_headings(tree, paragraphs: list[str]) -> list[str]:
    """`paragraphs` without the headings that title a box of links trafilatura dropped.

    In a container trafilatura recognizes (a class like "content", which a layout table's
    cell often has) it keeps every heading, and drops the list of links under a "Related"
    heading while keeping the heading itself. Such a heading titles that box, not the
    article: its next sibling on the page is a box of links none of whose links the text
    has. A heading of the same words elsewhere on the page that titles no such box stays.
    """
    keys = {text_key(p) for p in paragraphs}
    lines = {text_key(line) for p in paragraphs for line in p.split("\n")}
    titles_box: set[str] = set()
    titles_text: set[str] = set()
    for heading in tree.iter(*HEADINGS):
        key = text_key(tidy(flat(heading.text_content())))
        if key not in keys:
            continue
        box = heading.getnext()
        while box is not None and not isinstance(box.tag, str):
            box = box.getnext()
        dropped = box is not None and _is_link_box(box) and not any(
            text_key(tidy(flat(a.text_content()))) in lines for a in box.iter("a")
        )
        (titles_box if dropped else titles_text).add(key)
    gone = titles_box - titles_text
    return [p for p in paragraphs if text_key(p) not in gone] if gone else paragraphs


def _neighbour(heading, index: dict[str, int], tables: dict[str, int], backwards: bool) -> int | None:
    """The text position of the nearest sibling of `heading` that is an extracted paragraph
    or data table (`tables`: positions by `_cells_key`); None past a box of links after it."""
    sibling = heading
    for _ in range(_HEADING_REACH):
        sibling = sibling.getprevious() if backwards else sibling.getnext()
        if sibling is None:
            return None
        if not isinstance(sibling.tag, str):
            continue
        if sibling.tag in HEADINGS:
            continue  # a run of headings (h2 then h3) goes back together
        text = sibling.text_content()
        found = index.get(text_key(tidy(flat(text))))
        if found is None and (sibling.tag == "table" or sibling.find(".//table") is not None):
            found = tables.get(_cells_key(text))
        if found is not None:
            return found
        if not backwards and _is_link_box(sibling):
            return None
    return None


def _cells_key(text: str) -> str:
    """A table's text without the separators: the page's cells run together (`text_content`)
    and the extraction's rows (cells joined by " | ", a line a row) compare equal.

    >>> _cells_key("الدولة | الموقف\\nروسيا | تدعو") == _cells_key("الدولةالموقف روسياتدعو")
    True
    """
    return _CELL_SEPARATORS.sub("", text_key(text))


def _is_link_box(element) -> bool:
    """Whether `element` is a box of links (two or more, LINK_SHARE of its letters): what a
    heading just above it titles ("Related", "Most read"), not the article."""
    return sum(1 for _ in element.iter("a")) >= 2 and is_link_line(element)
