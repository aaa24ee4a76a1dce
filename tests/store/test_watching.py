"""The watched seeds folder: real watchfiles events, a counting rebuild (the served chat is in tests/web)."""
from __future__ import annotations

import threading
import time
from pathlib import Path

from qa.errors import IndexWriteFailed
from qa.store.watching import SeedsWatcher


class Rebuilds:
    def __init__(self, fail: bool = False) -> None:
        self.times: list[float] = []
        self.called = threading.Event()
        self.fail = fail

    def __call__(self) -> None:
        self.times.append(time.monotonic())
        self.called.set()
        if self.fail:
            raise IndexWriteFailed("cannot write the index in /nowhere: read-only file system")


def test_a_new_file_is_indexed_once_it_holds_still(tmp_path: Path) -> None:
    rebuild = Rebuilds()
    watcher = SeedsWatcher(tmp_path, rebuild, settle=1.0).start()
    try:
        time.sleep(0.5)  # the watcher arms
        growing = tmp_path / "download.txt"
        with growing.open("w", encoding="utf-8") as fh:
            for n in range(8):  # 2.4 s of writing, a piece every 0.3 s: never still for a second
                fh.write(f"part {n} of a file still downloading. ")
                fh.flush()
                time.sleep(0.3)
        finished = time.monotonic()
        assert rebuild.called.wait(20), "no rebuild after the file was complete"
        assert rebuild.times[0] >= finished, "rebuilt while the file was still being written"
        time.sleep(2.5)
        assert len(rebuild.times) == 1
        (tmp_path / "download.txt").unlink()
        rebuild.called.clear()
        assert rebuild.called.wait(20), "no rebuild after a removal"
    finally:
        watcher.stop()


def test_hidden_files_do_not_trigger_a_build_and_a_failed_build_is_reported(tmp_path: Path) -> None:
    rebuild, errors = Rebuilds(fail=True), []
    watcher = SeedsWatcher(tmp_path, rebuild, on_error=errors.append, settle=0.3).start()
    try:
        time.sleep(0.5)
        (tmp_path / ".upload-1234").write_text("a panel upload being written", encoding="utf-8")
        assert not rebuild.called.wait(2.5)
        (tmp_path / "news.txt").write_text("Elections were held in Egypt.", encoding="utf-8")
        assert rebuild.called.wait(20)
        time.sleep(0.2)
        assert errors and "read-only file system" in errors[0] and "the index was not updated" in errors[0]
        assert watcher._thread is not None and watcher._thread.is_alive()  # it keeps watching
    finally:
        watcher.stop()
