"""Link lines ("read also: ...") trafilatura keeps in the article's body, taken out.

Job: `drop_link_lines`: a paragraph of the body that is a label and one link ("اقرأ أيضا:
<a>...") goes, each occurrence where the page writes it as a link line; the body's
paragraph of the same words (a lead the "most read" list links to) stays.

Not here: links inside sentences (a paragraph under LINK_SHARE links stays whole), boxes
of links trafilatura drops itself (an <aside>, a list of links).
"""
from __future__ import annotations

from collections import Counter

from .normalize import flat, text_key
from .page import article_body, block_text, is_link_line, page_paragraphs

_LINK_BLOCKS = frozenset({"p", "div", "li", "dd", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"})


def drop_link_lines(tree, paragraphs: list[str]) -> list[str]:
    """`paragraphs` without the occurrences the page writes as one link with a label ("اقرأ أيضا: <a>...").

    trafilatura keeps such a line when it is a paragraph of the article's body (an <aside>
    or a list of links it drops itself). Decided per occurrence by its element on the page,
    since the words of a link line can also be a paragraph: a "most read" list linking to
    this story by its lead. The extraction's occurrences of a text are the page's in the
    article's body, in order (trafilatura keeps the body); a text the body does not have
    stays when the page has it anywhere as plain text.
    """
    keys = [text_key(p) for p in paragraphs]
    linked = _linked_keys(tree, set(keys))
    if not linked:
        return paragraphs
    found = page_paragraphs(tree, set(keys))
    lines = {element for element, key in found if key in linked and is_link_line(element)}
    body = article_body(found)
    in_body: dict[str, list] = {}
    plain: set[str] = set()
    for element, key in found:
        if key not in linked:
            continue
        if element.getparent() in body:
            in_body.setdefault(key, []).append(element)
        if element not in lines:
            plain.add(key)
    out: list[str] = []
    met: Counter[str] = Counter()
    for key, paragraph in zip(keys, paragraphs):
        if key in linked:
            places = in_body.get(key)
            if places:
                element = places[min(met[key], len(places) - 1)]
                met[key] += 1
                if element in lines:
                    continue
            elif key not in plain:
                continue
        out.append(paragraph)
    return out


def _linked_keys(tree, wanted: set[str]) -> set[str]:
    """The texts in `wanted` the page writes as a link line somewhere: found from the links,
    each in the nearest block around it."""
    linked: set[str] = set()
    seen: set = set()
    for anchor in tree.iter("a"):
        block = anchor.getparent()
        while block is not None and block.tag not in _LINK_BLOCKS:
            block = block.getparent()
        if block is None or block in seen:
            continue
        seen.add(block)
        key = text_key(flat(block_text(block)))
        if key in wanted and is_link_line(block):
            linked.add(key)
    return linked
