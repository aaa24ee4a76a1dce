"""Settings: the one module that reads environment variables.

Everything else receives a `Settings` (or explicit keyword arguments); no
other module looks at `os.environ`. Values are validated here, naming the bad
value, so that errors surface at start-up rather than mid-request.
"""
from __future__ import annotations

import ipaddress
import os
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from .errors import InvalidArgument

DEFAULT_MODEL = "multilingual-e5-small"

# Offline by policy: no model hub, no analytics. Set before gradio or
# huggingface_hub are imported anywhere in the process.
OFFLINE_ENV = {
    "GRADIO_ANALYTICS_ENABLED": "False",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
}


def apply_offline_env() -> None:
    """Force the offline switches unless the user set them explicitly."""
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)


def _int(name: str, default: int, low: int, high: int) -> int:
    return _number(name, default, low, high, int, "an integer")


def _float(name: str, default: float, low: float, high: float) -> float:
    return _number(name, default, low, high, float, "a number")


def _number(name: str, default, low, high, kind: type, what: str):
    """$name parsed as `kind` within low..high (NaN never is), the default when unset or empty."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise InvalidArgument(f"{name}={raw!r} is not {what}") from None
    if not low <= value <= high:
        raise InvalidArgument(f"{name}={value:g} is outside {low:g}..{high:g}" if kind is float
                              else f"{name}={value} is outside {low}..{high}")
    return value


@dataclass(frozen=True)
class LLMSettings:
    """An OpenAI-compatible chat server the user runs (Ollama's /v1, llama.cpp's llama-server, vLLM, LM Studio)."""
    url: str  # base URL, e.g. http://127.0.0.1:11434/v1
    model: str = ""  # "" = the first model the server lists
    api_key: str = ""
    timeout: float = 30.0  # seconds for the whole generated answer; then the extractive answer stands
    concurrency: int = 2  # requests in flight toward the server at once


@dataclass(frozen=True)
class Settings:
    model: str = DEFAULT_MODEL
    seeds_dir: Path = Path("seeds")
    index_dir: Path = Path("index")
    cache_dir: Path = field(default_factory=lambda: Path.home() / ".cache" / "qa")
    host: str = "127.0.0.1"
    port: int = 7860
    auth: tuple[str, str] | None = None
    allow_open: bool = False  # QA_ALLOW_OPEN=1: serve beyond loopback without a login, on purpose
    k: int = 5
    precision: str = "auto"  # documents: "auto" = bf16 where the CPU computes it natively (model/precision.py)
    # questions (default model, ONNX Runtime): "auto" = fp32, "int8" = int8 weights (model/precision.py)
    question_precision: str = "auto"
    isa_cap: str = ""  # ONEDNN_MAX_CPU_ISA: a cap below bf16 makes "auto" choose fp32
    device: str = "auto"  # documents: "auto" = a CUDA GPU when torch sees one, else the CPU
    watch: bool = True  # the chat re-indexes seeds/ when files change there (QA_WATCH=0: only on request)
    fetch_local: bool = False  # QA_FETCH_LOCAL=1: "add by URL" may fetch loopback and private addresses
    llm: LLMSettings | None = None  # QA_LLM_URL: generated answers; None = extractive only

    def with_overrides(self, **overrides: object) -> "Settings":
        """A copy with the non-None overrides applied (per-call arguments)."""
        clean = {key: value for key, value in overrides.items() if value is not None}
        for key in ("seeds_dir", "index_dir", "cache_dir"):
            if key in clean:
                if not isinstance(clean[key], (str, os.PathLike)) or not str(clean[key]).strip():
                    raise InvalidArgument(f"{key}={clean[key]!r} is not a folder path")
                clean[key] = Path(clean[key])  # type: ignore[arg-type]
        return replace(self, **clean)  # type: ignore[arg-type]


def load_settings() -> Settings:
    """Settings from the environment (QA_*), with defaults for the rest."""
    auth = None
    raw_auth = os.environ.get("QA_AUTH", "")
    if raw_auth:
        user, sep, password = raw_auth.partition(":")
        if not sep or not user or not password:
            raise InvalidArgument("QA_AUTH must look like user:password")
        auth = (user, password)
    cache = os.environ.get("QA_CACHE_DIR")
    return Settings(
        model=os.environ.get("QA_MODEL") or DEFAULT_MODEL,
        seeds_dir=Path(os.environ.get("QA_SEEDS_DIR") or "seeds"),
        index_dir=Path(os.environ.get("QA_INDEX_DIR") or "index"),
        cache_dir=Path(cache) if cache else Path.home() / ".cache" / "qa",
        host=os.environ.get("QA_HOST") or "127.0.0.1",
        port=_int("QA_PORT", 7860, 1, 65535),
        auth=auth,
        allow_open=(os.environ.get("QA_ALLOW_OPEN") or "").strip() == "1",
        k=_int("QA_K", 5, 1, 50),
        precision=_choice("QA_PRECISION", "auto", PRECISIONS),
        question_precision=_choice("QA_QUESTION_PRECISION", "auto", QUESTION_PRECISIONS),
        isa_cap=(os.environ.get("ONEDNN_MAX_CPU_ISA") or "").strip(),
        device=_device(os.environ.get("QA_DEVICE") or "auto"),
        watch=(os.environ.get("QA_WATCH") or "1").strip() != "0",
        fetch_local=(os.environ.get("QA_FETCH_LOCAL") or "").strip() == "1",
        llm=_llm(),
    )


def _llm() -> LLMSettings | None:
    url = (os.environ.get("QA_LLM_URL") or "").strip()
    if not url:
        return None
    parsed = urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise InvalidArgument(f"QA_LLM_URL={url!r} must be an http(s) base URL, e.g. http://127.0.0.1:11434/v1")
    # The model reads the passages: they leave this machine (or its network) only when asked to.
    if not is_private(parsed.hostname) and (os.environ.get("QA_LLM_REMOTE") or "").strip() != "1":
        raise InvalidArgument(f"QA_LLM_URL host {parsed.hostname} is not on this machine or its private network: "
                              "passages would be sent there; set QA_LLM_REMOTE=1 to allow it")
    return LLMSettings(url=url.rstrip("/"), model=(os.environ.get("QA_LLM_MODEL") or "").strip(),
                       api_key=(os.environ.get("QA_LLM_API_KEY") or "").strip(),
                       timeout=_float("QA_LLM_TIMEOUT", 30.0, 0.5, 600.0),
                       concurrency=_int("QA_LLM_CONCURRENCY", 2, 1, 64))



PRECISIONS = ("auto", "fp32", "bf16")
QUESTION_PRECISIONS = ("auto", "int8", "fp32")


def _device(raw: str) -> str:
    value = raw.strip().lower()
    if value in ("auto", "cpu", "cuda") or (value.startswith("cuda:") and value[5:].isdigit()):
        return value
    raise InvalidArgument(f"QA_DEVICE={raw!r} must be auto, cpu, cuda or cuda:N")


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 and "localhost": reachable from this machine only."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False  # a name or a wildcard that may resolve to a public interface


def is_private(host: str) -> bool:
    """Loopback, or a private-network (RFC 1918, link-local, unique-local) address: not the internet."""
    if is_loopback(host):
        return True
    try:
        address = ipaddress.ip_address(host.strip().strip("[]"))
    except ValueError:
        return False  # a name: where it resolves is not known here
    return address.is_private or address.is_link_local


def check_serving(settings: Settings) -> None:
    """Refuse to serve the chat beyond this machine without a login (its add/remove events write to seeds/)."""
    if settings.auth is None and not settings.allow_open and not is_loopback(settings.host):
        raise InvalidArgument(f"host {settings.host} (QA_HOST or --host) serves the chat to the network without a login: set "
                              "QA_AUTH=user:password (or QA_ALLOW_OPEN=1 to allow it on purpose)")


def dictionary_dirs() -> list[Path]:
    """Where translation.py looks for the English–Arabic dictionary, in order.

    $QA_DICTIONARY_DIR, then this Python's prefix (`make` unpacks it into the
    venv), then the system's (Debian's dict-freedict-eng-ara package).
    """
    override = os.environ.get("QA_DICTIONARY_DIR")
    dirs = [Path(override)] if override else []
    return dirs + [Path(sys.prefix) / "share" / "dictd", Path("/usr/share/dictd")]


def _choice(name: str, default: str, allowed: tuple[str, ...]) -> str:
    raw = (os.environ.get(name) or default).strip().lower()
    if raw not in allowed:
        raise InvalidArgument(f"{name}={raw!r} must be one of {', '.join(allowed)}")
    return raw
