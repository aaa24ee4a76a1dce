"""E-mail messages (.eml): the body's text, Subject, From and Date as metadata.

The body: the message's text/plain body, else its text/html body turned into
paragraphs (`archive.markup_text`: scripts and styles dropped, block elements
as paragraphs), as `email.message.EmailMessage.get_body` finds it (the first
part of a multipart/alternative or multipart/related that is not an attachment).
Attachments — files, images, forwarded messages attached as message/rfc822 —
are ignored: their text is not the message's. Plain text keeps its lines;
blank lines become the paragraph separator "\\n\\n"; format=flowed soft breaks
are joined (RFC 3676).

Charsets: the part's declared charset (windows-1256, iso-8859-6, utf-8, ...),
whatever its transfer encoding (quoted-printable, base64, 8bit). A part with no
charset, an unknown one, or one its bytes do not decode in, is decoded like a
plain-text file (`qa.ingest.documents.decode_bytes`), with a warning when a
declared charset was wrong. Headers are RFC 2047-decoded; a header of raw
8-bit bytes is decoded in the body's charset, else like a file.

Metadata: Subject → title, From → author (the display name, else the address),
Date → published (ISO 8601 with the sender's offset), Content-Language →
language, Archived-At → url. The subject is not repeated in the text.
"""
from __future__ import annotations

import codecs
import email.utils
import re
from email import policy
from email.errors import MessageError
from email.message import EmailMessage
from email.parser import BytesParser

from ...errors import UnreadableDocument
from ..documents import decode_bytes
from . import archive
from .base import Extracted, Metadata

NO_TEXT = "no text in the e-mail"
NOT_MAIL = "not an e-mail message (no headers)"
_SURROGATES = re.compile("[\udc80-\udcff]")
_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")
# What header parsing in the stdlib raises on mangled input besides MessageError.
_HEADER_ERRORS = (MessageError, ValueError, IndexError, TypeError, AttributeError, LookupError)


def _decode(payload: bytes, charset: str | None) -> tuple[str, str, str]:
    """(text, encoding, warning) of a part's bytes."""
    if charset:
        try:
            codec = codecs.lookup(charset).name
        except LookupError:
            codec = ""
        if codec:
            try:
                return payload.decode(codec), charset, ""
            except UnicodeDecodeError:
                pass
    elif payload.isascii():
        return payload.decode("ascii"), "us-ascii", ""
    text, encoding = decode_bytes(payload)
    if charset:
        return text, encoding, f"declared charset {charset} does not fit the text: read as {encoding}"
    return text, encoding, ""


def _unflow(text: str, delsp: bool) -> str:
    """Join format=flowed soft line breaks (a line ending in a space continues on the next)."""
    out: list[str] = []
    for line in text.split("\n"):
        line = line.removeprefix(" ")  # space-stuffed
        if out and out[-1].endswith(" ") and out[-1] != "-- ":
            out[-1] = (out[-1][:-1] if delsp else out[-1]) + line
        else:
            out.append(line)
    return "\n".join(out)


def _plain_paragraphs(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", lines).strip("\n")


def _body(msg: EmailMessage) -> tuple[str, str, str]:
    """(text, encoding, warning) of the message's text, plain preferred; ("", "", "") when it has none."""
    for kind in ("plain", "html"):
        part = msg.get_body(preferencelist=(kind,))
        if part is None:
            continue
        payload = part.get_payload(decode=True) or b""
        text, encoding, warning = _decode(payload, part.get_content_charset())
        if kind == "plain":
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            if (part.get_param("format") or "").lower() == "flowed":
                text = _unflow(text, (part.get_param("delsp") or "").lower() == "yes")
            text = _plain_paragraphs(text)
        else:
            text = archive.markup_text(archive.parse_html(text))
        if text.strip():
            return text, encoding, warning
    return "", "", ""


def _raw(msg: EmailMessage, name: str) -> str | None:
    return next((value for key, value in msg.raw_items() if key.lower() == name), None)


def _eight_bit(raw: str, hint: str) -> str:
    """A header value holding raw 8-bit bytes (surrogate-escaped by the parser), decoded."""
    data = raw.encode("ascii", "surrogateescape")
    if hint:
        try:
            return data.decode(codecs.lookup(hint).name)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return decode_bytes(data)[0]
    except UnreadableDocument:
        return data.decode("utf-8", errors="replace")


def _header(msg: EmailMessage, name: str, hint: str) -> str:
    raw = _raw(msg, name)
    if raw is None:
        return ""
    if _SURROGATES.search(raw):
        return " ".join(_eight_bit(raw, hint).split())
    try:
        return " ".join(str(msg[name]).split())
    except _HEADER_ERRORS:
        return " ".join(raw.split())


def _author(msg: EmailMessage, hint: str) -> str:
    raw = _raw(msg, "from")
    if raw is None:
        return ""
    try:
        if _SURROGATES.search(raw):
            pairs = email.utils.getaddresses([_eight_bit(raw, hint)])
        else:
            pairs = [(a.display_name, a.addr_spec) for a in msg["from"].addresses]
    except _HEADER_ERRORS:
        pairs = email.utils.getaddresses([raw])
    names = [" ".join((display or address).split()) for display, address in pairs if display or address]
    return ", ".join(names) if names else _header(msg, "from", hint)


def _date(msg: EmailMessage) -> str:
    try:
        header = msg["date"]
        when = getattr(header, "datetime", None)
    except _HEADER_ERRORS:
        return ""
    return when.isoformat() if when is not None else ""


def read(data: bytes, name: str) -> list[Extracted]:
    """The message's body text and headers; `UnreadableDocument` when it holds no text."""
    if not data.strip():
        raise UnreadableDocument(NO_TEXT)
    msg = BytesParser(policy=policy.default).parsebytes(data)
    if not msg.keys():
        raise UnreadableDocument(NOT_MAIL)
    text, encoding, warning = _body(msg)
    if not text.strip():
        raise UnreadableDocument(NO_TEXT)
    hint = encoding if encoding and encoding != "us-ascii" else ""
    language = _header(msg, "content-language", hint).split(",")[0].strip()
    url = _header(msg, "archived-at", hint).strip("<> ")
    meta = Metadata(title=_header(msg, "subject", hint), author=_author(msg, hint), published=_date(msg),
                    url=url, language=language)
    return [Extracted(text=text, meta=meta, encoding=f"e-mail ({encoding})", warning=warning)]
