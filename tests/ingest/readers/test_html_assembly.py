"""trafilatura's extraction read into paragraphs (qa/ingest/readers/html/assembly.py), through `read`."""
from __future__ import annotations

from html_pages import SEED_TXT, make_fixtures, read_one


def test_line_breaks_inside_a_paragraph_and_between_paragraphs() -> None:
    paragraphs = SEED_TXT.split("\n\n")[1:4]
    body = "<br>\n<br>\n".join(paragraphs) + "<br>\nسطر بعد فاصل واحد"
    page = f"<html><body><article><h1>{make_fixtures.SEED_HEADLINE}</h1><div class='text'>{body}</div></article></body></html>"
    extracted = read_one(page.encode())
    assert extracted.text.split("\n\n") == [make_fixtures.SEED_HEADLINE, *paragraphs[:2], paragraphs[2] + "\nسطر بعد فاصل واحد"]
