"""Precision per CPU kind: is bf16 faster than fp32 here, for the two products that could use it?

How to run (from the repository root; about a minute):
    .venv/bin/python benchmarks/bench_precision.py [--repeat 15]
    # a CPU without bf16 instructions, emulated on one that has them (oneDNN and ATen capped at AVX2):
    ONEDNN_MAX_CPU_ISA=AVX2 ATEN_CPU_CAPABILITY=avx2 .venv/bin/python benchmarks/bench_precision.py

It times, in one process, alternating the two precisions, medians of `--repeat`:
  * the latent-term head's product: 16 token states x 384 by 384 x 16,384
    features (`sparse.SparseHead`), bf16 against fp32;
  * a document batch: 8 XQuAD paragraphs through the default model with bf16
    weights against fp32 weights (`Embedder.encode_passages`);
and prints which one wins next to what `QA_PRECISION=auto` chose for this CPU
(`qa/model/precision.py`): the choice is right when auto picked the winner.
It also measures the CPU's GEMM rate on the model's own shape (a batch of 8 x
320 tokens by the 384 x 1,536 feed-forward weights) in both precisions, the
yardstick for indexing throughput: the model costs about 48 MFLOP per token at
320 tokens (2 x 21.2M weights in its layers, plus attention).
"""
from __future__ import annotations

import argparse
import statistics
import time

from common import cache_dir, cpu_line, log, summary, xquad_paragraphs


def _median_ms(fn, repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    import torch

    from qa.config import DEFAULT_MODEL, load_settings
    from qa.model.embedding import Embedder
    from qa.model.precision import CpuInfo, choose, read_cpu

    settings = load_settings()
    cpu = read_cpu(isa_cap=settings.isa_cap)
    auto = choose(cpu, "auto")
    summary(cpu_line())
    generator = torch.Generator().manual_seed(0)
    states = torch.randn(16, 384, generator=generator)
    weights = torch.randn(384, 16384, generator=generator)
    states16, weights16 = states.bfloat16(), weights.bfloat16()
    head = {"fp32": _median_ms(lambda: states @ weights, args.repeat),
            "bf16": _median_ms(lambda: states16 @ weights16, args.repeat)}
    tokens16, ffn16 = torch.randn(8 * 320, 384, generator=generator), torch.randn(384, 1536, generator=generator)
    flop = 2 * 8 * 320 * 384 * 1536
    for name, (a, b) in (("fp32", (tokens16, ffn16)), ("bf16", (tokens16.bfloat16(), ffn16.bfloat16()))):
        ms = _median_ms(lambda: a @ b, args.repeat)
        summary(f"precision: GEMM rate {name}: {flop / ms / 1e6:.0f} GFLOP/s (2560x384 @ 384x1536, {ms:.2f} ms); "
                f"at ~48 MFLOP per token that is {flop / ms / 1e6 * 1e3 / 48:.0f} tokens/s at most")
    texts = xquad_paragraphs("ar", 8)
    # Same CPU facts, precision forced: the only difference between the two embedders.
    forced = {name: Embedder(DEFAULT_MODEL, cache_dir(), precision=name, cpu=CpuInfo(cpu.model, cpu.flags),
                             device="cpu").warm_up() for name in ("fp32", "bf16")}
    batch = {name: [] for name in forced}
    for _ in range(max(3, args.repeat // 5)):
        for name, embedder in forced.items():
            t0 = time.perf_counter()
            embedder.encode_passages(texts)
            batch[name].append((time.perf_counter() - t0) * 1000)
    batch_ms = {name: statistics.median(v) for name, v in batch.items()}
    for what, ms in (("latent-term product 16x384 @ 384x16384", head), ("document batch of 8 paragraphs", batch_ms)):
        winner = min(ms, key=ms.get)
        chose = "bf16" if auto.bf16 else "fp32"
        log(f"{what}: fp32 {ms['fp32']:.2f} ms, bf16 {ms['bf16']:.2f} ms")
        summary(f"precision: {what}: fp32 {ms['fp32']:.2f} ms, bf16 {ms['bf16']:.2f} ms "
                f"(bf16 {ms['fp32'] / ms['bf16']:.2f}x fp32); auto chose {chose}: "
                f"{'the faster' if chose == winner else 'NOT the faster'}")


if __name__ == "__main__":
    main()
