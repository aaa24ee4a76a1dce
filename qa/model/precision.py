"""What the CPU can do fast, and the precision the document paths use because of it.

bf16 arithmetic is native only with AVX-512-BF16 or AMX; elsewhere torch
emulates it, and a bf16 product runs many times slower than the same product
in fp32 (docs/benchmarks.md has both per CPU kind). So bf16 is chosen from the
CPU's flags, never assumed; a oneDNN ISA cap (ONEDNN_MAX_CPU_ISA, read by
`config`) below bf16 counts as a CPU without it. Questions (ONNX Runtime)
run in fp32 unless int8 is asked for (`QA_QUESTION_PRECISION=int8`): the int8
graph, quantized per output channel to 7 bits (no saturation on CPUs without
VNNI, so the same results on every kind), answers 2.25x faster on one
AVX-512-BF16 thread (docs/benchmarks.md) but moves `qa eval` by more than the
0.005 allowed (docs/quality.md). This module decides; it runs no model.

>>> choose(CpuInfo("Zen 4", frozenset({"avx2", "avx512f", "avx512_bf16"}))).bf16
True
>>> choose(CpuInfo("Zen 3", frozenset({"avx2", "fma"}))).bf16
False
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

BF16_FLAGS = frozenset({"avx512_bf16", "amx_bf16"})
# oneDNN ISA names below the first one with bf16 instructions (AVX512_CORE_BF16).
CAPS_WITHOUT_BF16 = frozenset({"SSE41", "AVX", "AVX2", "AVX2_VNNI", "AVX2_VNNI_2", "AVX512_CORE", "AVX512_CORE_VNNI"})
CPUINFO = Path("/proc/cpuinfo")
SETTINGS = ("auto", "fp32", "bf16")


@dataclass(frozen=True)
class CpuInfo:
    model: str
    flags: frozenset[str]
    isa_cap: str = ""  # ONEDNN_MAX_CPU_ISA, "" when unset

    @property
    def kind(self) -> str:
        """"amx", "avx512-bf16", "avx512", "avx2" or "other": the CPU kinds docs/benchmarks.md has a table for."""
        if "amx_bf16" in self.flags:
            return "amx"
        if "avx512_bf16" in self.flags:
            return "avx512-bf16"
        if "avx512f" in self.flags:
            return "avx512"
        return "avx2" if "avx2" in self.flags else "other"

    @property
    def native_bf16(self) -> bool:
        return bool(self.flags & BF16_FLAGS) and self.isa_cap.upper() not in CAPS_WITHOUT_BF16


@dataclass(frozen=True)
class Precision:
    """bf16: document batches (the default model's stored weights, or autocast) and the latent-term head's
    shortlist product run in bf16; else everything runs in fp32."""
    bf16: bool
    reason: str


def read_cpu(path: Path = CPUINFO, isa_cap: str = "") -> CpuInfo:
    """The first processor's model name and flags; an unreadable file gives a CPU with no flags (fp32)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return CpuInfo("unknown", frozenset(), isa_cap)
    fields: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            if fields:
                break  # one processor is enough: they are alike
            continue
        key, _, value = line.partition(":")
        fields.setdefault(key.strip(), value.strip())
    return CpuInfo(fields.get("model name", "unknown"), frozenset(fields.get("flags", "").split()), isa_cap)


def choose(cpu: CpuInfo, setting: str = "auto") -> Precision:
    """bf16 where the CPU computes it natively (or when asked for), fp32 elsewhere."""
    if setting not in SETTINGS:
        raise ValueError(f"precision {setting!r} must be one of {', '.join(SETTINGS)}")
    if setting != "auto":
        return Precision(setting == "bf16", f"QA_PRECISION={setting}")
    if cpu.native_bf16:
        return Precision(True, f"{cpu.kind}: native bf16")
    if cpu.flags & BF16_FLAGS:
        return Precision(False, f"{cpu.kind}, capped at {cpu.isa_cap}: bf16 would be emulated")
    return Precision(False, f"{cpu.kind}: no bf16 instructions, bf16 would be emulated")

