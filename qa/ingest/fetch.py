"""Fetching a page by URL, to be saved into seeds/ as the page itself (`qa add URL`, the Documents tab).

Job: GET an http(s) URL with the user's own network, at most `max_bytes`,
within `timeout` seconds, following redirects only to http(s); name the file
after the URL's last path segment, or after the server's Content-Type when
that has no extension qa reads (`example.org-news-123.html`). What comes back
is checked like an upload by the caller (the reader must accept it).

Addresses on this machine or its private networks (loopback, RFC 1918, link-local
such as a cloud's metadata service, reserved) are refused, at the first request and
at every redirect, unless the caller allows them (`QA_FETCH_LOCAL=1`): anyone who
may ask the chat could otherwise make it fetch, index and quote an internal page.

Left out on purpose: no JavaScript, cookies, or logins; no crawling of links.
"""
from __future__ import annotations

import http.client
import ipaddress
import re
import socket
import time
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


def check_address(url: str, allow_local: bool) -> None:
    """Refuse non-http(s) URLs, and hosts that resolve to a local or private address unless `allow_local`."""
    try:
        parts = urlsplit(url)
        port = parts.port  # raises on a port that is no number or out of range
    except ValueError as error:
        raise InvalidArgument(f"{url!r} is not a valid address ({error})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidArgument(f"{url!r} is not an http(s) address")
    if allow_local:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, port or (443 if parts.scheme == "https" else 80),
                                   proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise InvalidArgument(f"cannot fetch {url}: {error}") from None
    for *_, address in infos:
        ip = ipaddress.ip_address(address[0].split("%")[0])
        if not ip.is_global or ip.is_multicast:
            raise InvalidArgument(f"{parts.hostname} is an address on this machine or a private network "
                                  f"({ip}); set QA_FETCH_LOCAL=1 to fetch such pages")


class _Checked(urllib.request.HTTPRedirectHandler):
    def __init__(self, allow_local: bool) -> None:
        super().__init__()
        self.allow_local = allow_local

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001 - urllib's signature
        if urlsplit(newurl).scheme not in ("http", "https"):
            raise InvalidArgument(f"the page redirects to {newurl!r}, which is not an http(s) address")
        check_address(newurl, self.allow_local)
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


def fetch(url: str, timeout: float = TIMEOUT, max_bytes: int = MAX_BYTES, allow_local: bool = False) -> Fetched:
    """The page at `url`, within `timeout` seconds in all; `InvalidArgument` with one line when it cannot be had."""
    url = (url or "").strip()
    check_address(url, allow_local)
    opener = urllib.request.build_opener(_Checked(allow_local))
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    deadline = time.monotonic() + timeout
    try:
        with opener.open(request, timeout=timeout) as response:
            chunks, size = [], 0
            while size <= max_bytes:
                if time.monotonic() > deadline:
                    raise InvalidArgument(f"{url} did not arrive within {timeout:.0f} s")
                chunk = response.read1(64 * 1024)  # what has arrived: a trickling server meets the deadline
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
            data = b"".join(chunks)
            final, headers = response.geturl(), response.headers
    except urllib.error.HTTPError as error:
        raise InvalidArgument(f"{url} answered {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        raise InvalidArgument(f"cannot fetch {url}: {error.reason}") from None
    except (OSError, ValueError, http.client.HTTPException) as error:  # timeouts, resets, not HTTP at all
        raise InvalidArgument(f"cannot fetch {url}: {error or type(error).__name__}") from None
    if len(data) > max_bytes:
        raise InvalidArgument(f"{url} is larger than the {max_bytes // (1024 * 1024)} MB limit")
    content_type = headers.get("Content-Type", "") if isinstance(headers, Message) else ""
    return Fetched(final, file_name(final, content_type), data)
