"""PDF reader: the text layer of a PDF in logical order, Arabic and English alike.

No single extractor gets right-to-left text right on every producer: some write
glyphs in logical order, others in visual order, some map a mirrored bracket to
the bracket typed and others to the one shown, and each tool reads some of them
well and reverses the others. This reader therefore ignores the content stream's
order and works from where the glyphs are drawn:

1. (`glyphs`) pdfminer's glyphs as pdfplumber lays them out (duplicates drawn at one place
   once), with /ActualText spans read (Chromium writes Arabic letters with marks
   that way), NFKC per glyph (presentation forms and lam-alef ligatures to base
   letters); text running in another direction than most is dropped, and a page
   turned by /Rotate is turned back; a glyph its font's ToUnicode map leaves out
   (LibreOffice's kashidas) is ink without text;
2. (`columns`, `band_rows`) columns: a page (or a band of it, under a headline across the page) whose text
   runs in columns side by side is cut at the gutters between them, and the
   columns are read one after the other, the right one first where the columns'
   text is mostly right-to-left (a band of columns ends where both turn to the other
   direction: an Arabic band straight over an English one), a line above both (a byline
   shorter than a column, over either) before them and a line under both after them; then
   lines by baseline within each column (tolerance relative to the font size);
3. (`lines`) each line's glyphs by x, i.e. in visual order, each combining mark kept with
   its letter (found through the content stream's order); spaces where the PDF
   has a space glyph or where a gap is most of a space wide;
4. (`paragraphs`) paragraphs from vertical gaps (relative to the line spacing of their type
   size) and changes of type size;
5. (`logical`) visual to logical order line by line with python-bidi, in the paragraph's
   base direction: the one in which no line starts with a full stop, else the
   direction of two thirds of its letters, else its alignment; brackets at
   right-to-left levels mirrored or not, whichever balances them;
6. (`logical`) a check against producers that draw Arabic from left to right in logical
   order (no bidi, no shaping: the visual order is then the logical one): Arabic
   words start with "ال" and end with "ة"/"ى" far more often than the reverse,
   and whichever reading shows that is kept.

(`assemble`) Paragraphs are separated by a blank line, the lines of a paragraph joined by a
space (a line break would end a sentence for the sentence splitter); a
paragraph that runs on over a page or column break stays one. `Metadata.pages` holds the
offset at which each page's text starts. One-line paragraphs repeated at the
top or bottom of most pages (running headers, page numbers) are dropped.
(`metadata`) Metadata comes from the info dictionary (Title, Author, CreationDate as an ISO
date). Errors: "not a valid PDF", "encrypted PDF" (a user password is needed),
"no text layer (scanned?)".
"""
from __future__ import annotations

import io

from qa.errors import UnreadableDocument

from ..base import Extracted, Metadata
from .assemble import assemble
from .logical import to_logical
from .metadata import info_text, is_file_name, pdf_date, unreadable_reason
from .paragraphs import drop_running_lines, page_paragraphs

__all__ = ["read"]


def read(data: bytes, name: str) -> list[Extracted]:
    """The PDF's text in logical order, one `Extracted`; `UnreadableDocument` with a bare reason."""
    import pdfplumber

    if not data or b"%PDF" not in data[:1024]:
        raise UnreadableDocument("not a valid PDF")
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            paged = [page_paragraphs(page) for page in pdf.pages]
            info = dict(pdf.metadata or {})
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds on a broken or locked file
        raise unreadable_reason(exc) from None
    if not any(paged):
        raise UnreadableDocument("no text layer (scanned?)")
    drop_running_lines(paged)
    to_logical([para for paras in paged for para in paras])
    text, starts = assemble(paged)
    if not text.strip():
        raise UnreadableDocument("no text layer (scanned?)")
    title = info_text(info.get("Title"))
    meta = Metadata(
        title="" if is_file_name(title) else title,
        author=info_text(info.get("Author")),
        published=pdf_date(info_text(info.get("CreationDate"))),
        pages=tuple(starts),
    )
    return [Extracted(text=text, meta=meta, encoding="pdf")]
