"""DOCX reader: real documents from python-docx and LibreOffice against their source texts, and hostile files.

Fixtures: tests/fixtures/docx/ (made by its make_fixtures.py). Hostile inputs are
built here in tmp_path from a real fixture: a zip bomb (200 MiB of zeros, ~1000:1),
a member declaring 2 GiB, too many members, an encrypted member, billion laughs in
document.xml (UTF-8 and UTF-16), a truncated zip, random bytes, a zip that is not a
Word document, and an OLE compound file (what Office writes for an encrypted .docx).
"""
from __future__ import annotations

import io
import struct
import time
import zipfile
from pathlib import Path

import pytest
from extraction import cer, lines_present

from qa.errors import UnreadableDocument
from qa.ingest.readers import archive, office

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "docx"
MIB = 1024 * 1024
QUICK = 5.0  # seconds a hostile file may take to be refused


def _read(name: str):
    [extracted] = office.read((FIXTURES / f"{name}.docx").read_bytes(), f"{name}.docx")
    return extracted, (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["python_docx_news", "libreoffice_news", "libreoffice_roundtrip"])
def test_text_matches_the_source(name):
    extracted, source = _read(name)
    assert cer(extracted.text, source) <= 0.02
    assert lines_present(extracted.text, source) >= 0.99
    assert extracted.encoding == "docx"
    assert "\n\n\n" not in extracted.text


def test_python_docx_metadata():
    extracted, _ = _read("python_docx_news")
    assert extracted.meta.title == "روسيا تدعو مجلس الأمن إلى الاجتماع بشأن سوريا"
    assert extracted.meta.author == "قسم الشؤون الدولية"
    assert extracted.meta.published == "2016-02-19T08:30:00Z"
    # No dc:language: the document defaults' complex-script language, the text being Arabic.
    assert extracted.meta.language == "ar-SA"


def test_libreoffice_metadata():
    extracted, _ = _read("libreoffice_news")
    assert extracted.meta.title == "IPCC chair elected / انتخاب رئيس الفريق الحكومي الدولي المعني بتغير المناخ"
    assert extracted.meta.author == "IPCC desk"
    assert extracted.meta.published.startswith("2015-10-08T09:00:00")
    assert extracted.meta.language == "en-US"


def test_libreoffice_locale_is_not_taken_for_the_language_of_arabic_text():
    with zipfile.ZipFile(FIXTURES / "libreoffice_roundtrip.docx") as zf:
        assert b"<dc:language>en-US</dc:language>" in zf.read("docProps/core.xml")
    extracted, _ = _read("libreoffice_roundtrip")
    assert extracted.meta.language == "ar-SA"


def test_tables_interleaved_with_paragraphs_headers_first_footers_last():
    extracted, source = _read("python_docx_news")
    paragraphs = extracted.text.split("\n\n")
    expected = source.strip().split("\n\n")
    assert paragraphs == expected
    header, footer = expected[0], expected[-1]
    table = next(p for p in paragraphs if " | " in p)
    # Body order: two paragraphs, the table, then the rest.
    assert paragraphs.index(table) == 3
    assert table.splitlines()[1] == "روسيا | تدعو إلى اجتماع لمجلس الأمن وتقدم مشروع قرار"
    # Two sections: the header is linked (one part), the footers are two parts with one text: once each.
    assert extracted.text.count(header) == 1 and paragraphs[0] == header
    assert extracted.text.count(footer) == 1 and paragraphs[-1] == footer


def test_libreoffice_header_parts_repeated_per_section_are_read_once():
    with zipfile.ZipFile(FIXTURES / "libreoffice_roundtrip.docx") as zf:
        assert {"word/header1.xml", "word/header2.xml"} <= set(zf.namelist())
    extracted, source = _read("libreoffice_roundtrip")
    assert extracted.text.split("\n\n") == source.strip().split("\n\n")


def test_arabic_comes_out_in_logical_order():
    extracted, source = _read("python_docx_news")
    first_body = extracted.text.split("\n\n")[1]
    assert first_body.startswith("أعلنت وزارة الخارجية الروسية")
    assert first_body == source.split("\n\n")[1]


# Hostile inputs ------------------------------------------------------------------------------


def _members(path: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as zf:
        return [(info.filename, zf.read(info)) for info in zf.infolist()]


def _rezip(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return buf.getvalue()


def _patch_central_directory(data: bytes, member: str, *, file_size: int | None = None, flag: int = 0) -> bytes:
    """Rewrite one member's central-directory entry: its declared uncompressed size, or set flag bits."""
    out = bytearray(data)
    name = member.encode()
    at = out.find(b"PK\x01\x02")
    while at != -1:
        name_length = struct.unpack_from("<H", out, at + 28)[0]
        if out[at + 46:at + 46 + name_length] == name:
            if file_size is not None:
                struct.pack_into("<I", out, at + 24, file_size)
            struct.pack_into("<H", out, at + 8, struct.unpack_from("<H", out, at + 8)[0] | flag)
            return bytes(out)
        at = out.find(b"PK\x01\x02", at + 46)
    raise AssertionError(f"{member} not in the central directory")


def _billion_laughs(root_tag: str, namespace: str) -> str:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!DOCTYPE {root_tag} [{entities}]>\n'
            f'<{root_tag} xmlns:w="{namespace}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></{root_tag}>')


def _refused(data: bytes, tmp_path: Path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(data)  # the hostile file, as a user would drop it in the seeds folder
    start = time.perf_counter()
    with pytest.raises(UnreadableDocument) as caught:
        office.read(path.read_bytes(), name)
    assert time.perf_counter() - start < QUICK
    reason = str(caught.value)
    assert "\n" not in reason and name not in reason  # a bare one-line reason: the caller adds the name
    return reason


@pytest.fixture(scope="module")
def members() -> list[tuple[str, bytes]]:
    return _members(FIXTURES / "python_docx_news.docx")


def test_zip_bomb_is_refused_before_unpacking(members, tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name, data)
        with zf.open("word/media/image1.png", "w", force_zip64=True) as member:
            zeros = bytes(MIB)
            for _ in range(200):
                member.write(zeros)
    data = buf.getvalue()
    assert len(data) < 1 * MIB
    assert _refused(data, tmp_path, "bomb.docx") == "archive too large when unpacked (zip bomb?)"


def test_member_declaring_2_gib_is_refused(members, tmp_path):
    data = _patch_central_directory(_rezip(members + [("word/media/huge.bin", bytes(1000))]),
                                    "word/media/huge.bin", file_size=2 * 1024 * MIB)
    assert zipfile.ZipFile(io.BytesIO(data)).getinfo("word/media/huge.bin").file_size == 2 * 1024 * MIB
    assert _refused(data, tmp_path, "declared.docx") == "archive too large when unpacked (zip bomb?)"


def test_too_many_members_are_refused(members, tmp_path):
    many = members + [(f"word/extra/part{i}.bin", b"x") for i in range(archive.MAX_MEMBERS + 1)]
    assert _refused(_rezip(many), tmp_path, "many.docx") == "archive holds too many files (zip bomb?)"


def test_encrypted_member_is_refused(members, tmp_path):
    data = _patch_central_directory(_rezip(members), "word/document.xml", flag=0x1)
    assert _refused(data, tmp_path, "locked.docx") == "encrypted or password-protected document"


@pytest.mark.parametrize("codec", ["utf-8", "utf-16"])
def test_billion_laughs_in_document_xml_is_refused(members, tmp_path, codec):
    laughs = _billion_laughs("w:document", office._W)
    if codec == "utf-16":
        laughs = laughs.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    hostile = [(n, laughs.encode(codec) if n == "word/document.xml" else d) for n, d in members]
    assert _refused(_rezip(hostile), tmp_path, "laughs.docx") == "XML entity declarations are not allowed"


def test_svg_image_declaring_entities_is_not_refused(members, tmp_path):
    """Illustrator's SVG declares namespace entities; python-docx never parses an image part."""
    svg = (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY ns_svg "http://www.w3.org/2000/svg">]>'
           b'<svg xmlns="&ns_svg;"/>')
    types = dict(members)["[Content_Types].xml"].replace(
        b"<Default ", b'<Default Extension="svg" ContentType="image/svg+xml"/><Default ', 1)
    replaced = [(n, types if n == "[Content_Types].xml" else d) for n, d in members]
    data = _rezip([*replaced, ("word/media/logo.svg", svg)])
    [extracted] = office.read(data, "with-svg.docx")
    assert extracted.text.startswith("تقرير إخباري")


def test_billion_laughs_in_a_relationships_part_is_refused(members, tmp_path):
    rels = (b'<?xml version="1.0"?><!DOCTYPE Relationships [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>')
    hostile = [(n, rels if n == "_rels/.rels" else d) for n, d in members]
    assert _refused(_rezip(hostile), tmp_path, "rels.docx") == "XML entity declarations are not allowed"


def test_ole_compound_file_is_refused_as_encrypted_or_old_doc(tmp_path):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + b"EncryptedPackage" + bytes(2000)
    assert _refused(ole, tmp_path, "protected.docx") == "encrypted or password-protected document (or an old .doc)"


@pytest.mark.parametrize("kind", ["truncated", "random", "empty", "zip of text"])
def test_malformed_files_are_not_valid_word_documents(kind, tmp_path):
    real = (FIXTURES / "python_docx_news.docx").read_bytes()
    data = {"truncated": real[: len(real) // 2], "random": bytes(range(256)) * 40, "empty": b"",
            "zip of text": _rezip([("notes.txt", b"not a document")])}[kind]
    assert _refused(data, tmp_path, "broken.docx") == "not a valid Word document"


def test_open_zip_limits_are_parameters():
    data = (FIXTURES / "python_docx_news.docx").read_bytes()
    with pytest.raises(UnreadableDocument, match="zip bomb"):
        archive.open_zip(data, max_total=1000)
    with pytest.raises(UnreadableDocument, match="too many files"):
        archive.open_zip(data, max_members=2)
    with archive.open_zip(data) as zf:
        assert "word/document.xml" in zf.namelist()


def test_tracked_changes_content_controls_text_boxes_and_merged_cells(tmp_path):
    """Word's own constructs: insertions kept and deletions dropped, a hyperlink's text, a block content
    control, a text box read once (mc:Fallback repeats it), a horizontally merged cell once."""
    import docx
    from docx.oxml import parse_xml

    w = f'xmlns:w="{office._W}" xmlns:mc="{office._MC}" xmlns:r="{office._R}"'
    doc = docx.Document()
    body = doc.element.body
    blocks = [
        (f'<w:p {w}><w:r><w:t xml:space="preserve">قالت الوزارة </w:t></w:r><w:ins w:id="1" w:author="a">'
         '<w:r><w:t>أمس</w:t></w:r></w:ins><w:del w:id="2" w:author="a"><w:r><w:delText>الثلاثاء</w:delText></w:r>'
         '</w:del><w:r><w:t xml:space="preserve"> في </w:t></w:r><w:hyperlink r:id="rId99"><w:r><w:t>بيان</w:t>'
         "</w:r></w:hyperlink></w:p>"),
        (f'<w:sdt {w}><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>Inside a content control</w:t></w:r></w:p>'
         "</w:sdtContent></w:sdt>"),
        (f'<w:p {w}><w:r><w:t>Anchor</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
         "<w:txbxContent><w:p><w:r><w:t>Text box line</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice>"
         "<mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>Text box line</w:t></w:r></w:p></w:txbxContent>"
         "</w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"),
        (f'<w:tbl {w}><w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>Merged</w:t></w:r></w:p>'
         "</w:tc></w:tr><w:tr><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>b</w:t></w:r>"
         "<w:r><w:tab/><w:t>c</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"),
    ]
    sect_pr = body[-1]
    for xml in blocks:
        sect_pr.addprevious(parse_xml(xml))
    path = tmp_path / "constructs.docx"
    doc.save(path)
    [extracted] = office.read(path.read_bytes(), path.name)
    assert extracted.text.split("\n\n") == [
        "قالت الوزارة أمس في بيان", "Inside a content control", "Anchor", "Text box line", "Merged\na | b c"]
