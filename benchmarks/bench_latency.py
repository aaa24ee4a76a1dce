"""Answer latency: `qa.answers.answering.answer()` p50/p95 at 1k, 10k and 100k chunks.

How to run (from the repository root; 26 min on 2 cores at load ~7, of it 8 min
building the 240-paragraph base index):
    QA_CACHE_DIR=/tmp/qacache .venv/bin/python benchmarks/bench_latency.py \
        [--sizes 1000,10000,100000] [--questions 100] [--pieces 50] [--threads N]

The indexes are tiled from one real index of all XQuAD Arabic paragraphs
(`synthetic.py`). Per size, a fresh embedder (empty query cache) answers
`--questions` Arabic and as many English XQuAD questions after a warm-up:
  * answer()        – first time each question is asked (embeds it),
  * cached query    – the same questions again (the embedder's query cache hits),
  * pieces          – on `--pieces` of the questions, with cached vectors:
                      `Retriever.run` (dense FAISS + BM25 + sparse + fusion) and
                      `answering.select` minus `run` (sentence selection and
                      abstention evidence), back to back; inside run, FAISS,
                      BM25 and the sparse product alone.
`--threads N` sets torch's and FAISS's thread counts first (an experiment:
the library itself sets none).
Query embedding (`Embedder.encode_query`, uncached) does not depend on the
index and is timed once at the end, next to one plain forward pass.
Each size is measured in a child process that, like a chat server, never
imports torch (it asserts so): torch's and BLAS's idle worker threads in
the process that built the indexes would slow the question pass.
"""
from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from common import cpu_line, load_average, log, new_embedder, percentile, summary, xquad_questions
from synthetic import base_index, tiled_index, work_dir

TARGETS = {10_000: (25.0, 60.0), 100_000: (40.0, None)}  # p50, p95 ms (issue 6)
WARM_UP = ["What happened in the city?", "ماذا حدث في المدينة؟", "Who won the match?", "من فاز بالمباراة؟"]


def _ms(fn, *args, **kwargs) -> float:
    t0 = time.perf_counter()
    fn(*args, **kwargs)
    return (time.perf_counter() - t0) * 1000


def _p(values: list[float]) -> str:
    return f"{statistics.median(values):.1f}/{percentile(values, 95):.1f}"


def _parts(idx, retriever, question: str) -> dict[str, float]:
    """FAISS, BM25 and sparse-product times of one question (cached vectors)."""
    from qa.text.terms import terms

    vectors = retriever.embedder.encode_query(question)
    qterms = terms(question)
    pool = min(len(idx.chunks), 50)
    from qa.search.fusion import single_thread

    def search():
        with single_thread():  # as Retriever.run searches
            idx.chunk_search.search(vectors.dense[None, :], pool)

    out = {"faiss": _ms(search),
           "bm25": _ms(idx.lexical.scores, qterms)}
    if idx.chunk_sparse is not None and vectors.sparse is not None:
        out["sparse"] = _ms(idx.sparse_scores, vectors.sparse, np.arange(pool))
    return out


def measure_size(index_dir, questions: dict[str, list[str]], pieces: int) -> dict:
    from qa.answers import answering
    from qa.search.fusion import Retriever

    embedder = new_embedder(documents=False)
    retriever = Retriever(embedder, index_dir)
    t0 = time.perf_counter()
    idx = retriever.index()
    load_s = time.perf_counter() - t0
    for q in WARM_UP:
        answering.answer(retriever, q)
    first = {lang: [_ms(answering.answer, retriever, q) for q in qs] for lang, qs in questions.items()}
    cached = {lang: [_ms(answering.answer, retriever, q) for q in qs] for lang, qs in questions.items()}
    every = [q for qs in questions.values() for q in qs]
    every = every[::max(1, len(every) // pieces)][:pieces]
    search, select = [], []
    for q in every:  # back to back, so a change in machine load hits both alike
        search.append(_ms(retriever.run, q, k=answering.EVIDENCE_PASSAGES))
        select.append(_ms(answering.select, retriever, q))
    parts = [_parts(idx, retriever, q) for q in every]
    result = {
        "chunks": len(idx.chunks), "sentences": len(idx.unit_chunk), "load_s": load_s,
        "first": first, "cached": cached,
        "search_ms": statistics.median(search),
        "select_ms": max(0.0, statistics.median([b - a for a, b in zip(search, select)])),
        "parts_ms": {name: statistics.median(p[name] for p in parts) for name in parts[0]},
        "load": load_average(),
    }
    del retriever, idx, embedder
    gc.collect()
    return result


def measure_embedding(questions: dict[str, list[str]], one_pass: bool) -> dict:
    """encode_query per question (uncached); with `one_pass`, a plain forward pass of each too (torch)."""
    embedder = new_embedder(documents=one_pass)
    for q in WARM_UP:
        embedder.encode_query(q)
        if one_pass:
            embedder.encode_passages([q])
    out = {}
    for lang, qs in questions.items():
        out[lang] = {"encode_query": [_ms(embedder.encode_query, q) for q in qs]}
        if one_pass:
            out[lang]["one_pass"] = [_ms(embedder.encode_passages, [q]) for q in qs]
    return out


def measure_in_child(index_dir: Path, args: argparse.Namespace) -> dict:
    """`measure_size` (and, with `embedding`, `measure_embedding`) in a process that never imports torch."""
    cmd = [sys.executable, __file__, "--measure", str(index_dir), "--questions", str(args.questions),
           "--pieces", str(args.pieces)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"measuring {index_dir} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def child(index_dir: Path, args: argparse.Namespace) -> None:
    questions = {"ar": xquad_questions("ar", args.questions), "en": xquad_questions("en", args.questions)}
    result = measure_size(index_dir, questions, args.pieces)
    result["embedding"] = measure_embedding(questions, one_pass=False)
    assert "torch" not in sys.modules, "the measured process imported torch: a server would not"
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--questions", type=int, default=100, help="per language")
    parser.add_argument("--pieces", type=int, default=50, help="questions (of both languages) timed piece by piece")
    parser.add_argument("--threads", type=int, default=0,
                        help="torch and FAISS threads (default: leave the library's defaults alone)")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the child process: one index
    args = parser.parse_args()
    if args.measure:
        return child(args.measure, args)
    summary(cpu_line())
    if args.threads:
        import faiss
        import torch

        torch.set_num_threads(args.threads)
        faiss.omp_set_num_threads(args.threads)
    sizes = [int(s) for s in args.sizes.split(",")]
    questions = {"ar": xquad_questions("ar", args.questions), "en": xquad_questions("en", args.questions)}
    work = work_dir()
    base = base_index(work)
    results = {}
    for n in sizes:
        path = tiled_index(work, base, n)
        log(f"-- {n} chunks ({load_average()})")
        results[n] = measure_in_child(path, args) if not args.threads else measure_size(path, questions, args.pieces)
        r = results[n]
        both = r["first"]["ar"] + r["first"]["en"]
        log(f"   loaded {r['chunks']} chunks / {r['sentences']} sentences in {r['load_s']:.1f} s")
        log(f"   answer() p50/p95 ms: all {_p(both)}, ar {_p(r['first']['ar'])}, en {_p(r['first']['en'])}")
        log(f"   cached query p50/p95 ms: {_p(r['cached']['ar'] + r['cached']['en'])}")
        log(f"   Retriever.run {r['search_ms']:.1f} ms, selection {r['select_ms']:.1f} ms; inside run: "
            + ", ".join(f"{k} {v:.1f} ms" for k, v in r["parts_ms"].items()))
    emb = measure_embedding(questions, one_pass=True)  # here, torch loaded: the plain forward pass beside it
    every_pass = emb["ar"]["one_pass"] + emb["en"]["one_pass"]
    served = next((r["embedding"] for r in results.values() if "embedding" in r), None)
    where = "as served (no torch)" if served else "in this process (--threads: torch loaded)"
    served = served or emb
    every_q = served["ar"]["encode_query"] + served["en"]["encode_query"]
    import faiss
    import torch

    log(f"-- threads: torch {torch.get_num_threads()}, faiss {faiss.omp_get_max_threads()}")
    log(f"-- query embedding ({load_average()}): encode_query p50/p95 ms, {where} all {_p(every_q)}, "
        f"ar {_p(served['ar']['encode_query'])}, en {_p(served['en']['encode_query'])}; with torch loaded "
        f"{_p(emb['ar']['encode_query'] + emb['en']['encode_query'])}; "
        f"one forward pass (encode_passages of the question, torch) {_p(every_pass)}")
    for n, r in results.items():
        both = r["first"]["ar"] + r["first"]["en"]
        p50, p95 = statistics.median(both), percentile(both, 95)
        target = TARGETS.get(n)
        verdict = ""
        if target:
            ok = p50 <= target[0] and (target[1] is None or p95 <= target[1])
            goal = f"p50 ≤ {target[0]:.0f}" + (f", p95 ≤ {target[1]:.0f}" if target[1] else "")
            verdict = f" [target {goal} ms: {'met' if ok else 'NOT met'}]"
        summary(f"latency {n // 1000}k chunks: answer() p50 {p50:.1f} ms, p95 {p95:.1f} ms "
                f"(ar {_p(r['first']['ar'])}, en {_p(r['first']['en'])}); cached query p50 "
                f"{statistics.median(r['cached']['ar'] + r['cached']['en']):.1f} ms; "
                f"embed {statistics.median(every_q):.1f} + search {r['search_ms']:.1f} + "
                f"select {r['select_ms']:.1f} ms{verdict} ({r['load']})")


if __name__ == "__main__":
    main()
