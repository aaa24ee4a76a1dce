"""What several test modules share: the checkout's paths, the seed's answer sentences, the CLI and app as subprocesses."""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
START_TIMEOUT = 180

# The sentences of the seed article in which Turkey proposes a ground operation.
TURKISH_GROUND = (
    "طرحت تركيا احتمال قيامها بعملية عسكرية برية",
    "وكانت تركيا دعت الثلاثاء الي تدخل عسكري بري",
    "نريد عملية برية مع حلفائنا الدوليين",
    "وكانت تركيا اعلنت السبت الماضي انه يمكن ان تتدخل بريا",
)


def has_turkish_ground(text: str) -> bool:
    return any(s in text for s in TURKISH_GROUND)


# An English question about the seed with clear evidence (a name the article spells, تركيا), for tests of
# what is done with an answer (generation, the chat, the CLI). The headline "Who proposed a ground
# operation?" is not one: its evidence is among the weakest of answerable questions (docs/quality.md).
ASKED_IN_ENGLISH = "What did Turkey call for in Syria?"


# The chat never repeats the question: what it shows is document text (quotes, passages) and messages. A
# corpus with this document is where raw HTML could reach the page; replies that show it must show it as text.
MARKUP_SOURCE = "defaced.txt"
MARKUP_DOCUMENT = ("The city council's website was defaced on Monday night. The attackers posted "
                   "<script>alert(1)</script> and <img src=x onerror=alert(2)> on its front page.\n\n"
                   "Engineers restored the site on Tuesday morning.")
MARKUP_QUESTION = "What did the attackers post on the city council's website?"
MARKUP_TEXT = ("<script>alert(1)</script>", "<img src=x onerror=alert(2)>")  # shown: html.unescape finds them
RAW_MARKUP = ("<script", "<img", "<iframe", 'href="javascript')  # never in the HTML itself


def add_markup_document(seeds: Path, index: Path, embedder) -> None:
    """MARKUP_DOCUMENT in `seeds` and in its index (an incremental build: only it is embedded)."""
    from qa.store.build import build_index

    (seeds / MARKUP_SOURCE).write_text(MARKUP_DOCUMENT, encoding="utf-8")
    build_index(seeds, index, embedder)


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    # The developer's local model (QA_LLM_*) stays out unless the test sets one.
    inherited = {key: value for key, value in os.environ.items() if not key.startswith("QA_LLM_")}
    return subprocess.run([sys.executable, "-m", "qa", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**inherited, **(env or {})}, timeout=600)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copy_corpus(seed_index: Path, dest: Path) -> tuple[Path, Path]:
    """Private copies of the seed folder and its built index, for a server that may change them."""
    seeds, index = dest / "seeds", dest / "index"
    shutil.copytree(seed_index.parent / "seeds", seeds)
    shutil.copytree(seed_index, index)
    return seeds, index


@contextlib.contextmanager
def running_app(seeds: Path, index: Path, cache_dir: Path, command: list[str] | None = None, cwd: Path = ROOT,
                **env: str) -> Iterator[str]:
    """The chat (`app.py`, or `command`) in a subprocess on a free loopback port; yields its URL, stops it afterwards."""
    port = free_port()
    # The developer's own QA_* settings (a login, another k) must not leak into the server under test.
    inherited = {key: value for key, value in os.environ.items() if not key.startswith("QA_")}
    full_env = {**inherited, "QA_SEEDS_DIR": str(seeds), "QA_INDEX_DIR": str(index),
                "QA_CACHE_DIR": str(cache_dir), "QA_PORT": str(port), "QA_HOST": "127.0.0.1", **env}
    log = (index.parent / f"app-{port}.log").open("w+")
    proc = subprocess.Popen(command or [sys.executable, str(ROOT / "app.py")], cwd=cwd, env=full_env,
                            stdout=log, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.time() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                log.seek(0)
                pytest.fail(f"app exited early:\n{log.read()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.time() > deadline:
                    pytest.fail(f"app did not start within {START_TIMEOUT} s")
                time.sleep(0.5)
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@contextlib.contextmanager
def small_tmpfs(path: Path, size: str = "256k") -> Iterator[Path]:
    """A real tmpfs of `size` mounted at `path` (root only): a disk that fills up, or that `remount_readonly` freezes.

    Skips where mounting is not allowed (not root, or no mount namespace rights).
    """
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=755", "tmpfs", str(path)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def remount_readonly(path: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(path)], check=True)


@contextlib.contextmanager
def http_server(directory: Path) -> Iterator[str]:
    """Python's http.server for `directory` on 127.0.0.1 in its own process; yields its base URL, then kills it by pid."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                             "--directory", str(directory)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    pytest.fail("the test's web server did not start")
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/"
    finally:
        os.kill(proc.pid, 9)
        proc.wait(timeout=10)


LLM_PYTHON = ROOT / ".venv-llm" / "bin" / "python"
LLM_GGUF = ROOT / ".venv-llm" / "share" / "gemma-3-270m-q4_k_m.gguf"
LLM_START_TIMEOUT = 120
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, never through a proxy


@dataclass
class LlamaServer:
    url: str  # OpenAI-compatible base URL, .../v1
    pid: int
    log: Path

    def chat_requests(self) -> int:
        """Chat completions the server has received so far (its access log)."""
        return self.log.read_text(errors="replace").count("POST /v1/chat/completions")


@contextlib.contextmanager
def llama_server(workdir: Path) -> Iterator[LlamaServer]:
    """llama.cpp's OpenAI-compatible server (llama-cpp-python, `make llm-server`) with Gemma 3 270M, on a
    free 127.0.0.1 port; stopped by its process id afterwards, resumed first if a test paused it."""
    if not LLM_GGUF.is_file():
        reason = f"no local model server at {LLM_GGUF}: run `make llm-server`"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    port = free_port()
    log_path = workdir / f"llama-{port}.log"
    log = log_path.open("w")
    inherited = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    proc = subprocess.Popen([str(LLM_PYTHON), "-m", "llama_cpp.server", "--model", str(LLM_GGUF),
                             "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096", "--n_threads", "2", "--chat_format", "gemma"],
                            stdout=log, stderr=subprocess.STDOUT, env=inherited)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.time() + LLM_START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the model server exited early:\n{log_path.read_text(errors='replace')[-2000:]}")
            try:
                with _DIRECT.open(f"{url}/models", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.time() > deadline:
                pytest.fail(f"the model server did not start within {LLM_START_TIMEOUT} s")
            time.sleep(0.5)
        yield LlamaServer(url, proc.pid, log_path)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGCONT)
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        log.close()
