"""The sizes a saved page may have, and the reasons a page is refused.

Job: refuse with a reason rather than read slowly: a page over MAX_BYTES, over MAX_ELEMENTS
elements or MAX_TEXT characters of text (scripts, styles and SVG not counted: `check`),
nested deeper than MAX_DEPTH and over MAX_FLATTEN_CHARS (`parsing` flattens one within it);
and the reason for a page with no article text. tests/ingest/readers/test_html.py reads a
5 MB page, 5 MB of markup (refused), 5 MB of text and 10,000-deep nestings within the
time bounds it states (docs/reliability.md quotes those of the markup and the nestings).

Not here: parsing or flattening a page (`parsing`), finding its article.
"""
from __future__ import annotations

from ....errors import UnreadableDocument

# Refused beyond this (readers.FORMATS allows web pages as much). A saved news page is well
# under 2 MB; what makes a page slow is its elements and its text, capped below.
MAX_BYTES = 20 * 1024 * 1024
# Deeper pages are flattened to this depth before parsing (libxml2 would drop what lies past
# its own limit), so nothing recursing over the tree (trafilatura, this reader) goes deeper.
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


def check(tree) -> None:
    """`UnreadableDocument` when the parsed page (scripts and styles stripped) has over
    MAX_ELEMENTS elements or MAX_TEXT characters of text."""
    if sum(1 for _ in tree.iter()) > MAX_ELEMENTS:
        raise UnreadableDocument(TOO_MANY_ELEMENTS)
    if sum(len(piece) for piece in tree.itertext()) > MAX_TEXT:
        raise UnreadableDocument(TOO_MUCH_TEXT)
