"""The HTML reader on saved news pages (qa/ingest/readers/html/): the article's text, exactly, and nothing around it.

Fixtures: tests/fixtures/html (make_fixtures.py regenerates them and says what each is);
the SaudiNewsNet pages are built from ../shared/eval/news-archive into a temporary folder
(that dataset may not be copied into the repository), skipped when it is not there.
The reader's steps have their own files: test_html_<module>.py.
"""
from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

import pytest
import trafilatura
from extraction import canonical, cer, lines_present
from html_pages import COMMITTED, FIXTURES, SEED_TXT, assert_meta, fixture_set, make_fixtures, read_one, seed_page

from qa.errors import UnreadableDocument
from qa.ingest.readers import html as reader
from qa.ingest.readers.base import Extracted


# Generous against a slow machine: these pages take 0.1-3.5 s here.
FEW_SECONDS = 10.0


@pytest.fixture(scope="session")
def archive_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    jsonl = make_fixtures.eval_dir() / "news-archive" / "saudinewsnet-1000.jsonl"
    if not jsonl.is_file():
        pytest.skip(f"SaudiNewsNet archive not found at {jsonl}")
    folder = tmp_path_factory.mktemp("html_archive")
    make_fixtures.write_archive_pages(folder, jsonl)
    return folder


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


# --- The fixtures --------------------------------------------------------------------------


def test_the_fixtures_are_there() -> None:
    assert len(COMMITTED) >= 9
    for page in COMMITTED:
        for suffix in ("txt", "boilerplate.txt", "meta.json"):
            assert (FIXTURES / f"{page}.{suffix}").is_file()


@pytest.mark.parametrize("page", COMMITTED)
def test_fixture_text_is_the_article_and_nothing_else(page: str) -> None:
    extracted, source, boilerplate, _ = fixture_set(FIXTURES, page)
    _assert_extraction(extracted, source, boilerplate)


@pytest.mark.parametrize("name", [name for name, _, _ in make_fixtures.ARCHIVE_URLS.values()])
def test_archive_pages(archive_dir: Path, name: str) -> None:
    extracted, source, boilerplate, meta = fixture_set(archive_dir, name)
    _assert_extraction(extracted, source, boilerplate)
    assert_meta(extracted, meta)
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


def test_the_readers_entry_point_reads_pages_with_this_reader() -> None:
    from qa.ingest.readers import extract

    for suffix in (".html", ".htm"):
        [extracted] = extract(suffix, (FIXTURES / "ar_seed.html").read_bytes(), f"ar_seed{suffix}")
        assert extracted.text == SEED_TXT.strip("\n")
