"""Link lines ("read also: ...") taken out where the page writes them (qa/ingest/readers/html/links.py), through `read`."""
from __future__ import annotations

import pytest
from html_pages import SEED_TXT, make_fixtures, read_one


def _article_paragraphs(body: str) -> list[str]:
    """The paragraphs read from an <article> page with the seed's headline over `body`."""
    page = f"<html><body><article><h1>{make_fixtures.SEED_HEADLINE}</h1><div class='article-body'>{body}</div></article></body></html>"
    return read_one(page.encode()).text.split("\n\n")


def test_read_also_lines_go_links_in_sentences_stay() -> None:
    paragraphs = SEED_TXT.split("\n\n")[1:5]
    linked = paragraphs[0].replace("مجلس الأمن", "<a href='/unsc'>مجلس الأمن</a>", 1)
    assert linked != paragraphs[0]
    body = (
        f"<p>{linked}</p><p>{paragraphs[1]}</p>"
        "<p><strong>اقرأ أيضا:</strong> <a href='/n/1'>وفد المعارضة يصل إلى جنيف للقاء المبعوث الأممي</a></p>"
        f"<p>{paragraphs[2]}</p><p><a href='/n/2'>Read more: the talks in Geneva, explained</a></p><p>{paragraphs[3]}</p>"
    )
    assert _article_paragraphs(body) == [make_fixtures.SEED_HEADLINE, *paragraphs]


def test_a_read_also_line_broken_after_its_label_goes_too() -> None:
    """A line break between the label and the link is a space in the text, as on the page."""
    paragraphs = SEED_TXT.split("\n\n")[1:4]
    body = (
        f"<p>{paragraphs[0]}</p><p>{paragraphs[1]}</p>"
        "<p>اقرأ أيضا:<br><a href='/n/1'>وفد المعارضة يصل إلى جنيف للقاء المبعوث الأممي</a></p>"
        f"<p>{paragraphs[2]}</p>"
    )
    assert _article_paragraphs(body) == [make_fixtures.SEED_HEADLINE, *paragraphs]


LEAD = "موسكو تطلب اجتماعا طارئا لمجلس الأمن بعد تلويح أنقرة بعملية برية في سوريا"


MOST_READ = (
    "<div class='most-read'><h3>الأكثر قراءة</h3><ul><li><a href='/n/9'>" + LEAD + "</a></li>"
    "<li><a href='/n/1'>خبر أول</a></li><li><a href='/n/2'>خبر ثان</a></li></ul></div>"
)


@pytest.mark.parametrize("layout", ["article", "divs"])
def test_a_paragraph_the_most_read_list_links_to_stays(layout: str) -> None:
    """The "most read" list links to this story by its lead: the list's line is a link line,
    the body's paragraph of the same words is not, and stays."""
    paragraphs = [LEAD, *SEED_TXT.split("\n\n")[1:5]]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    headline = make_fixtures.SEED_HEADLINE
    if layout == "article":
        main = f"<article><h1>{headline}</h1><div class='article-body'>{body}</div></article>"
    else:
        main = f"<div><h1>{headline}</h1></div><div>{body}</div>"
    page = f"<html><head><title>{headline}</title></head><body>{main}{MOST_READ}</body></html>"
    extracted = read_one(page.encode())
    assert extracted.text.split("\n\n") == [headline, *paragraphs]


def test_a_read_also_line_goes_where_the_body_has_its_words_as_a_link_only() -> None:
    """The same words as a plain paragraph outside the body (a teaser) do not keep the body's link line."""
    paragraphs = SEED_TXT.split("\n\n")[1:5]
    line = f"<p><a href='/n/9'>{LEAD}</a></p>"
    body = "".join(f"<p>{p}</p>" for p in paragraphs[:2]) + line + "".join(f"<p>{p}</p>" for p in paragraphs[2:])
    teaser = f"<div class='teasers'><div class='card'><p>{LEAD}</p></div></div>"
    headline = make_fixtures.SEED_HEADLINE
    page = (
        f"<html><head><title>{headline}</title></head><body><article><h1>{headline}</h1>"
        f"<div class='article-body'>{body}</div></article>{teaser}</body></html>"
    )
    extracted = read_one(page.encode())
    assert extracted.text.split("\n\n") == [headline, *paragraphs]
