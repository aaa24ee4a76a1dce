"""Where documents are embedded: a CUDA GPU when torch sees one (QA_DEVICE=auto), else the CPU.

Resolves and validates the setting; moving tensors is the embedder's job.
The default model's questions always run on the CPU (ONNX Runtime): one short
text gains nothing from a GPU round trip; other models' questions go where
their documents go. A CPU build of torch (its version ends in "+cpu") can see
no GPU, so "auto" resolves without importing torch there: a server that only
answers questions never imports it.
"""
from __future__ import annotations

from importlib import metadata

from ..errors import InvalidArgument


def resolve_device(device: str) -> str:
    """"auto" is a CUDA GPU when torch sees one, else "cpu"; an explicit GPU that is not there is an error."""
    if device == "cpu" or (device == "auto" and cpu_only_torch()):
        return "cpu"
    if device != "auto" and not device.startswith("cuda"):
        raise InvalidArgument(f"device {device!r} must be auto, cpu, cuda or cuda:N")
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if not torch.cuda.is_available():
        raise InvalidArgument(f"device {device!r}: torch sees no CUDA GPU (a CPU build of torch?): use QA_DEVICE=cpu")
    return device


def cpu_only_torch() -> bool:
    """Whether the installed torch is a CPU build, read from its package version (no import)."""
    try:
        return metadata.version("torch").endswith("+cpu")
    except metadata.PackageNotFoundError:
        return False
