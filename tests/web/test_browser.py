"""The chat in a real browser: Debian's headless Chromium driven by playwright.

One page goes through what a new user does: ask in English and in Arabic,
read the quote and its sources, add a document and ask about it, remove it
and see the answer go. Along the way: direction per paragraph, a font with
Arabic glyphs, markup shown as text, and no request leaving this machine.
Screenshots land in artifacts/ (git-ignored).
"""
from __future__ import annotations

import html
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from test_app import server  # noqa: F401 - the same app fixture (one server per module)
from helpers import ASKED_IN_ENGLISH, has_turkish_ground

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ANSWER_TIMEOUT_MS = 90_000
BUILD_TIMEOUT_MS = 180_000
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
NEW_DOC = "zephyria.txt"
NEW_FACT = ("Zephyria Harbour Festival\n\n"
            "The Zephyria harbour festival is held every year on 3 March. "
            "Fishermen decorate their boats with paper lanterns and sail past the old lighthouse at dusk.\n")
NEW_QUESTION = "When is the Zephyria harbour festival held?"
ANSWERS = "#qa-chat .qa-quote, #qa-chat .qa-notfound, #qa-chat .qa-error"


@pytest.fixture(scope="module")
def chromium() -> Path:
    if not CHROMIUM.exists():
        reason = f"Debian's chromium is not installed at {CHROMIUM}: run `make browser`"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture(scope="module")
def session(chromium: Path, server: str):
    """One page for the whole module, with every request and dialog it caused."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    requests: list[str] = []
    dialogs: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.on("request", lambda request: requests.append(request.url))
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.set_default_timeout(30_000)
        page.goto(server)
        page.locator("#qa-input textarea").wait_for()
        yield page, requests, dialogs
        browser.close()


def ask(page, question: str, example: bool = False):
    """Type `question` and press Enter (or click it among the examples); return the new answer."""
    before = page.locator(ANSWERS).count()
    if example:
        page.locator("#qa-examples").get_by_text(question, exact=True).click()
    else:
        page.locator("#qa-input textarea").fill(question)
        page.locator("#qa-input textarea").press("Enter")
    page.wait_for_function(f"document.querySelectorAll({ANSWERS!r}).length > {before}", timeout=ANSWER_TIMEOUT_MS)
    return page.locator(ANSWERS).last


def open_last_sources(page):
    """Expand the last collapsible sources message and return it."""
    sources = page.locator("#qa-chat .thought").last
    sources.locator(".title").click()
    sources.locator(".qa-passage").first.wait_for()
    page.wait_for_timeout(800)  # Gradio slides the message open; screenshots taken mid-slide look collapsed
    return sources


def computed(locator, prop: str) -> str:
    return locator.evaluate(f"el => getComputedStyle(el).{prop}")


def fonts_used(page, locator) -> dict[str, int]:
    """Family -> glyph count actually used by Chromium to draw `locator`'s text."""
    locator.evaluate("el => el.setAttribute('data-font-probe', '1')")
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "[data-font-probe]"})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        locator.evaluate("el => el.removeAttribute('data-font-probe')")
        cdp.detach()
    return {f["familyName"]: f["glyphCount"] for f in fonts}


def test_english_headline_question_shows_quote_and_sources(session):
    page, _, _ = session
    answer = ask(page, ASKED_IN_ENGLISH)
    assert "qa-quote" in answer.get_attribute("class"), answer.inner_text()
    assert has_turkish_ground(answer.inner_text())
    source_line = page.locator("#qa-chat .qa-source").last
    assert "000_f9ca097250a4c633.txt" in source_line.inner_text() and "Source" in source_line.inner_text()
    sources = open_last_sources(page)
    cite = answer.locator(".qa-cite").inner_text()  # "[n]"
    cited = sources.locator(".qa-cited")
    assert cited.locator(".qa-meta").inner_text().startswith(cite)
    assert "000_f9ca097250a4c633.txt" in cited.locator(".qa-meta").inner_text()
    assert cited.get_attribute("title").startswith("score ")  # the fused score: a tooltip, not a label
    label = page.locator("#qa-chat .qa-label").last.inner_text()  # how sure, in words
    assert label in ("Answer", "Possible answer — check the source"), label
    mark = cited.locator("mark")
    assert mark.is_visible() and has_turkish_ground(mark.inner_text())
    assert computed(page.locator("#qa-chat .qa-user").last, "direction") == "ltr"
    cited.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "english-answer.png"))


def test_an_english_question_over_arabic_shows_word_glosses_under_the_quote(session):
    page, _, _ = session
    ask(page, ASKED_IN_ENGLISH)
    glosses = page.locator("#qa-chat .qa-glosses").last
    assert glosses.is_visible()
    text = glosses.inner_text()
    assert text.startswith("Word glosses from a dictionary, not a translation:")
    assert "تركيا Turkey" in text  # each Arabic word beside its English sense
    quote = page.locator("#qa-chat .qa-quote").last.bounding_box()
    assert glosses.bounding_box()["y"] > quote["y"]  # under the quote
    glosses.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "english-answer-glosses.png"))


def test_arabic_question_renders_right_to_left_in_an_arabic_font(session):
    page, _, _ = session
    answer = ask(page, "من اقترح عملية برية؟", example=True)
    assert has_turkish_ground(answer.inner_text())
    assert computed(answer, "direction") == "rtl"
    assert computed(page.locator("#qa-chat .qa-user").last, "direction") == "rtl"
    assert computed(page.locator("#qa-chat .qa-source").last, "direction") == "rtl"
    assert computed(answer, "textAlign") in ("start", "right")
    # The English question asked before still reads left to right.
    assert computed(page.locator("#qa-chat .qa-user").first, "direction") == "ltr"
    fonts = fonts_used(page, answer)
    assert any("Arabic" in family for family in fonts), fonts
    box = page.locator("#qa-input textarea")
    box.fill("ما هي الدول التي شاركت في غارات 2016؟")
    assert computed(box, "direction") == "rtl" and computed(box, "unicodeBidi") == "plaintext"
    sources = open_last_sources(page)
    mark, passage = sources.locator(".qa-cited mark"), sources.locator(".qa-cited .qa-text")
    assert mark.is_visible() and has_turkish_ground(mark.inner_text())
    assert computed(passage, "direction") == "rtl"
    assert computed(mark, "fontSize") == computed(passage, "fontSize")
    sources.locator(".qa-cited").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "arabic-answer.png"))
    box.fill("Who? 2016")
    assert computed(box, "direction") == "ltr"
    box.fill("")


def test_markup_in_a_question_is_shown_as_text(session):
    page, _, dialogs = session
    attack = "<img src=x onerror=alert(1)>"
    ask(page, attack)
    page.wait_for_timeout(500)  # an onerror handler would fire right after the image failed
    assert dialogs == []
    assert page.locator("#qa-chat .qa-user").last.inner_text() == attack
    assert page.locator("#qa-chat img[src=x]").count() == 0


def test_added_document_is_answered_then_gone_once_removed(session, tmp_path: Path):
    page, _, _ = session
    doc = tmp_path / NEW_DOC
    doc.write_text(NEW_FACT, encoding="utf-8")
    page.get_by_role("tab", name="Documents").click()
    page.locator("#qa-upload input[type=file]").set_input_files(str(doc))
    page.locator("#qa-upload").get_by_text(Path(NEW_DOC).stem, exact=True).first.wait_for()
    page.locator("#qa-add").click()
    page.locator("#qa-log").get_by_text("Index updated").wait_for(timeout=BUILD_TIMEOUT_MS)
    assert f"Added {NEW_DOC}" in page.locator("#qa-log").inner_text()
    assert page.locator("#qa-docs").get_by_text(NEW_DOC).is_visible()
    assert "2 documents" in page.locator("#qa-status").inner_text()
    page.screenshot(path=str(ARTIFACTS / "documents-panel.png"))

    page.get_by_role("tab", name="Chat").click()
    answer = ask(page, NEW_QUESTION)
    assert "3 March" in answer.inner_text(), answer.inner_text()
    assert NEW_DOC in page.locator("#qa-chat .qa-source").last.inner_text()
    # The quote is the answering sentence: not the title line above it, not the unrelated one after it.
    quote = page.locator("#qa-chat .qa-quote").last.inner_text()
    assert quote.startswith("The Zephyria harbour festival is held every year on 3 March."), quote
    assert "Zephyria Harbour Festival" not in quote and "Fishermen" not in quote, quote

    page.get_by_role("tab", name="Documents").click()
    page.locator("#qa-pick input").click()
    page.get_by_role("option", name=NEW_DOC).click()
    page.locator("#qa-remove").click()
    page.locator("#qa-remove-yes").click()
    page.locator("#qa-log").get_by_text(f"Removed {NEW_DOC}").wait_for(timeout=BUILD_TIMEOUT_MS)
    assert page.locator("#qa-docs").get_by_text(NEW_DOC).count() == 0
    assert "1 document" in page.locator("#qa-status").inner_text()

    page.get_by_role("tab", name="Chat").click()
    answer = ask(page, NEW_QUESTION)
    assert "3 March" not in answer.inner_text()
    last_sources = page.locator("#qa-chat .thought").last.inner_text()
    assert NEW_DOC not in last_sources


MARKUP_DOC = "quillon.md"
# Markup a document may carry, aimed at an address no page of ours uses: 127.0.0.2 counts as outside below.
MARKUP_FACT = ("# Quillon Lantern Parade\n\n"
               "The Quillon lantern parade starts at the old mill at seven in the evening. "
               "![pixel](http://127.0.0.2:9/p.png) <img src=\"http://127.0.0.2:9/i.png\"> "
               "<script>window.qaInjected = 1</script>\n\n"
               "| city | day |\n|------|-----|\n| Quillon | Friday |\n\n"
               "Tickets are sold at [the mill](http://127.0.0.2:9/tickets) and cost $5 or $10 at the gate.\n")
MARKUP_LINES = ("# Quillon Lantern Parade", "![pixel](http://127.0.0.2:9/p.png)", "<img src=\"http://127.0.0.2:9/i.png\">",
                "<script>window.qaInjected = 1</script>", "| city | day |", "[the mill](http://127.0.0.2:9/tickets)")


def test_markup_in_a_document_is_shown_as_text_and_fetches_nothing(session, tmp_path: Path):
    page, requests, dialogs = session
    doc = tmp_path / MARKUP_DOC
    doc.write_text(MARKUP_FACT, encoding="utf-8")
    page.get_by_role("tab", name="Documents").click()
    page.locator("#qa-upload input[type=file]").set_input_files(str(doc))
    page.locator("#qa-upload").get_by_text(Path(MARKUP_DOC).stem, exact=True).first.wait_for()
    page.locator("#qa-add").click()
    page.locator("#qa-log").get_by_text(f"Added {MARKUP_DOC}").wait_for(timeout=BUILD_TIMEOUT_MS)
    page.get_by_role("tab", name="Chat").click()
    answer = ask(page, "Where does the Quillon lantern parade start?")
    assert "old mill" in answer.inner_text(), answer.inner_text()
    sources = open_last_sources(page)
    page.wait_for_timeout(500)  # an image request or a script would have run by now
    page.screenshot(path=str(ARTIFACTS / "markup-document.png"))
    shown = sources.locator(".qa-cited").inner_text()
    assert [line for line in MARKUP_LINES if line not in shown] == [], shown
    chat = page.locator("#qa-chat")
    assert chat.locator("img, h1, h2, table, script, a[href*='127.0.0.2'], .katex").count() == 0
    assert page.evaluate("typeof window.qaInjected") == "undefined" and dialogs == []
    assert [url for url in requests if "127.0.0.2" in url] == []


FIXTURES = ROOT / "tests" / "fixtures"
PROGRESS = ".progress-text, .eta-bar, .progress-bar"
# One file per format, each asked about in its own words: (fixture, question, words the quote holds).
FORMATS = [
    ("html/en_super_bowl.html", "Who recovered the ball after Miller stripped it from Newton?", "Ward"),
    ("pdf/en_xquad.chromium.pdf", "When did Syria and Egypt launch a surprise attack on Israel?", "October 6, 1973"),
    # The Atom feed's second item is the same English text: either source is right.
    ("docx/libreoffice_news.docx|news.atom#", "Who has been the chair of the IPCC since October 2015?", "Hoesung Lee"),
    ("ocr/english-news.png", "How many interceptions did the Panthers lead the NFL with?", "24"),
]
# Uploaded in the same go and checked in the documents table (their texts repeat other fixtures').
LISTED = [("epub/libreoffice_news.epub", "e-book"), ("eml/iso8859_6_base64.eml", "e-mail"), ("feed/news.atom", "feed")]


def test_a_page_a_pdf_a_word_file_and_a_scan_are_uploaded_and_answered(session):
    page, _, _ = session
    page.get_by_role("tab", name="Documents").click()
    uploads = [f.split("|")[0] for f, _, _ in FORMATS] + [f for f, _ in LISTED]
    page.locator("#qa-upload input[type=file]").set_input_files([str(FIXTURES / f) for f in uploads])
    for fixture in uploads:  # Gradio shows the name's stem and its extension on two lines
        page.locator("#qa-upload").get_by_text(Path(fixture).stem, exact=True).first.wait_for()
    page.locator("#qa-add").click()
    # While it runs: one progress indicator (before: one per output, five in all), and the status line,
    # seen from the chat too, says where answers come from.
    most, updating, seen = 0, False, set()
    for _ in range(600):
        # The components showing progress (a bar and its text belong to one).
        shown = set(page.locator(PROGRESS).evaluate_all(
            "els => els.filter(e => e.offsetParent).map(e => (e.closest('[id]') || {}).id || '?')"))
        most, seen = max(most, len(shown)), seen | shown
        updating = updating or "answers come from the previous one" in page.locator("#qa-status").inner_text()
        if page.locator("#qa-log").get_by_text(f"Added {Path(FORMATS[0][0]).name}").count():
            break
        page.wait_for_timeout(100)
    assert most == 1 and seen == {"qa-log"} and updating, (most, updating, seen)
    log = page.locator("#qa-log").inner_text()
    assert all(Path(f).name in log for f in uploads) and "Skipped" not in log, log
    table = page.locator("#qa-docs").inner_text()
    assert all(kind in table for kind in ("PDF", "web page", "Word", "image (OCR)", "e-book", "e-mail")), table
    assert table.count("news.atom#") == 3  # one row per item of the feed
    assert "Miller's strip sack seals Denver's Super Bowl 50 win over Carolina" in table  # the page's title
    page.screenshot(path=str(ARTIFACTS / "formats-documents.png"))
    page.get_by_role("tab", name="Chat").click()
    for fixture, question, words in FORMATS:
        answer = ask(page, question)
        source = page.locator("#qa-chat .qa-source").last.inner_text()
        right = [Path(name).name for name in fixture.split("|")]
        assert words in answer.inner_text() and any(name in source for name in right), (question, answer.inner_text(),
                                                                                         source)
    page.screenshot(path=str(ARTIFACTS / "formats-chat.png"))


def test_the_chat_clear_icon_forgets_the_conversation(session, server):
    """Before, the trash icon emptied the screen but the next follow-up was still read with the hidden turns."""
    from gradio_client import Client

    page, _, _ = session
    follow_up = "ومتى؟"  # "and when?": read with the turn before it, or alone
    (alone, _) = Client(server, verbose=False).predict(follow_up, api_name="/chat")  # no history at all
    alone = html.unescape(re.sub("<[^>]+>", " ", alone["content"]))
    ask(page, "من اقترح عملية برية؟")
    with_history = ask(page, follow_up).inner_text()
    assert with_history[:40] not in alone, (with_history, alone)  # the history changes the answer here
    page.locator("#qa-chat").get_by_role("button", name=re.compile("clear", re.I)).first.click()
    page.wait_for_function("document.querySelectorAll('#qa-chat .qa-user').length === 0")
    after_clear = ask(page, follow_up).inner_text()
    assert after_clear.replace("[1]", "").strip()[:40] in alone, (after_clear, alone)


def test_the_page_makes_no_request_outside_this_machine(session):
    _, requests, _ = session
    assert requests, "no request was recorded"
    outside = sorted({url for url in requests if urlsplit(url).hostname not in LOCAL_HOSTS})
    assert outside == []

