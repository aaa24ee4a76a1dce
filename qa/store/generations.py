"""Generations of an index folder: which one is live, the next number, the build lock, clean-up.

Knows names and pointers, not the contents of a generation (`index.py`).
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from ..errors import BuildLocked


def current_generation(index_dir: Path) -> Path | None:
    pointer = index_dir / "CURRENT"
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):  # no index yet, or the path is a file: nothing built there
        return None
    gen = index_dir / name
    return gen if name.startswith("gen-") and gen.is_dir() else None


def collect_garbage(index_dir: Path, keep: set[str]) -> None:
    """Drop generations other than `keep` (the live one and, for readers mid-load, the one
    it replaced) and what killed builds left: unfinished generations, pointer files."""
    for old in index_dir.glob("gen-*"):
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)
    for stale in [*index_dir.glob(".tmp-gen-*"), *index_dir.glob(".CURRENT-*")]:
        pid = stale.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _pid_alive(int(pid)):
            if stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)
            else:
                stale.unlink(missing_ok=True)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def next_generation(index_dir: Path) -> int:
    numbers = [int(p.name[4:]) for p in Path(index_dir).glob("gen-*") if p.name[4:].isdigit()]
    return max(numbers, default=0) + 1


@contextlib.contextmanager
def build_lock(index_dir: Path, wait: bool = True) -> Iterator[None]:
    """Serialize builds across processes with flock on index/.lock."""
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / ".lock").open("a") as fh:
        flags = fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB)
        try:
            fcntl.flock(fh.fileno(), flags)
        except BlockingIOError:
            raise BuildLocked(f"another build is running on {index_dir}") from None
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
