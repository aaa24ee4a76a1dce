"""Reading untrusted files in a child process that can be stopped: a time box and a memory cap per file.

A parser stuck on a hostile PDF, or a zip bomb unpacking, costs one file and
its time limit, never the build: the child is killed and the next file starts
a fresh one. One child serves a whole build (its start and imports are paid once).
"""
from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import time

from ...errors import UnreadableDocument
from .base import Extracted
from .worker import read_frame, write_frame

READ_TIMEOUT = 120.0  # seconds per file: a few hundred PDF pages


class ReaderProcess:
    """`extract` in a child process; use as a context manager (the child stops on exit)."""

    def __init__(self, timeout: float = READ_TIMEOUT) -> None:
        self.timeout = timeout
        self._child: subprocess.Popen | None = None

    def __enter__(self) -> "ReaderProcess":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        child, self._child = self._child, None
        if child is None:
            return
        if child.stdin:
            child.stdin.close()
        try:
            child.wait(timeout=5)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(child.pid, signal.SIGKILL)  # and what it started
            except (ProcessLookupError, PermissionError):
                child.kill()
            child.wait()
        if child.stdout:
            child.stdout.close()

    def _start(self) -> subprocess.Popen:
        if self._child is None or self._child.poll() is not None:
            try:
                # Its own session: a kill stops what it started too (tesseract on a scanned page).
                self._child = subprocess.Popen([sys.executable, "-m", "qa.ingest.readers.worker"],
                                               stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                               stderr=subprocess.DEVNULL, start_new_session=True,
                                               env={**os.environ, "PYTHONWARNINGS": "ignore"})
            except OSError as error:
                raise UnreadableDocument(f"could not be read (the reader did not start: {error})") from None
        return self._child

    def extract(self, suffix: str, data: bytes, name: str) -> list[Extracted]:
        child = self._start()
        assert child.stdin and child.stdout
        try:
            write_frame(child.stdin, json.dumps({"suffix": suffix, "name": name}).encode())
            write_frame(child.stdin, data)
        except BrokenPipeError:
            self._kill()
            raise UnreadableDocument("could not be read (the reader stopped)") from None
        answer = self._wait(child)
        if "error" in answer:
            raise UnreadableDocument(answer["error"])
        return [Extracted.from_json(p) for p in answer["parts"]]

    def _wait(self, child: subprocess.Popen) -> dict:
        assert child.stdout
        deadline = time.monotonic() + self.timeout
        with selectors.DefaultSelector() as selector:
            selector.register(child.stdout, selectors.EVENT_READ)
            if not selector.select(timeout=max(0.0, deadline - time.monotonic())):
                self._kill()
                raise UnreadableDocument(f"took longer than {self.timeout:.0f} s to read")
        body = read_frame(child.stdout)
        if body is None:  # the child died: killed by the memory cap, or crashed in a C library
            self._kill()
            raise UnreadableDocument("could not be read (the reader crashed or ran out of memory)")
        return json.loads(body)

    def _kill(self) -> None:
        child, self._child = self._child, None
        if child is not None:
            try:
                os.killpg(child.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                child.kill()
            child.wait()
            for pipe in (child.stdin, child.stdout):
                if pipe:
                    pipe.close()
