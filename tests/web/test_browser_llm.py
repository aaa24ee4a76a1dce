"""The chat with a local model (QA_LLM_URL) in Debian's headless Chromium.

An English question over the Arabic seed: the model's checked English answer
citing [n], the Arabic quote and its translation (a scripted server, so the
page is shown with a good model's reply); then the same page with llama.cpp's
server and Gemma 3 270M, a real model, whose reply is checked, and which is
killed mid-answer: the quoted answer and one line saying why stay. Every
request the page makes stays on this machine. Screenshots go to artifacts/.
"""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from fake_llm import HEADLINE_TRANSLATION, fake_llm, headline_reply
from helpers import ASKED_IN_ENGLISH, copy_corpus, has_turkish_ground, llama_server, running_app
from test_browser import ARTIFACTS, CHROMIUM_ARGS, LOCAL_HOSTS, ask, chromium  # noqa: F401 - the fixture

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DONE = "#qa-chat .qa-generated, #qa-chat .qa-llm-note"
TIMEOUT = 60  # seconds: Gemma 3 270M writes its 400 tokens in 14-26 s on 2 AVX2 cores
KILLED_WITHIN = 15  # a closed connection is noticed at once; the page then updates


def _wait_for_verdict(page, before: int, timeout_s: float) -> None:
    """Until the model's answer is checked and shown, or the quote stands with its note."""
    page.wait_for_function(f"document.querySelectorAll({DONE!r}).length > {before}", timeout=timeout_s * 1000)


def _open(pw, chromium: Path, url: str):
    browser = pw.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS)
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.set_default_timeout(30_000)
    page.goto(url)
    page.locator("#qa-input textarea").wait_for()
    return browser, page, requests


def test_an_english_question_gets_a_checked_english_answer_the_arabic_quote_and_its_translation(
        chromium: Path, seed_index: Path, cache_dir: Path, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    seeds, index = copy_corpus(seed_index, tmp_path)
    with fake_llm(headline_reply) as llm, running_app(seeds, index, cache_dir, QA_LLM_URL=llm.url) as url, \
            sync_playwright() as pw:
        browser, page, requests = _open(pw, chromium, url)
        ask(page, ASKED_IN_ENGLISH)
        _wait_for_verdict(page, 0, TIMEOUT)
        generated = page.locator("#qa-chat .qa-generated").last
        text = generated.locator(".qa-answer-text").inner_text()
        assert text.startswith("Turkey called for a ground operation [") and text.endswith("].")
        assert "Written by fake-model" in generated.inner_text()
        quote = page.locator("#qa-chat .qa-quote").last.inner_text()
        assert has_turkish_ground(quote)
        assert page.locator("#qa-chat .qa-translation").last.inner_text().endswith(HEADLINE_TRANSLATION)
        cited = text[text.rindex("[") + 1:-2]
        assert page.locator("#qa-chat .qa-cite").last.inner_text() == f"[{cited}]"  # the quote's own passage
        assert page.locator("#qa-chat .qa-llm-note").count() == 0
        page.screenshot(path=str(ARTIFACTS / "llm-answer.png"))
        browser.close()
    assert sorted({u for u in requests if urlsplit(u).hostname not in LOCAL_HOSTS}) == []
    assert len(llm.requests) == 2  # the answer, the quote's translation


def test_with_a_real_model_the_reply_is_checked_and_a_killed_server_leaves_the_quote(
        chromium: Path, seed_index: Path, cache_dir: Path, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    seeds, index = copy_corpus(seed_index, tmp_path)
    with llama_server(tmp_path) as llm, \
            running_app(seeds, index, cache_dir, QA_LLM_URL=llm.url, QA_LLM_TIMEOUT=str(TIMEOUT)) as url, \
            sync_playwright() as pw:
        browser, page, requests = _open(pw, chromium, url)
        ask(page, ASKED_IN_ENGLISH)
        _wait_for_verdict(page, 0, TIMEOUT + 10)
        assert has_turkish_ground(page.locator("#qa-chat .qa-quote").last.inner_text())
        verdicts = page.locator(DONE)
        assert verdicts.count() == 1  # a checked answer, or the quote with one line saying why
        page.screenshot(path=str(ARTIFACTS / "llm-real-model.png"))

        drafts = page.locator("#qa-chat .qa-draft").count()
        page.locator("#qa-input textarea").fill("من اقترح عملية برية؟")
        page.locator("#qa-input textarea").press("Enter")
        page.wait_for_function(f"document.querySelectorAll('#qa-chat .qa-draft').length > {drafts}",
                               timeout=TIMEOUT * 1000)
        os.kill(llm.pid, signal.SIGKILL)
        killed = time.monotonic()
        _wait_for_verdict(page, 1, KILLED_WITHIN)
        assert time.monotonic() - killed < KILLED_WITHIN
        note = page.locator("#qa-chat .qa-llm-note").last.inner_text()
        assert "لم يُجب" in note  # "did not answer", in the question's language
        assert page.locator("#qa-chat .qa-quote").count() == 2
        page.screenshot(path=str(ARTIFACTS / "llm-killed.png"))
        browser.close()
    assert sorted({u for u in requests if urlsplit(u).hostname not in LOCAL_HOSTS}) == []
