"""A page's text as an lxml tree that nothing recursing over it can overflow, and its code taken out.

Job: `parse(text)` with lxml's HTML parser, which loads no DTD, resolves no external entity
and makes no network access. A page nested deeper than MAX_DEPTH (libxml2 would silently
drop what lies past its limit) is flattened first: elements opened deeper are left out,
their text kept. `strip_code(tree)`: scripts, styles, SVG and what only scripts show.

Not here: decoding bytes (`decoding`), the other size limits (`limits`), layout tables (`layout`).
"""
from __future__ import annotations

import re
from collections import Counter
from html import escape as _escape
from html.parser import HTMLParser

import lxml.html
from lxml import etree

from ....errors import UnreadableDocument
from .limits import MAX_DEPTH, MAX_FLATTEN_CHARS, NO_TEXT, TOO_DEEP, TOO_LARGE

CODE = frozenset({"script", "style", "noscript", "template"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "param"})
PARSER_OPTIONS = {
    "remove_comments": True,
    "remove_pis": True,
    "no_network": True,
    "collect_ids": False,
    "default_doctype": False,
    "huge_tree": True,
}


def parse(text: str):
    """The page as an lxml tree, flattened first when it nests deeper than MAX_DEPTH."""
    # An XML declaration with an encoding makes lxml refuse a str: it was read already.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1)
    tree, too_deep = _lxml(text)
    if too_deep:
        if len(text) > MAX_FLATTEN_CHARS:
            raise UnreadableDocument(TOO_DEEP)
        tree, too_deep = _lxml(_flatten(text))
    if tree is None or too_deep:
        raise UnreadableDocument(NO_TEXT)
    return tree


def _lxml(text: str):
    """(tree or None, whether it nests deeper than MAX_DEPTH).

    `huge_tree`: without it libxml2 silently drops the rest of a page after a text node,
    comment or attribute over 10 MB, or past depth 256; with it, past depth 2048 (reported,
    and caught here). No DTD is loaded and no entity is resolved by the HTML parser either way.
    """
    parser = lxml.html.HTMLParser(**PARSER_OPTIONS)
    try:
        tree = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError):
        return None, False
    for error in parser.error_log:
        if error.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT:
            if "depth" in error.message.lower():
                return tree, True
            raise UnreadableDocument(TOO_LARGE)
    return tree, _deeper_than(tree, MAX_DEPTH)


def _deeper_than(tree, limit: int) -> bool:
    depth = 0
    for event, _ in etree.iterwalk(tree, events=("start", "end")):
        if event == "start":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


class _Flattener(HTMLParser):
    """Writes a page back with the elements opened past MAX_DEPTH (less a margin) left out, their text kept.

    Past the limit only `<p>` and `<br>` are written (libxml2 closes a `<p>` when the next
    one opens, so they do not nest); scripts, styles and comments are dropped everywhere.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, written)
        self.open: Counter[str] = Counter()  # tags on the stack (an end tag of none is dropped)
        self.code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in CODE:
            self.code += 1
            self._push(tag, False)
            return
        # A margin below MAX_DEPTH: the parser adds elements the page left out (html, body, tbody).
        written = len(self.stack) < MAX_DEPTH - 8 or tag in {"p", "br"}
        if written:
            attributes = "".join(f' {k}="{_escape(v or "", quote=True)}"' for k, v in attrs)
            self.out.append(f"<{tag}{attributes}>")
        if tag not in _VOID:
            self._push(tag, written)

    def _push(self, tag: str, written: bool) -> None:
        self.stack.append((tag, written))
        self.open[tag] += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open[tag]:
            return
        while self.stack:
            open_tag, written = self.stack.pop()
            self.open[open_tag] -= 1
            if open_tag in CODE:
                self.code -= 1
            elif written:
                self.out.append(f"</{open_tag}>")
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.code:
            self.out.append(_escape(data, quote=False))

    def handle_decl(self, decl: str) -> None:
        if decl.lower().startswith("doctype html"):
            self.out.append(f"<!{decl}>")


def _flatten(text: str) -> str:
    flattener = _Flattener()
    flattener.feed(text)
    flattener.close()
    return "".join(flattener.out)


def strip_code(tree) -> None:
    """Scripts, styles and what only scripts show are never text, whatever trafilatura makes of them."""
    etree.strip_elements(tree, *CODE, "svg", with_tail=False)
