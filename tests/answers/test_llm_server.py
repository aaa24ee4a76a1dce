"""Generation against a real model server: llama.cpp's (llama-cpp-python) with Gemma 3 270M, on 127.0.0.1.

The model is tiny and not instruction-tuned for this: what it writes is not the
point. The plumbing is: tokens stream, the reply is checked before it counts
as an answer, "not found" never reaches the server, and a server killed or
frozen mid-answer leaves the quoted answer within the timeout.
"""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

import qa.api
from helpers import ASKED_IN_ENGLISH, has_turkish_ground, llama_server
from qa.answers.grounding import check
from qa.answers.llm import ChatModel
from qa.answers.generation import passages_for
from qa.config import LLMSettings

pytestmark = pytest.mark.slow

TIMEOUT = 60.0  # Gemma 3 270M reads five passages and writes 400 tokens in 14-26 s on 2 AVX2 cores
KILLED_WITHIN = 10.0  # a closed connection is noticed at once, not at the timeout


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    with llama_server(tmp_path_factory.mktemp("llama")) as running:
        yield running


@pytest.fixture
def configured(monkeypatch: pytest.MonkeyPatch, real_embedder):
    monkeypatch.setattr(qa.api, "embedder_for", lambda settings: real_embedder)

    def use(url: str, timeout: float = TIMEOUT) -> None:
        monkeypatch.setenv("QA_LLM_URL", url)
        monkeypatch.setenv("QA_LLM_TIMEOUT", str(timeout))
    return use


def test_tokens_stream_from_the_server(server) -> None:
    model = ChatModel(LLMSettings(server.url, timeout=60))
    pieces = list(model.stream([{"role": "user", "content": "Name three colours."}], max_tokens=24))
    assert len(pieces) >= 2 and "".join(pieces).strip()
    assert model.name.endswith(".gguf")  # the id the server lists, asked once


def test_a_found_answer_is_generated_and_checked_and_not_found_is_never_sent(server, seed_index: Path,
                                                                             configured) -> None:
    configured(server.url)
    before = server.chat_requests()
    steps = list(qa.api.answer_stream(ASKED_IN_ENGLISH, index_dir=seed_index))
    first, final = steps[0], steps[-1]
    assert first.generated is None and first.found and has_turkish_ground(first.quote)
    assert len(steps) >= 3  # the quote, at least one draft, the verdict
    g = final.generated
    assert g.final and not g.failed, g.note
    shown = [p.text for p in passages_for(final.passages, final.citation)]
    if g.grounded:
        assert check(g.text, shown, "en").ok
    else:
        assert g.note and g.text == ""  # never an unchecked answer, never a silent refusal
    for step in steps[1:-1]:  # drafts show checked sentences only
        assert step.generated.text == "" or check(step.generated.text, shown, "en").ok
    # The answer, and for a grounded one the Arabic quote's translation.
    assert server.chat_requests() - before == (2 if g.grounded else 1)

    before = server.chat_requests()
    refused = qa.api.answer("What is the recipe for chocolate cake?", index_dir=seed_index)
    assert not refused.found and refused.generated is None
    assert server.chat_requests() == before


def _stream_then(action, seed_index: Path) -> tuple[list, float]:
    """Answer the headline; after the first draft run `action`; the steps and the seconds from the action on."""
    steps, acted = [], [0.0]
    for step in qa.api.answer_stream(ASKED_IN_ENGLISH, index_dir=seed_index):
        steps.append(step)
        if step.generated is not None and not step.generated.final and not acted[0]:
            action()
            acted[0] = time.monotonic()
    return steps, time.monotonic() - acted[0] if acted[0] else float("nan")


def test_a_server_killed_mid_answer_leaves_the_quote(tmp_path: Path, seed_index: Path, configured) -> None:
    with llama_server(tmp_path) as own:
        configured(own.url)
        steps, after = _stream_then(lambda: os.kill(own.pid, signal.SIGKILL), seed_index)
    final = steps[-1]
    assert final.found and has_turkish_ground(final.quote)
    assert final.generated.final and final.generated.failed and not final.generated.grounded
    assert after < KILLED_WITHIN


def test_a_frozen_server_gives_up_at_the_timeout(tmp_path: Path, seed_index: Path, configured) -> None:
    with llama_server(tmp_path) as own:
        configured(own.url, timeout=6)
        began = time.monotonic()
        steps, _ = _stream_then(lambda: os.kill(own.pid, signal.SIGSTOP), seed_index)
        waited = time.monotonic() - began
        os.kill(own.pid, signal.SIGCONT)
    final = steps[-1]
    assert final.generated.failed and final.generated.note == "no complete reply within 6 s"
    assert waited < 6 + 5  # the timeout covers the whole reply, not each read
