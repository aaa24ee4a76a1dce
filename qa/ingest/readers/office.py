"""Word documents (.docx): the text in reading order, headers first and footers last.

Order: the headers of all sections (each header part once, identical texts once,
first-page and even-page headers only where the section shows them), then the
body's blocks in document order — paragraphs and tables interleaved as they
stand, content controls (w:sdt) opened, text boxes after the paragraph that
anchors them — then the footers the same way as the headers. A table is one
paragraph whose rows are lines, cells joined by " | " (a merged cell once).
Paragraphs are separated by "\\n\\n"; a line break inside one is "\\n", a tab "\\t".

Tracked changes read as accepted (insertions kept, deletions and moved-from text
dropped). Left out: footnotes, endnotes, comments, automatic list numbers, and
the fallback copy of drawings (mc:Fallback repeats the text box). Word stores
text in logical order, Arabic included: nothing is reordered.

Metadata: title, author and created (as written, ISO 8601) from the core
properties; the language from the core properties or the document defaults,
the first that fits the text's main script (LibreOffice declares its user
interface's locale, "en-US", on Arabic text).

Safety: the zip's declared sizes are checked before anything is unpacked
(`archive.open_zip`); [Content_Types].xml, the relationships and every
XML-typed part are scanned for entity declarations before python-docx parses them (its parser keeps entity references unexpanded, but a
document that declares entities is hostile or broken either way). An OLE
compound file (D0 CF 11 E0) is what Office writes for an encrypted document,
and what an old .doc is: refused as such.
"""
from __future__ import annotations

import io
import zipfile

from lxml import etree

from ...errors import UnreadableDocument
from . import archive
from .base import Extracted, Metadata

INVALID = "not a valid Word document"
OLE = "encrypted or password-protected document (or an old .doc)"
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_DCTERMS = "http://purl.org/dc/terms/"


def _w(name: str) -> str:
    return f"{{{_W}}}{name}"


# Containers whose children are blocks (paragraphs, tables, content controls).
_BLOCK_WRAPPERS = {_w("sdt"): _w("sdtContent"), _w("customXml"): None}
# Inside a paragraph: subtrees whose text is not shown (deleted, moved away, a fallback copy, properties).
_HIDDEN = frozenset({_w("del"), _w("moveFrom"), f"{{{_MC}}}Fallback", _w("pPr"), _w("rPr"),
                     _w("instrText"), _w("delText"), _w("footnoteReference"), _w("endnoteReference")})
_CHARACTERS = {_w("tab"): "\t", _w("ptab"): "\t", _w("br"): "\n", _w("cr"): "\n",
               _w("noBreakHyphen"): "-", _w("softHyphen"): ""}


def _paragraph(p: etree._Element) -> tuple[str, list[etree._Element]]:
    """A paragraph's shown text, and the text boxes it anchors (read after it)."""
    parts: list[str] = []
    boxes: list[etree._Element] = []
    stack = list(reversed(p))
    while stack:
        node = stack.pop()
        tag = node.tag
        if not isinstance(tag, str) or tag in _HIDDEN:
            continue
        if tag == _w("t"):
            parts.append(node.text or "")
        elif tag in _CHARACTERS:
            parts.append(_CHARACTERS[tag])
        elif tag == _w("txbxContent"):
            boxes.append(node)
        else:
            stack.extend(reversed(node))
    return "".join(parts), boxes


def _cell_text(tc: etree._Element) -> str:
    return " ".join(" ".join(block.split()) for block in _blocks(tc))


def _table(tbl: etree._Element) -> str:
    rows = []
    for tr in _children(tbl, _w("tr")):
        cells = [_cell_text(tc) for tc in _children(tr, _w("tc"))]
        if any(cells):
            rows.append(" | ".join(cells))
    return "\n".join(rows)


def _children(parent: etree._Element, tag: str):
    """Direct children with `tag`, looking through content controls and custom XML wrappers."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag in _BLOCK_WRAPPERS:
            inner = _BLOCK_WRAPPERS[child.tag]
            container = child.find(inner) if inner else child
            if container is not None:
                yield from _children(container, tag)


def _blocks(container: etree._Element):
    """The non-empty blocks (paragraph or table texts) of a body, cell, header or text box, in order."""
    for child in container:
        tag = child.tag
        if tag == _w("p"):
            text, boxes = _paragraph(child)
            if text.strip():
                yield text.strip()
            for box in boxes:
                yield from _blocks(box)
        elif tag == _w("tbl"):
            text = _table(child)
            if text.strip():
                yield text
        elif tag in _BLOCK_WRAPPERS:
            inner = _BLOCK_WRAPPERS[tag]
            inner_container = child.find(inner) if inner else child
            if inner_container is not None:
                yield from _blocks(inner_container)


def _margins(doc, kind: str) -> list[str]:
    """The texts of the headers or footers (`kind`) the sections show, each part and each text once."""
    even_odd = doc.settings.element.find(_w("evenAndOddHeaders")) is not None
    seen_parts: set[str] = set()
    texts: list[str] = []
    for sect_pr in doc.element.body.iter(_w("sectPr")):
        title_page = sect_pr.find(_w("titlePg")) is not None
        refs = {ref.get(_w("type"), "default"): ref.get(f"{{{_R}}}id")
                for ref in sect_pr.findall(_w(f"{kind}Reference"))}
        shown = [("first", title_page), ("default", True), ("even", even_odd)]
        for kind_type, active in shown:
            r_id = refs.get(kind_type)
            if not active or not r_id or r_id not in doc.part.related_parts:
                continue
            part = doc.part.related_parts[r_id]
            if str(part.partname) in seen_parts or not hasattr(part, "element"):
                continue
            seen_parts.add(str(part.partname))
            text = "\n\n".join(_blocks(part.element))
            if text and text not in texts:
                texts.append(text)
    return texts


def _language(doc, text: str) -> str:
    """dc:language, else the document defaults' w:lang (w:val, then w:bidi for complex scripts),
    the first that fits the text's script (`archive.fitting_language`)."""
    declared = [doc.core_properties.language or ""]
    lang = doc.styles.element.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}/{_w('lang')}")
    if lang is not None:
        declared += [lang.get(_w("val")) or "", lang.get(_w("bidi")) or ""]
    return archive.fitting_language(declared, text)


def _created(doc) -> str:
    """dcterms:created as written (W3CDTF is ISO 8601): python-docx's datetime would add a precision it lacks."""
    element = doc.core_properties._element.find(f"{{{_DCTERMS}}}created")
    return (element.text or "").strip() if element is not None else ""


def _xml_parts(zf: zipfile.ZipFile) -> list[str]:
    """The members python-docx may parse as XML: [Content_Types].xml, relationships, XML-typed parts.

    Images are left out: python-docx keeps them as bytes, and an SVG may declare entities harmlessly.
    """
    types = archive.parse_xml(archive.read_member(zf, "[Content_Types].xml", INVALID), INVALID)
    defaults = {e.get("Extension", "").lower(): e.get("ContentType", "") for e in types if _local(e) == "Default"}
    overrides = {e.get("PartName", "").lstrip("/"): e.get("ContentType", "") for e in types if _local(e) == "Override"}
    names = []
    for member in zf.infolist():
        name = member.filename
        if member.is_dir() or name == "[Content_Types].xml":
            continue
        content_type = overrides.get(name) or defaults.get(name.rsplit(".", 1)[-1].lower(), "")
        if name.endswith(".rels") or (content_type.endswith("xml") and not content_type.startswith("image/")):
            names.append(name)
    return names


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _check_parts(zf: zipfile.ZipFile) -> None:
    """Refuse entity declarations in any part python-docx parses, before it parses one."""
    for name in _xml_parts(zf):
        if archive.has_entity_declaration(archive.read_member(zf, name, INVALID)):
            raise UnreadableDocument(archive.ENTITIES)


def read(data: bytes, name: str) -> list[Extracted]:
    """The document's text and core properties; `UnreadableDocument` when it is not a readable .docx."""
    if data.startswith(_OLE_SIGNATURE):
        raise UnreadableDocument(OLE)
    zf = archive.open_zip(data, invalid=INVALID)
    with zf:
        _check_parts(zf)
    import docx  # python-docx: imported once a file is known to need it
    from docx.opc.exceptions import PackageNotFoundError

    try:
        doc = docx.Document(io.BytesIO(data))
        blocks = list(_blocks(doc.element.body))
        headers, footers = _margins(doc, "header"), _margins(doc, "footer")
    except (PackageNotFoundError, KeyError, ValueError, AttributeError, etree.Error, zipfile.BadZipFile):
        raise UnreadableDocument(INVALID) from None
    text = "\n\n".join(headers + blocks + footers)
    if not text.strip():
        raise UnreadableDocument("no text in the document")
    props = doc.core_properties
    meta = Metadata(title=(props.title or "").strip(), author=(props.author or "").strip(),
                    published=_created(doc), language=_language(doc, text))
    return [Extracted(text=text, meta=meta, encoding="docx")]
