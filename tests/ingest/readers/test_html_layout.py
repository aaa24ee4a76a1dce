"""Layout tables turned into <div>s, data tables kept (qa/ingest/readers/html/layout.py), through `read`."""
from __future__ import annotations

import lxml.html
from html_pages import SEED_TXT, make_fixtures, read_one

from qa.ingest.readers.html import layout


def test_a_data_table_inside_a_layout_table_stays_a_table() -> None:
    paragraphs = SEED_TXT.split("\n\n")[1:4]
    data = "<table><tr><th>الدولة</th><th>الموقف</th></tr><tr><td>روسيا</td><td>تدعو مجلس الأمن</td></tr><tr><td>تركيا</td><td>عملية برية</td></tr></table>"
    cell = "".join(f"<p>{p}</p>" for p in paragraphs) + data
    page = (
        f"<html><head><title>{make_fixtures.SEED_HEADLINE}</title></head><body><table width='100%'><tr>"
        f"<td class='menu'><a href='/'>الرئيسية</a> | <a href='/a'>اقتصاد</a> | <a href='/b'>رياضة</a></td></tr>"
        f"<tr><td class='content'>{cell}</td></tr></table></body></html>"
    )
    extracted = read_one(page.encode())
    assert extracted.text.split("\n\n") == [
        make_fixtures.SEED_HEADLINE,
        *paragraphs,
        "الدولة | الموقف\nروسيا | تدعو مجلس الأمن\nتركيا | عملية برية",
    ]


def test_a_layout_tables_rows_and_cells_become_divs_too() -> None:
    """Not the <table> alone: rows and cells left outside any table are read by trafilatura as
    neither table nor block, and a list in such a cell was lost. Nested layout tables unwrap
    as well; a data table in a cell stays whole."""
    page = lxml.html.fromstring(
        "<html><body><table><tr><td><table><tr><td><p>نص</p><ul><li>بند</li></ul>"
        "<table><tr><td>أ</td><td>ب</td></tr></table></td></tr></table></td></tr></table></body></html>"
    )
    layout.unwrap_layout_tables(page)
    assert lxml.html.tostring(page.find("body"), encoding="unicode") == (
        "<body><div><div><div><div><div><div><p>نص</p><ul><li>بند</li></ul>"
        "<table><tr><td>أ</td><td>ب</td></tr></table></div></div></div></div></div></div></body>"
    )


def test_a_list_in_a_layout_cell_is_article_text_a_list_of_links_beside_it_is_not() -> None:
    """The article's key facts in the body's cell are kept, a line an item (en_super_bowl.tables
    lost them); the "most read" links in the side cell stay out."""
    paragraphs = SEED_TXT.split("\n\n")[1:4]
    facts = ["روسيا تدعو مجلس الأمن إلى الانعقاد", "تركيا تلوح بعملية برية في سوريا"]
    cell = f"<p>{paragraphs[0]}</p><ul class='facts'>{''.join(f'<li>{f}</li>' for f in facts)}</ul>"
    cell += "".join(f"<p>{p}</p>" for p in paragraphs[1:])
    most_read = ["خبر أول من الأكثر قراءة", "خبر ثان من الأكثر قراءة", "خبر ثالث من الأكثر قراءة"]
    side = "<b>الأكثر قراءة</b><ul>" + "".join(f"<li><a href='/n/{i}'>{t}</a></li>" for i, t in enumerate(most_read)) + "</ul>"
    page = (
        f"<html><head><title>{make_fixtures.SEED_HEADLINE}</title></head><body><table width='100%'>"
        f"<tr><td colspan='2' class='menu'><a href='/'>الرئيسية</a> | <a href='/a'>اقتصاد</a></td></tr>"
        f"<tr><td class='text'>{cell}</td><td class='side'>{side}</td></tr></table></body></html>"
    )
    extracted = read_one(page.encode())
    assert extracted.text.split("\n\n") == [make_fixtures.SEED_HEADLINE, paragraphs[0], "\n".join(facts), *paragraphs[1:]]
