"""Index load: a server opening a generation, with the BM25 indexes saved by the build vs built at load.

How to run (from the repository root; a few minutes, more when the base index must first be built):
    QA_BENCH_WORK=/tmp/qabench .venv/bin/python benchmarks/bench_load.py [--sizes 10000,100000] [--repeat 3]

For each tiled index (`synthetic.py`), in one process, alternating, medians
of `--repeat`: `LoadedIndex(store.load(index, on_disk=True))` as a server
does it at start-up and at every generation swap, once as built (BM25 loaded
from `bm25_terms/` and `bm25_keys/`) and once from a copy of the generation
without those folders (the chunk terms and keys read from chunks.jsonl and
indexed with bm25s, as before they were saved).
"""
from __future__ import annotations

import argparse
import gc
import shutil
import statistics
import time

from common import cpu_line, load_average, log, summary
from synthetic import base_index, tiled_index, work_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from qa.search.loaded import LoadedIndex
    from qa.store import index as store

    summary(cpu_line())
    work = work_dir()
    base = base_index(work)
    for size in (int(s) for s in args.sizes.split(",")):
        saved = tiled_index(work, base, size)
        rebuilt = work / f"{saved.name}-no-bm25"
        if not rebuilt.exists():
            shutil.copytree(saved, rebuilt)
            gen = store.current_generation(rebuilt)
            for name in (store.BM25_TERMS, store.BM25_KEYS):
                shutil.rmtree(gen / name)
        times: dict[str, list[float]] = {"saved": [], "rebuilt": []}
        for _ in range(args.repeat):
            for name, folder in (("saved", saved), ("rebuilt", rebuilt)):
                gc.collect()
                t0 = time.perf_counter()
                loaded = LoadedIndex(store.load(folder, on_disk=True))
                times[name].append(time.perf_counter() - t0)
                assert len(loaded.chunks) == size
                del loaded
                log(f"  {size} chunks, BM25 {name}: {times[name][-1]:.2f} s ({load_average()})")
        saved_s, rebuilt_s = statistics.median(times["saved"]), statistics.median(times["rebuilt"])
        summary(f"load: {size:,} chunks: {saved_s:.2f} s with the saved BM25 indexes, {rebuilt_s:.2f} s building "
                f"them at load ({rebuilt_s / saved_s:.1f}x; medians of {args.repeat}, {load_average()})")


if __name__ == "__main__":
    main()
