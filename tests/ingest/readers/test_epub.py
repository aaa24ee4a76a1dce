"""EPUB reader: a hand-built EPUB 3 and a LibreOffice export against their source texts, and hostile books.

Fixtures: tests/fixtures/epub/ (made by its make_fixtures.py). Hostile inputs are
built here in tmp_path from the hand-built book: billion laughs in a content file
and in container.xml, an external entity (XXE), a zip bomb, a DRM-encrypted chapter,
a book without container.xml, a truncated zip and random bytes.
"""
from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest
from extraction import cer, lines_present

from qa.errors import UnreadableDocument
from qa.ingest.readers import epub

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "epub"
MIB = 1024 * 1024
QUICK = 5.0  # seconds a hostile file may take to be refused


def _read(name: str):
    [extracted] = epub.read((FIXTURES / f"{name}.epub").read_bytes(), f"{name}.epub")
    return extracted, (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["handmade_news", "libreoffice_news"])
def test_text_matches_the_source(name):
    extracted, source = _read(name)
    assert cer(extracted.text, source) <= 0.02
    assert lines_present(extracted.text, source) >= 0.99
    assert extracted.encoding == "epub"


def test_spine_order_paragraphs_and_no_scripts_or_styles():
    extracted, source = _read("handmade_news")
    # The manifest lists chapter 2 first and the nav document: the spine decides, the nav is not in it.
    assert extracted.text.split("\n\n") == source.strip().split("\n\n")
    assert "not text" not in extracted.text and "text-indent" not in extracted.text
    assert "الفصل الأول" not in extracted.text
    # XHTML 1.1 entity references with an unloaded DTD still read as their characters.
    assert "The 1973 oil crisis \u2014 background" in extracted.text
    assert "October\u00a06, 1973" in extracted.text


def test_handmade_metadata():
    extracted, _ = _read("handmade_news")
    assert extracted.meta.title == "روسيا تدعو مجلس الأمن إلى الاجتماع بشأن سوريا"
    assert extracted.meta.author == "قسم الشؤون الدولية, XQuAD (Artetxe et al.)"
    assert extracted.meta.published == "2016-02-19"
    assert extracted.meta.language == "ar"


def test_libreoffice_metadata():
    extracted, _ = _read("libreoffice_news")
    assert extracted.meta.title == "أزمة النفط عام 1973"
    assert extracted.meta.author == "XQuAD"
    # LibreOffice declares its own locale ("en") as the language of this Arabic book: not believed.
    with zipfile.ZipFile(FIXTURES / "libreoffice_news.epub") as zf:
        opf = next(zf.read(n) for n in zf.namelist() if n.endswith(".opf"))
    assert b"<dc:language>en</dc:language>" in opf
    assert extracted.meta.language == ""


def test_dc_date_prefers_the_publication_event():
    opf = _members()["OEBPS/content.opf"].replace(
        b"<dc:date>2016-02-19</dc:date>",
        b'<dc:date opf:event="modification" xmlns:opf="http://www.idpf.org/2007/opf">2017-01-01</dc:date>'
        b'<dc:date opf:event="publication" xmlns:opf="http://www.idpf.org/2007/opf">2016-02-18</dc:date>')
    [extracted] = epub.read(_book({"OEBPS/content.opf": opf}), "dates.epub")
    assert extracted.meta.published == "2016-02-18"


# Hostile inputs ------------------------------------------------------------------------------


def _members() -> dict[str, bytes]:
    with zipfile.ZipFile(FIXTURES / "handmade_news.epub") as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def _book(replace: dict[str, bytes | None], extra: dict[str, bytes] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in {**_members(), **(extra or {})}.items():
            data = replace.get(name, data)
            if data is not None:
                zf.writestr(name, data)
    return buf.getvalue()


LAUGHS = ('<!DOCTYPE html [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
          + "]>")


def _refused(data: bytes, tmp_path: Path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    start = time.perf_counter()
    with pytest.raises(UnreadableDocument) as caught:
        epub.read(path.read_bytes(), name)
    assert time.perf_counter() - start < QUICK
    reason = str(caught.value)
    assert "\n" not in reason and name not in reason
    return reason


def test_billion_laughs_in_a_content_file_is_refused(tmp_path):
    chapter = (b'<?xml version="1.0" encoding="utf-8"?>' + LAUGHS.encode()
               + b'<html xmlns="http://www.w3.org/1999/xhtml"><body><p>&lol9;</p></body></html>')
    data = _book({"OEBPS/text/chapter1.xhtml": chapter})
    assert _refused(data, tmp_path, "laughs.epub") == "XML entity declarations are not allowed"


def test_billion_laughs_in_container_xml_is_refused(tmp_path):
    container = _members()["META-INF/container.xml"].replace(
        b"<container ", LAUGHS.replace("html", "container").encode() + b"<container ", 1)
    assert _refused(_book({"META-INF/container.xml": container}), tmp_path, "c.epub") == (
        "XML entity declarations are not allowed")


def test_external_entity_is_refused(tmp_path):
    chapter = (b'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
               b'<html xmlns="http://www.w3.org/1999/xhtml"><body><p>&xxe;</p></body></html>')
    assert _refused(_book({"OEBPS/text/chapter1.xhtml": chapter}), tmp_path, "xxe.epub") == (
        "XML entity declarations are not allowed")


def test_entity_declaration_in_a_chapter_that_is_not_xml_is_refused(tmp_path):
    """The HTML fallback must not become a way around the entity check."""
    chapter = LAUGHS.encode() + b"<html><body><p>&lol9;<p>unclosed</body></html>"
    assert _refused(_book({"OEBPS/text/chapter4.html": chapter}), tmp_path, "html.epub") == (
        "XML entity declarations are not allowed")


def test_zip_bomb_is_refused(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in _members().items():
            zf.writestr(name, data)
        with zf.open("OEBPS/images/cover.jpg", "w", force_zip64=True) as member:
            zeros = bytes(MIB)
            for _ in range(200):
                member.write(zeros)
    assert _refused(buf.getvalue(), tmp_path, "bomb.epub") == "archive too large when unpacked (zip bomb?)"


def test_drm_encrypted_chapter_is_refused(tmp_path):
    encryption = (b'<?xml version="1.0"?><encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
                  b'xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData>'
                  b'<enc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>'
                  b'<enc:CipherData><enc:CipherReference URI="OEBPS/text/chapter1.xhtml"/></enc:CipherData>'
                  b"</enc:EncryptedData></encryption>")
    data = _book({}, extra={"META-INF/encryption.xml": encryption})
    assert _refused(data, tmp_path, "drm.epub") == "encrypted or password-protected document"


def test_obfuscated_fonts_do_not_matter():
    encryption = (b'<?xml version="1.0"?><encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
                  b'xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData>'
                  b'<enc:EncryptionMethod Algorithm="http://www.idpf.org/2008/embedding"/>'
                  b'<enc:CipherData><enc:CipherReference URI="OEBPS/fonts/amiri.otf"/></enc:CipherData>'
                  b"</enc:EncryptedData></encryption>")
    data = _book({}, extra={"META-INF/encryption.xml": encryption, "OEBPS/fonts/amiri.otf": b"\x00" * 64})
    [extracted] = epub.read(data, "fonts.epub")
    assert extracted.text.startswith("روسيا تدعو إلى اجتماع لمجلس الأمن")


@pytest.mark.parametrize("kind, reason", [
    ("no container", "not a valid EPUB (no META-INF/container.xml)"),
    ("truncated", "not a valid EPUB"),
    ("random", "not a valid EPUB"),
    ("malformed opf", "not a valid EPUB"),
])
def test_malformed_books(kind, reason, tmp_path):
    real = (FIXTURES / "handmade_news.epub").read_bytes()
    data = {"no container": lambda: _book({"META-INF/container.xml": None}),
            "truncated": lambda: real[: len(real) // 2],
            "random": lambda: bytes(range(256)) * 40,
            "malformed opf": lambda: _book({"OEBPS/content.opf": b"<package><metadata>"})}[kind]()
    assert _refused(data, tmp_path, "broken.epub") == reason
