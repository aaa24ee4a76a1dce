"""A chat model behind an OpenAI-compatible endpoint: streamed, time-boxed, a few requests at a time.

The user runs the server (Ollama, llama.cpp's llama-server, vLLM, LM
Studio); this module talks to it through the `openai` client and turns every
way it can fail (refused, slow, killed mid-answer, busy, an HTTP error) into
`LLMUnavailable` with one line saying why. The whole reply must arrive
before the deadline: the tokens are read on a thread of their own, so a
server that stops sending mid-stream cannot hold the caller longer than the
timeout. It builds no prompts and checks no answers (`prompts`, `grounding`).
"""
from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from ..config import LLMSettings, is_private
from ..errors import QAError

# The reply is an answer of a few sentences; a model that rambles is cut here.
MAX_TOKENS = 400


class LLMUnavailable(QAError):
    """The model gave no usable reply; the message is the reason alone ("no reply within 30 s"), one line."""


class ChatModel:
    """One configured server; thread-safe, shared by every question of a process."""

    def __init__(self, settings: LLMSettings) -> None:
        import httpx  # imported here: a process without QA_LLM_URL never loads the client
        import openai
        self.settings = settings
        # A server on this machine or its network is reached directly: a proxy from the environment
        # must not see the passages.
        direct = is_private(urlsplit(settings.url).hostname or "")
        self._client = openai.OpenAI(
            base_url=settings.url, api_key=settings.api_key or "not-needed", max_retries=0,
            timeout=httpx.Timeout(settings.timeout, connect=min(5.0, settings.timeout)),
            http_client=httpx.Client(trust_env=not direct))
        self._slots = threading.BoundedSemaphore(settings.concurrency)
        self._model = settings.model
        self._model_lock = threading.Lock()

    @property
    def name(self) -> str:
        """The model as people know it (llama.cpp lists a file path: its file name); "" before it is known."""
        return PurePosixPath(self._model).name if self._model else ""

    def model_id(self, deadline: float) -> str:
        """QA_LLM_MODEL, or the first model the server lists (asked once)."""
        with self._model_lock:
            if not self._model:
                try:
                    listed = self._client.models.list(timeout=max(0.1, deadline - time.monotonic()))
                    ids = [str(m.id) for m in listed.data]
                except Exception as exc:  # noqa: BLE001 - a refused connection or an odd reply: one line either way
                    raise LLMUnavailable(f"no model list from the server ({_why(exc)})") from None
                if not ids:
                    raise LLMUnavailable("the server lists no model: set QA_LLM_MODEL")
                self._model = ids[0]
            return self._model

    def stream(self, messages: Sequence[dict], max_tokens: int = MAX_TOKENS,
               deadline: float | None = None) -> Iterator[str]:
        """The reply's text pieces as they arrive; LLMUnavailable once the deadline passes or the server fails.

        `deadline` (time.monotonic()) defaults to QA_LLM_TIMEOUT from now. A request holds its slot
        until the server's reply is over or abandoned, so at most QA_LLM_CONCURRENCY are in flight.
        """
        deadline = time.monotonic() + self.settings.timeout if deadline is None else deadline
        if deadline - time.monotonic() <= 0:
            raise LLMUnavailable(f"no complete reply within {self.settings.timeout:g} s")
        if not self._slots.acquire(timeout=deadline - time.monotonic()):
            raise LLMUnavailable("busy with other questions until the deadline")
        pieces: queue.Queue = queue.Queue()
        holder: dict = {}
        cancel = threading.Event()
        try:
            model = self.model_id(deadline)
            reader = threading.Thread(target=self._read, name="qa-llm-stream", daemon=True,
                                      args=(model, list(messages), max_tokens, deadline, pieces, holder, cancel))
            reader.start()  # from here on the reader releases the slot when its request is over
        except LLMUnavailable:
            self._slots.release()
            raise
        except Exception as exc:  # noqa: BLE001 - no thread to be had (or odd messages): one line, the slot back
            self._slots.release()
            raise LLMUnavailable(f"could not start the request ({_why(exc)})") from None
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise LLMUnavailable(f"no complete reply within {self.settings.timeout:g} s")
                try:
                    kind, value = pieces.get(timeout=left)
                except queue.Empty:
                    raise LLMUnavailable(f"no complete reply within {self.settings.timeout:g} s") from None
                if kind == "piece":
                    yield value
                elif kind == "error":
                    raise LLMUnavailable(value)
                else:
                    return
        finally:
            cancel.set()  # finished, failed, timed out or abandoned: the reader stops reading
            _close(holder)

    def complete(self, messages: Sequence[dict], max_tokens: int = MAX_TOKENS, deadline: float | None = None) -> str:
        return "".join(self.stream(messages, max_tokens, deadline))

    def _read(self, model: str, messages: list[dict], max_tokens: int, deadline: float, pieces: queue.Queue,
              holder: dict, cancel: threading.Event) -> None:
        try:
            # Bounded by the time left, so an abandoned request frees its slot by the deadline at the latest.
            response = self._client.chat.completions.create(
                model=model, messages=messages, stream=True, max_tokens=max_tokens, temperature=0,
                timeout=max(0.1, deadline - time.monotonic()))
            holder["response"] = response
            if cancel.is_set():
                return  # abandoned while the server was reading the prompt
            for chunk in response:
                if cancel.is_set():
                    break
                for choice in chunk.choices:
                    if choice.delta is not None and choice.delta.content:
                        pieces.put(("piece", choice.delta.content))
            pieces.put(("done", None))
        except Exception as exc:  # noqa: BLE001 - any failure of the server or the connection is reported, not raised
            pieces.put(("error", _why(exc)))
        finally:
            _close(holder)
            self._slots.release()


def _close(holder: dict) -> None:
    response = holder.pop("response", None)
    if response is not None:
        try:
            response.close()
        except Exception:  # noqa: BLE001 - closing a broken connection may fail again; it is being dropped anyway
            pass


def _why(exc: BaseException) -> str:
    """One short line for a failure: the HTTP status, or the kind of connection error."""
    status = getattr(exc, "status_code", None)
    if status is not None:
        return f"HTTP {status}"
    text = (str(exc).strip().splitlines() or [type(exc).__name__])[0].rstrip(".")[:120]
    # "Connection error." reads as a reason inside a sentence: "connection error"; "HTTPError" stays.
    return text[:1].lower() + text[1:] if text[1:2].islower() else text
