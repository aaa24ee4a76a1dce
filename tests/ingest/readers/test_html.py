"""The HTML reader on saved news pages: the article's text, exactly, and nothing around it.

Fixtures: tests/fixtures/html (make_fixtures.py regenerates them and says what each is);
the SaudiNewsNet pages are built from ../shared/eval/news-archive into a temporary folder
(that dataset may not be copied into the repository), skipped when it is not there.
"""
from __future__ import annotations

import dataclasses
import importlib.util
import json
import socket
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import trafilatura
from extraction import canonical, cer, lines_present

from qa.errors import UnreadableDocument
from qa.ingest.readers import html as reader
from qa.ingest.readers.base import Extracted

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "html"
ZWNJ, RLM, NBSP = "\u200c", "\u200f", "\u00a0"
# Generous against a slow machine: these pages take 0.1-3.5 s here.
FEW_SECONDS = 10.0


def _load_make_fixtures():
    spec = importlib.util.spec_from_file_location("make_html_fixtures", FIXTURES / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


make_fixtures = _load_make_fixtures()

# Every page beside its txt, boilerplate and meta files.
COMMITTED = sorted(path.name[: -len(".html")] for path in FIXTURES.glob("*.html"))


def read_one(data: bytes, name: str = "page.html") -> Extracted:
    parts = reader.read(data, name)
    assert len(parts) == 1
    return parts[0]


def seed_page(**changes) -> str:
    """The seed article's page (as make_fixtures writes it), with Article fields replaced."""
    return make_fixtures.page_html(dataclasses.replace(make_fixtures.seed_article(), **changes))


SEED_TXT = (FIXTURES / "ar_seed.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def archive_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    jsonl = make_fixtures.eval_dir() / "news-archive" / "saudinewsnet-1000.jsonl"
    if not jsonl.is_file():
        pytest.skip(f"SaudiNewsNet archive not found at {jsonl}")
    folder = tmp_path_factory.mktemp("html_archive")
    make_fixtures.write_archive_pages(folder, jsonl)
    return folder


def _sets(folder: Path, page: str) -> tuple[Extracted, str, list[str], dict]:
    extracted = read_one((folder / f"{page}.html").read_bytes(), f"{page}.html")
    source = (folder / f"{page}.txt").read_text(encoding="utf-8")
    boilerplate = [line for line in (folder / f"{page}.boilerplate.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
    meta = json.loads((folder / f"{page}.meta.json").read_text(encoding="utf-8"))
    return extracted, source, boilerplate, meta


def _assert_extraction(extracted: Extracted, source: str, boilerplate: list[str]) -> None:
    text = extracted.text
    assert cer(text, source) <= 0.02
    assert lines_present(text, source) >= 0.99
    leaked = [line for line in boilerplate if canonical(line) in canonical(text)]
    assert leaked == []
    # Final as returned: paragraphs one blank line apart, each the source's paragraph
    # (a heading its own paragraph, a table its rows), the headline first.
    paragraphs = text.split("\n\n")
    assert all(p and p == p.strip() and "\n\n" not in p for p in paragraphs)
    wanted = source.strip("\n").split("\n\n")
    assert Counter(wanted) - Counter(paragraphs) == Counter()  # a paragraph the page repeats, as often
    assert paragraphs[0] == wanted[0]


def _assert_meta(extracted: Extracted, meta: dict) -> None:
    got = extracted.meta
    assert (got.title, got.published, got.author, got.url, got.language) == (
        meta["title"],
        meta["published"],
        meta["author"],
        meta["url"],
        meta["language"],
    )


# --- The fixtures --------------------------------------------------------------------------


def test_the_fixtures_are_there() -> None:
    assert len(COMMITTED) >= 9
    for page in COMMITTED:
        for suffix in ("txt", "boilerplate.txt", "meta.json"):
            assert (FIXTURES / f"{page}.{suffix}").is_file()


@pytest.mark.parametrize("page", COMMITTED)
def test_fixture_text_is_the_article_and_nothing_else(page: str) -> None:
    extracted, source, boilerplate, _ = _sets(FIXTURES, page)
    _assert_extraction(extracted, source, boilerplate)


@pytest.mark.parametrize("page", COMMITTED)
def test_fixture_metadata(page: str) -> None:
    extracted, _, _, meta = _sets(FIXTURES, page)
    _assert_meta(extracted, meta)


@pytest.mark.parametrize("name", [name for name, _, _ in make_fixtures.ARCHIVE_URLS.values()])
def test_archive_pages(archive_dir: Path, name: str) -> None:
    extracted, source, boilerplate, meta = _sets(archive_dir, name)
    _assert_extraction(extracted, source, boilerplate)
    _assert_meta(extracted, meta)
    assert extracted.encoding == "html (utf-8)" and extracted.warning == ""


def test_chromium_fixture_is_a_browser_save() -> None:
    """The saved DOM: the widget its script fills is filled (and still must not be text)."""
    saved = (FIXTURES / "ar_seed.chromium.html").read_text(encoding="utf-8")
    raw = (FIXTURES / "ar_seed.html").read_text(encoding="utf-8")
    widget = '<div id="trending-widget" class="widget"><h3>'
    assert widget in saved and widget not in raw


def test_fixtures_are_what_make_fixtures_writes(tmp_path: Path) -> None:
    if not (make_fixtures.eval_dir() / "xquad").is_dir():
        pytest.skip("XQuAD not found: the English and mixed pages cannot be rebuilt")
    make_fixtures.write_all(tmp_path, chromium=False)
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written
    for name in written:
        assert (tmp_path / name).read_bytes() == (FIXTURES / name).read_bytes(), name


# --- The headline --------------------------------------------------------------------------


def test_headline_becomes_the_first_paragraph() -> None:
    """trafilatura leaves the <h1> above the article body out; without it in the text, a
    question about the headline could never be answered from the index."""
    document = trafilatura.bare_extraction((FIXTURES / "ar_seed.html").read_text(encoding="utf-8"))
    assert make_fixtures.SEED_HEADLINE not in document.text  # what the reader makes up for
    extracted = read_one((FIXTURES / "ar_seed.html").read_bytes())
    assert extracted.text.startswith(make_fixtures.SEED_HEADLINE + "\n\n")
    assert extracted.text.count(make_fixtures.SEED_HEADLINE) == 1


def test_headline_already_in_the_text_is_not_repeated() -> None:
    body = "".join(f"<p>{p}</p>" for p in SEED_TXT.split("\n\n")[1:4])
    page = f"<html><head><title>ignored</title></head><body><div class='story'><h1>{make_fixtures.SEED_HEADLINE}</h1>{body}</div></body></html>"
    extracted = read_one(page.encode())
    assert extracted.text.count(make_fixtures.SEED_HEADLINE) == 1
    assert extracted.text.startswith(make_fixtures.SEED_HEADLINE + "\n\n")


def test_headline_from_the_title_element_without_the_site_name() -> None:
    body = "".join(f"<p>{p}</p>" for p in SEED_TXT.split("\n\n")[1:4])
    page = f"<html><head><title>{make_fixtures.SEED_HEADLINE} | بوابة الخبر</title></head><body><main>{body}</main></body></html>"
    extracted = read_one(page.encode())
    assert extracted.meta.title == make_fixtures.SEED_HEADLINE
    assert extracted.text.split("\n\n")[0] == make_fixtures.SEED_HEADLINE


# --- Invisible characters --------------------------------------------------------------------


def test_trafilatura_alone_loses_zwnj_rlm_and_nbsp() -> None:
    """Why the reader protects them (if this fails, trafilatura stopped doing it)."""
    text = trafilatura.extract((FIXTURES / "fa_air_pollution.html").read_text(encoding="utf-8"))
    assert ZWNJ not in text and RLM not in text and NBSP not in text
    assert "میخواهد" in text  # "می‌خواهد" without its ZWNJ


def test_zwnj_rlm_and_nbsp_are_kept() -> None:
    source = (FIXTURES / "fa_air_pollution.txt").read_text(encoding="utf-8").strip("\n")
    extracted = read_one((FIXTURES / "fa_air_pollution.html").read_bytes())
    assert extracted.text == source
    for mark in (ZWNJ, RLM, NBSP):
        assert extracted.text.count(mark) == source.count(mark) > 0
    assert f"می{ZWNJ}خواهد" in extracted.text
    assert f"۱۲{NBSP}۰۰۰" in extracted.text
    assert f"(WHO){RLM}" in extracted.text
    assert ZWNJ in extracted.meta.title and ZWNJ in extracted.meta.author


def test_marks_kept_when_the_page_holds_the_placeholders_too() -> None:
    """The placeholders are letters of an ancient script; a page quoting it keeps them as well."""
    linear_b = "".join(chr(0x10000 + i) for i in range(8))
    paragraph = f"نص فارسی می{ZWNJ}خواهد ۱۰{NBSP}۰۰۰ و{RLM} خط ب {linear_b} " * 8
    page = f"<html lang='fa'><body><article><h1>عنوان</h1><p>{paragraph.strip()}</p></article></body></html>"
    extracted = read_one(page.encode())
    assert extracted.text == "عنوان\n\n" + paragraph.strip()


def test_layout_nbsp_becomes_a_space() -> None:
    """NBSP runs and NBSP at a paragraph's edge are indentation, not text."""
    sentence, other = SEED_TXT.split("\n\n")[1:3]
    words = other.split(" ")
    padded = " ".join(words[:6]) + "&nbsp;&nbsp;" + " ".join(words[6:])
    page = f"<html><body><article><p>&nbsp;&nbsp;&nbsp;&nbsp;{sentence}&nbsp;</p><p>{padded}</p></article></body></html>"
    extracted = read_one(page.encode())
    assert extracted.text.split("\n\n") == [sentence, other]
    assert NBSP not in extracted.text


# --- Encodings ---------------------------------------------------------------------------------


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


# --- Hostile pages -------------------------------------------------------------------------------


def _timed(data: bytes):
    start = time.monotonic()
    try:
        result: Extracted | UnreadableDocument = read_one(data)
    except UnreadableDocument as error:
        result = error
    return result, time.monotonic() - start


def test_five_megabyte_saved_page() -> None:
    """A heavy page: app state in a script, an SVG sprite, a mega-menu, inline styles: 5 MB around the article."""
    page = (FIXTURES / "ar_seed.html").read_text(encoding="utf-8")
    state = "<script>window.__STATE__=" + json.dumps({"items": [{"id": i, "t": "خبر " * 20} for i in range(12_000)]}) + "</script>"
    sprite = "<svg style='display:none'>" + "".join(f"<symbol id='i{i}'><path d='M0 0L{i} {i}Z'/></symbol>" for i in range(12_000)) + "</svg>"
    menu = "<nav class='mega-menu'><ul>" + "".join(f"<li><a href='/s/{i}'>قسم {i}</a></li>" for i in range(6_000)) + "</ul></nav>"
    styles = "<style>" + "".join(f".c{i}{{color:#{i % 999:03d}}}" for i in range(60_000)) + "</style>"
    page = page.replace("<body class=\"article-page\">", f"<body class=\"article-page\">{state}{sprite}{menu}{styles}", 1)
    data = page.encode()
    assert len(data) >= 5_000_000
    result, seconds = _timed(data)
    assert seconds < FEW_SECONDS
    assert isinstance(result, Extracted)
    assert cer(result.text, SEED_TXT) <= 0.02


def test_five_megabytes_of_markup_is_refused_quickly() -> None:
    data = ("<html><body>" + "<div class='x'><span>a</span> b </div>\n" * 130_000 + f"<article><p>{SEED_TXT}</p></article></body></html>").encode()
    assert len(data) >= 5_000_000
    result, seconds = _timed(data)
    assert seconds < FEW_SECONDS
    assert isinstance(result, UnreadableDocument) and str(result) == reader.TOO_MANY_ELEMENTS


def test_five_megabytes_of_text() -> None:
    paragraphs = SEED_TXT.split("\n\n")
    body = "".join(f"<p>{n} {paragraphs[n % len(paragraphs)]}</p>\n" for n in range(14_000))
    data = f"<html><body><article>{body}</article></body></html>".encode()
    assert len(data) >= 5_000_000
    result, seconds = _timed(data)
    assert seconds < FEW_SECONDS
    assert isinstance(result, Extracted) and len(result.text) > 2_500_000


@pytest.mark.parametrize("opening", ["<div>", "<div><span>", "<b>", "<table><tr><td>"])
def test_ten_thousand_deep_nesting(opening: str) -> None:
    """libxml2 would stop at depth 256 and drop the rest; the reader flattens the page instead."""
    closing = "".join(f"</{tag}>" for tag in reversed(opening.replace("<", "").split(">")[:-1]))
    article = "".join(f"<p>{p}</p>" for p in SEED_TXT.split("\n\n")[1:])
    data = f"<html><body>{opening * 10_000}<article>{article}</article>{closing * 10_000}<p>بعد</p></body></html>".encode()
    result, seconds = _timed(data)
    assert seconds < FEW_SECONDS
    assert isinstance(result, Extracted)
    assert lines_present(result.text, "\n".join(SEED_TXT.split("\n\n")[1:])) >= 0.99


def test_over_the_size_limit_is_refused_without_reading() -> None:
    result, seconds = _timed(b"<html><body><p>" + b"a" * reader.MAX_BYTES + b"</p></body></html>")
    assert isinstance(result, UnreadableDocument) and str(result) == reader.TOO_LARGE
    assert seconds < 1.0


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


# --- Pages without an article ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(seed_page(blocks=[]).encode(), id="site-chrome-only"),
        pytest.param(b"", id="empty"),
        pytest.param(b"<html><head><title>x</title></head><body></body></html>", id="empty-body"),
        pytest.param(b"<html><body><script>render()</script><div id='app'></div></body></html>", id="script-rendered"),
    ],
)
def test_no_article_text(data: bytes) -> None:
    with pytest.raises(UnreadableDocument, match=f"^{reader.NO_TEXT}$"):
        reader.read(data, "page.html")


def test_a_one_paragraph_brief_is_read_without_the_chrome() -> None:
    """Below trafilatura's 250 characters its fallbacks took the whole article block (byline,
    share buttons, tags); favor_precision keeps to the paragraph."""
    sentence = SEED_TXT.split("\n\n")[1].split(". ")[0] + "."
    extracted = read_one(seed_page(blocks=[("p", sentence)]).encode())
    assert extracted.text == f"{make_fixtures.SEED_HEADLINE}\n\n{sentence}"


def test_line_breaks_inside_a_paragraph_and_between_paragraphs() -> None:
    paragraphs = SEED_TXT.split("\n\n")[1:4]
    body = "<br>\n<br>\n".join(paragraphs) + "<br>\nسطر بعد فاصل واحد"
    page = f"<html><body><article><h1>{make_fixtures.SEED_HEADLINE}</h1><div class='text'>{body}</div></article></body></html>"
    extracted = read_one(page.encode())
    assert extracted.text.split("\n\n") == [make_fixtures.SEED_HEADLINE, *paragraphs[:2], paragraphs[2] + "\nسطر بعد فاصل واحد"]


def test_subheadings_trafilatura_drops_are_put_back() -> None:
    """On plain <div>s trafilatura keeps the paragraphs and loses the heading between them
    (ar_seed.tables is the same on a layout-table page); headings elsewhere stay out."""
    paragraphs = SEED_TXT.split("\n\n")[1:7]
    body = "".join(f"<p>{p}</p>" for p in paragraphs[:3])
    body += "<div class='slot'>إعلان</div><h2>عنوان فرعي</h2><h3>وعنوان أصغر</h3>"
    body += "".join(f"<p>{p}</p>" for p in paragraphs[3:])
    sidebar = "<div><h3>الأكثر قراءة</h3><ul><li><a href='/1'>خبر أول</a></li><li><a href='/2'>خبر ثان</a></li></ul></div>"
    headline = make_fixtures.SEED_HEADLINE
    page = f"<html><head><title>{headline}</title></head><body><div><h1>{headline}</h1></div><div>{body}</div>{sidebar}</body></html>"
    document = trafilatura.bare_extraction(page, favor_precision=True)
    assert "عنوان فرعي" not in document.text  # what the reader makes up for
    extracted = read_one(page.encode())
    assert extracted.text.split("\n\n") == [headline, *paragraphs[:3], "عنوان فرعي", "وعنوان أصغر", *paragraphs[3:]]


DATA_TABLE = (
    "<table><tr><th>الدولة</th><th>الموقف</th></tr><tr><td>روسيا</td><td>تدعو مجلس الأمن</td></tr>"
    "<tr><td>تركيا</td><td>عملية برية</td></tr></table>"
)
DATA_TABLE_TEXT = "الدولة | الموقف\nروسيا | تدعو مجلس الأمن\nتركيا | عملية برية"


def _fallback_page(body: str, layout: str, after: str = "") -> str:
    """The article's `body` on a page trafilatura reads through its fallbacks: plain <div>s or a layout table."""
    headline = make_fixtures.SEED_HEADLINE
    if layout == "divs":
        main = f"<div><h1>{headline}</h1></div><div>{body}</div>{after}"
    else:
        menu = "<td class='menu'><a href='/'>الرئيسية</a> | <a href='/a'>اقتصاد</a> | <a href='/b'>رياضة</a></td>"
        main = f"<table width='100%'><tr>{menu}</tr><tr><td class='content'>{body}</td></tr><tr><td>{after}</td></tr></table>"
    return f"<html><head><title>{headline}</title></head><body>{main}</body></html>"


SUBHEADING = "مواقف الأطراف"


@pytest.mark.parametrize("layout", ["divs", "tables"])
@pytest.mark.parametrize(
    ("markup", "blocks"),
    [
        pytest.param(DATA_TABLE + f"<h2>{SUBHEADING}</h2>", [DATA_TABLE_TEXT, SUBHEADING], id="heading-after-the-table"),
        pytest.param(f"<h2>{SUBHEADING}</h2>" + DATA_TABLE, [SUBHEADING, DATA_TABLE_TEXT], id="heading-before-the-table"),
        pytest.param(
            f"<div class='table-wrap'>{DATA_TABLE}</div><h3>{SUBHEADING}</h3>", [DATA_TABLE_TEXT, SUBHEADING], id="wrapped-table"
        ),
    ],
)
def test_a_subheading_beside_a_data_table_is_put_back(layout: str, markup: str, blocks: list[str]) -> None:
    """Its neighbour on the page is the table, which the text has as rows: the heading goes
    back in its place and the table stays as it is read."""
    paragraphs = SEED_TXT.split("\n\n")[1:6]
    body = "".join(f"<p>{p}</p>" for p in paragraphs[:2]) + markup + "".join(f"<p>{p}</p>" for p in paragraphs[2:])
    page = _fallback_page(body, layout)
    if layout == "divs":  # (trafilatura alone takes a layout table whole: the reader unwraps it first)
        document = trafilatura.bare_extraction(page, favor_precision=True, include_tables=True)
        assert SUBHEADING not in document.text  # what the reader makes up for
    extracted = read_one(page.encode())
    assert extracted.text.split("\n\n") == [make_fixtures.SEED_HEADLINE, *paragraphs[:2], *blocks, *paragraphs[2:]]


@pytest.mark.parametrize("layout", ["divs", "tables"])
def test_box_headings_beside_a_data_table_stay_out(layout: str) -> None:
    """A "related" box in the body after the table and a "most read" table with its heading
    below the article: their headings are not the article's."""
    paragraphs = SEED_TXT.split("\n\n")[1:6]
    related = "<h3>أخبار ذات صلة</h3><ul><li><a href='/n/1'>خبر أول عن سوريا</a></li><li><a href='/n/2'>خبر ثان عن تركيا</a></li></ul>"
    body = "".join(f"<p>{p}</p>" for p in paragraphs[:2]) + DATA_TABLE + related + "".join(f"<p>{p}</p>" for p in paragraphs[2:])
    most_read = (
        "<div class='side'><h3>الأكثر قراءة</h3><table><tr><td>1</td><td><a href='/n/3'>خبر ثالث</a></td></tr>"
        "<tr><td>2</td><td><a href='/n/4'>خبر رابع</a></td></tr></table><h3>النشرة البريدية</h3>"
        "<p>اشترك في النشرة البريدية ليصلك أهم الأخبار</p></div>"
    )
    extracted = read_one(_fallback_page(body, layout, after=most_read).encode())
    assert extracted.text.split("\n\n") == [make_fixtures.SEED_HEADLINE, *paragraphs[:2], DATA_TABLE_TEXT, *paragraphs[2:]]


SIDEBAR = "<div><h3>الأكثر قراءة</h3><ul><li><a href='/1'>خبر أول</a></li><li><a href='/2'>خبر ثان</a></li></ul></div>"


def _plain_page(body: str) -> str:
    """A page of plain <div>s (trafilatura reads it through its fallbacks), the article's paragraphs `body`."""
    headline = make_fixtures.SEED_HEADLINE
    return f"<html><head><title>{headline}</title></head><body><div><h1>{headline}</h1></div><div>{body}</div>{SIDEBAR}</body></html>"


def test_a_paragraph_written_twice_in_a_row_stays_twice() -> None:
    """trafilatura drops a paragraph (over 50 characters) that repeats the one before it,
    `deduplicate=False` or not; the page has it twice, so the text does."""
    paragraphs = SEED_TXT.split("\n\n")[1:5]
    order = [paragraphs[0], paragraphs[1], paragraphs[1], *paragraphs[2:]]
    body = "".join(f"<p>{p}</p>" for p in order)
    page = f"<html><body><article><h1>{make_fixtures.SEED_HEADLINE}</h1><div class='article-body'>{body}</div></article>{SIDEBAR}</body></html>"
    document = trafilatura.bare_extraction(page, favor_precision=True, deduplicate=False)
    assert document.text.count(paragraphs[1]) == 1  # what the reader makes up for
    extracted = read_one(page.encode())
    assert extracted.text.split("\n\n") == [make_fixtures.SEED_HEADLINE, *order]


def test_a_paragraph_written_again_further_down_stays_there() -> None:
    """Reading a page through its fallbacks, trafilatura drops a paragraph it kept anywhere
    before (ar_repeats.tables: the same on a layout-table page); the text has it where the page does."""
    paragraphs = SEED_TXT.split("\n\n")[1:5]
    order = [paragraphs[0], paragraphs[1], paragraphs[2], paragraphs[0], paragraphs[3]]
    page = _plain_page("".join(f"<p>{p}</p>" for p in order))
    document = trafilatura.bare_extraction(page, favor_precision=True, deduplicate=False)
    assert document.text.count(paragraphs[0]) == 1  # what the reader makes up for
    extracted = read_one(page.encode())
    assert extracted.text.split("\n\n") == [make_fixtures.SEED_HEADLINE, *order]


def test_repeats_outside_the_article_body_stay_out() -> None:
    """The navigation written twice, a summary above the body and a "most read" card, both
    the words of one of its paragraphs, are not the article: nothing comes back twice."""
    paragraphs = SEED_TXT.split("\n\n")[1:5]
    nav = "<div class='nav'><a href='/'>الرئيسية</a> | <a href='/p'>سياسة</a> | <a href='/e'>اقتصاد</a> | <a href='/s'>رياضة</a></div>"
    summary = f"<div class='summary'><p>{paragraphs[0]}</p></div>"
    card = f"<div class='most-read'><h3>الأكثر قراءة</h3><div class='card'><p>{paragraphs[1]}</p><a href='/1'>المزيد</a></div></div>"
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    headline = make_fixtures.SEED_HEADLINE
    page = (
        f"<html><head><title>{headline}</title></head><body>{nav}<div><h1>{headline}</h1>{summary}</div>"
        f"<div>{body}</div>{card}{nav}</body></html>"
    )
    extracted = read_one(page.encode())
    assert extracted.text.split("\n\n") == [make_fixtures.SEED_HEADLINE, *paragraphs]
    assert "الرئيسية" not in extracted.text


def test_read_also_lines_go_links_in_sentences_stay() -> None:
    paragraphs = SEED_TXT.split("\n\n")[1:5]
    linked = paragraphs[0].replace("مجلس الأمن", "<a href='/unsc'>مجلس الأمن</a>", 1)
    assert linked != paragraphs[0]
    body = (
        f"<p>{linked}</p><p>{paragraphs[1]}</p>"
        "<p><strong>اقرأ أيضا:</strong> <a href='/n/1'>وفد المعارضة يصل إلى جنيف للقاء المبعوث الأممي</a></p>"
        f"<p>{paragraphs[2]}</p><p><a href='/n/2'>Read more: the talks in Geneva, explained</a></p><p>{paragraphs[3]}</p>"
    )
    page = f"<html><body><article><h1>{make_fixtures.SEED_HEADLINE}</h1><div class='article-body'>{body}</div></article></body></html>"
    extracted = read_one(page.encode())
    assert extracted.text.split("\n\n") == [make_fixtures.SEED_HEADLINE, *paragraphs]


LEAD = "موسكو تطلب اجتماعا طارئا لمجلس الأمن بعد تلويح أنقرة بعملية برية في سوريا"
MOST_READ = (
    "<div class='most-read'><h3>الأكثر قراءة</h3><ul><li><a href='/n/9'>" + LEAD + "</a></li>"
    "<li><a href='/n/1'>خبر أول</a></li><li><a href='/n/2'>خبر ثان</a></li></ul></div>"
)


@pytest.mark.parametrize("layout", ["article", "divs"])
def test_a_paragraph_the_most_read_list_links_to_stays(layout: str) -> None:
    """The "most read" list links to this story by its lead: the list's line is a link line,
    the body's paragraph of the same words is not, and stays."""
    paragraphs = [LEAD, *SEED_TXT.split("\n\n")[1:5]]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    headline = make_fixtures.SEED_HEADLINE
    if layout == "article":
        main = f"<article><h1>{headline}</h1><div class='article-body'>{body}</div></article>"
    else:
        main = f"<div><h1>{headline}</h1></div><div>{body}</div>"
    page = f"<html><head><title>{headline}</title></head><body>{main}{MOST_READ}</body></html>"
    extracted = read_one(page.encode())
    assert extracted.text.split("\n\n") == [headline, *paragraphs]


def test_a_read_also_line_goes_where_the_body_has_its_words_as_a_link_only() -> None:
    """The same words as a plain paragraph outside the body (a teaser) do not keep the body's link line."""
    paragraphs = SEED_TXT.split("\n\n")[1:5]
    line = f"<p><a href='/n/9'>{LEAD}</a></p>"
    body = "".join(f"<p>{p}</p>" for p in paragraphs[:2]) + line + "".join(f"<p>{p}</p>" for p in paragraphs[2:])
    teaser = f"<div class='teasers'><div class='card'><p>{LEAD}</p></div></div>"
    headline = make_fixtures.SEED_HEADLINE
    page = (
        f"<html><head><title>{headline}</title></head><body><article><h1>{headline}</h1>"
        f"<div class='article-body'>{body}</div></article>{teaser}</body></html>"
    )
    extracted = read_one(page.encode())
    assert extracted.text.split("\n\n") == [headline, *paragraphs]


def test_a_data_table_inside_a_layout_table_stays_a_table() -> None:
    paragraphs = SEED_TXT.split("\n\n")[1:4]
    data = "<table><tr><th>الدولة</th><th>الموقف</th></tr><tr><td>روسيا</td><td>تدعو مجلس الأمن</td></tr><tr><td>تركيا</td><td>عملية برية</td></tr></table>"
    cell = "".join(f"<p>{p}</p>" for p in paragraphs) + data
    page = (
        f"<html><head><title>{make_fixtures.SEED_HEADLINE}</title></head><body><table width='100%'><tr>"
        f"<td class='menu'><a href='/'>الرئيسية</a> | <a href='/a'>اقتصاد</a> | <a href='/b'>رياضة</a></td></tr>"
        f"<tr><td class='content'>{cell}</td></tr></table></body></html>"
    )
    extracted = read_one(page.encode())
    assert extracted.text.split("\n\n") == [
        make_fixtures.SEED_HEADLINE,
        *paragraphs,
        "الدولة | الموقف\nروسيا | تدعو مجلس الأمن\nتركيا | عملية برية",
    ]


def test_the_readers_entry_point_reads_pages_with_this_reader() -> None:
    from qa.ingest.readers import extract

    for suffix in (".html", ".htm"):
        [extracted] = extract(suffix, (FIXTURES / "ar_seed.html").read_bytes(), f"ar_seed{suffix}")
        assert extracted.text == SEED_TXT.strip("\n")
