"""Parsing a hostile page (qa/ingest/readers/html/parsing.py): no entity, no network, no code as text."""
from __future__ import annotations

import socket

import pytest
from extraction import lines_present
from html_pages import SEED_TXT, read_one


def test_no_external_entity_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("the reader opened a connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    article = "".join(f"<p>{p}</p>" for p in SEED_TXT.split("\n\n")[1:4])
    page = (
        '<?xml version="1.0"?>\n<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">'
        '<!ENTITY remote SYSTEM "http://127.0.0.1:9/x">]>\n'
        '<html><head><link rel="stylesheet" href="http://127.0.0.1:9/a.css"><base href="http://127.0.0.1:9/"></head>'
        f'<body><article><p>&xxe; &remote;</p>{article}'
        '<iframe src="file:///etc/passwd"></iframe><img src="http://127.0.0.1:9/i.png">'
        '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd"/></article></body></html>'
    )
    extracted = read_one(page.encode())
    assert "root:" not in extracted.text
    assert lines_present(extracted.text, "\n".join(SEED_TXT.split("\n\n")[1:4])) == 1.0


def test_scripts_and_styles_are_never_text() -> None:
    paragraphs = SEED_TXT.split("\n\n")[1:4]
    page = (
        "<html><head><script>var headline = 'SCRIPT-IN-HEAD';</script><style>p{color:red} /* STYLE-IN-HEAD */</style></head>"
        f"<body><article><p>{paragraphs[0]}</p>"
        "<script>document.write('<p>SCRIPT-IN-BODY</p>')</script><style>.x{content:'STYLE-IN-BODY'}</style>"
        "<noscript><p>NOSCRIPT-TEXT please enable JavaScript</p></noscript>"
        "<template><p>TEMPLATE-TEXT</p></template>"
        f"<p onclick=\"alert('HANDLER-TEXT')\">{paragraphs[1]}</p>"
        f'<script type="application/ld+json">{{"articleBody": "JSONLD-TEXT"}}</script><p>{paragraphs[2]}</p>'
        "</article></body></html>"
    )
    extracted = read_one(page.encode())
    for marker in ("SCRIPT-IN", "STYLE-IN", "NOSCRIPT-TEXT", "TEMPLATE-TEXT", "HANDLER-TEXT", "JSONLD-TEXT", "color:red"):
        assert marker not in extracted.text
    assert extracted.text.split("\n\n") == paragraphs
