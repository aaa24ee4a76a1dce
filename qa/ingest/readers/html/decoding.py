"""A saved page's text from its bytes, and the codec it was read in.

Job: `decode(data)`, in this order:
1. a byte-order mark (UTF-8, UTF-16);
2. strict UTF-8: bytes that are valid UTF-8 and not ASCII are UTF-8 whatever the page
   declares (a page converted to UTF-8 keeps its old declaration more often than legacy
   bytes happen to be valid UTF-8, which Arabic in Windows-1256 practically never is);
3. the page's declaration in its first DECLARATION_WINDOW bytes (`<meta charset>`,
   `<meta http-equiv="Content-Type" content="...; charset=...">`, `<?xml encoding?>`),
   labels read as browsers read them (ISO-8859-1 and ASCII are Windows-1252). Passed over:
   a declaration of UTF-8 on bytes that are not UTF-8 (it lies); any legacy declaration on
   bytes that are UTF-8 but for a few bad ones; a Western one (Windows-1252) on bytes whose
   text reads as Arabic (the commonest lie of old Arabic pages: the server's default); one
   the bytes do not decode in;
4. detection: `documents.decode_bytes` on the bytes of the page's text (markup, scripts and
   styles left out, so they do not drown a short article): Windows-1256, ISO-8859-6,
   Windows-1252, or UTF-8 with a few bad bytes replaced (then the warning is REPLACED).

Not here: parsing the text (`parsing`); characters XML cannot hold (`read` blanks them).
"""
from __future__ import annotations

import codecs
import re

import lxml.html
from lxml import etree

from ....errors import UnreadableDocument
from ...documents import decode_bytes
from .parsing import CODE, PARSER_OPTIONS

DECLARATION_WINDOW = 4096
REPLACED = "invalid UTF-8 bytes replaced by U+FFFD"


_DECLARED = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)|<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""",
    re.IGNORECASE,
)
# Labels browsers read differently from Python's codecs (WHATWG Encoding Standard).
_WHATWG = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "windows-1252": "cp1252",
    "x-cp1256": "cp1256",
    "utf-16": "utf-8",
    "utf-16le": "utf-8",
    "utf-16be": "utf-8",
}
_MULTIBYTE = re.compile("[^\x00-\x7f\ufffd]")
_ARABIC_CODECS = frozenset({"cp1256", "iso8859_6"})
_WESTERN_CODECS = frozenset({"cp1252", "iso8859_1", "latin_1", "ascii"})


def decode(data: bytes) -> tuple[str, str, str]:
    """(text, codec name, warning) of the page's bytes; the module docstring gives the order."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        text, codec = decode_bytes(data)
        return text, codec, ""
    declared = _declared(data)
    if data.isascii():
        return data.decode("ascii"), declared or "utf-8", ""
    if b"\x00" in data:
        decode_bytes(data)  # raises: binary content
    try:
        return data.decode("utf-8"), "utf-8", ""
    except UnicodeDecodeError:
        pass
    if declared and declared != "utf-8" and not _nearly_utf8(data):
        try:
            text = data.decode(declared)
        except UnicodeDecodeError:
            pass
        else:
            if declared not in _WESTERN_CODECS:
                return text, declared, ""
            detected = _detect(data)
            if detected[1] not in _ARABIC_CODECS:
                return text, declared, ""
            return detected
    return _detect(data)


def _nearly_utf8(data: bytes) -> bool:
    """UTF-8 but for a few bad bytes (a truncated save): then a legacy declaration is stale.

    The rule of `decode_bytes`: at least two well-formed multi-byte characters per bad
    sequence, which Windows-1256 Arabic never has (docs/reliability.md)."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    return bad > 0 and len(_MULTIBYTE.findall(text)) >= 2 * bad


def _declared(data: bytes) -> str:
    """The codec the page declares (Python's name, read as browsers read the label), or ""."""
    match = _DECLARED.search(data[:DECLARATION_WINDOW])
    if not match:
        return ""
    label = (match.group(1) or match.group(2)).decode("ascii").strip().lower()
    label = _WHATWG.get(label, label)
    try:
        return codecs.lookup(label).name.replace("-", "_") if label not in {"utf-8", "utf8"} else "utf-8"
    except LookupError:
        return ""


def _detect(data: bytes) -> tuple[str, str, str]:
    """Decode by `decode_bytes`' reading of the page's text bytes (markup, scripts, styles left out)."""
    sample = _text_bytes(data)
    try:
        _, codec = decode_bytes(sample) if sample.strip() else decode_bytes(data)
    except UnreadableDocument:
        _, codec = decode_bytes(data)  # the markup's own bytes decide, or the reason is raised
    if codec.startswith("utf-8 ("):
        text = data.decode("utf-8", errors="replace")
        bad = text.count("\ufffd") - data.count("\ufffd".encode())
        return text, f"utf-8 ({bad} invalid byte{'s' if bad != 1 else ''} replaced)", REPLACED
    try:
        return data.decode(codec), codec, ""
    except UnicodeDecodeError:
        text, codec = decode_bytes(data)
        return text, codec, REPLACED if "replaced" in codec else ""


def _text_bytes(data: bytes) -> bytes:
    """The bytes of the page's text nodes outside scripts and styles (read losslessly as Latin-1)."""
    try:
        tree = lxml.html.document_fromstring(data.decode("latin-1"), parser=lxml.html.HTMLParser(**PARSER_OPTIONS))
    except (etree.ParserError, ValueError):
        return data
    etree.strip_elements(tree, *CODE, etree.Comment, with_tail=False)
    text = " ".join(tree.itertext())
    # Entities the parser resolved to characters beyond Latin-1 were never bytes of the page.
    return re.sub(r"\s+", " ", text).encode("latin-1", errors="ignore")
