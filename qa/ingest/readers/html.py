"""Saved news pages (`.html`, `.htm`): the article's text and what the page says about it.

Job: decode the page from its bytes, find the article (trafilatura: no navigation, "most
read", ads, related links, comments, cookie banners or footer; no scripts or styles ever),
and return it as paragraphs separated by one blank line, the headline the first of them.
The text is final: nothing downstream changes it.

Decoding, in this order:
1. a byte-order mark (UTF-8, UTF-16);
2. strict UTF-8: bytes that are valid UTF-8 and not ASCII are UTF-8 whatever the page
   declares (a page converted to UTF-8 keeps its old declaration more often than legacy
   bytes happen to be valid UTF-8, which Arabic in Windows-1256 practically never is);
3. the page's declaration in its first DECLARATION_WINDOW bytes (`<meta charset>`,
   `<meta http-equiv="Content-Type" content="...; charset=...">`, `<?xml encoding?>`),
   labels read as browsers read them (ISO-8859-1 and ASCII are Windows-1252). Passed over:
   a declaration of UTF-8 on bytes that are not UTF-8 (it lies); any legacy declaration on
   bytes that are UTF-8 but for a few bad ones; a Western one (Windows-1252) on bytes whose
   text reads as Arabic (the commonest lie of old Arabic pages: the server's default); one
   the bytes do not decode in;
4. detection: `documents.decode_bytes` on the bytes of the page's text (markup, scripts and
   styles left out, so they do not drown a short article): Windows-1256, ISO-8859-6,
   Windows-1252, or UTF-8 with a few bad bytes replaced (then `warning` says so).

Invisible characters: trafilatura deletes ZWNJ (U+200C) and RLM (U+200F) from its text
output and metadata and turns NBSP (U+00A0) into a space (in its XML too), so Persian
"می‌خواهد" came out as "میخواهد". Before extraction every ZWNJ, ZWJ, LRM, RLM, ALM and
narrow NBSP of the page's text and attributes, and every NBSP between two non-space
characters, is replaced by a printable placeholder the page does not contain (letters of
an ancient script), and put back afterwards. An NBSP next to a space or another NBSP is
layout (indentation, padding) and becomes an ordinary space, as other whitespace does.

Text: the paragraphs, headings, block quotes and lists of trafilatura's XML body, each a
paragraph (a list: one line an item); a `<br>` inside one is a line break, two end it; a
table is one paragraph of one line a row, cells joined by " | ". Around trafilatura:
- layout tables (old sites set the whole page in them) become <div>s before it, so their
  menus and sidebars are judged as on any page (`_unwrap_layout_tables`);
- subheadings it drops on pages it reads through its fallbacks come back when they sit
  between two paragraphs or data tables it kept, unless they title a box of links
  (`_recover_headings`);
- paragraphs it drops for repeating one it kept (written twice in a row, or again further
  down) come back where the page has them, in the article's body only (`_recover_repeats`);
- "read also" lines it keeps (a paragraph of the body that is a label and one link) go,
  each where the page writes it as a link line: the body's paragraph of the same words
  (a lead the "most read" list links to) stays (`_drop_link_lines`);
- the headline (its title: og:title, the `<h1>`, or the `<title>` without the site's name)
  is put first unless one of the first TITLE_WITHIN paragraphs begins with it: trafilatura
  leaves out an `<h1>` above the body, and a headline not in the text cannot be retrieved.

Metadata: title; published from `article:published_time`, `datePublished` (meta, JSON-LD,
`<time itemprop>`), the first `<time datetime>`, else trafilatura's date (markup only, no
guessing from the text), as precise as the page gives it; author from meta author,
`article:author` or JSON-LD as written (trafilatura cuts an Arabic "city - name" byline to
the city), else trafilatura's, else the site's name; the canonical URL; language from
`<html lang>`, `<meta http-equiv=content-language>` or `<meta name=language>`, else
og:locale's language.

Hostile pages: lxml's HTML parser loads no DTD, resolves no external entity and makes no
network access. A page nested deeper than MAX_DEPTH (libxml2 would silently drop what lies
past its limit) is flattened first: elements opened deeper are left out, their text kept.
Refused with a reason rather than read slowly: over MAX_BYTES, over MAX_ELEMENTS elements
or MAX_TEXT characters of text (scripts, styles and SVG not counted), nested too deep and
over MAX_FLATTEN_CHARS. tests/ingest/readers/test_html.py times a 5 MB page (0.4 s), 5 MB
of markup (refused, 0.7 s), 5 MB of text (3.4 s) and 10,000-deep nestings (0.1-0.3 s).
"""
from __future__ import annotations

import codecs
import json
import re
import unicodedata
from collections import Counter
from datetime import date, datetime
from html import escape as _escape
from html.parser import HTMLParser

import lxml.html
import trafilatura
from lxml import etree

from ...errors import UnreadableDocument
from ..documents import decode_bytes
from .base import Extracted, Metadata

# Refused beyond this (readers.FORMATS allows web pages as much). A saved news page is well
# under 2 MB; what makes a page slow is its elements and its text, capped below.
MAX_BYTES = 20 * 1024 * 1024
DECLARATION_WINDOW = 4096
# The headline is put first unless one of the first TITLE_WITHIN paragraphs begins with it.
TITLE_WITHIN = 3
# Deeper pages are flattened to this depth before parsing (libxml2 would drop what lies past
# its own limit), so nothing recursing over the tree (trafilatura, this module) goes deeper.
MAX_DEPTH = 200
# Elements trafilatura is given at most (scripts and styles not counted): about 4 s on this
# machine's kind; a news page has a few thousand.
MAX_ELEMENTS = 30_000
# Characters of text (outside scripts and styles) at most: trafilatura takes about 1 s a
# million; a news article has tens of thousands.
MAX_TEXT = 3_000_000
# Pages deeper than libxml2's limit are flattened (pure Python) up to this size, refused beyond.
MAX_FLATTEN_CHARS = 8_000_000
NO_TEXT = "no article text found in the page"
TOO_LARGE = f"page too large (over {MAX_BYTES // (1024 * 1024)} MB)"
TOO_MANY_ELEMENTS = f"page too large (over {MAX_ELEMENTS:,} elements)"
TOO_MUCH_TEXT = f"page too large (over {MAX_TEXT:,} characters of text)"
TOO_DEEP = f"page nested over {MAX_DEPTH} levels deep and too large to flatten"
REPLACED = "invalid UTF-8 bytes replaced by U+FFFD"

# Characters trafilatura drops or turns into spaces, kept through it by placeholders.
# ZWNJ, ZWJ, LRM, RLM, ALM (U+061C) and NARROW NBSP always; NBSP only between non-spaces.
_KEPT = "\u200c\u200d\u200e\u200f\u061c\u202f"
_NBSP = "\u00a0"
_GUARDED = _KEPT + _NBSP
# Placeholder alphabets: printable letters (trafilatura keeps them), unchanged by NFC, from
# scripts news pages do not use. The first whose letters the page does not contain is used.
_PLACEHOLDER_BASES = (0x10000, 0x10600, 0x12000, 0x13000, 0x16800)
_NBSP_INNER = re.compile(r"(?<=\S)\u00a0(?=\S)")

_DECLARED = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)|<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""",
    re.IGNORECASE,
)
# Labels browsers read differently from Python's codecs (WHATWG Encoding Standard).
_WHATWG = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "windows-1252": "cp1252",
    "x-cp1256": "cp1256",
    "utf-16": "utf-8",
    "utf-16le": "utf-8",
    "utf-16be": "utf-8",
}
_MULTIBYTE = re.compile("[^\x00-\x7f\ufffd]")
_ARABIC_CODECS = frozenset({"cp1256", "iso8859_6"})
_WESTERN_CODECS = frozenset({"cp1252", "iso8859_1", "latin_1", "ascii"})

_CODE = frozenset({"script", "style", "noscript", "template"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "param"})
_BLOCKS = frozenset({"p", "head", "quote", "code", "list", "table", "div", "section", "article"})
_SKIP = frozenset({"graphic", "note", "fw"})
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPACES = re.compile(r"[^\S\n]+")
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")
_WHITESPACE = re.compile(r"\s+")
_LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
_PARSER_OPTIONS = {
    "remove_comments": True,
    "remove_pis": True,
    "no_network": True,
    "collect_ids": False,
    "default_doctype": False,
    "huge_tree": True,
}


def read(data: bytes, name: str) -> list[Extracted]:
    """The article of a saved page: one `Extracted`; `UnreadableDocument` when the page has no article text."""
    if len(data) > MAX_BYTES:
        raise UnreadableDocument(TOO_LARGE)
    text, codec, warning = _decode(data)
    # Characters XML cannot hold (C0 controls but tab and newlines): lxml cannot set them
    # back into a tree, and they are no text of any article.
    text = _NOT_XML.sub(" ", text)
    tree = _parse(text)
    language = _language(tree)
    published = _published(tree)
    byline = _author(tree)
    _strip_code(tree)
    if sum(1 for _ in tree.iter()) > MAX_ELEMENTS:
        raise UnreadableDocument(TOO_MANY_ELEMENTS)
    if sum(len(piece) for piece in tree.itertext()) > MAX_TEXT:
        raise UnreadableDocument(TOO_MUCH_TEXT)
    _unwrap_layout_tables(tree)
    marks = _Placeholders(text)
    marks.protect(tree)
    document = trafilatura.bare_extraction(
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
    if document is None or document.body is None:
        raise UnreadableDocument(NO_TEXT)
    blocks = _paragraphs(document.body)
    # Headings and loose words (a kicker, a date) alone are not an article: a section front,
    # an error page or a page whose text a script would have loaded.
    if not any(kind not in {"head", "loose"} and _tidy(text) for kind, text in blocks):
        raise UnreadableDocument(NO_TEXT)
    paragraphs = [p for _, text in blocks for p in _split(text)]
    paragraphs = _recover_repeats(tree, _recover_headings(tree, _drop_link_lines(tree, paragraphs)))
    if not paragraphs:
        raise UnreadableDocument(NO_TEXT)
    paragraphs = [marks.restore(p) for p in paragraphs]
    title = _tidy(_meta_text(marks.restore(document.title or "")))
    # The headline leads the text unless trafilatura kept it at the top (after a kicker, say).
    if title and not any(_key(p).startswith(_key(title)) for p in paragraphs[:TITLE_WITHIN]):
        paragraphs.insert(0, title)
    author = byline or _meta_text(marks.restore(document.author or "")) or _meta_text(marks.restore(document.sitename or ""))
    meta = Metadata(
        title=title,
        published=published or (document.date or ""),
        author=author,
        url=_meta_text(marks.restore(document.url or "")),
        language=language,
    )
    return [Extracted("\n\n".join(paragraphs), meta, encoding=f"html ({codec})", warning=warning)]


# --- Decoding --------------------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, str, str]:
    """(text, codec name, warning) of the page's bytes; the module docstring gives the order."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        text, codec = decode_bytes(data)
        return text, codec, ""
    declared = _declared(data)
    if data.isascii():
        return data.decode("ascii"), declared or "utf-8", ""
    if b"\x00" in data:
        decode_bytes(data)  # raises: binary content
    try:
        return data.decode("utf-8"), "utf-8", ""
    except UnicodeDecodeError:
        pass
    if declared and declared != "utf-8" and not _nearly_utf8(data):
        try:
            text = data.decode(declared)
        except UnicodeDecodeError:
            pass
        else:
            if declared not in _WESTERN_CODECS:
                return text, declared, ""
            detected = _detect(data)
            if detected[1] not in _ARABIC_CODECS:
                return text, declared, ""
            return detected
    return _detect(data)


def _nearly_utf8(data: bytes) -> bool:
    """UTF-8 but for a few bad bytes (a truncated save): then a legacy declaration is stale.

    The rule of `decode_bytes`: at least two well-formed multi-byte characters per bad
    sequence, which Windows-1256 Arabic never has (docs/reliability.md)."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    return bad > 0 and len(_MULTIBYTE.findall(text)) >= 2 * bad


def _declared(data: bytes) -> str:
    """The codec the page declares (Python's name, read as browsers read the label), or ""."""
    match = _DECLARED.search(data[:DECLARATION_WINDOW])
    if not match:
        return ""
    label = (match.group(1) or match.group(2)).decode("ascii").strip().lower()
    label = _WHATWG.get(label, label)
    try:
        return codecs.lookup(label).name.replace("-", "_") if label not in {"utf-8", "utf8"} else "utf-8"
    except LookupError:
        return ""


def _detect(data: bytes) -> tuple[str, str, str]:
    """Decode by `decode_bytes`' reading of the page's text bytes (markup, scripts, styles left out)."""
    sample = _text_bytes(data)
    try:
        _, codec = decode_bytes(sample) if sample.strip() else decode_bytes(data)
    except UnreadableDocument:
        _, codec = decode_bytes(data)  # the markup's own bytes decide, or the reason is raised
    if codec.startswith("utf-8 ("):
        text = data.decode("utf-8", errors="replace")
        bad = text.count("\ufffd") - data.count("\ufffd".encode())
        return text, f"utf-8 ({bad} invalid byte{'s' if bad != 1 else ''} replaced)", REPLACED
    try:
        return data.decode(codec), codec, ""
    except UnicodeDecodeError:
        text, codec = decode_bytes(data)
        return text, codec, REPLACED if "replaced" in codec else ""


def _text_bytes(data: bytes) -> bytes:
    """The bytes of the page's text nodes outside scripts and styles (read losslessly as Latin-1)."""
    try:
        tree = lxml.html.document_fromstring(data.decode("latin-1"), parser=lxml.html.HTMLParser(**_PARSER_OPTIONS))
    except (etree.ParserError, ValueError):
        return data
    etree.strip_elements(tree, *_CODE, etree.Comment, with_tail=False)
    text = " ".join(tree.itertext())
    # Entities the parser resolved to characters beyond Latin-1 were never bytes of the page.
    return re.sub(r"\s+", " ", text).encode("latin-1", errors="ignore")


# --- Parsing and placeholders ----------------------------------------------------------------


def _parse(text: str):
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
    parser = lxml.html.HTMLParser(**_PARSER_OPTIONS)
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


_LAYOUT_BLOCKS = frozenset(
    {"p", "div", "table", "ul", "ol", "dl", "form", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
     "article", "section", "aside", "nav", "header", "footer", "main", "iframe", "marquee"}
)
_TABLE_PARTS = frozenset({"table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption"})


def _unwrap_layout_tables(tree) -> None:
    """Layout tables become <div>s: cells holding paragraphs, divisions, tables, lists or
    forms, a single column (a box of links or comments), or role="presentation".

    Old sites set the whole page, navigation and footer included, in one table; trafilatura
    takes a table for content whole. As <div>s, its menus, sidebars and footer are judged as
    they are on any other page. Data tables (rows of text cells) stay tables.
    """
    layout = [table for table in tree.iter("table") if _is_layout_table(table)]
    for table in layout:
        for element in [table, *table.iter(*_TABLE_PARTS)]:
            if element is table or _nearest_table(element) is table:
                element.tag = "div"


def _is_layout_table(table) -> bool:
    if (table.get("role") or "").strip().lower() in {"presentation", "none"}:
        return True
    widest = 0
    for row in table.iter("tr"):
        if _nearest_table(row) is not table:
            continue
        cells = [cell for cell in row if isinstance(cell.tag, str) and cell.tag in {"td", "th"}]
        widest = max(widest, len(cells))
        for cell in cells:
            if any(isinstance(child.tag, str) and child.tag in _LAYOUT_BLOCKS for child in cell.iter() if child is not cell):
                return True
    # One column: a box of links or comments set as a table, not rows of data.
    return widest <= 1


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
        if tag in _CODE:
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
            if open_tag in _CODE:
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


def _strip_code(tree) -> None:
    """Scripts, styles and what only scripts show are never text, whatever trafilatura makes of them."""
    etree.strip_elements(tree, *_CODE, "svg", with_tail=False)


class _Placeholders:
    """Swaps the characters trafilatura loses for letters it keeps, and back."""

    def __init__(self, page: str) -> None:
        for base in _PLACEHOLDER_BASES:
            letters = [chr(base + i) for i in range(len(_GUARDED))]
            if not any(letter in page for letter in letters):
                break
        else:  # pragma: no cover - a page holding five ancient scripts
            letters = []
        self._to = {ord(ch): letter for ch, letter in zip(_GUARDED, letters)}
        self._back = {ord(letter): ch for ch, letter in zip(_GUARDED, letters)}
        self._nbsp = self._to.get(ord(_NBSP), _NBSP)
        self._kept = {ord(ch): self._to[ord(ch)] for ch in _KEPT} if letters else {}

    def _swap(self, value: str) -> str:
        if not any(ch in value for ch in _GUARDED):
            return value
        return _NBSP_INNER.sub(self._nbsp, value.translate(self._kept))

    def protect(self, tree) -> None:
        for element in tree.iter():
            if element.text:
                element.text = self._swap(element.text)
            if element.tail:
                element.tail = self._swap(element.tail)
            if isinstance(element.tag, str):
                for key, value in element.attrib.items():
                    if any(ch in value for ch in _GUARDED):
                        element.set(key, self._swap(value))

    def restore(self, text: str) -> str:
        return text.translate(self._back) if self._back else text


# --- Text --------------------------------------------------------------------------------------


def _paragraphs(body) -> list[tuple[str, str]]:
    """(kind, text) of each block of trafilatura's XML body, in document order."""
    out: list[tuple[str, str]] = []
    _children(body, out)
    return out


def _children(element, out: list[tuple[str, str]]) -> None:
    if element.text and element.text.strip():
        out.append(("loose", _flat(element.text)))
    for child in element:
        _block(child, out)
        if child.tail and child.tail.strip():
            out.append(("loose", _flat(child.tail)))


def _has_blocks(element) -> bool:
    return any(isinstance(child.tag, str) and child.tag in _BLOCKS for child in element)


def _block(element, out: list[tuple[str, str]]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _SKIP or not tag:
        return
    if tag == "table" and any(_has_blocks(cell) for cell in element.iter("cell")):
        # A layout table (old sites set whole pages in them): its cells' paragraphs, in order.
        for row in element.iter("row"):
            if _nearest_table(row) is not element:
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
            cells = [_tidy(_inline(cell)).replace("\n", " ") for cell in row if isinstance(cell.tag, str) and cell.tag == "cell"]
            while cells and not cells[-1]:  # trafilatura pads a caption row with empty cells
                cells.pop()
            if cells:
                rows.append(" | ".join(cells))
        if rows:
            out.append(("table", "\n".join(rows)))
        return
    if tag == "list":
        items = [_tidy(_inline(item)) for item in element if isinstance(item.tag, str) and item.tag == "item"]
        items = [item for item in items if item]
        if items:
            out.append(("list", "\n".join(items)))
        return
    if _has_blocks(element):
        _children(element, out)  # a quote or division holding paragraphs: each of them
        return
    out.append((tag, _inline(element)))


# A paragraph this much link (of its letters) is a link to another story ("Read also: ...").
LINK_SHARE = 0.8
_LINK_BLOCKS = frozenset({"p", "div", "li", "dd", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"})


def _drop_link_lines(tree, paragraphs: list[str]) -> list[str]:
    """`paragraphs` without the occurrences the page writes as one link with a label ("اقرأ أيضا: <a>...").

    trafilatura keeps such a line when it is a paragraph of the article's body (an <aside>
    or a list of links it drops itself). Decided per occurrence by its element on the page,
    since the words of a link line can also be a paragraph: a "most read" list linking to
    this story by its lead. The extraction's occurrences of a text are the page's in the
    article's body, in order (trafilatura keeps the body); a text the body does not have
    stays when the page has it anywhere as plain text.
    """
    keys = [_key(p) for p in paragraphs]
    linked = _linked_keys(tree, set(keys))
    if not linked:
        return paragraphs
    found = _page_paragraphs(tree, set(keys))
    lines = {element for element, key in found if key in linked and _is_link_line(element)}
    body = _body(found)
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
        key = _key(_flat(block.text_content()))
        if key in wanted and _is_link_line(block):
            linked.add(key)
    return linked


def _is_link_line(element) -> bool:
    """Whether LINK_SHARE or more of the letters of `element` are in links."""
    anchors = list(element.iter("a"))
    if not anchors:
        return False
    letters = len("".join(element.text_content().split()))
    linked = sum(len("".join(a.text_content().split())) for a in anchors)
    return bool(letters) and linked >= LINK_SHARE * letters


def _body(found: list[tuple[etree._Element, str]]) -> set:
    """The elements holding the article's body: those around a paragraph the page has once
    (a teaser, a summary or a "most read" card repeats one)."""
    on_page = Counter(key for _, key in found)
    return {element.getparent() for element, key in found if on_page[key] == 1}


_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# How far from a heading its neighbouring paragraphs may be (an ad slot or an image between).
_HEADING_REACH = 4
_CELL_SEPARATORS = re.compile(r"[\s|]+")


def _recover_headings(tree, paragraphs: list[str]) -> list[str]:
    """`paragraphs` with the page's subheadings that trafilatura dropped put back.

    trafilatura keeps the headings of a container it recognizes (an `<article>`, a class like
    "article-body"), but on a page it reads through its fallbacks (plain <div>s, layout
    tables) it keeps the paragraphs and loses the headings between them. A heading is put
    back only between two paragraphs that follow each other in the text and are its
    neighbours on the page (siblings, at most _HEADING_REACH elements away); a data table
    (the text has it as rows) is a neighbour as a paragraph is. A heading whose next
    sibling is a box of links ("Related", "Most read") titles that box and stays out.
    """
    if len(paragraphs) < 2:
        return paragraphs
    index: dict[str, int] = {}
    tables: dict[str, int] = {}
    for n, paragraph in enumerate(paragraphs):
        index.setdefault(_key(paragraph), n)
        tables.setdefault(_cells_key(paragraph), n)
    inserts: dict[int, list[str]] = {}
    for heading in tree.iter(*_HEADINGS):
        text = _tidy(_flat(heading.text_content()))
        if not text or _key(text) in index:
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
        if sibling.tag in _HEADINGS:
            continue  # a run of headings (h2 then h3) goes back together
        text = sibling.text_content()
        found = index.get(_key(_tidy(_flat(text))))
        if found is None and (sibling.tag == "table" or sibling.find(".//table") is not None):
            found = tables.get(_cells_key(text))
        if found is not None:
            return found
        if not backwards and _is_link_box(sibling):
            return None
    return None


def _cells_key(text: str) -> str:
    """A table's text without the separators: the page's cells run together (`text_content`)
    and the extraction's rows (cells joined by " | ", a line a row) compare equal."""
    return _CELL_SEPARATORS.sub("", _key(text))


def _is_link_box(element) -> bool:
    """Whether `element` is a box of links (two or more, LINK_SHARE of its letters): what a
    heading just above it titles ("Related", "Most read"), not the article."""
    return sum(1 for _ in element.iter("a")) >= 2 and _is_link_line(element)


# Elements of the page that can hold a paragraph (layout tables are <div>s by now; a data
# table's cells are not paragraphs of their own).
_TEXT_BLOCKS = frozenset(
    {"p", "div", "li", "dd", "dt", "blockquote", "pre", "figcaption", "section", "article", "aside",
     "nav", "header", "footer", "main", "form", *_HEADINGS}
)


def _recover_repeats(tree, paragraphs: list[str]) -> list[str]:
    """`paragraphs` with the repeats trafilatura dropped put back where the page has them.

    trafilatura drops a paragraph whose text is the one before it (over 50 characters) and,
    on pages it reads through its fallbacks, one whose text it kept anywhere before;
    `deduplicate=False` controls neither. The page's paragraphs whose text is an extracted
    one are walked in document order beside the extraction: one that repeats a paragraph
    already met is put back there. Only those in the article's body count: the elements
    holding a paragraph the page has once, so a teaser or summary elsewhere stays out.
    """
    keys = [_key(p) for p in paragraphs]
    found = _page_paragraphs(tree, set(keys))
    body = _body(found)
    # A link line of the body is no repeat to put back: `_drop_link_lines` took it out.
    found_keys = [key for element, key in found if element.getparent() in body and not _is_link_line(element)]
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


def _page_paragraphs(tree, wanted: set[str]) -> list[tuple[etree._Element, str]]:
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
        key = _key(_block_text(block))
        if key not in wanted:
            continue
        while _alone(block):
            block = block.getparent()
        out.append((block, key))
    return out


def _block_text(element) -> str:
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


def _nearest_table(element):
    parent = element.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def _split(text: str) -> list[str]:
    """A block's paragraphs: two line breaks in a row (`<br><br>`) end one; spaces tidied."""
    return [p for p in (_tidy(part) for part in _PARAGRAPH_BREAK.split(text)) if p]


def _inline(element) -> str:
    """An element's text on one line but where a `<lb/>` breaks it; images and notes left out."""
    parts: list[str] = [_flat(element.text)]
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "lb":
            parts.append("\n")
        elif tag and tag not in _SKIP:
            parts.append(_inline(child))
        parts.append(_flat(child.tail))
    return "".join(parts)


def _flat(text: str | None) -> str:
    """Source whitespace, newlines included, as single spaces (only `<br>` breaks a line)."""
    return _WHITESPACE.sub(" ", text) if text else ""


def _tidy(text: str) -> str:
    """Spaces as one, no space at a line's ends, no empty line (NBSP and marks are placeholders here or restored)."""
    lines = (_SPACES.sub(" ", line).strip(" ") for line in text.replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line.strip())


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _meta_text(value: str) -> str:
    """A metadata value on one line, NBSP as a space (marks such as ZWNJ are kept)."""
    return " ".join(value.replace(_NBSP, " ").split())


# --- Metadata ----------------------------------------------------------------------------------


def _language(tree) -> str:
    candidates = [tree.get("lang"), tree.get("{http://www.w3.org/XML/1998/namespace}lang"), tree.get("xml:lang")]
    for meta in tree.iter("meta"):
        key = (meta.get("http-equiv") or meta.get("name") or "").strip().lower()
        if key in {"content-language", "language", "dc.language"}:
            candidates.append(meta.get("content"))
    for candidate in candidates:
        tag = _bcp47((candidate or "").split(",")[0].strip())
        if tag:
            return tag
    # og:locale is Facebook's list ("ar_AR" for any Arabic): its language only.
    for meta in tree.iter("meta"):
        if (meta.get("property") or "").strip().lower() == "og:locale":
            tag = _bcp47((meta.get("content") or "").strip())
            if tag:
                return tag.split("-")[0]
    return ""


def _bcp47(value: str) -> str:
    value = value.replace("_", "-")
    if not _LANG_TAG.match(value):
        return ""
    parts = value.split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 2 and part.isalpha():
            out.append(part.upper())
        elif len(part) == 4 and part.isalpha():
            out.append(part.title())
        else:
            out.append(part.lower())
    return "-".join(out)


_BYLINE_PREFIX = re.compile(r"^(?:by|بقلم|كتب)\s*:?\s+", re.IGNORECASE)


def _author(tree) -> str:
    """The author the page's markup names (meta author, article:author, JSON-LD), as written, or ""."""
    candidates = []
    for meta in tree.iter("meta"):
        key = (meta.get("name") or meta.get("property") or "").strip().lower()
        if key in {"author", "article:author", "dc.creator"}:
            candidates.append(meta.get("content") or "")
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() == "application/ld+json":
            candidates.extend(_jsonld_values(script.text or "", "author"))
    for candidate in candidates:
        value = _BYLINE_PREFIX.sub("", _meta_text(candidate))
        if value and not re.match(r"^(?:https?:)?//", value):
            return value
    return ""


_PUBLISHED_META = (
    ("property", "article:published_time"),
    ("itemprop", "datepublished"),
    ("name", "article:published_time"),
    ("name", "pubdate"),
    ("name", "publishdate"),
    ("name", "dc.date.issued"),
    ("name", "date"),
)


def _published(tree) -> str:
    """The publication date or date-time the page's markup gives, as it gives it (ISO 8601), or ""."""
    metas = list(tree.iter("meta"))
    for attribute, wanted in _PUBLISHED_META:
        for meta in metas:
            if (meta.get(attribute) or "").strip().lower() == wanted:
                value = _iso(meta.get("content") or "")
                if value:
                    return value
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() == "application/ld+json":
            value = _jsonld_published(script.text or "")
            if value:
                return value
    times = list(tree.iter("time"))
    for element in times:
        if (element.get("itemprop") or "").lower() == "datepublished" or element.get("pubdate") is not None:
            value = _iso(element.get("datetime") or "")
            if value:
                return value
    for element in times:
        value = _iso(element.get("datetime") or "")
        if value:
            return value
    return ""


def _jsonld_published(source: str) -> str:
    return next((v for v in map(_iso, _jsonld_values(source, "datePublished")) if v), "")


def _jsonld_values(source: str, key: str) -> list[str]:
    """The strings of `key` in a JSON-LD block (objects, lists, `@graph`), a person's or
    organization's `name` for an object, in document order; [] when it is not JSON."""
    if len(source) > 200_000:
        return []
    try:
        data = json.loads(source)
    except (ValueError, RecursionError):
        return []
    found: list[str] = []
    queue, visited = [data], 0
    while queue and visited < 10_000:
        node = queue.pop(0)
        visited += 1
        if isinstance(node, dict):
            value = node.get(key)
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str):
                    found.append(item)
                elif isinstance(item, dict) and isinstance(item.get("name"), str):
                    found.append(item["name"])
            queue.extend(v for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            queue.extend(v for v in node if isinstance(v, (dict, list)))
    return found


def _iso(value: str) -> str:
    """`value` when it is an ISO 8601 date or date-time, else ""."""
    value = value.strip()
    if not value or len(value) > 40:
        return ""
    try:
        if len(value) == 10:
            date.fromisoformat(value)
        else:
            datetime.fromisoformat(value.replace("Z", "+00:00") if value.endswith("Z") else value)
    except ValueError:
        return ""
    return value
