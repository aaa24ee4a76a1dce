"""What a page's markup says about its article: language, author and publication date.

Job: `published` from `article:published_time`, `datePublished` (meta, JSON-LD,
`<time itemprop>`), the first `<time datetime>`, as precise as the page gives it; `author`
from meta author, `article:author` or JSON-LD as written (trafilatura cuts an Arabic
"city - name" byline to the city); `language` from `<html lang>`,
`<meta http-equiv=content-language>` or `<meta name=language>`, else og:locale's language.
Each "" when the markup does not say.

Not here: the title, the canonical URL and the fallbacks (trafilatura's date from the
markup, its author, the site's name), which `read` takes from trafilatura's document.
"""
from __future__ import annotations

import json
import re
from datetime import date, datetime

from .normalize import meta_text

_LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")


def language(tree) -> str:
    candidates = [tree.get("lang"), tree.get("{http://www.w3.org/XML/1998/namespace}lang"), tree.get("xml:lang")]
    for meta in tree.iter("meta"):
        key = (meta.get("http-equiv") or meta.get("name") or "").strip().lower()
        if key in {"content-language", "language", "dc.language"}:
            candidates.append(meta.get("content"))
    for candidate in candidates:
        tag = _bcp47((candidate or "").split(",")[0].strip())
        if tag:
            return tag
    # og:locale is Facebook's list ("ar_AR" for any Arabic): its language only.
    for meta in tree.iter("meta"):
        if (meta.get("property") or "").strip().lower() == "og:locale":
            tag = _bcp47((meta.get("content") or "").strip())
            if tag:
                return tag.split("-")[0]
    return ""


def _bcp47(value: str) -> str:
    value = value.replace("_", "-")
    if not _LANG_TAG.match(value):
        return ""
    parts = value.split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 2 and part.isalpha():
            out.append(part.upper())
        elif len(part) == 4 and part.isalpha():
            out.append(part.title())
        else:
            out.append(part.lower())
    return "-".join(out)


_BYLINE_PREFIX = re.compile(r"^(?:by|بقلم|كتب)\s*:?\s+", re.IGNORECASE)


def author(tree) -> str:
    """The author the page's markup names (meta author, article:author, JSON-LD), as written, or ""."""
    candidates = []
    for meta in tree.iter("meta"):
        key = (meta.get("name") or meta.get("property") or "").strip().lower()
        if key in {"author", "article:author", "dc.creator"}:
            candidates.append(meta.get("content") or "")
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() == "application/ld+json":
            candidates.extend(_jsonld_values(script.text or "", "author"))
    for candidate in candidates:
        value = _BYLINE_PREFIX.sub("", meta_text(candidate))
        if value and not re.match(r"^(?:https?:)?//", value):
            return value
    return ""


_PUBLISHED_META = (
    ("property", "article:published_time"),
    ("itemprop", "datepublished"),
    ("name", "article:published_time"),
    ("name", "pubdate"),
    ("name", "publishdate"),
    ("name", "dc.date.issued"),
    ("name", "date"),
)


def published(tree) -> str:
    """The publication date or date-time the page's markup gives, as it gives it (ISO 8601), or ""."""
    metas = list(tree.iter("meta"))
    for attribute, wanted in _PUBLISHED_META:
        for meta in metas:
            if (meta.get(attribute) or "").strip().lower() == wanted:
                value = _iso(meta.get("content") or "")
                if value:
                    return value
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() == "application/ld+json":
            value = _jsonld_published(script.text or "")
            if value:
                return value
    times = list(tree.iter("time"))
    for element in times:
        if (element.get("itemprop") or "").lower() == "datepublished" or element.get("pubdate") is not None:
            value = _iso(element.get("datetime") or "")
            if value:
                return value
    for element in times:
        value = _iso(element.get("datetime") or "")
        if value:
            return value
    return ""


def _jsonld_published(source: str) -> str:
    return next((v for v in map(_iso, _jsonld_values(source, "datePublished")) if v), "")


def _jsonld_values(source: str, key: str) -> list[str]:
    """The strings of `key` in a JSON-LD block (objects, lists, `@graph`), a person's or
    organization's `name` for an object, in document order; [] when it is not JSON."""
    if len(source) > 200_000:
        return []
    try:
        data = json.loads(source)
    except (ValueError, RecursionError):
        return []
    found: list[str] = []
    queue, visited = [data], 0
    while queue and visited < 10_000:
        node = queue.pop(0)
        visited += 1
        if isinstance(node, dict):
            value = node.get(key)
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str):
                    found.append(item)
                elif isinstance(item, dict) and isinstance(item.get("name"), str):
                    found.append(item["name"])
            queue.extend(v for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            queue.extend(v for v in node if isinstance(v, (dict, list)))
    return found


def _iso(value: str) -> str:
    """`value` when it is an ISO 8601 date or date-time, else ""."""
    value = value.strip()
    if not value or len(value) > 40:
        return ""
    try:
        if len(value) == 10:
            date.fromisoformat(value)
        else:
            datetime.fromisoformat(value.replace("Z", "+00:00") if value.endswith("Z") else value)
    except ValueError:
        return ""
    return value
