"""Readers of the formats news comes in, one module per format, behind one entry point.

`extract(suffix, data, name)` picks the reader for a file suffix and returns
its `Extracted` parts. Reader modules are imported on first use, so reading
`.txt` folders never loads an HTML or PDF library. Untrusted bytes should go
through `sandbox.ReaderProcess`, which runs this in a child process with a
time and memory limit.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass

from ...errors import UnreadableDocument
from .base import Extracted, Metadata

__all__ = ["Extracted", "Format", "Metadata", "FORMATS", "extract", "format_of"]

MIB = 1024 * 1024
# How the PDF reader begins the reason for a PDF whose pages hold no characters.
NO_TEXT_LAYER = "no text layer"


@dataclass(frozen=True)
class Format:
    name: str  # what the Documents tab shows
    module: str  # the reader module in this package
    max_bytes: int


_HTML = Format("web page", "html", 20 * MIB)
_FEED = Format("feed", "feed", 20 * MIB)
_IMAGE = Format("image (OCR)", "ocr", 30 * MIB)
FORMATS: dict[str, Format] = {
    ".html": _HTML, ".htm": _HTML, ".xhtml": _HTML,
    ".pdf": Format("PDF", "pdf", 100 * MIB),
    ".docx": Format("Word", "office", 50 * MIB),
    ".epub": Format("e-book", "epub", 50 * MIB),
    ".eml": Format("e-mail", "mail", 30 * MIB),
    ".rss": _FEED, ".atom": _FEED, ".xml": _FEED,
    ".png": _IMAGE, ".jpg": _IMAGE, ".jpeg": _IMAGE, ".tif": _IMAGE, ".tiff": _IMAGE,
}


def format_of(suffix: str) -> Format | None:
    return FORMATS.get(suffix.lower())


def extract(suffix: str, data: bytes, name: str) -> list[Extracted]:
    """The parts of a file of format `suffix`; `UnreadableDocument` with a bare reason otherwise."""
    fmt = format_of(suffix)
    if fmt is None:
        raise KeyError(suffix)
    reader = importlib.import_module(f".{fmt.module}", __name__)
    try:
        return list(reader.read(data, name))
    except UnreadableDocument as error:
        if fmt.module != "pdf" or not str(error).startswith(NO_TEXT_LAYER):
            raise
    from . import ocr  # a scanned PDF: its pages as images

    return ocr.read_pdf(data, name)
