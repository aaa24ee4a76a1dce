"""News feeds (RSS 0.9x/1.0/2.0, Atom): one `Extracted` per item.

Each item's text is its title as the first paragraph, then its full content
(Atom <content>, RSS <content:encoded>) or, without one, its summary (RSS
<description>, Atom <summary>), HTML turned into paragraphs
(`archive.markup_text`). `part` is the item's id (RSS <guid>, Atom <id>), else
its link, else a hash of its title and date: what stays the same when the feed
is fetched again with newer items on top (a second item with the same id gets
"#2"). Metadata: the item's title, published (else updated) date in ISO 8601
UTC (feedparser converts every date format to UTC), author (the item's, else
the feed's, else the feed's title: the outlet), link, and language (the
item's xml:lang, else the feed's <language>/xml:lang, the first that fits the
item's script: an Arabic channel's English item is not declared Arabic).

feedparser reads the bytes wrapped in a stream: given bytes, `feedparser.parse`
first tries to open them as a file name. It tolerates feeds that are not
well-formed (bozo): those items are kept, with a warning. A feed with no items
— an empty channel, or bytes that are no feed at all — is refused. Entity
declarations are refused before feedparser sees the bytes (its loose parser
would expand simple ones); HTML is sanitized by feedparser, then stripped here.
"""
from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import io
import re

from ...errors import UnreadableDocument
from . import archive
from .base import Extracted, Metadata

NO_ITEMS = "no items in the feed"
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "html", "xhtml"})
_RSS_AUTHOR = re.compile(r"^\s*\S+@\S+\s*\((.+)\)\s*$")  # "news@example.org (Name)"
_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")


def _text(detail: dict | None) -> str:
    """A feedparser text construct ({"type", "value"}) as paragraphs."""
    if not detail or not detail.get("value"):
        return ""
    value = detail["value"]
    if detail.get("type", "text/html") in _HTML_TYPES:
        return archive.markup_text(archive.parse_html(value))
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _BLANK_LINES.sub("\n\n", "\n".join(line.strip() for line in value.split("\n"))).strip()


def _title(entry: dict) -> str:
    detail = entry.get("title_detail") or ({"type": "text/plain", "value": entry["title"]}
                                           if entry.get("title") else None)
    return " ".join(_text(detail).split())


def _body(entry: dict) -> tuple[str, str]:
    """(text, declared language) of the item's content, else its summary."""
    for detail in [*(entry.get("content") or []), entry.get("summary_detail")]:
        text = _text(detail)
        if text:
            return text, (detail or {}).get("language") or ""
    return "", ""


def _iso(when) -> str:
    if not when:
        return ""
    return dt.datetime.fromtimestamp(calendar.timegm(when), tz=dt.UTC).isoformat()


def _person(value: str) -> str:
    match = _RSS_AUTHOR.match(value or "")
    return " ".join((match.group(1) if match else value or "").split())


def _author(entry: dict, feed: dict) -> str:
    for source in (entry, feed):
        name = (source.get("author_detail") or {}).get("name") or source.get("author") or ""
        if name.strip():
            return _person(name)
    return " ".join((feed.get("title") or "").split())


def _part(entry: dict, title: str, published: str) -> str:
    for key in ("id", "link"):
        value = (entry.get(key) or "").strip()
        if value:
            return value
    return "item-" + hashlib.sha256(f"{title}\n{published}".encode()).hexdigest()[:16]


def read(data: bytes, name: str) -> list[Extracted]:
    """One `Extracted` per item; `UnreadableDocument` when the feed has none."""
    if archive.has_entity_declaration(data):
        raise UnreadableDocument(archive.ENTITIES)
    import feedparser  # imported once a file is known to need it

    parsed = feedparser.parse(io.BytesIO(data))
    feed = parsed.get("feed") or {}
    warning = ""
    if parsed.get("bozo"):
        error = parsed.get("bozo_exception")
        reason = " ".join(str(error).split())[:120] if error else "not well-formed"
        warning = f"the feed is not well-formed XML ({reason}): items read leniently"
    encoding = f"feed ({parsed.get('encoding') or 'unknown'})"
    items: list[Extracted] = []
    seen: dict[str, int] = {}
    for entry in parsed.get("entries") or []:
        title = _title(entry)
        body, body_language = _body(entry)
        text = "\n\n".join(part for part in (title, body) if part)
        if not text.strip():
            continue
        published = _iso(entry.get("published_parsed") or entry.get("updated_parsed"))
        part = _part(entry, title, published)
        seen[part] = seen.get(part, 0) + 1
        if seen[part] > 1:
            part = f"{part}#{seen[part]}"
        link = (entry.get("link") or "").strip()
        declared = [body_language, (entry.get("title_detail") or {}).get("language") or "", feed.get("language") or ""]
        meta = Metadata(title=title, published=published, author=_author(entry, feed),
                        url=link if re.match(r"https?://", link) else "",
                        language=archive.fitting_language(declared, text))
        items.append(Extracted(text=text, meta=meta, encoding=encoding, warning=warning, part=part))
    if not items:
        raise UnreadableDocument(NO_ITEMS)
    return items
