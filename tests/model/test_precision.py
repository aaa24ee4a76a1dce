"""The precision choice per CPU kind, from faked flags (no timing)."""
import pytest

from qa.model.precision import CpuInfo, choose, read_cpu

AMX = frozenset("fpu sse4_2 avx2 fma avx512f avx512bw avx512_bf16 amx_bf16 amx_tile amx_int8".split())
ZEN4 = frozenset("fpu sse4_2 avx2 fma avx512f avx512bw avx512_bf16 avx512_vnni".split())
SKYLAKE_X = frozenset("fpu sse4_2 avx2 fma avx512f avx512bw avx512_vnni".split())
AVX2_ONLY = frozenset("fpu sse4_2 avx avx2 fma f16c".split())


@pytest.mark.parametrize("flags, kind, bf16", [
    (AMX, "amx", True),
    (ZEN4, "avx512-bf16", True),
    (SKYLAKE_X, "avx512", False),  # AVX-512 without bf16 instructions: emulated
    (AVX2_ONLY, "avx2", False),  # most laptops, AMD before Zen 4
    (frozenset(), "other", False),
])
def test_bf16_only_where_the_cpu_has_bf16_instructions(flags, kind, bf16):
    cpu = CpuInfo("test", flags)
    assert cpu.kind == kind
    assert choose(cpu).bf16 is bf16


def test_a_onednn_cap_below_bf16_counts_as_a_cpu_without_it():
    assert not choose(CpuInfo("test", ZEN4, isa_cap="AVX2")).bf16
    assert not choose(CpuInfo("test", AMX, isa_cap="avx512_core")).bf16
    assert choose(CpuInfo("test", ZEN4, isa_cap="AVX512_CORE_BF16")).bf16
    assert choose(CpuInfo("test", ZEN4, isa_cap="ALL")).bf16


def test_an_explicit_setting_wins_and_a_bad_one_is_named():
    assert not choose(CpuInfo("test", AMX), "fp32").bf16
    assert choose(CpuInfo("test", AVX2_ONLY), "bf16").bf16  # for benchmarks: measure the emulated path
    with pytest.raises(ValueError, match="int8"):
        choose(CpuInfo("test", AMX), "int8")


def test_cpuinfo_is_read_from_the_first_processor(tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nmodel name\t: AMD EPYC 7B13\nflags\t\t: fpu avx2 fma\n\n"
                       "processor\t: 1\nmodel name\t: other\nflags\t\t: avx512_bf16\n", encoding="utf-8")
    cpu = read_cpu(cpuinfo, isa_cap="AVX2")
    assert cpu == CpuInfo("AMD EPYC 7B13", frozenset({"fpu", "avx2", "fma"}), "AVX2")
    assert read_cpu(tmp_path / "missing") == CpuInfo("unknown", frozenset())


def test_the_embedder_follows_the_cpu(cache_dir):
    from qa.model.embedding import Embedder

    assert not Embedder(cache_dir=cache_dir, cpu=CpuInfo("test", AVX2_ONLY), device="cpu").bf16
    native = Embedder(cache_dir=cache_dir, cpu=CpuInfo("test", ZEN4), device="cpu")
    assert native.bf16 and native.bf16_weights


def test_qa_device_and_the_onednn_cap_are_settings(monkeypatch):
    from qa.config import load_settings
    from qa.errors import InvalidArgument

    monkeypatch.setenv("QA_DEVICE", "cuda:1")
    monkeypatch.setenv("ONEDNN_MAX_CPU_ISA", "AVX2")
    settings = load_settings()
    assert settings.device == "cuda:1" and settings.isa_cap == "AVX2"
    monkeypatch.setenv("QA_DEVICE", "tpu")
    with pytest.raises(InvalidArgument, match="QA_DEVICE"):
        load_settings()


def test_a_gpu_that_is_not_there_is_a_one_line_error(monkeypatch):
    import torch

    from qa.errors import InvalidArgument
    from qa.model.device import resolve_device

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert resolve_device("auto") == "cpu"
    with pytest.raises(InvalidArgument, match="QA_DEVICE=cpu"):
        resolve_device("cuda")


def test_questions_run_in_int8_only_when_asked_for(monkeypatch, cache_dir):
    from qa.config import load_settings
    from qa.errors import InvalidArgument
    from qa.model.embedding import Embedder

    for cpu in (CpuInfo("test", ZEN4), CpuInfo("test", AVX2_ONLY), CpuInfo("test", AMX)):
        assert not Embedder(cache_dir=cache_dir, cpu=cpu, device="cpu").question_int8  # auto: fp32 on every kind
    assert Embedder(cache_dir=cache_dir, question_precision="int8").question_int8
    with pytest.raises(InvalidArgument, match="question_precision"):
        Embedder(cache_dir=cache_dir, question_precision="bf16")
    monkeypatch.setenv("QA_QUESTION_PRECISION", "fp32")
    assert load_settings().question_precision == "fp32"
    monkeypatch.setenv("QA_QUESTION_PRECISION", "int4")
    with pytest.raises(InvalidArgument, match="QA_QUESTION_PRECISION"):
        load_settings()


def test_a_cpu_build_of_torch_resolves_auto_without_importing_torch(monkeypatch):
    """The version says whether torch can see a GPU at all; only a build that might is asked."""
    import torch

    from qa.model import device

    def no_question(*_args):
        raise AssertionError("torch was asked")

    monkeypatch.setattr(torch.cuda, "is_available", no_question)
    monkeypatch.setattr(device.metadata, "version", lambda name: "2.13.0+cpu")
    assert device.cpu_only_torch() and device.resolve_device("auto") == "cpu"
    monkeypatch.setattr(device.metadata, "version", lambda name: "2.13.0")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert not device.cpu_only_torch() and device.resolve_device("auto") == "cuda"
    assert device.resolve_device("cuda:1") == "cuda:1"
