"""The info dictionary's fields (Title, Author, CreationDate) as text, and why a PDF cannot be read."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

from qa.errors import UnreadableDocument

from .glyphs import SPACES


def unreadable_reason(exc: BaseException) -> UnreadableDocument:
    from pdfminer.pdfdocument import PDFEncryptionError

    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc  # PdfminerException(e)
    if isinstance(inner, PDFEncryptionError) or isinstance(exc, PDFEncryptionError):
        return UnreadableDocument("encrypted PDF")
    return UnreadableDocument("not a valid PDF")


def info_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        if value[:2] in (b"\xfe\xff", b"\xff\xfe"):
            value = value.decode("utf-16", errors="replace")
        else:
            value = value.decode("latin-1", errors="replace")
    elif isinstance(value, (list, tuple)):
        return ""
    text = str(value).replace("\x00", "")
    return SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def is_file_name(title: str) -> bool:
    low = title.lower()
    return not title or low in {"untitled", "untitled document"} or bool(
        re.search(r"\.(docx?|odt|pdf|html?|txt|rtf|indd|qxd)$", low)
    )


_PDF_DATE = re.compile(r"^(?:D:)?(\d{4})(\d{2})?(\d{2})?")


def pdf_date(value: str) -> str:
    """A PDF date ("D:20160218093000+02'00'") as an ISO date ("2016-02-18"); "" when unreadable."""
    match = _PDF_DATE.match(value.strip())
    if not match:
        return ""
    year, month, day = match.group(1), match.group(2) or "01", match.group(3) or "01"
    try:
        date = dt.date(int(year), int(month), int(day))
    except ValueError:
        return ""
    if not match.group(2):
        return f"{date.year:04d}"
    if not match.group(3):
        return f"{date.year:04d}-{date.month:02d}"
    return date.isoformat()
