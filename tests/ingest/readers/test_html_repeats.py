"""Paragraphs trafilatura drops for repeating one, put back (qa/ingest/readers/html/repeats.py), through `read`."""
from __future__ import annotations

import trafilatura
from html_pages import SEED_TXT, make_fixtures, read_one


SIDEBAR = "<div><h3>الأكثر قراءة</h3><ul><li><a href='/1'>خبر أول</a></li><li><a href='/2'>خبر ثان</a></li></ul></div>"


def _plain_page(body: str) -> str:
    """A page of plain <div>s (trafilatura reads it through its fallbacks), the article's paragraphs `body`."""
    headline = make_fixtures.SEED_HEADLINE
    return f"<html><head><title>{headline}</title></head><body><div><h1>{headline}</h1></div><div>{body}</div>{SIDEBAR}</body></html>"


def test_a_paragraph_written_twice_in_a_row_stays_twice() -> None:
    """trafilatura drops a paragraph (over 50 characters) that repeats the one before it,
    `deduplicate=False` or not; the page has it twice, so the text does."""
    paragraphs = SEED_TXT.split("\n\n")[1:5]
    order = [paragraphs[0], paragraphs[1], paragraphs[1], *paragraphs[2:]]
    body = "".join(f"<p>{p}</p>" for p in order)
    page = f"<html><body><article><h1>{make_fixtures.SEED_HEADLINE}</h1><div class='article-body'>{body}</div></article>{SIDEBAR}</body></html>"
    document = trafilatura.bare_extraction(page, favor_precision=True, deduplicate=False)
    assert document.text.count(paragraphs[1]) == 1  # what the reader makes up for
    extracted = read_one(page.encode())
    assert extracted.text.split("\n\n") == [make_fixtures.SEED_HEADLINE, *order]


def test_a_paragraph_written_again_further_down_stays_there() -> None:
    """Reading a page through its fallbacks, trafilatura drops a paragraph it kept anywhere
    before (ar_repeats.tables: the same on a layout-table page); the text has it where the page does."""
    paragraphs = SEED_TXT.split("\n\n")[1:5]
    order = [paragraphs[0], paragraphs[1], paragraphs[2], paragraphs[0], paragraphs[3]]
    page = _plain_page("".join(f"<p>{p}</p>" for p in order))
    document = trafilatura.bare_extraction(page, favor_precision=True, deduplicate=False)
    assert document.text.count(paragraphs[0]) == 1  # what the reader makes up for
    extracted = read_one(page.encode())
    assert extracted.text.split("\n\n") == [make_fixtures.SEED_HEADLINE, *order]


def test_repeats_outside_the_article_body_stay_out() -> None:
    """The navigation written twice, a summary above the body and a "most read" card, both
    the words of one of its paragraphs, are not the article: nothing comes back twice."""
    paragraphs = SEED_TXT.split("\n\n")[1:5]
    nav = "<div class='nav'><a href='/'>الرئيسية</a> | <a href='/p'>سياسة</a> | <a href='/e'>اقتصاد</a> | <a href='/s'>رياضة</a></div>"
    summary = f"<div class='summary'><p>{paragraphs[0]}</p></div>"
    card = f"<div class='most-read'><h3>الأكثر قراءة</h3><div class='card'><p>{paragraphs[1]}</p><a href='/1'>المزيد</a></div></div>"
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    headline = make_fixtures.SEED_HEADLINE
    page = (
        f"<html><head><title>{headline}</title></head><body>{nav}<div><h1>{headline}</h1>{summary}</div>"
        f"<div>{body}</div>{card}{nav}</body></html>"
    )
    extracted = read_one(page.encode())
    assert extracted.text.split("\n\n") == [make_fixtures.SEED_HEADLINE, *paragraphs]
    assert "الرئيسية" not in extracted.text
