"""Index types: FAISS Flat vs HNSW vs IVF-PQ on 1M synthetic 384-d vectors, and the rule to choose.

How to run (from the repository root; ~15 min on 2 cores, ~6 GB of RAM):
    .venv/bin/python benchmarks/bench_faiss.py [--n 1000000] [--queries 1000] [--hnsw-budget 600]

Data: a clustered Gaussian mixture shaped like multilingual-e5-small vectors
rather than uniform noise: a shared mean direction (e5 vectors are
anisotropic: unrelated texts still have cosine ~0.78) plus one of 1,000
cluster centres plus noise, both drawn with a decaying spectrum (variance of
the i-th direction ∝ i^-0.9), L2-normalized; queries are fresh draws. On 358
real XQuAD chunk vectors the same statistics are: mean pair cosine 0.78,
nearest neighbour 0.88, half the variance in 36 directions; here 0.78, 0.86, 25.
Ground truth is exact inner-product search (IndexFlatIP, batched).
  * Flat      – IndexFlatIP (what qa uses), also timed on 10k and 100k prefixes.
  * HNSW      – IndexHNSWFlat M=32 (efConstruction 40); efSearch swept, the
                smallest with recall@10 ≥ 0.95 is reported. Built at `--n`
                unless a 100k trial projects a build over `--hnsw-budget`
                seconds, then at the largest size that fits.
  * IVF-PQ    – IndexIVFPQ nlist = 4·√n, m=64 sub-quantizers × 8 bits,
                trained on 39·nlist vectors; nprobe swept. Also with an exact
                re-rank of the top 50·k by the stored float vectors (qa keeps
                chunk vectors in memory anyway), which is what PQ needs to
                reach 0.95.
Latency is one query per call (as `answer()` searches), p50 over `--timed`
queries, with one OpenMP thread: a single query is one thread's work, and on
a loaded 2-core machine two OpenMP threads made one Flat search 5-15x slower
(their barrier waits for a descheduled thread; Flat is also shown with all
threads). Memory is the size of `faiss.serialize_index`.
"""
from __future__ import annotations

import argparse
import math
import statistics
import time

import faiss
import numpy as np

from common import load_average, log, summary

DIM, K, TARGET_RECALL = 384, 10, 0.95
CLUSTERS = 1000
SPECTRUM, RESIDUAL, CLUSTER_SHARE = 0.9, 0.282, 0.3  # 0.282: mean cosine 1 / 1.282 = 0.78
HNSW_M, EF_SEARCH = 32, (16, 32, 64, 128, 256, 512)
PQ_M, NPROBE = 64, (1, 4, 16, 32, 64, 128, 256, 512)
RERANK = 50  # candidates per result for the exact re-rank


class Mixture:
    """Draws of mean + centre + noise, normalized; see the module docstring."""

    def __init__(self, rng: np.random.Generator, clusters: int = CLUSTERS) -> None:
        self.rng = rng
        spectrum = np.arange(1, DIM + 1) ** -SPECTRUM
        spectrum *= RESIDUAL / spectrum.sum()
        basis, _ = np.linalg.qr(rng.standard_normal((DIM, DIM)))
        self.shape = (np.sqrt(spectrum)[:, None] * basis.T).astype(np.float32)
        self.mean = rng.standard_normal(DIM).astype(np.float32)
        self.mean /= np.linalg.norm(self.mean)
        self.centres = math.sqrt(CLUSTER_SHARE) * rng.standard_normal((clusters, DIM), dtype=np.float32) @ self.shape

    def draw(self, n: int) -> np.ndarray:
        out = np.empty((n, DIM), dtype=np.float32)
        noise = math.sqrt(1 - CLUSTER_SHARE)
        for at in range(0, n, 100_000):
            m = min(100_000, n - at)
            x = self.mean + self.centres[self.rng.integers(0, len(self.centres), m)]
            x += noise * self.rng.standard_normal((m, DIM), dtype=np.float32) @ self.shape
            out[at:at + m] = x / np.linalg.norm(x, axis=1, keepdims=True)
        return out


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(f) & set(t)) / K for f, t in zip(found, truth)]))


def p50_ms(search, queries: np.ndarray, threads: int = 1) -> float:
    """Median ms of one query per call, with `threads` OpenMP threads (builds keep them all)."""
    default = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(threads)
    try:
        times = []
        for q in queries:
            t0 = time.perf_counter()
            search(q[None, :])
            times.append((time.perf_counter() - t0) * 1000)
    finally:
        faiss.omp_set_num_threads(default)
    return statistics.median(times)


def size_mb(index: faiss.Index) -> float:
    return len(faiss.serialize_index(index)) / 2**20


def sweep(name: str, index: faiss.Index, set_param, values, queries, truth, timed, search=None) -> dict:
    """Recall and p50 per parameter value; the smallest value reaching the target (or the best)."""
    search = search or (lambda q: index.search(q, K))
    rows = []
    for value in values:
        set_param(value)
        r = recall(search(queries)[1], truth)
        ms = p50_ms(search, timed)
        rows.append({"param": value, "recall": r, "p50_ms": ms})
        log(f"  {name} {value}: recall@10 {r:.3f}, p50 {ms:.2f} ms")
        if r >= TARGET_RECALL:
            break
    ok = [row for row in rows if row["recall"] >= TARGET_RECALL]
    return ok[0] if ok else max(rows, key=lambda row: row["recall"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--timed", type=int, default=200, help="queries timed one by one")
    parser.add_argument("--hnsw-budget", type=float, default=600.0, help="seconds allowed for the HNSW build")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    mixture = Mixture(rng)
    data = mixture.draw(args.n)
    queries = mixture.draw(args.queries)
    timed = queries[:args.timed]
    log(f"faiss {faiss.__version__}, {faiss.omp_get_max_threads()} threads; {args.n:,} x {DIM} vectors, "
        f"{args.queries} queries ({load_average()})")
    results: dict[str, dict] = {}

    # Flat: exact, the ground truth, and its latency at growing sizes.
    flat_ms = {}
    for n in sorted({min(10_000, args.n), min(100_000, args.n), args.n}):
        t0 = time.perf_counter()
        flat = faiss.IndexFlatIP(DIM)
        flat.add(data[:n])
        build = time.perf_counter() - t0
        flat_ms[n] = p50_ms(lambda q: flat.search(q, K), timed)
        all_threads = p50_ms(lambda q: flat.search(q, K), timed[:50], threads=faiss.omp_get_max_threads())
        log(f"  Flat {n:,}: p50 {flat_ms[n]:.2f} ms with 1 thread, {all_threads:.2f} ms with "
            f"{faiss.omp_get_max_threads()} ({load_average()})")
    truth = flat.search(queries, K)[1]
    results["Flat"] = {"n": args.n, "recall": 1.0, "p50_ms": flat_ms[args.n], "mb": size_mb(flat),
                       "build_s": build, "param": "-"}
    del flat

    # IVF-PQ, alone and with an exact re-rank.
    nlist = int(4 * math.sqrt(args.n))
    t0 = time.perf_counter()
    ivfpq = faiss.IndexIVFPQ(faiss.IndexFlatIP(DIM), DIM, nlist, PQ_M, 8, faiss.METRIC_INNER_PRODUCT)
    ivfpq.train(data[rng.choice(args.n, size=min(args.n, 39 * nlist), replace=False)])
    ivfpq.add(data)
    pq_build = time.perf_counter() - t0
    pq_mb = size_mb(ivfpq)
    log(f"  IVF-PQ nlist {nlist}, m {PQ_M}: built in {pq_build:.0f} s, {pq_mb:.0f} MB ({load_average()})")
    set_nprobe = lambda v: setattr(ivfpq, "nprobe", v)  # noqa: E731
    best = sweep("IVF-PQ nprobe", ivfpq, set_nprobe, NPROBE, queries, truth, timed)
    results["IVF-PQ"] = {"n": args.n, **best, "mb": pq_mb, "build_s": pq_build, "param": f"nprobe {best['param']}"}

    def reranked(q: np.ndarray):
        _, cand = ivfpq.search(q, K * RERANK)
        scores = np.einsum("qd,qcd->qc", q, data[np.maximum(cand, 0)])
        order = np.argsort(-scores, axis=1)[:, :K]
        return None, np.take_along_axis(cand, order, axis=1)

    best = sweep("IVF-PQ + re-rank nprobe", ivfpq, set_nprobe, NPROBE, queries, truth, timed, search=reranked)
    results["IVF-PQ + re-rank"] = {"n": args.n, **best, "mb": pq_mb, "build_s": pq_build,
                                   "param": f"nprobe {best['param']}, top {K * RERANK} re-ranked"}
    del ivfpq

    # HNSW at the largest size whose projected build fits the budget.
    trial_n = min(100_000, args.n)
    t0 = time.perf_counter()
    trial = faiss.IndexHNSWFlat(DIM, HNSW_M, faiss.METRIC_INNER_PRODUCT)
    trial.add(data[:trial_n])
    trial_s = time.perf_counter() - t0
    del trial
    hnsw_n = args.n
    while hnsw_n > trial_n and trial_s * (hnsw_n / trial_n) * math.log(hnsw_n) / math.log(trial_n) > args.hnsw_budget:
        hnsw_n //= 2
    log(f"  HNSW trial {trial_n:,} built in {trial_s:.0f} s; building at {hnsw_n:,} ({load_average()})")
    t0 = time.perf_counter()
    hnsw = faiss.IndexHNSWFlat(DIM, HNSW_M, faiss.METRIC_INNER_PRODUCT)
    hnsw.add(data[:hnsw_n])
    hnsw_build = time.perf_counter() - t0
    hnsw_truth = truth if hnsw_n == args.n else _exact(data[:hnsw_n], queries)
    set_ef = lambda v: setattr(hnsw.hnsw, "efSearch", v)  # noqa: E731
    best = sweep("HNSW efSearch", hnsw, set_ef, EF_SEARCH, queries, hnsw_truth, timed)
    results["HNSW"] = {"n": hnsw_n, **best, "mb": size_mb(hnsw), "build_s": hnsw_build,
                       "param": f"M {HNSW_M}, efSearch {best['param']}"}
    del hnsw

    log(f"{'index':18} {'vectors':>9} {'setting':32} {'recall@10':>9} {'p50 ms':>7} {'MB':>7} {'build s':>8}")
    for name, r in results.items():
        log(f"{name:18} {r['n']:9,} {r['param']:32} {r['recall']:9.3f} {r['p50_ms']:7.2f} {r['mb']:7.0f} "
            f"{r['build_s']:8.0f}")
    for name, r in results.items():
        summary(f"faiss {name} @ {r['n']:,}: recall@10 {r['recall']:.3f}, p50 {r['p50_ms']:.2f} ms, "
                f"{r['mb']:,.0f} MB, build {r['build_s']:.0f} s ({r['param']})")
    summary("faiss rule: " + rule(flat_ms, results, hnsw_n < args.n) + f" ({load_average()})")


def _exact(data: np.ndarray, queries: np.ndarray) -> np.ndarray:
    flat = faiss.IndexFlatIP(DIM)
    flat.add(data)
    return flat.search(queries, K)[1]


def rule(flat_ms: dict[int, float], results: dict[str, dict], hnsw_smaller: bool, budget_ms: float = 5.0) -> str:
    """Flat while one search stays under `budget_ms` (linear in n), then the fastest index reaching the target."""
    per_vector = max(ms / n for n, ms in flat_ms.items() if n >= 100_000 or n == max(flat_ms))
    flat_limit = int(budget_ms / per_vector // 10_000 * 10_000)
    good = {name: r for name, r in results.items() if name != "Flat" and r["recall"] >= TARGET_RECALL}
    if not good:
        return f"Flat up to {flat_limit:,} vectors (p50 ≤ {budget_ms:.0f} ms); no approximate index reached recall@10 ≥ 0.95"
    fastest = min(good, key=lambda name: good[name]["p50_ms"])
    smallest = min(good, key=lambda name: good[name]["mb"])
    text = (f"Flat up to {flat_limit:,} vectors (exact, p50 ≤ {budget_ms:.0f} ms), then {fastest} "
            f"({good[fastest]['param']}, recall {good[fastest]['recall']:.3f}"
            + (f" measured at {good[fastest]['n']:,}" if hnsw_smaller and fastest == 'HNSW' else "") + ")")
    if smallest != fastest:
        text += (f"; {smallest} ({good[smallest]['param']}, {good[smallest]['mb']:.0f} MB vs "
                 f"{good[fastest]['mb']:.0f} MB) once the vectors no longer fit in RAM")
    return text


if __name__ == "__main__":
    main()
