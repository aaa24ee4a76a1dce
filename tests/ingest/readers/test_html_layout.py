"""Layout tables turned into <div>s, data tables kept (qa/ingest/readers/html/layout.py), through `read`."""
from __future__ import annotations

from html_pages import SEED_TXT, make_fixtures, read_one


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
