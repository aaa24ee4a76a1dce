"""Questions through the int8 graph against the fp32 graph: how close their vectors are, how fast each runs.

How to run (from the repository root; about a minute):
    .venv/bin/python benchmarks/bench_question_int8.py [--questions 120]

XQuAD questions (English and Arabic, spread over all articles, `query: `
prompted as the chat does) go through `OnnxEncoder` with the fp32 graph and
with the int8 one (`onnxencoder.ensure_quantized`, written once into the
cache), each on one thread, alternating per question. It prints the cosine of
the mean-pooled states with fp32's (mean, 5th percentile, minimum) and the
median milliseconds per question of each graph. Whether int8 may be the
default is `qa eval`'s to say (docs/quality.md), not this script's.
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from common import cache_dir, cpu_line, log, summary, xquad_questions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=120, help="per language (en, ar)")
    args = parser.parse_args()
    from qa.model.onnxencoder import GRAPH, OnnxEncoder, ensure_exported, ensure_quantized
    from qa.model.prepare import ensure_converted

    print(cpu_line())
    folder = ensure_exported(ensure_converted(cache_dir()))
    graphs = {"fp32": OnnxEncoder(folder, threads=1, graph=GRAPH),
              "int8": OnnxEncoder(folder, threads=1, graph=ensure_quantized(folder).name)}
    questions = ["query: " + q for lang in ("en", "ar") for q in xquad_questions(lang, args.questions)]
    seconds: dict[str, list[float]] = {name: [] for name in graphs}
    cosines = []
    for question in questions:
        pooled = {}
        for name, encoder in graphs.items():
            ids = encoder.token_ids(question)
            started = time.perf_counter()
            states = encoder.states([ids])[0]
            seconds[name].append(time.perf_counter() - started)
            vector = states.mean(0)
            pooled[name] = vector / np.linalg.norm(vector)
        cosines.append(float(pooled["int8"] @ pooled["fp32"]))
    log(f"{len(questions)} questions")
    summary(f"int8 question vectors: cosine with fp32 mean {statistics.mean(cosines):.4f}, "
            f"p5 {np.percentile(cosines, 5):.4f}, min {min(cosines):.4f}")
    fp32, int8 = (1000 * statistics.median(seconds[n]) for n in ("fp32", "int8"))
    summary(f"one question, one thread: fp32 {fp32:.1f} ms, int8 {int8:.1f} ms ({fp32 / int8:.2f}x)")


if __name__ == "__main__":
    main()
