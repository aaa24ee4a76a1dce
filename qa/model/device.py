"""Where documents are embedded: a CUDA GPU when torch sees one (QA_DEVICE=auto), else the CPU.

Resolves and validates the setting; moving tensors is the embedder's job.
The default model's questions always run on the CPU (ONNX Runtime): one short
text gains nothing from a GPU round trip; other models' questions go where
their documents go.
"""
from __future__ import annotations

import torch

from ..errors import InvalidArgument


def resolve_device(device: str) -> str:
    """"auto" is a CUDA GPU when torch sees one, else "cpu"; an explicit GPU that is not there is an error."""
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise InvalidArgument(f"device {device!r}: torch sees no CUDA GPU (a CPU build of torch?): use QA_DEVICE=cpu")
    if device != "cpu" and not device.startswith("cuda"):
        raise InvalidArgument(f"device {device!r} must be auto, cpu, cuda or cuda:N")
    return device
