"""What the PDF reader's tests share: the fixtures printed by real producers (tests/fixtures/pdf/)."""
from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "pdf"
PRINTED = sorted(p.stem for p in FIXTURES.glob("*.*.pdf") if (FIXTURES / f"{p.stem}.txt").exists())
# Layouts named by the tests that read them (listed, not globbed, so that a fixture gone missing
# fails `test_the_fixtures_cover_every_producer_and_text` instead of leaving its tests out).
BYLINE_ABOVE = tuple(f"{text}.{producer}_columns" for text in ("en_byline_above", "ar_byline_above")
                     for producer in ("chromium", "libreoffice"))
STACKED = ("stacked.chromium_columns", "stacked.libreoffice_columns")


def reader_pdf(stem: str):
    import pdfplumber

    return pdfplumber.open(FIXTURES / f"{stem}.pdf")


def pdf_width(stem: str) -> float:
    with reader_pdf(stem) as pdf:
        return float(pdf.pages[0].width)
