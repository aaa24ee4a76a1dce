"""OCR of images and scanned PDFs with Debian's tesseract, on pages Chromium drew (tests/fixtures/ocr)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from extraction import cer
from qa.errors import UnreadableDocument
from qa.ingest.readers import extract, ocr

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "ocr"


@pytest.fixture(scope="module", autouse=True)
def tesseract() -> None:
    if not ocr.available():
        reason = "tesseract with Arabic and English is not installed: run `make ocr`"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.mark.parametrize("name", ["arabic-news", "english-news"])
def test_an_image_of_news_reads_back_as_its_text(name: str) -> None:
    (part,) = extract(".png", (FIXTURES / f"{name}.png").read_bytes(), f"{name}.png")
    source = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")
    assert cer(part.text, source) <= 0.02, part.text
    assert part.warning == ocr.WARNING and part.encoding.startswith("ocr (tesseract ara+eng")
    assert part.text.count("\n\n") == source.strip().count("\n\n")  # paragraphs kept


def test_a_pdf_without_a_text_layer_is_read_page_by_page() -> None:
    (part,) = extract(".pdf", (FIXTURES / "scanned.pdf").read_bytes(), "scanned.pdf")
    assert cer(part.text, (FIXTURES / "arabic-news.txt").read_text(encoding="utf-8")) <= 0.02
    assert part.meta.pages == (0,) and "scanned PDF" in part.encoding


def test_bytes_that_are_no_image_give_a_reason(tmp_path: Path) -> None:
    with pytest.raises(UnreadableDocument, match="not an image tesseract can read"):
        extract(".png", b"\x89PNG\r\n\x1a\n but not really", "broken.png")


def test_without_tesseract_the_reason_says_what_to_install(monkeypatch) -> None:
    monkeypatch.setattr(ocr, "languages", lambda: ())
    with pytest.raises(UnreadableDocument, match="install tesseract-ocr, tesseract-ocr-ara"):
        ocr.read(b"any", "x.png")
