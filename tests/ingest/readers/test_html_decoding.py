"""A saved page's text from its bytes (qa/ingest/readers/html/decoding.py), read through `read`."""
from __future__ import annotations

import pytest
from html_pages import FIXTURES, SEED_TXT, make_fixtures, read_one

from qa.errors import UnreadableDocument
from qa.ingest.readers import html as reader


@pytest.mark.parametrize("page", ["ar_seed.cp1256", "ar_seed.cp1256-undeclared", "ar_seed.cp1256-lying"])
def test_windows_1256_pages(page: str) -> None:
    data = (FIXTURES / f"{page}.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    extracted = read_one(data, f"{page}.html")
    assert extracted.encoding == "html (cp1256)" and extracted.warning == ""
    assert extracted.text == SEED_TXT.strip("\n")


def _arabic_page(meta: str = "") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in SEED_TXT.split("\n\n")[1:5])
    return f"<html lang='ar'><head>{meta}<title>خبر</title></head><body><article><h1>{make_fixtures.SEED_HEADLINE}</h1>{paragraphs}</article></body></html>"


FRENCH = [
    (
        "Le président a quitté l'Élysée à midi pour une réunion à Bruxelles. "
        "Les négociations, déjà très tendues, ont repris après une pause d'une heure."
    ),
    (
        "Selon un conseiller, « aucun accord n'est exclu » avant la fin de la journée, "
        "mais les syndicats préparent déjà une grève générale pour le mois prochain."
    ),
]


def _french_page(meta: str = "") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in FRENCH)
    return f"<html lang='fr'><head>{meta}<title>Réunion</title></head><body><article><h1>Réunion à Bruxelles</h1>{paragraphs}</article></body></html>"


@pytest.mark.parametrize(
    ("data", "codec", "expected"),
    [
        pytest.param(_arabic_page('<meta charset="windows-1256">').encode("cp1256"), "cp1256", "ar", id="meta-charset"),
        pytest.param(_arabic_page('<meta charset="iso-8859-1">').encode("cp1256"), "cp1256", "ar", id="western-declaration-lies"),
        pytest.param(_arabic_page('<meta charset="iso-8859-6">').encode("iso8859_6"), "iso8859_6", "ar", id="iso-8859-6"),
        pytest.param(_arabic_page().encode("iso8859_6"), "iso8859_6", "ar", id="iso-8859-6-undeclared"),
        pytest.param(_arabic_page('<meta charset="windows-1256">').encode("utf-8"), "utf-8", "ar", id="utf8-declared-legacy"),
        pytest.param(b"\xef\xbb\xbf" + _arabic_page().encode("utf-8"), "utf-8-sig", "ar", id="utf8-bom"),
        pytest.param(b"\xff\xfe" + _arabic_page('<meta charset="utf-16">').encode("utf-16-le"), "utf-16-le", "ar", id="utf16-bom"),
        pytest.param(_french_page('<meta charset="windows-1252">').encode("cp1252"), "cp1252", "fr", id="cp1252-declared"),
        pytest.param(_french_page().encode("cp1252"), "cp1252", "fr", id="cp1252-undeclared"),
        pytest.param(
            f'<?xml version="1.0" encoding="windows-1256"?>\n{_arabic_page()}'.encode("cp1256"), "cp1256", "ar", id="xml-declaration"
        ),
    ],
)
def test_encodings(data: bytes, codec: str, expected: str) -> None:
    extracted = read_one(data)
    assert extracted.encoding == f"html ({codec})"
    assert extracted.warning == ""
    if expected == "ar":
        assert extracted.text.split("\n\n") == SEED_TXT.strip("\n").split("\n\n")[:5]
    else:
        assert extracted.text.split("\n\n") == ["Réunion à Bruxelles", *FRENCH]
    assert not any(ch in extracted.text for ch in "ÃÇÞ\ufffd")  # no mojibake


def test_a_few_bad_bytes_in_utf8_are_replaced_and_said() -> None:
    data = _arabic_page('<meta charset="utf-8">').encode().replace("مجلس".encode(), "مجلس".encode() + b"\xff", 2)
    extracted = read_one(data)
    assert extracted.encoding == "html (utf-8 (2 invalid bytes replaced))"
    assert extracted.warning == reader.REPLACED
    assert extracted.text.count("\ufffd") == 2


def test_binary_is_refused() -> None:
    with pytest.raises(UnreadableDocument, match="^binary content$"):
        reader.read(b"<html>\x00\x01\x02" + bytes(range(256)) * 40, "x.html")
