"""The info dictionary's fields (qa/ingest/readers/pdf/metadata.py)."""
from __future__ import annotations

from qa.ingest.readers.pdf.metadata import pdf_date


def test_pdf_dates():
    assert pdf_date("D:20160218093000+02'00'") == "2016-02-18"
    assert pdf_date("D:20261201222534Z'") == "2026-12-01"
    assert pdf_date("2016") == "2016"
    assert pdf_date("D:201602") == "2016-02"
    assert pdf_date("D:20161345") == ""
    assert pdf_date("yesterday") == ""
    assert pdf_date("") == ""
