"""What the CPU can do fast: the facts the model's precision is chosen from.

Reads CPU flags only; which precision each path then uses is the embedder's choice.
"""
from __future__ import annotations

from pathlib import Path


def cpu_has_bf16() -> bool:
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags
