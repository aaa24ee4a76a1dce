"""Feed reader: an RSS 2.0 and an Atom feed, one `Extracted` per item against its source text.

Fixtures: tests/fixtures/feed/ (made by its make_fixtures.py), `<feed>.<n>.txt` per item.
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from extraction import cer, lines_present

from qa.errors import UnreadableDocument
from qa.ingest.readers import feed

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "feed"


def _items(name: str):
    items = feed.read((FIXTURES / name).read_bytes(), name)
    sources = [(FIXTURES / f"{name}.{n}.txt").read_text(encoding="utf-8") for n in range(1, len(items) + 1)]
    return items, sources


@pytest.mark.parametrize("name", ["news.rss", "news.atom"])
def test_one_item_each_matching_its_source(name):
    items, sources = _items(name)
    assert len(items) == 3 == len(list(FIXTURES.glob(f"{name}.*.txt")))
    for item, source in zip(items, sources):
        assert cer(item.text, source) <= 0.02
        assert lines_present(item.text, source) >= 0.99
        assert item.text.split("\n\n")[0] == item.meta.title  # the title is the first paragraph
        assert item.encoding == "feed (utf-8)" and item.warning == ""


def test_rss_metadata():
    items, _ = _items("news.rss")
    first, second, third = (item.meta for item in items)
    assert [item.part for item in items] == [
        "https://news.example.org/?p=1001",  # the guid, not the link
        "https://news.example.org/2016/02/19/de-mistura-geneva/",
        "https://news.example.org/2016/02/18/oil-crisis-1973/",  # no guid: the link
    ]
    assert first.title == "روسيا تدعو مجلس الأمن إلى الاجتماع بشأن سوريا"
    assert first.published == "2016-02-19T06:30:00+00:00"  # 08:30 +0200
    assert first.author == "قسم الشؤون الدولية"  # dc:creator
    assert first.url == "https://news.example.org/2016/02/19/russia-security-council/"
    assert first.language == "ar"
    assert second.author == "مكتب جنيف"  # "geneva@news.example.org (مكتب جنيف)"
    assert third.author == "أخبار الأرشيف"  # no author: the outlet
    # The channel says "ar"; this item is English, so the declaration does not fit it.
    assert third.language == ""


def test_rss_content_preferred_over_the_excerpt_and_scripts_dropped():
    items, _ = _items("news.rss")
    assert "[…]" not in items[0].text and "trackView" not in items[0].text


def test_atom_metadata():
    items, _ = _items("news.atom")
    first, second, third = (item.meta for item in items)
    assert [item.part for item in items] == ["tag:news.example.org,2016:oil-1973",
                                             "tag:news.example.org,2015:ipcc-chair",
                                             "tag:news.example.org,2015:ipcc-chair-ar"]
    assert (first.title, first.author, first.language) == ("أزمة النفط عام 1973", "مكتب الطاقة", "ar")
    assert first.published == "2016-02-18T06:00:00+00:00"  # published, not updated
    assert first.url == "https://news.example.org/ar/oil-1973"
    assert second.title == "IPCC chair elected"  # type="html" title, tags stripped
    assert (second.language, second.published) == ("en", "2015-10-08T09:00:00+00:00")
    assert third.author == "Archive desk editors"  # no entry author: the feed's
    assert third.published == "2015-10-08T10:00:00+00:00"  # only <updated>


def test_parts_are_stable_when_the_feed_gets_a_new_item():
    data = (FIXTURES / "news.rss").read_bytes()
    newer = data.replace(b"<item>", b"<item><title>Breaking</title><link>https://news.example.org/new</link>"
                         b"<description>A new item on top.</description></item>\n    <item>", 1)
    before = [item.part for item in feed.read(data, "news.rss")]
    after = [item.part for item in feed.read(newer, "news.rss")]
    assert after == ["https://news.example.org/new", *before]


def test_duplicate_ids_get_a_suffix():
    item = b"<item><guid>same</guid><title>T</title><description>d</description></item>"
    data = b'<?xml version="1.0"?><rss version="2.0"><channel><title>C</title>' + item * 2 + b"</channel></rss>"
    assert [i.part for i in feed.read(data, "dup.rss")] == ["same", "same#2"]


def test_minor_bozo_is_tolerated_with_a_warning():
    data = (b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Desk & co</title>'
            b"<item><title>Unescaped & ampersand</title><link>https://x.example/1</link>"
            b"<description>Text of the item.</description></item></channel></rss>")
    [item] = feed.read(data, "bozo.rss")
    assert item.text == "Unescaped & ampersand\n\nText of the item."
    assert item.warning.startswith("the feed is not well-formed XML")


def _refused(data: bytes, name: str) -> str:
    start = time.perf_counter()
    with pytest.raises(UnreadableDocument) as caught:
        feed.read(data, name)
    assert time.perf_counter() - start < 5.0
    reason = str(caught.value)
    assert "\n" not in reason and name not in reason
    return reason


def test_feeds_without_items_are_refused():
    empty = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Empty</title></channel></rss>'
    assert _refused(empty, "empty.rss") == "no items in the feed"
    assert _refused(b"<html><body><p>a web page</p></body></html>", "page.xml") == "no items in the feed"
    assert _refused(b"\x00\x01binary\xff", "junk.rss") == "no items in the feed"
    assert _refused(b"", "nothing.rss") == "no items in the feed"


def test_bytes_that_name_a_file_are_not_opened(tmp_path):
    """feedparser.parse(bytes) opens them as a path first: the reader must hand it a stream."""
    secret = tmp_path / "secret.rss"
    secret.write_bytes((FIXTURES / "news.rss").read_bytes())
    assert _refused(str(secret).encode(), "path.rss") == "no items in the feed"


def test_billion_laughs_is_refused():
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
    data = (f'<?xml version="1.0"?><!DOCTYPE rss [{entities}]><rss version="2.0"><channel><title>t</title>'
            "<item><title>&lol9;</title><description>&lol9;</description></item></channel></rss>").encode()
    assert _refused(data, "laughs.rss") == "XML entity declarations are not allowed"
