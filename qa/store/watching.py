"""A seeds folder that watches itself: files added, changed or removed are indexed within seconds.

`SeedsWatcher` runs beside the chat: watchfiles reports changes (debounced),
the changed files must then hold still for `settle` seconds (a file still
being copied or downloaded is not indexed half-written), and one incremental
build brings the index up to date. Builds take the index lock like any other,
so a build from the Documents tab or `qa build` simply goes first. Hidden
files (the panel's `.upload-*` temporaries, editors' swap files) are ignored
as the builder ignores them.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import watchfiles

from ..errors import QAError

SETTLE_SECONDS = 1.0
DEBOUNCE_MS = 400


def _visible(seeds_dir: Path, path: str) -> bool:
    try:
        parts = Path(path).relative_to(seeds_dir).parts
    except ValueError:
        return False
    return bool(parts) and not any(part.startswith(".") for part in parts)


def _snapshot(paths: set[Path]) -> dict[Path, tuple[int, int] | None]:
    state: dict[Path, tuple[int, int] | None] = {}
    for path in paths:
        try:
            info = path.stat()
            state[path] = (info.st_size, info.st_mtime_ns)
        except OSError:
            state[path] = None  # removed (or unreadable): a state like any other
    return state


class SeedsWatcher:
    """Calls `rebuild()` after files in `seeds_dir` change and settle; `on_error` gets a failed build's message."""

    def __init__(self, seeds_dir: Path, rebuild: Callable[[], object], on_error: Callable[[str], None] = print,
                 settle: float = SETTLE_SECONDS) -> None:
        self.seeds_dir = Path(seeds_dir).resolve()
        self.rebuild = rebuild
        self.on_error = on_error
        self.settle = settle
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.builds = 0  # completed rebuilds (for tests and the log)

    def start(self) -> "SeedsWatcher":
        self.seeds_dir.mkdir(parents=True, exist_ok=True)
        self._thread = threading.Thread(target=self._run, name="qa-seeds-watcher", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _settled(self, paths: set[Path]) -> dict[Path, tuple[int, int] | None] | None:
        """The state of `paths` once they kept it for `settle` seconds; None when stopped first."""
        before = _snapshot(paths)
        while not self._stop.wait(self.settle):
            after = _snapshot(paths)
            if after == before:
                return after
            before = after
        return None

    def _run(self) -> None:
        keep = lambda change, path: _visible(self.seeds_dir, path)  # noqa: E731
        indexed: dict[Path, tuple[int, int] | None] = {}  # each path's state at the last build
        for changes in watchfiles.watch(self.seeds_dir, watch_filter=keep, debounce=DEBOUNCE_MS,
                                        stop_event=self._stop, raise_interrupt=False):
            state = self._settled({Path(path) for _, path in changes})
            if state is None:
                return
            # Events that arrived while an earlier batch settled: nothing new since that build.
            if all(indexed.get(path, ()) == now for path, now in state.items()):
                continue
            try:
                self.rebuild()
                self.builds += 1
                indexed.update(state)
            except QAError as exc:
                self.on_error(f"the index was not updated after a change in {self.seeds_dir}: {exc}")
            except Exception as exc:  # noqa: BLE001 - a watcher that dies silently would stop all updates
                self.on_error(f"the index was not updated after a change in {self.seeds_dir}: "
                              f"{type(exc).__name__}: {exc}")
