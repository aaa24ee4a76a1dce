"""Fetching a page by URL, to be saved into seeds/ as the page itself (`qa add URL`, the Documents tab).

Job: GET an http(s) URL with the user's own network, at most `max_bytes`,
within `timeout` seconds, following redirects only to http(s); name the file
after the URL's last path segment, or after the server's Content-Type when
that has no extension qa reads (`example.org-news-123.html`). What comes back
is checked like an upload by the caller (the reader must accept it).

Left out on purpose: no JavaScript, cookies, or logins; no crawling of links.
"""
from __future__ import annotations

import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from ..errors import InvalidArgument
from .documents import is_supported

TIMEOUT = 30.0
MAX_BYTES = 50 * 1024 * 1024
USER_AGENT = "qa/0.1 (+news question answering; fetches one page on request)"
_TYPES = {"text/html": ".html", "application/xhtml+xml": ".html", "application/pdf": ".pdf",
          "application/rss+xml": ".xml", "application/atom+xml": ".xml", "application/xml": ".xml",
          "text/xml": ".xml", "text/plain": ".txt", "text/markdown": ".md", "message/rfc822": ".eml",
          "application/epub+zip": ".epub",
          "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
          "image/png": ".png", "image/jpeg": ".jpg", "image/tiff": ".tif"}
_SLUG = re.compile(r"[^\w.-]+")


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    name: str  # a file name for seeds/
    data: bytes


class _HttpOnly(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001 - urllib's signature
        if urlsplit(newurl).scheme not in ("http", "https"):
            raise InvalidArgument(f"the page redirects to {newurl!r}, which is not an http(s) address")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def file_name(url: str, content_type: str) -> str:
    """A name for the fetched bytes: the URL's own file name if qa reads its type, else one made up.

    >>> file_name("https://example.org/news/2015/story.html?x=1", "text/html")
    'story.html'
    >>> file_name("https://example.org/news/2015/story", "text/html; charset=windows-1256")
    'example.org-news-2015-story.html'
    """
    parts = urlsplit(url)
    last = PurePosixPath(unquote(parts.path)).name
    if last and is_supported(PurePosixPath(last).suffix):
        return last
    suffix = _TYPES.get(content_type.split(";")[0].strip().lower(), ".html")
    slug = _SLUG.sub("-", f"{parts.hostname or 'page'}{unquote(parts.path)}").strip("-.")
    return f"{slug[:100] or 'page'}{suffix}"


def fetch(url: str, timeout: float = TIMEOUT, max_bytes: int = MAX_BYTES) -> Fetched:
    """The page at `url`; `InvalidArgument` with one line when it cannot be had."""
    url = (url or "").strip()
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
        raise InvalidArgument(f"{url!r} is not an http(s) address")
    opener = urllib.request.build_opener(_HttpOnly())
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    try:
        with opener.open(request, timeout=timeout) as response:
            data = response.read(max_bytes + 1)
            final, headers = response.geturl(), response.headers
    except urllib.error.HTTPError as error:
        raise InvalidArgument(f"{url} answered {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        raise InvalidArgument(f"cannot fetch {url}: {error.reason}") from None
    except (OSError, ValueError) as error:  # timeouts, resets, malformed responses
        raise InvalidArgument(f"cannot fetch {url}: {error}") from None
    if len(data) > max_bytes:
        raise InvalidArgument(f"{url} is larger than the {max_bytes // (1024 * 1024)} MB limit")
    content_type = headers.get("Content-Type", "") if isinstance(headers, Message) else ""
    return Fetched(final, file_name(final, content_type), data)
