"""Invisible characters kept through trafilatura (qa/ingest/readers/html/placeholders.py), read through `read`."""
from __future__ import annotations

import trafilatura
from html_pages import FIXTURES, SEED_TXT, read_one


ZWNJ, RLM, NBSP = "\u200c", "\u200f", "\u00a0"


def test_trafilatura_alone_loses_zwnj_rlm_and_nbsp() -> None:
    """Why the reader protects them (if this fails, trafilatura stopped doing it)."""
    text = trafilatura.extract((FIXTURES / "fa_air_pollution.html").read_text(encoding="utf-8"))
    assert ZWNJ not in text and RLM not in text and NBSP not in text
    assert "میخواهد" in text  # "می‌خواهد" without its ZWNJ


def test_zwnj_rlm_and_nbsp_are_kept() -> None:
    source = (FIXTURES / "fa_air_pollution.txt").read_text(encoding="utf-8").strip("\n")
    extracted = read_one((FIXTURES / "fa_air_pollution.html").read_bytes())
    assert extracted.text == source
    for mark in (ZWNJ, RLM, NBSP):
        assert extracted.text.count(mark) == source.count(mark) > 0
    assert f"می{ZWNJ}خواهد" in extracted.text
    assert f"۱۲{NBSP}۰۰۰" in extracted.text
    assert f"(WHO){RLM}" in extracted.text
    assert ZWNJ in extracted.meta.title and ZWNJ in extracted.meta.author


def test_marks_kept_when_the_page_holds_the_placeholders_too() -> None:
    """The placeholders are letters of an ancient script; a page quoting it keeps them as well."""
    linear_b = "".join(chr(0x10000 + i) for i in range(8))
    paragraph = f"نص فارسی می{ZWNJ}خواهد ۱۰{NBSP}۰۰۰ و{RLM} خط ب {linear_b} " * 8
    page = f"<html lang='fa'><body><article><h1>عنوان</h1><p>{paragraph.strip()}</p></article></body></html>"
    extracted = read_one(page.encode())
    assert extracted.text == "عنوان\n\n" + paragraph.strip()


def test_layout_nbsp_becomes_a_space() -> None:
    """NBSP runs and NBSP at a paragraph's edge are indentation, not text."""
    sentence, other = SEED_TXT.split("\n\n")[1:3]
    words = other.split(" ")
    padded = " ".join(words[:6]) + "&nbsp;&nbsp;" + " ".join(words[6:])
    page = f"<html><body><article><p>&nbsp;&nbsp;&nbsp;&nbsp;{sentence}&nbsp;</p><p>{padded}</p></article></body></html>"
    extracted = read_one(page.encode())
    assert extracted.text.split("\n\n") == [sentence, other]
    assert NBSP not in extracted.text
