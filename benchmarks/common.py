"""Shared pieces of the benchmark scripts: data, timing, machine load, output.

XQuAD is read from ../shared/eval/xquad next to the repository (override with
QA_EVAL_DIR). Every script prints its details (tables, progress) on stderr
and only its summary lines — one per figure — on stdout, so `run_all.py` can
collect them. This module measures nothing by itself and never touches qa/.
"""
from __future__ import annotations

import json
import math
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def eval_dir() -> Path:
    override = os.environ.get("QA_EVAL_DIR")
    return Path(override) if override else Path(__file__).resolve().parents[2] / "shared" / "eval"


def xquad(lang: str) -> list[dict]:
    """XQuAD's articles in one language (SQuAD format: data[].paragraphs[].context/qas)."""
    path = eval_dir() / "xquad" / f"xquad.{lang}.json"
    if not path.exists():
        sys.exit(f"benchmark data missing: {path} (set QA_EVAL_DIR to the folder holding xquad/)")
    return json.loads(path.read_text(encoding="utf-8"))["data"]


def xquad_paragraphs(lang: str = "ar", limit: int | None = None) -> list[str]:
    """Paragraph texts in file order (240 in XQuAD)."""
    texts = [p["context"].strip() for a in xquad(lang) for p in a["paragraphs"]]
    return texts[:limit] if limit else texts


def xquad_questions(lang: str, n: int) -> list[str]:
    """`n` questions in language `lang`, spread evenly over all articles (1,190 in XQuAD)."""
    items = [qa["question"].strip() for a in xquad(lang) for p in a["paragraphs"] for qa in p["qas"]]
    step = max(1, len(items) // n)
    return items[::step][:n]


def write_seeds(folder: Path, texts: list[str]) -> Path:
    """One .txt document per text, named so that file order is text order."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, text in enumerate(texts):
        (folder / f"paragraph_{i:04d}.txt").write_text(text + "\n", encoding="utf-8")
    return folder


def cache_dir() -> Path:
    from qa.config import load_settings

    return load_settings().cache_dir


def cpu_line() -> str:
    """The CPU every figure of a run belongs to: model, kind, the flags that decide precision, and the choice."""
    import torch

    from qa.config import load_settings
    from qa.model.precision import choose, read_cpu

    settings = load_settings()
    cpu = read_cpu(isa_cap=settings.isa_cap)
    shown = sorted(f for f in cpu.flags if f in {"avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16", "amx_bf16",
                                                  "amx_int8", "avx_vnni"})
    cap = f", ONEDNN_MAX_CPU_ISA={cpu.isa_cap}" if cpu.isa_cap else ""
    aten = os.environ.get("ATEN_CPU_CAPABILITY")
    chosen = choose(cpu, settings.precision)
    return (f"# CPU {cpu.model} ({cpu.kind}; {' '.join(shown) or 'no vector flags'}{cap}"
            f"{', ATEN_CPU_CAPABILITY=' + aten if aten else ''}; torch {torch.__version__} "
            f"{torch.backends.cpu.get_cpu_capability()}), {os.cpu_count()} CPUs; documents in "
            f"{'bf16' if chosen.bf16 else 'fp32'} ({chosen.reason})")


def new_embedder(documents: bool = True):
    """A fresh embedder (own query cache), not the process-wide shared one, loaded: with `documents` the
    document model too (torch), else only what a server answering questions loads."""
    from qa.config import DEFAULT_MODEL
    from qa.model.embedding import Embedder

    from qa.config import load_settings
    from qa.model.precision import read_cpu

    settings = load_settings()
    embedder = Embedder(DEFAULT_MODEL, cache_dir(), precision=settings.precision,
                        cpu=read_cpu(isa_cap=settings.isa_cap), device=settings.device)
    if not documents:
        embedder.encode_query("warm up")  # the question encoder and the latent-term head
        return embedder
    return embedder.warm_up()


def median_seconds(fn: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f}"


def log(*parts: object) -> None:
    print(*parts, file=sys.stderr, flush=True)


def summary(line: str) -> None:
    """A figure's one summary line (stdout; everything else goes to stderr)."""
    print(line, flush=True)
