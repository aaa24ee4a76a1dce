"""Subheadings trafilatura drops, put back (qa/ingest/readers/html/headings.py), through `read`."""
from __future__ import annotations

import pytest
import trafilatura
from html_pages import SEED_TXT, make_fixtures, read_one


def test_subheadings_trafilatura_drops_are_put_back() -> None:
    """On plain <div>s trafilatura keeps the paragraphs and loses the heading between them
    (ar_seed.tables is the same on a layout-table page); headings elsewhere stay out."""
    paragraphs = SEED_TXT.split("\n\n")[1:7]
    body = "".join(f"<p>{p}</p>" for p in paragraphs[:3])
    body += "<div class='slot'>إعلان</div><h2>عنوان فرعي</h2><h3>وعنوان أصغر</h3>"
    body += "".join(f"<p>{p}</p>" for p in paragraphs[3:])
    sidebar = "<div><h3>الأكثر قراءة</h3><ul><li><a href='/1'>خبر أول</a></li><li><a href='/2'>خبر ثان</a></li></ul></div>"
    headline = make_fixtures.SEED_HEADLINE
    page = f"<html><head><title>{headline}</title></head><body><div><h1>{headline}</h1></div><div>{body}</div>{sidebar}</body></html>"
    document = trafilatura.bare_extraction(page, favor_precision=True)
    assert "عنوان فرعي" not in document.text  # what the reader makes up for
    extracted = read_one(page.encode())
    assert extracted.text.split("\n\n") == [headline, *paragraphs[:3], "عنوان فرعي", "وعنوان أصغر", *paragraphs[3:]]


DATA_TABLE = (
    "<table><tr><th>الدولة</th><th>الموقف</th></tr><tr><td>روسيا</td><td>تدعو مجلس الأمن</td></tr>"
    "<tr><td>تركيا</td><td>عملية برية</td></tr></table>"
)


DATA_TABLE_TEXT = "الدولة | الموقف\nروسيا | تدعو مجلس الأمن\nتركيا | عملية برية"


def _fallback_page(body: str, layout: str, after: str = "") -> str:
    """The article's `body` on a page trafilatura reads through its fallbacks: plain <div>s or a layout table."""
    headline = make_fixtures.SEED_HEADLINE
    if layout == "divs":
        main = f"<div><h1>{headline}</h1></div><div>{body}</div>{after}"
    else:
        menu = "<td class='menu'><a href='/'>الرئيسية</a> | <a href='/a'>اقتصاد</a> | <a href='/b'>رياضة</a></td>"
        main = f"<table width='100%'><tr>{menu}</tr><tr><td class='content'>{body}</td></tr><tr><td>{after}</td></tr></table>"
    return f"<html><head><title>{headline}</title></head><body>{main}</body></html>"


SUBHEADING = "مواقف الأطراف"


@pytest.mark.parametrize("layout", ["divs", "tables"])
@pytest.mark.parametrize(
    ("markup", "blocks"),
    [
        pytest.param(DATA_TABLE + f"<h2>{SUBHEADING}</h2>", [DATA_TABLE_TEXT, SUBHEADING], id="heading-after-the-table"),
        pytest.param(f"<h2>{SUBHEADING}</h2>" + DATA_TABLE, [SUBHEADING, DATA_TABLE_TEXT], id="heading-before-the-table"),
        pytest.param(
            f"<div class='table-wrap'>{DATA_TABLE}</div><h3>{SUBHEADING}</h3>", [DATA_TABLE_TEXT, SUBHEADING], id="wrapped-table"
        ),
    ],
)
def test_a_subheading_beside_a_data_table_is_put_back(layout: str, markup: str, blocks: list[str]) -> None:
    """Its neighbour on the page is the table, which the text has as rows: the heading goes
    back in its place and the table stays as it is read."""
    paragraphs = SEED_TXT.split("\n\n")[1:6]
    body = "".join(f"<p>{p}</p>" for p in paragraphs[:2]) + markup + "".join(f"<p>{p}</p>" for p in paragraphs[2:])
    page = _fallback_page(body, layout)
    if layout == "divs":  # (trafilatura alone takes a layout table whole: the reader unwraps it first)
        document = trafilatura.bare_extraction(page, favor_precision=True, include_tables=True)
        assert SUBHEADING not in document.text  # what the reader makes up for
    extracted = read_one(page.encode())
    assert extracted.text.split("\n\n") == [make_fixtures.SEED_HEADLINE, *paragraphs[:2], *blocks, *paragraphs[2:]]


@pytest.mark.parametrize("layout", ["divs", "tables"])
def test_box_headings_beside_a_data_table_stay_out(layout: str) -> None:
    """A "related" box in the body after the table and a "most read" table with its heading
    below the article: their headings are not the article's."""
    paragraphs = SEED_TXT.split("\n\n")[1:6]
    related = "<h3>أخبار ذات صلة</h3><ul><li><a href='/n/1'>خبر أول عن سوريا</a></li><li><a href='/n/2'>خبر ثان عن تركيا</a></li></ul>"
    body = "".join(f"<p>{p}</p>" for p in paragraphs[:2]) + DATA_TABLE + related + "".join(f"<p>{p}</p>" for p in paragraphs[2:])
    most_read = (
        "<div class='side'><h3>الأكثر قراءة</h3><table><tr><td>1</td><td><a href='/n/3'>خبر ثالث</a></td></tr>"
        "<tr><td>2</td><td><a href='/n/4'>خبر رابع</a></td></tr></table><h3>النشرة البريدية</h3>"
        "<p>اشترك في النشرة البريدية ليصلك أهم الأخبار</p></div>"
    )
    extracted = read_one(_fallback_page(body, layout, after=most_read).encode())
    assert extracted.text.split("\n\n") == [make_fixtures.SEED_HEADLINE, *paragraphs[:2], DATA_TABLE_TEXT, *paragraphs[2:]]


def test_a_kept_heading_over_a_box_of_links_it_dropped_goes() -> None:
    """In a container trafilatura recognizes (class "content") it keeps the "Related" heading
    and drops the links under it; a subheading of the article in the same body stays."""
    paragraphs = SEED_TXT.split("\n\n")[1:6]
    related = "<h3>أخبار ذات صلة</h3><ul><li><a href='/n/1'>خبر أول عن سوريا</a></li><li><a href='/n/2'>خبر ثان عن تركيا</a></li></ul>"
    body = "".join(f"<p>{p}</p>" for p in paragraphs[:2]) + related + f"<h2>{SUBHEADING}</h2>"
    body += "".join(f"<p>{p}</p>" for p in paragraphs[2:])
    headline = make_fixtures.SEED_HEADLINE
    page = f"<html><head><title>{headline}</title></head><body><div class='content'>{body}</div></body></html>"
    document = trafilatura.bare_extraction(page, favor_precision=True)
    assert "أخبار ذات صلة" in document.text  # what the reader puts right
    extracted = read_one(page.encode())
    assert extracted.text.split("\n\n") == [headline, *paragraphs[:2], SUBHEADING, *paragraphs[2:]]
