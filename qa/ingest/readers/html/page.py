"""The page's elements behind the extracted paragraphs, for the recoveries that look back at the page.

Job: the innermost text blocks of the page whose text is an extracted paragraph, each the
outermost element around that text (`page_paragraphs`); the elements holding the article's
body among them (`article_body`); whether an element is a link line (`is_link_line`).

Not here: changing the text (`links`, `headings`, `repeats` do, with these).
"""
from __future__ import annotations

from collections import Counter

from lxml import etree

from .normalize import text_key

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# A paragraph this much link (of its letters) is a link to another story ("Read also: ...").
LINK_SHARE = 0.8


# Elements of the page that can hold a paragraph (layout tables are <div>s by now; a data
# table's cells are not paragraphs of their own).
_TEXT_BLOCKS = frozenset(
    {"p", "div", "li", "dd", "dt", "blockquote", "pre", "figcaption", "section", "article", "aside",
     "nav", "header", "footer", "main", "form", *HEADINGS}
)


def page_paragraphs(tree, wanted: set[str]) -> list[tuple[etree._Element, str]]:
    """(element, key) of the page's innermost text blocks whose text is in `wanted`, in document
    order; each element the outermost around that text (a <blockquote> around a lone <p>)."""
    blocks = list(tree.iter(*_TEXT_BLOCKS))
    holders: set = set()  # ancestors of a block: not innermost
    for block in blocks:
        parent = block.getparent()
        while parent is not None and parent not in holders:
            holders.add(parent)
            parent = parent.getparent()
    out = []
    for block in blocks:
        if block in holders:
            continue
        key = text_key(block_text(block))
        if key not in wanted:
            continue
        while _alone(block):
            block = block.getparent()
        out.append((block, key))
    return out


def block_text(element) -> str:
    """An element's text, a `<br>` as a space (where trafilatura's paragraph has a line break)."""
    parts: list[str] = []
    for event, node in etree.iterwalk(element, events=("start", "end")):
        if event == "start" and isinstance(node.tag, str):
            parts.append(" " if node.tag == "br" else node.text or "")
        elif event == "end" and node is not element:
            parts.append(node.tail or "")
    return "".join(parts)


def _alone(element) -> bool:
    """Whether `element` holds all the text of its parent (below <body>)."""
    parent = element.getparent()
    if parent is None or parent.tag in {"body", "html"} or (parent.text or "").strip():
        return False
    for child in parent:
        if (child.tail or "").strip():
            return False
        if child is not element and any(piece.strip() for piece in child.itertext()):
            return False
    return True


def article_body(found: list[tuple[etree._Element, str]]) -> set:
    """The elements holding the article's body: those around a paragraph the page has once
    (a teaser, a summary or a "most read" card repeats one)."""
    on_page = Counter(key for _, key in found)
    return {element.getparent() for element, key in found if on_page[key] == 1}


def is_link_line(element) -> bool:
    """Whether LINK_SHARE or more of the letters of `element` are in links."""
    anchors = list(element.iter("a"))
    if not anchors:
        return False
    letters = len("".join(element.text_content().split()))
    linked = sum(len("".join(a.text_content().split())) for a in anchors)
    return bool(letters) and linked >= LINK_SHARE * letters
