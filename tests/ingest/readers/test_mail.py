"""E-mail reader: messages written by Python's email package in the charsets Arabic mail comes in.

Fixtures: tests/fixtures/eml/ (made by its make_fixtures.py), each beside its body text.
"""
from __future__ import annotations

import time
from email.message import EmailMessage
from pathlib import Path

import pytest
from extraction import cer, lines_present

from qa.errors import UnreadableDocument
from qa.ingest.readers import mail

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "eml"
NAMES = ["cp1256_qp", "iso8859_6_base64", "utf8_alternative", "html_only", "attachment", "undeclared_8bit"]


def _read(name: str):
    [extracted] = mail.read((FIXTURES / f"{name}.eml").read_bytes(), f"{name}.eml")
    return extracted, (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", NAMES)
def test_text_matches_the_source(name):
    extracted, source = _read(name)
    assert cer(extracted.text, source) <= 0.02
    assert lines_present(extracted.text, source) >= 0.99
    assert extracted.text.split("\n\n") == source.strip().split("\n\n")
    assert extracted.warning == ""


@pytest.mark.parametrize("name, encoding, title, author, published", [
    ("cp1256_qp", "e-mail (windows-1256)", "روسيا تدعو مجلس الأمن إلى الاجتماع", "نشرة الأخبار الدولية",
     "2016-02-19T08:30:00+02:00"),
    ("iso8859_6_base64", "e-mail (iso-8859-6)", "محادثات جنيف ووقف اطلاق النار", "desk@example.org",
     "2016-02-19T10:05:00+03:00"),
    ("utf8_alternative", "e-mail (utf-8)", "The 1973 oil crisis / أزمة النفط 1973", "Energy Desk",
     "2015-10-08T09:00:00+00:00"),
    ("html_only", "e-mail (utf-8)", "انتخاب رئيس الفريق الحكومي الدولي المعني بتغير المناخ", "الفريق الحكومي الدولي",
     "2015-10-08T12:00:00+00:00"),
    ("attachment", "e-mail (utf-8)", "مقال الأرشيف مع المرفقات", "Archive", "2016-02-20T07:45:00+02:00"),
    ("undeclared_8bit", "e-mail (cp1256)", "تركيا وروسيا ومجلس الأمن", "desk@example.org",
     "2016-02-19T09:00:00+02:00"),
])
def test_metadata_and_charset(name, encoding, title, author, published):
    extracted, _ = _read(name)
    assert extracted.encoding == encoding
    assert extracted.meta.title == title
    assert extracted.meta.author == author
    assert extracted.meta.published == published


def test_encoded_words_in_the_message_charset_are_decoded():
    raw = (FIXTURES / "cp1256_qp.eml").read_bytes()
    assert b"Subject: =?windows-1256?b?" in raw and b"Content-Transfer-Encoding: quoted-printable" in raw
    assert b"Subject: =?iso-8859-6?" in (FIXTURES / "iso8859_6_base64.eml").read_bytes()
    extracted, _ = _read("cp1256_qp")
    assert extracted.meta.language == "ar"


def test_plain_part_preferred_over_html():
    extracted, _ = _read("utf8_alternative")
    assert "(HTML copy)" not in extracted.text
    assert extracted.meta.url == "https://lists.example.org/energy/2015-10/msg00001.html"


def test_html_body_without_scripts_or_styles():
    extracted, _ = _read("html_only")
    assert "track(" not in extracted.text and "color" not in extracted.text and "newsletter" not in extracted.text


def test_attachments_are_ignored():
    extracted, _ = _read("attachment")
    assert "ATTACHED TEXT" not in extracted.text and "PNG" not in extracted.text


def _message(body: bytes, content_type: str, cte: str = "8bit") -> bytes:
    return (b"From: a@example.org\r\nSubject: test\r\nDate: Fri, 19 Feb 2016 09:00:00 +0200\r\n"
            b"MIME-Version: 1.0\r\nContent-Type: " + content_type.encode()
            + b"\r\nContent-Transfer-Encoding: " + cte.encode() + b"\r\n\r\n" + body)


def test_wrong_or_unknown_declared_charset_falls_back_with_a_warning():
    arabic = "قالت وزارة الخارجية الروسية أمس".encode("cp1256")
    [wrong] = mail.read(_message(arabic, "text/plain; charset=utf-8"), "wrong.eml")
    assert wrong.text == "قالت وزارة الخارجية الروسية أمس"
    assert "utf-8" in wrong.warning and "cp1256" in wrong.warning
    [unknown] = mail.read(_message(arabic, "text/plain; charset=x-unknown-arabic"), "unknown.eml")
    assert unknown.text == "قالت وزارة الخارجية الروسية أمس" and unknown.warning


def test_format_flowed_soft_breaks_are_joined():
    body = b"The first paragraph is \r\nwrapped by the client.\r\n\r\nSecond one.\r\n"
    [extracted] = mail.read(_message(body, 'text/plain; charset=us-ascii; format=flowed'), "flowed.eml")
    assert extracted.text == "The first paragraph is wrapped by the client.\n\nSecond one."


def _refused(data: bytes, name: str) -> str:
    start = time.perf_counter()
    with pytest.raises(UnreadableDocument) as caught:
        mail.read(data, name)
    assert time.perf_counter() - start < 5.0
    return str(caught.value)


def test_messages_without_text_are_refused():
    msg = EmailMessage()
    msg["From"] = "a@example.org"
    msg["Subject"] = "only a file"
    msg.set_content("")
    msg.add_attachment(b"%PDF-1.4 ...", maintype="application", subtype="pdf", filename="report.pdf")
    assert _refused(msg.as_bytes(), "a.eml") == "no text in the e-mail"
    assert _refused(b"", "empty.eml") == "no text in the e-mail"
    assert _refused(_message(b"   \r\n\r\n", "text/plain; charset=utf-8"), "blank.eml") == "no text in the e-mail"


def test_a_file_that_is_not_a_message_is_refused():
    assert _refused("مجرد نص بلا ترويسات\nسطر ثان".encode(), "notes.eml") == "not an e-mail message (no headers)"
