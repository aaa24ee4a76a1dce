"""Test-only driver: `qa build` through the real CLI (`qa.cli.main`) with the fake embedder.

Two modes:

    python tests/build_driver.py build --seeds S --index I
        one build in this process, like `python -m qa build` but with `FakeEmbedder`
        (used where the process itself must be different, e.g. without root's
        permission to read everything);

    python tests/build_driver.py --serve
        a fork server for the crash and concurrency tests. Each stdin line is a
        JSON request {"runs": [{"argv": [...], "log": path, "delay": s,
        "kill_after": s | null, "trace": path | null}, ...]}; all runs are forked
        at once and the driver answers with one JSON line {"results": [{"pid",
        "returncode", "killed", "seconds"}, ...]} (returncode -9 when killed).

Forking keeps a build's start-up at milliseconds (torch is imported once), so a
random kill lands inside the build rather than in the imports. The driver, not
the test, sends SIGKILL, before reaping the child: the pid cannot have been
reused by then. In a child, `delay` sleeps before and after every file write of
`qa.store.index.save`, so kills also land between the steps of a save; `trace`
appends "enter/exit <pid> <time>" lines while the build lock is held.
"""
from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import qa.api  # noqa: E402
import qa.cli  # noqa: E402
import qa.store.index  # noqa: E402
import qa.store.ondisk  # noqa: E402
from conftest import FakeEmbedder  # noqa: E402

qa.api.embedder_for = lambda settings: FakeEmbedder()


def _slow_writes(delay: float) -> None:
    def slowed(write, factor: float = 1.0):
        def wrapper(*args, **kwargs):
            time.sleep(delay * factor)
            write(*args, **kwargs)
            time.sleep(delay * factor)
        return wrapper

    # Both modules that write a generation's files: the index (records, vectors) and ondisk (sparse parts).
    for module in (qa.store.index, qa.store.ondisk):
        module.fsync_write = slowed(module.fsync_write)
    qa.store.index.fsync_dir = slowed(qa.store.index.fsync_dir)
    # Clean-up runs after the switch to the new generation: slowed more, so that a good share of
    # random kills lands after the switch (and some inside the clean-up itself).
    qa.store.index.collect_garbage = slowed(qa.store.index.collect_garbage, 5)


def _traced_lock(trace: str) -> None:
    real_lock = qa.store.index.build_lock

    def note(event: str) -> None:
        with open(trace, "a") as fh:
            fh.write(f"{event} {os.getpid()} {time.monotonic():.6f}\n")

    @contextlib.contextmanager
    def build_lock(index_dir, wait=True):
        with real_lock(index_dir, wait):
            note("enter")
            try:
                yield
            finally:
                note("exit")

    qa.store.index.build_lock = build_lock


def _child(run: dict) -> None:
    """Runs in the forked child; never returns."""
    code = 70
    try:
        fd = os.open(run["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        if run.get("delay"):
            _slow_writes(float(run["delay"]))
        if run.get("trace"):
            _traced_lock(run["trace"])
        code = qa.cli.main(run["argv"])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _serve_one(request: dict) -> dict:
    started = time.monotonic()
    children = []
    for run in request["runs"]:
        pid = os.fork()
        if pid == 0:
            _child(run)
        children.append({"pid": pid, "run": run, "status": None, "killed": False, "seconds": None})
    while any(c["status"] is None for c in children):
        for c in children:
            if c["status"] is not None:
                continue
            pid, status = os.waitpid(c["pid"], os.WNOHANG)
            if pid:
                c["status"], c["seconds"] = status, time.monotonic() - started
            elif c["run"].get("kill_after") is not None and time.monotonic() - started >= c["run"]["kill_after"]:
                os.kill(c["pid"], signal.SIGKILL)  # not reaped yet, so still our child
                c["killed"] = True
        time.sleep(0.001)
    return {"results": [{"pid": c["pid"], "returncode": os.waitstatus_to_exitcode(c["status"]),
                         "killed": c["killed"], "seconds": c["seconds"]} for c in children]}


def serve() -> None:
    print(json.dumps({"ready": os.getpid()}), flush=True)
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(_serve_one(json.loads(line))), flush=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["--serve"]:
        serve()
    else:
        sys.exit(qa.cli.main(sys.argv[1:]))
