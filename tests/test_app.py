"""The chat served by a real Gradio server on loopback, driven through gradio_client."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from test_retrieval import has_turkish_ground

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(seed_index: Path, cache_dir: Path):
    port = free_port()
    env = {**os.environ, "QA_INDEX_DIR": str(seed_index), "QA_CACHE_DIR": str(cache_dir),
           "QA_PORT": str(port), "QA_HOST": "127.0.0.1"}
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py")], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 180
    while time.time() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"app exited early:\n{proc.stdout.read()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("app did not start within 180 s")
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.mark.slow
@pytest.mark.parametrize("question", ["Who proposed a ground operation?", "من اقترح عملية برية؟"])
def test_chat_answers_the_headline_question_with_quote_and_sources(server, question):
    from gradio_client import Client

    client = Client(server, verbose=False)
    messages = client.predict(question, api_name="/chat")
    answer, sources = messages[0]["content"], messages[1]
    assert has_turkish_ground(answer), answer
    assert "000_f9ca097250a4c633.txt" in answer and "[1]" in answer or "[2]" in answer or "[3]" in answer
    assert sources["metadata"]["title"].split(" ")[0] in ("Sources", "المصادر")
    assert "<mark>" in sources["content"]


@pytest.mark.slow
def test_chat_escapes_markup_in_questions(server):
    from gradio_client import Client

    messages = Client(server, verbose=False).predict("<script>alert(1)</script> chocolate cake recipe?",
                                                     api_name="/chat")
    assert all("<script>" not in m["content"] for m in messages)
