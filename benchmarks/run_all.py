"""Run every benchmark and print one summary line per figure at the end.

How to run (from the repository root; ~30–40 min on 2 busy cores):
    make bench                                   # sets up, prepares the model, builds index/, then this
    .venv/bin/python benchmarks/run_all.py [--only indexing,latency,memory,startup,faiss]

Each script runs in its own process (so one's memory does not colour the
next); their details stream to stderr as they go. The tiled 1k/10k/100k
indexes live in one temporary work folder (QA_BENCH_WORK) shared by the
latency and memory scripts and removed at the end. Copy the summary into
docs/benchmarks.md with the date, `nproc` and the load averages shown.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = {
    "indexing": "bench_indexing.py",
    "latency": "bench_latency.py",
    "memory": "bench_memory.py",
    "startup": "bench_startup.py",
    "faiss": "bench_faiss.py",
    "precision": "bench_precision.py",
    "load": "bench_load.py",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(SCRIPTS), help="comma-separated: " + ", ".join(SCRIPTS))
    args = parser.parse_args()
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in SCRIPTS]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(SCRIPTS)}")
    own_work = "QA_BENCH_WORK" not in os.environ
    work = os.environ.get("QA_BENCH_WORK") or tempfile.mkdtemp(prefix="qa-bench-")
    env = {**os.environ, "QA_BENCH_WORK": work}
    started = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines: list[str] = []
    failed = []
    try:
        for name in chosen:
            print(f"== {name}: {SCRIPTS[name]}", file=sys.stderr, flush=True)
            t0 = time.perf_counter()
            done = subprocess.run([sys.executable, str(HERE / SCRIPTS[name])], env=env, stdout=subprocess.PIPE,
                                  text=True)
            out = [line for line in done.stdout.splitlines() if line.strip()]
            lines.extend(out)
            print("\n".join(out), file=sys.stderr)
            print(f"== {name}: {time.perf_counter() - t0:.0f} s, exit {done.returncode}", file=sys.stderr, flush=True)
            if done.returncode != 0:
                failed.append(name)
    finally:
        if own_work:
            shutil.rmtree(work, ignore_errors=True)
    sys.path.insert(0, str(HERE))
    from common import cpu_line

    print(f"# qa benchmarks, started {started}, {os.cpu_count()} CPUs")
    print(cpu_line())
    print("\n".join(lines))
    if failed:
        print(f"# failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
