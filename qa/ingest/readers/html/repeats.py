"""Paragraphs trafilatura drops for repeating one it kept, put back where the page has them.

Job: `recover_repeats`: a paragraph written twice in a row, or again further down, is in
the text as often and where the page has it, in the article's body only.

Not here: repeats outside the body (a teaser, a summary, a "most read" card), link lines
(`links` took them out).
"""
from __future__ import annotations

from collections import Counter

from .normalize import text_key
from .page import article_body, is_link_line, page_paragraphs

def recover_repeats(tree, paragraphs: list[str]) -> list[str]:
    """`paragraphs` with the repeats trafilatura dropped put back where the page has them.

    trafilatura drops a paragraph whose text is the one before it (over 50 characters) and,
    on pages it reads through its fallbacks, one whose text it kept anywhere before;
    `deduplicate=False` controls neither. The page's paragraphs whose text is an extracted
    one are walked in document order beside the extraction: one that repeats a paragraph
    already met is put back there. Only those in the article's body count: the elements
    holding a paragraph the page has once, so a teaser or summary elsewhere stays out.
    """
    keys = [text_key(p) for p in paragraphs]
    found = page_paragraphs(tree, set(keys))
    body = article_body(found)
    # A link line of the body is no repeat to put back: `drop_link_lines` took it out.
    found_keys = [key for element, key in found if element.getparent() in body and not is_link_line(element)]
    if not Counter(found_keys) - Counter(keys):
        return paragraphs  # the body has no paragraph more often than the extraction
    first: dict[str, str] = {}
    for key, paragraph in zip(keys, paragraphs):
        first.setdefault(key, paragraph)
    ahead = Counter(found_keys)  # the page's occurrences of each key from here on
    out: list[str] = []
    met: set[str] = set()
    done = anchor = 0  # paragraphs written out; the next one the page still has ahead
    for key in found_keys:
        anchor = max(anchor, done)
        while anchor < len(keys) and not ahead[keys[anchor]]:
            anchor += 1  # a paragraph the page does not show again (a table, a split block)
        if anchor < len(keys) and keys[anchor] == key:
            out.extend(paragraphs[done : anchor + 1])
            met.update(keys[done : anchor + 1])
            done = anchor + 1
        elif key in met:
            out.append(first[key])
        ahead[key] -= 1
    out.extend(paragraphs[done:])
    return out
