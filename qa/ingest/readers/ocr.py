"""Images and scanned PDFs, read by OCR with Debian's tesseract (Arabic and English), where installed.

Tesseract is a program, not a Python package: `make` installs `tesseract-ocr`,
`tesseract-ocr-ara` and `tesseract-ocr-eng` where it can (apt). Without it, an
image or a PDF with no text layer is skipped with a reason that says what to
install. Tesseract's LSTM engine writes Arabic in logical order; the text is
NFKC-normalized like a PDF's. Every OCR'd document carries a warning: it may
hold recognition errors.
"""
from __future__ import annotations

import functools
import shutil
import subprocess
import unicodedata

from ...errors import UnreadableDocument
from .base import Extracted, Metadata

WANTED = ("ara", "eng")
RENDER_DPI = 300
PAGE_TIMEOUT = 60.0  # seconds per image or page
MISSING = "OCR needs tesseract: install tesseract-ocr, tesseract-ocr-ara and tesseract-ocr-eng"
WARNING = "read by OCR: the text may hold recognition errors"


@functools.cache
def languages() -> tuple[str, ...]:
    """The wanted languages tesseract has here; () when tesseract is missing."""
    exe = shutil.which("tesseract")
    if exe is None:
        return ()
    try:
        listed = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    have = {line.strip() for line in listed.splitlines()[1:]}
    return tuple(lang for lang in WANTED if lang in have)


def available() -> bool:
    return bool(languages())


def _recognize(image: bytes) -> str:
    langs = languages()
    if not langs:
        raise UnreadableDocument(MISSING)
    try:
        done = subprocess.run(["tesseract", "stdin", "stdout", "-l", "+".join(langs), "--psm", "3"],
                              input=image, capture_output=True, timeout=PAGE_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise UnreadableDocument(f"OCR took longer than {PAGE_TIMEOUT:.0f} s for one page") from None
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UnreadableDocument(f"not an image tesseract can read ({detail[-1] if detail else 'no detail'})")
    text = unicodedata.normalize("NFKC", done.stdout.decode("utf-8", "replace"))
    # Tesseract ends paragraphs with a blank line and pages with a form feed.
    paragraphs = [" ".join(p.split()) for p in text.replace("\f", "\n\n").split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p)


def _encoding() -> str:
    return f"ocr (tesseract {'+'.join(languages())})"


def read(data: bytes, name: str) -> list[Extracted]:
    """An image (.png, .jpg, .tif) read by OCR."""
    text = _recognize(data)
    if not text.strip():
        raise UnreadableDocument("no text recognized in the image")
    return [Extracted(text, Metadata(), _encoding(), WARNING)]


def read_pdf(data: bytes, name: str) -> list[Extracted]:
    """A PDF without a text layer: each page rendered at RENDER_DPI, then read by OCR."""
    import io

    import pypdfium2 as pdfium

    if not available():
        raise UnreadableDocument(f"no text layer (scanned?); {MISSING}")
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        raise UnreadableDocument(f"not a valid PDF ({error})") from None
    texts: list[str] = []
    try:
        for page in pdf:
            image = page.render(scale=RENDER_DPI / 72).to_pil()
            png = io.BytesIO()
            image.save(png, format="PNG")
            texts.append(_recognize(png.getvalue()))
    finally:
        pdf.close()
    starts, text = [], ""
    for page_text in texts:
        if text:
            text += "\n\n"
        starts.append(len(text))
        text += page_text
    if not text.strip():
        raise UnreadableDocument("no text layer, and OCR recognized no text (a blank scan?)")
    return [Extracted(text, Metadata(pages=tuple(starts)), _encoding() + " of a scanned PDF", WARNING)]
