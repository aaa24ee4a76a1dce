"""What the container readers share: a zip opened only after its declared sizes pass, XML parsed
without entities, and markup turned into paragraphs.

- `open_zip` checks the central directory BEFORE anything is unpacked: member count (read
  from the end record before `zipfile` parses a single entry),
  the sum of declared uncompressed sizes, and the compression ratio of every member
  large enough to matter (a zip bomb declares what it will unpack to, and Python's
  `zipfile` never returns more than a member declares: a member that lies fails its CRC).
  Encrypted members (general-purpose flag bit 0x1) are refused: we hold no password.
- `parse_xml` refuses any document whose DTD declares entities (billion laughs, XXE)
  before parsing, and parses with a parser that loads no DTD, resolves no entity and
  touches no network; a declaration the byte scan missed (an exotic encoding) is caught
  from the parsed document's internal subset.
- `fitting_language` picks the first declared language that fits the text's main script:
  producers write their user interface's locale (LibreOffice declares "en-US" on Arabic text).
- `markup_text` turns an (X)HTML element into the readers' text: block elements
  become paragraphs separated by "\\n\\n", `<br>` a line break, table rows lines with
  cells joined by " | "; scripts, styles and the head are dropped.

Used by office.py and epub.py (zip, XML) and by mail.py and feed.py (HTML).
"""
from __future__ import annotations

import html.entities
import io
import re
import struct
import zipfile
import zlib

from lxml import etree
from lxml import html as lxml_html

from ...errors import UnreadableDocument

try:
    import lzma

    _LZMA_ERRORS: tuple[type[Exception], ...] = (lzma.LZMAError,)
except ImportError:  # a Python built without lzma cannot open such members at all
    _LZMA_ERRORS = ()

MIB = 1024 * 1024
# Unpacked size of the whole archive, declared sizes summed. A 50 MiB DOCX of photos unpacks to
# about its own size; text XML compresses ~10x: news documents stay far below this.
MAX_TOTAL = 256 * MIB
# Deflate reaches ~1030:1 on zeros; real XML parts compress 5-30x, a very repetitive table 100x.
MAX_RATIO = 200.0
# Small members cannot hurt whatever their ratio: the ratio is checked from this size up.
RATIO_FROM = 1 * MIB
MAX_MEMBERS = 10_000

ZIP_BOMB = "archive too large when unpacked (zip bomb?)"
TOO_MANY_MEMBERS = "archive holds too many files (zip bomb?)"
ENCRYPTED = "encrypted or password-protected document"
ENTITIES = "XML entity declarations are not allowed"
NOT_ZIP = "not a valid zip archive"

# "<!ENTITY" as UTF-8/ASCII and as UTF-16 in both byte orders: the encodings XML parts come in.
_ENTITY_DECLARATIONS = [re.compile(re.escape("<!ENTITY".encode(codec)), re.IGNORECASE)
                        for codec in ("ascii", "utf-16-le", "utf-16-be")]


def open_zip(data: bytes, max_total: int = MAX_TOTAL, max_ratio: float = MAX_RATIO,
             max_members: int = MAX_MEMBERS, invalid: str = NOT_ZIP) -> zipfile.ZipFile:
    """The archive in `data`, once its central directory promises nothing hostile.

    `invalid` is the reason given when `data` is not a zip at all (the caller's
    "not a valid Word document"). Nothing is decompressed here.
    """
    if _declared_entries(data) > max_members:  # before zipfile builds an object per entry
        raise UnreadableDocument(TOO_MANY_MEMBERS)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError, NotImplementedError):
        raise UnreadableDocument(invalid) from None
    if len(members) > max_members:
        raise UnreadableDocument(TOO_MANY_MEMBERS)
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise UnreadableDocument(ENCRYPTED)
        total += member.file_size
        if total > max_total:
            raise UnreadableDocument(ZIP_BOMB)
        if member.file_size >= RATIO_FROM and member.file_size > max_ratio * max(1, member.compress_size):
            raise UnreadableDocument(ZIP_BOMB)
    return archive


def _declared_entries(data: bytes) -> int:
    """The entry count the end-of-central-directory record (or its ZIP64 form) declares; 0 if none is found."""
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 0xFFFF))
    if at < 0 or len(data) < at + 22:
        return 0
    (entries,) = struct.unpack_from("<H", data, at + 10)
    if entries == 0xFFFF:  # ZIP64: the count is in the ZIP64 end record the locator (just before) points to
        locator = at - 20
        if locator >= 0 and data[locator:locator + 4] == b"PK\x06\x07":
            (end64,) = struct.unpack_from("<Q", data, locator + 8)
            if end64 + 40 <= len(data) and data[end64:end64 + 4] == b"PK\x06\x06":
                (entries,) = struct.unpack_from("<Q", data, end64 + 32)
    return entries


def read_member(archive: zipfile.ZipFile, name: str, invalid: str) -> bytes:
    """One member's bytes; a missing, corrupt or oddly compressed member is `invalid`."""
    try:
        return archive.read(name)
    except KeyError:
        raise UnreadableDocument(invalid) from None
    except RuntimeError:  # "File is encrypted": open_zip refuses those, but say it right if one slips by
        raise UnreadableDocument(ENCRYPTED) from None
    except (zipfile.BadZipFile, EOFError, ValueError, OSError, NotImplementedError, zlib.error, *_LZMA_ERRORS):
        raise UnreadableDocument(invalid) from None


def has_entity_declaration(data: bytes) -> bool:
    """True when the raw XML declares an entity (checked before any parser sees it)."""
    return any(pattern.search(data) for pattern in _ENTITY_DECLARATIONS)


def xml_parser() -> etree.XMLParser:
    """An lxml parser that loads no DTD, resolves no entity, opens no URL and keeps size limits."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           dtd_validation=False, remove_comments=True, remove_pis=True)


def parse_xml(data: bytes, invalid: str) -> etree._Element:
    """The root of an XML document; entity declarations refused, malformed XML is `invalid`."""
    if has_entity_declaration(data):
        raise UnreadableDocument(ENTITIES)
    try:
        root = etree.fromstring(data, xml_parser())
    except (etree.XMLSyntaxError, ValueError):
        raise UnreadableDocument(invalid) from None
    if root is None:
        raise UnreadableDocument(invalid)
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise UnreadableDocument(ENTITIES)
    return root


def parse_html(markup: str | bytes) -> etree._Element | None:
    """The root of an HTML document or fragment, None when it holds nothing; never fetches anything."""
    if isinstance(markup, bytes):
        if has_entity_declaration(markup):
            raise UnreadableDocument(ENTITIES)
    else:
        if "<!entity" in markup.lower():
            raise UnreadableDocument(ENTITIES)
        markup = _XML_DECLARATION.sub("", markup, count=1)  # lxml refuses one in a str
    if not markup.strip():
        return None
    parser = lxml_html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True)
    try:
        return lxml_html.document_fromstring(markup, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None


_ARABIC_LETTER = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")
_ARABIC_SCRIPT_LANGUAGES = frozenset({"ar", "fa", "ur", "ps", "ckb", "ku", "sd", "ug"})


def fitting_language(declared: list[str], text: str) -> str:
    """The first of the `declared` language codes whose script is the text's main one; "" when none is.

    An Arabic-script language is believed only for text with more Arabic than Latin
    letters, any other language only for the other kind.
    """
    arabic = len(_ARABIC_LETTER.findall(text)) > len(_LATIN_LETTER.findall(text))
    for code in declared:
        code = (code or "").strip()
        if code and (code.lower().replace("_", "-").split("-")[0] in _ARABIC_SCRIPT_LANGUAGES) == arabic:
            return code
    return ""


# Markup to paragraphs ---------------------------------------------------------------------------

_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog",
    "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
    "h5", "h6", "header", "hgroup", "hr", "legend", "li", "main", "menu", "nav", "ol", "p", "pre", "section",
    "summary", "table", "ul",
})
_SKIPPED = frozenset({
    "head", "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed", "canvas",
    "select", "button", "audio", "video", "map", "area",
})
_CELLS = frozenset({"td", "th"})
_XML_DECLARATION = re.compile(r"^\ufeff?\s*<\?xml[^>]*\?>")
_SPACES = re.compile(r"[ \t\n\r\f\v]+")  # HTML's collapsible white space: not NBSP


def _entity(name: str) -> str:
    """The character an HTML entity reference names ("" for an unknown one)."""
    codepoint = html.entities.name2codepoint.get(name)
    return chr(codepoint) if codepoint is not None else ""


def _name(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):  # comments, processing instructions, entities
        return ""
    return etree.QName(tag).localname.lower()


class _Paragraphs:
    """Collects text into paragraphs: "\\n" inside one (line breaks, table rows), "\\n\\n" between."""

    def __init__(self) -> None:
        self.done: list[str] = []
        self.lines: list[str] = []
        self.line: list[str] = []
        self.pre = 0  # inside <pre>: white space kept
        self.cell = 0  # inside a table cell: line and paragraph breaks are spaces

    def text(self, value: str | None) -> None:
        if value:
            self.line.append(value if self.pre else _SPACES.sub(" ", value))

    def _end_line(self) -> None:
        line = "".join(self.line)
        self.line = []
        self.lines.append(line if self.pre else _SPACES.sub(" ", line).strip(" "))

    def line_break(self) -> None:
        if self.cell:
            self.line.append(" ")
        elif self.pre:
            self.line.append("\n")
        else:
            self._end_line()

    def paragraph_break(self) -> None:
        if self.cell:
            self.line.append(" ")
            return
        self._end_line()
        text = "\n".join(line for line in self.lines if line.strip()).strip("\n")
        self.lines = []
        if text.strip():
            self.done.append(text)

    def result(self) -> str:
        self.cell = self.pre = 0
        self.paragraph_break()
        return "\n\n".join(self.done)


def markup_text(root: etree._Element | None) -> str:
    """The text of an (X)HTML element as paragraphs; the walk is iterative (deep nesting is fine)."""
    if root is None:
        return ""
    out = _Paragraphs()
    # (element, entering): its text on the way in, its children, then its tail on the way out.
    stack: list[tuple[etree._Element, bool]] = [(root, True)]
    row_started: list[bool] = []  # per open <tr>: whether a cell was already written
    while stack:
        element, entering = stack.pop()
        name = _name(element)
        if not entering:
            if name == "pre":
                out.paragraph_break()
                out.pre -= 1
            elif name in _BLOCKS:
                out.paragraph_break()
            elif name == "tr":
                row_started.pop()
                out.line_break()
            elif name in _CELLS:
                out.cell -= 1
            elif name == "br":
                out.line_break()
            out.text(element.tail)
            continue
        if element.tag is etree.Entity:  # kept unexpanded by the parser: XHTML's &nbsp; and friends
            out.text(_entity(element.name))
            out.text(element.tail)
            continue
        if not name or name in _SKIPPED:
            out.text(element.tail)
            continue
        stack.append((element, False))
        if name in _BLOCKS:
            out.paragraph_break()
            if name == "pre":
                out.pre += 1
        elif name == "tr":
            out.line_break()
            row_started.append(False)
        elif name in _CELLS:
            if row_started and row_started[-1] and not out.cell:
                out.line.append(" | ")
            if row_started:
                row_started[-1] = True
            out.cell += 1
        out.text(element.text)
        stack.extend((child, True) for child in reversed(element))
    return out.result()
