"""A scripted OpenAI-compatible chat server on 127.0.0.1, for plumbing tests of the generation path.

Speaks just enough of the protocol (GET /v1/models, POST /v1/chat/completions
with server-sent events) for the `openai` client. Each request's messages are
recorded; `reply(messages)` returns the text pieces to stream. The behaviour
with a real model is tested against llama.cpp's server (tests/answers/test_llm_server.py).
"""
from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class FakeLLM:
    reply: Callable[[list[dict]], list[str]]
    delay: float = 0.0  # seconds before each piece
    status: int = 200
    models: tuple[str, ...] = ("fake-model",)
    requests: list[list[dict]] = field(default_factory=list)
    sent: list[int] = field(default_factory=list)  # pieces written per request before it ended or was dropped
    url: str = ""


@contextlib.contextmanager
def fake_llm(reply: Callable[[list[dict]], list[str]], delay: float = 0.0, status: int = 200,
             models: tuple[str, ...] = ("fake-model",)) -> Iterator[FakeLLM]:
    state = FakeLLM(reply, delay, status, models)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            body = json.dumps({"object": "list", "data": [{"id": m, "object": "model", "created": 0,
                                                           "owned_by": "test"} for m in state.models]}).encode()
            self._send(200, "application/json", body)

        def do_POST(self) -> None:
            request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            state.requests.append(request["messages"])
            if state.status != 200:
                self._send(state.status, "application/json", b'{"error": {"message": "scripted failure"}}')
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            written = 0
            try:
                for piece in state.reply(request["messages"]):
                    time.sleep(state.delay)
                    self._event({"choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]})
                    written += 1
                self._event({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (its deadline): nothing more to send
            finally:
                state.sent.append(written)

        def _event(self, payload: dict) -> None:
            chunk = {"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": state.models[0], **payload}
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.flush()

        def _send(self, status: int, kind: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


HEADLINE_TRANSLATION = "Turkey called for a ground operation in Syria."


def headline_reply(messages: list[dict]) -> list[str]:
    """What a good model says to the seed's headline question: Turkey's call, citing the passage that holds it.

    A translation request gets the quote's translation.
    """
    from helpers import has_turkish_ground

    if "Translate" in messages[0]["content"]:
        return [HEADLINE_TRANSLATION]
    cited = next((int(n) for n, body in re.findall(r'<passage n="(\d+)"[^>]*>\n(.*?)\n</passage>',
                                                  messages[-1]["content"], re.S) if has_turkish_ground(body)), 1)
    return ["Turkey called for ", "a ground operation ", f"[{cited}]."]
