"""Saved news pages (`.html`, `.htm`): the article's text and what the page says about it.

Job: decode the page from its bytes, find the article (trafilatura: no navigation, "most
read", ads, related links, comments, cookie banners or footer; no scripts or styles ever),
and return it as paragraphs separated by one blank line, the headline the first of them.
The text is final: nothing downstream changes it.

`read`, one module a step:
1. `limits`: a page over MAX_BYTES is refused unread;
2. `decoding`: the page's text from its bytes (a byte-order mark, strict UTF-8, the page's
   declaration where it does not lie, else detection on the text's bytes);
3. `parsing`: the text as a tree (no DTD, entity or network; flattened when nested deeper
   than libxml2 reads); `metadata` reads the language, author and date from it while its
   scripts are still there; then scripts and styles go, and `limits` refuses a page of too
   many elements or too much text;
4. `layout`: layout tables become <div>s, so their menus and sidebars are judged as on any page;
5. `placeholders`: the invisible characters trafilatura loses (ZWNJ, RLM, NBSP ...) kept
   through it;
6. `assembly`: trafilatura's extraction, read into paragraphs (headings, quotes, lists a
   line an item, tables a line a row, cells joined by " | ");
7. what trafilatura gets wrong, put right against the page: "read also" lines it keeps go
   (`links`), subheadings it drops on pages it reads through its fallbacks come back and
   headings it keeps above a box of links it dropped go (`headings`), paragraphs it drops for repeating one it kept come back (`repeats`);
8. the headline (og:title, the `<h1>`, or the `<title>` without the site's name) is put
   first unless one of the first TITLE_WITHIN paragraphs begins with it: trafilatura leaves
   out an `<h1>` above the body, and a headline not in the text cannot be retrieved.

Metadata: the title; published, author and language from the markup (`metadata`), else
trafilatura's date (markup only) and author, else the site's name for the author; the
canonical URL.

Not here: fetching pages, running their scripts (a page whose text a script loads has no
article text), and feeds or e-mail bodies in HTML (their readers use `archive.markup_text`).
"""
from __future__ import annotations

import re

from ....errors import UnreadableDocument
from ..base import Extracted, Metadata
from . import assembly, decoding, layout, limits, metadata, parsing
from .decoding import REPLACED
from .headings import drop_box_headings, recover_headings
from .limits import (
    MAX_BYTES,
    MAX_DEPTH,
    MAX_ELEMENTS,
    MAX_FLATTEN_CHARS,
    MAX_TEXT,
    NO_TEXT,
    TOO_DEEP,
    TOO_LARGE,
    TOO_MANY_ELEMENTS,
    TOO_MUCH_TEXT,
)
from .links import drop_link_lines
from .normalize import meta_text, split_paragraphs, text_key, tidy
from .placeholders import Placeholders
from .repeats import recover_repeats

__all__ = [
    "read", "MAX_BYTES", "MAX_DEPTH", "MAX_ELEMENTS", "MAX_FLATTEN_CHARS", "MAX_TEXT", "NO_TEXT",
    "REPLACED", "TITLE_WITHIN", "TOO_DEEP", "TOO_LARGE", "TOO_MANY_ELEMENTS", "TOO_MUCH_TEXT",
]

# The headline is put first unless one of the first TITLE_WITHIN paragraphs begins with it.
TITLE_WITHIN = 3
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def read(data: bytes, name: str) -> list[Extracted]:
    """The article of a saved page: one `Extracted`; `UnreadableDocument` when the page has no article text."""
    if len(data) > MAX_BYTES:
        raise UnreadableDocument(TOO_LARGE)
    text, codec, warning = decoding.decode(data)
    # Characters XML cannot hold (C0 controls but tab and newlines): lxml cannot set them
    # back into a tree, and they are no text of any article.
    text = _NOT_XML.sub(" ", text)
    tree = parsing.parse(text)
    language = metadata.language(tree)
    published = metadata.published(tree)
    byline = metadata.author(tree)
    parsing.strip_code(tree)
    limits.check(tree)
    layout.unwrap_layout_tables(tree)
    marks = Placeholders(text)
    marks.protect(tree)
    document = assembly.extract(tree)
    if document is None or document.body is None:
        raise UnreadableDocument(NO_TEXT)
    blocks = assembly.blocks(document.body)
    # Headings and loose words (a kicker, a date) alone are not an article: a section front,
    # an error page or a page whose text a script would have loaded.
    if not any(kind not in {"head", "loose"} and tidy(text) for kind, text in blocks):
        raise UnreadableDocument(NO_TEXT)
    paragraphs = [p for _, text in blocks for p in split_paragraphs(text)]
    paragraphs = drop_box_headings(tree, drop_link_lines(tree, paragraphs))
    paragraphs = recover_repeats(tree, recover_headings(tree, paragraphs))
    if not paragraphs:
        raise UnreadableDocument(NO_TEXT)
    paragraphs = [marks.restore(p) for p in paragraphs]
    title = tidy(meta_text(marks.restore(document.title or "")))
    # The headline leads the text unless trafilatura kept it at the top (after a kicker, say).
    if title and not any(text_key(p).startswith(text_key(title)) for p in paragraphs[:TITLE_WITHIN]):
        paragraphs.insert(0, title)
    author = byline or meta_text(marks.restore(document.author or "")) or meta_text(marks.restore(document.sitename or ""))
    meta = Metadata(
        title=title,
        published=published or (document.date or ""),
        author=author,
        url=meta_text(marks.restore(document.url or "")),
        language=language,
    )
    return [Extracted("\n\n".join(paragraphs), meta, encoding=f"html ({codec})", warning=warning)]
