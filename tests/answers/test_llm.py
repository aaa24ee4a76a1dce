"""The chat-model client against a scripted OpenAI-compatible server: streaming, deadlines, failures, limits.

Plumbing only; tests/answers/test_llm_server.py runs the same paths against llama.cpp's server.
"""
from __future__ import annotations

import threading
import time

import pytest

from fake_llm import fake_llm
from helpers import free_port
from qa.answers.llm import ChatModel, LLMUnavailable
from qa.config import LLMSettings

MESSAGES = [{"role": "user", "content": "hello"}]


def test_pieces_arrive_as_the_server_sends_them() -> None:
    with fake_llm(lambda messages: ["Tur", "key ", "[1]."]) as server:
        model = ChatModel(LLMSettings(server.url, timeout=10))
        assert list(model.stream(MESSAGES)) == ["Tur", "key ", "[1]."]
        assert server.requests == [MESSAGES]


def test_the_first_listed_model_is_used_when_none_is_set() -> None:
    with fake_llm(lambda messages: ["ok"], models=("gemma", "other")) as server:
        model = ChatModel(LLMSettings(server.url, timeout=10))
        assert model.complete(MESSAGES) == "ok"
        assert model.name == "gemma"
    with fake_llm(lambda messages: ["ok"], models=("/models/gemma-3-270m.gguf",)) as server:
        model = ChatModel(LLMSettings(server.url, timeout=10))
        model.complete(MESSAGES)
        assert model.name == "gemma-3-270m.gguf"  # llama.cpp lists the file path


def test_a_slow_server_is_cut_at_the_deadline() -> None:
    with fake_llm(lambda messages: ["a"] * 50, delay=0.2) as server:
        model = ChatModel(LLMSettings(server.url, model="m", timeout=1.0))
        began = time.monotonic()
        got: list[str] = []
        with pytest.raises(LLMUnavailable, match="^no complete reply within 1 s$"):
            for piece in model.stream(MESSAGES):
                got.append(piece)
        assert time.monotonic() - began < 2.0
        assert 0 < len(got) < 50


def test_a_refused_connection_and_an_http_error_are_one_line_each() -> None:
    dead = ChatModel(LLMSettings(f"http://127.0.0.1:{free_port()}/v1", model="m", timeout=5))
    with pytest.raises(LLMUnavailable, match="^connection error$"):
        dead.complete(MESSAGES)
    with fake_llm(lambda messages: ["x"], status=500) as server:
        with pytest.raises(LLMUnavailable, match="^HTTP 500$"):
            ChatModel(LLMSettings(server.url, model="m", timeout=5)).complete(MESSAGES)


def test_no_more_requests_in_flight_than_the_limit() -> None:
    in_flight, peak, lock = [0], [0], threading.Lock()

    def reply(messages: list[dict]) -> list[str]:
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
        time.sleep(0.3)
        with lock:
            in_flight[0] -= 1
        return ["ok"]

    with fake_llm(reply) as server:
        model = ChatModel(LLMSettings(server.url, model="m", timeout=10, concurrency=2))
        results: list[str] = []
        threads = [threading.Thread(target=lambda: results.append(model.complete(MESSAGES))) for _ in range(5)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert results == ["ok"] * 5
        assert peak[0] == 2


def test_a_busy_model_gives_up_at_the_deadline() -> None:
    with fake_llm(lambda messages: ["a"] * 20, delay=0.1) as server:
        model = ChatModel(LLMSettings(server.url, model="m", timeout=0.5, concurrency=1))
        first = model.stream(MESSAGES)
        next(first)  # holds the only slot
        with pytest.raises(LLMUnavailable, match="busy"):
            model.complete(MESSAGES)
        first.close()


def test_an_abandoned_reply_stops_being_read_and_frees_its_slot() -> None:
    with fake_llm(lambda messages: ["a"] * 100, delay=0.02) as server:
        model = ChatModel(LLMSettings(server.url, model="m", timeout=10, concurrency=1))
        first = model.stream(MESSAGES)
        next(first)
        first.close()  # the chat moved on (the user left, the page was closed)
        assert model.complete(MESSAGES, max_tokens=5) == "a" * 100  # the slot came back
        deadline = time.monotonic() + 5
        while len(server.sent) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert sorted(server.sent)[0] < 100  # the first reply was dropped, not read to its end


def test_a_loopback_server_is_reached_without_the_environments_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    dead_proxy = f"http://127.0.0.1:{free_port()}"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.setenv(name, dead_proxy)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    with fake_llm(lambda messages: ["direct"]) as server:
        assert ChatModel(LLMSettings(server.url, model="m", timeout=5)).complete(MESSAGES) == "direct"
