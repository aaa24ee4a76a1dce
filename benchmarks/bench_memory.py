"""Memory: peak RSS of a process that serves the 100k-chunk synthetic index.

How to run (from the repository root; ~5 min, more when the 100k index must
first be tiled and the base index built):
    QA_CACHE_DIR=/tmp/qacache .venv/bin/python benchmarks/bench_memory.py [--sizes 10000,100000] [--questions 50]

For each size a fresh child process (this script with --child) loads the
model and the index tiled by `synthetic.py`, answers `--questions` XQuAD
questions (half Arabic, half English) with `qa.answers.answering.answer`, and
reports its peak RSS (VmHWM of /proc/self/status) and its RSS after
each stage (VmRSS), so the model's and the index's shares are visible.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from common import cpu_line, load_average, log, summary, xquad_questions
from synthetic import base_index, tiled_index, work_dir

TARGET_MB = 1536  # issue 6: peak RSS ≤ 1.5 GB at 100k chunks


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _rss_mb() -> float:
    return _status_mb("VmRSS")


def child(index_dir: str, questions: int) -> None:
    stages = {"python + imports": 0.0}
    from qa.answers import answering
    from qa.search.fusion import Retriever

    stages["python + imports"] = _rss_mb()
    from common import cache_dir

    from qa.config import DEFAULT_MODEL, load_settings
    from qa.model.embedding import Embedder
    from qa.model.precision import read_cpu

    # What a server loads: the question encoder (the first question loads it); the
    # document model is loaded only when documents are added.
    settings = load_settings()
    embedder = Embedder(DEFAULT_MODEL, cache_dir(), precision=settings.precision,
                        cpu=read_cpu(isa_cap=settings.isa_cap), device=settings.device)
    embedder.encode_query("warm up")
    stages["+ model"] = _rss_mb()
    retriever = Retriever(embedder, Path(index_dir))
    idx = retriever.index()
    stages["+ index"] = _rss_mb()
    asked = xquad_questions("ar", questions // 2) + xquad_questions("en", questions - questions // 2)
    found = sum(answering.answer(retriever, q).found for q in asked)
    stages["+ answers"] = _rss_mb()
    # VmHWM, not ru_maxrss: the latter survives exec and would report the parent's
    # size at fork time (this script tiles 100k-chunk indexes in memory first).
    peak = _status_mb("VmHWM")
    print(json.dumps({"chunks": len(idx.chunks), "sentences": len(idx.unit_chunk), "stages": stages,
                      "peak_mb": peak, "answered": len(asked), "found": found}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--questions", type=int, default=50)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.questions)
        return
    summary(cpu_line())
    work = work_dir()
    base = base_index(work)
    results = {}
    for n in (int(s) for s in args.sizes.split(",")):
        path = tiled_index(work, base, n)
        out = subprocess.run([sys.executable, __file__, "--child", str(path), "--questions", str(args.questions)],
                             check=True, capture_output=True, text=True)
        results[n] = json.loads(out.stdout.strip().splitlines()[-1])
        r = results[n]
        log(f"memory {n} chunks ({r['sentences']} sentences), {r['answered']} questions: peak RSS "
            f"{r['peak_mb']:.0f} MB; " + ", ".join(f"{k} {v:.0f} MB" for k, v in r["stages"].items())
            + f" ({load_average()})")
    for n, r in results.items():
        stages = r["stages"]
        verdict = ""
        if n == 100_000:
            verdict = f" [target ≤ {TARGET_MB / 1024:.1f} GB: {'met' if r['peak_mb'] <= TARGET_MB else 'NOT met'}]"
        summary(f"memory {n // 1000}k chunks: peak RSS {r['peak_mb']:,.0f} MB (model "
                f"{stages['+ model'] - stages['python + imports']:,.0f} MB, index "
                f"{stages['+ index'] - stages['+ model']:,.0f} MB, after {r['answered']} answers "
                f"{stages['+ answers']:,.0f} MB){verdict}")


if __name__ == "__main__":
    main()
