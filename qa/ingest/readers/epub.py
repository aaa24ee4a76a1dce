"""E-books (.epub, versions 2 and 3): the spine's documents in reading order, as paragraphs.

META-INF/container.xml names the package document (OPF); its spine orders the
manifest's XHTML documents (non-linear items too: notes are text). Each
document's body becomes paragraphs (`archive.markup_text`: block elements are
paragraphs, scripts and styles dropped); documents are separated by "\\n\\n" like
paragraphs. Metadata from the OPF: dc:title, dc:creator (several joined by
", "), dc:date (the publication event's when EPUB 2 names events) and dc:language (the
first that fits the text's script: LibreOffice declares its locale, "en", on Arabic).

Safety: the zip's declared sizes are checked before anything is unpacked, and
every XML file is parsed by `archive.parse_xml` (no DTD, no entities: a document
declaring any is refused). A document that is not well-formed XML — EPUB 2
tools wrote HTML — is read with lxml's HTML parser. A spine document listed in
META-INF/encryption.xml is DRM-protected: refused; obfuscated fonts are not text
and do not matter. Written without ebooklib (AGPL).
"""
from __future__ import annotations

import posixpath
import zipfile
from urllib.parse import unquote

from lxml import etree

from ...errors import UnreadableDocument
from . import archive
from .base import Extracted, Metadata

INVALID = "not a valid EPUB"
_CONTAINER = "urn:oasis:names:tc:opendocument:xmlns:container"
_OPF = "http://www.idpf.org/2007/opf"
_DC = "http://purl.org/dc/elements/1.1/"
_ENC = "http://www.w3.org/2001/04/xmlenc#"
_DOCUMENT_TYPES = frozenset({"application/xhtml+xml", "text/html", "application/html+xml"})


def _member(zf: zipfile.ZipFile, path: str) -> bytes:
    try:
        zf.getinfo(path)
    except KeyError:
        raise UnreadableDocument(f"{INVALID} (no {path})") from None
    return archive.read_member(zf, path, INVALID)


def _resolve(base_dir: str, href: str) -> str:
    """A manifest href (relative to the OPF, %-encoded, maybe with a fragment) as a zip member name."""
    path = posixpath.normpath(posixpath.join(base_dir, unquote(href.split("#", 1)[0])))
    return path.lstrip("/")


def _package_path(zf: zipfile.ZipFile) -> str:
    container = archive.parse_xml(_member(zf, "META-INF/container.xml"), INVALID)
    for rootfile in container.iter(f"{{{_CONTAINER}}}rootfile"):
        media_type = rootfile.get("media-type", "application/oebps-package+xml")
        if rootfile.get("full-path") and media_type == "application/oebps-package+xml":
            return rootfile.get("full-path").lstrip("/")
    raise UnreadableDocument(f"{INVALID} (no package document)")


def _texts(metadata: etree._Element | None, name: str) -> list[str]:
    if metadata is None:
        return []
    return [" ".join("".join(e.itertext()).split()) for e in metadata.iter(f"{{{_DC}}}{name}")
            if "".join(e.itertext()).strip()]


def _date(metadata: etree._Element | None) -> str:
    if metadata is None:
        return ""
    dates = [(e.get(f"{{{_OPF}}}event", ""), "".join(e.itertext()).strip()) for e in metadata.iter(f"{{{_DC}}}date")]
    dates = [(event, value) for event, value in dates if value]
    for wanted in ("publication", ""):
        for event, value in dates:
            if event == wanted:
                return value
    return dates[0][1] if dates else ""


def _encrypted(zf: zipfile.ZipFile) -> set[str]:
    """Members META-INF/encryption.xml says are encrypted (paths from the container's root)."""
    if "META-INF/encryption.xml" not in zf.namelist():
        return set()
    root = archive.parse_xml(_member(zf, "META-INF/encryption.xml"), INVALID)
    return {_resolve("", ref.get("URI", "")) for ref in root.iter(f"{{{_ENC}}}CipherReference") if ref.get("URI")}


def _document_text(data: bytes) -> str:
    try:
        root = archive.parse_xml(data, INVALID)
    except UnreadableDocument as error:
        if str(error) != INVALID:  # entity declarations: refused, not retried as HTML
            raise
        # Not well-formed: HTML as EPUB 2 tools wrote it, in UTF-8 or UTF-16 as EPUB requires
        # (lxml's HTML parser would take bytes without a meta charset for Latin-1).
        utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
        root = archive.parse_html(data.decode("utf-16" if utf16 else "utf-8-sig", errors="replace"))
        if root is None:
            return ""
    body = next((e for e in root.iter() if isinstance(e.tag, str) and etree.QName(e).localname.lower() == "body"),
                root)
    return archive.markup_text(body)


def read(data: bytes, name: str) -> list[Extracted]:
    """The book's text and OPF metadata; `UnreadableDocument` when it is not a readable EPUB."""
    with archive.open_zip(data, invalid=INVALID) as zf:
        opf_path = _package_path(zf)
        package = archive.parse_xml(_member(zf, opf_path), INVALID)
        base_dir = posixpath.dirname(opf_path)
        manifest = {item.get("id"): item for item in package.iter(f"{{{_OPF}}}item") if item.get("id")}
        spine = package.find(f"{{{_OPF}}}spine")
        if spine is None:
            raise UnreadableDocument(f"{INVALID} (no spine)")
        encrypted = _encrypted(zf)
        texts: list[str] = []
        seen: set[str] = set()
        for itemref in spine.iter(f"{{{_OPF}}}itemref"):
            item = manifest.get(itemref.get("idref"))
            if item is None or item.get("media-type") not in _DOCUMENT_TYPES or not item.get("href"):
                continue
            path = _resolve(base_dir, item.get("href"))
            if path in seen:
                continue
            seen.add(path)
            if path in encrypted:
                raise UnreadableDocument(archive.ENCRYPTED)
            text = _document_text(_member(zf, path))
            if text:
                texts.append(text)
    text = "\n\n".join(texts)
    if not text.strip():
        raise UnreadableDocument("no text in the e-book")
    metadata = package.find(f"{{{_OPF}}}metadata")
    titles, languages = _texts(metadata, "title"), _texts(metadata, "language")
    meta = Metadata(title=titles[0] if titles else "", author=", ".join(_texts(metadata, "creator")),
                    published=_date(metadata), language=archive.fitting_language(languages, text))
    return [Extracted(text=text, meta=meta, encoding="epub")]
