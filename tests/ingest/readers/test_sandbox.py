"""The reader's child process: one per build, a time box per file, a fresh child after a kill."""
from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path

import pytest

from qa.errors import UnreadableDocument
from qa.ingest.readers import ocr
from qa.ingest.readers.sandbox import ReaderProcess

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def _tesseracts() -> int:
    return len(subprocess.run(["pgrep", "-x", "tesseract"], capture_output=True, text=True).stdout.split())


def test_one_child_reads_many_files_and_its_answers_match_in_process_reading():
    from qa.ingest.readers import extract

    files = [FIXTURES / "pdf" / "en_xquad.chromium.pdf", FIXTURES / "html" / "en_super_bowl.html",
             FIXTURES / "feed" / "news.atom"]
    with ReaderProcess() as readers:
        parts = [readers.extract(files[0].suffix, files[0].read_bytes(), files[0].name)]
        pid = readers._child.pid
        parts += [readers.extract(f.suffix, f.read_bytes(), f.name) for f in files[1:]]
        assert readers._child.pid == pid  # the same child served all three
    assert parts == [extract(f.suffix, f.read_bytes(), f.name) for f in files]
    assert len(parts[2]) == 3  # a feed's items


def test_a_file_that_takes_too_long_costs_its_time_box_and_nothing_more():
    if not ocr.available():
        pytest.skip("needs tesseract (make ocr): OCR is the slow reader used here")
    image = (FIXTURES / "ocr" / "arabic-news.png").read_bytes()
    before = _tesseracts()
    with ReaderProcess(timeout=0.5) as readers:
        started = time.monotonic()
        with pytest.raises(UnreadableDocument, match="took longer than 0 s to read|took longer than 1 s to read"):
            readers.extract(".png", image, "slow.png")
        assert time.monotonic() - started < 5
        deadline = time.monotonic() + 5
        while _tesseracts() > before and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _tesseracts() == before  # the child's tesseract was killed with it
        page = FIXTURES / "html" / "en_super_bowl.html"
        # A fresh child reads the next file; its start (imports) alone can take over 0.5 s on a busy 2-core CPU.
        readers.timeout = 30
        assert readers.extract(".html", page.read_bytes(), page.name)


def test_a_child_that_dies_mid_file_is_one_line_and_the_next_file_is_read():
    if not ocr.available():
        pytest.skip("needs tesseract (make ocr)")
    image = (FIXTURES / "ocr" / "arabic-news.png").read_bytes()
    with ReaderProcess() as readers:
        readers._start()
        threading.Timer(0.5, lambda: readers._child and readers._child.kill()).start()
        with pytest.raises(UnreadableDocument, match="the reader crashed or ran out of memory"):
            readers.extract(".png", image, "dies.png")
        page = FIXTURES / "html" / "en_super_bowl.html"
        assert readers.extract(".html", page.read_bytes(), page.name)
