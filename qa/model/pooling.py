"""Token states to text vectors: mean pooling, and padding lengths that keep oneDNN's kernel cache small.

Tensor arithmetic only; which states to pool is the embedder's choice. torch
is imported by the batch functions only: a question's states (ONNX Runtime)
are pooled in numpy, so a server answering questions never imports torch.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import torch

SHAPE_BUCKET = 8


def bucket(length: int) -> int:
    """`length` rounded up to a multiple of SHAPE_BUCKET (a larger step pads more per question).

    oneDNN keeps compiled kernels per input shape: one per question length grew
    a server's memory with every new length (docs/benchmarks.md); masked padding
    changes no result.
    """
    return -(-length // SHAPE_BUCKET) * SHAPE_BUCKET


def mean_pool(tokens: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean of the unmasked token states, L2-normalized."""
    import torch

    summed = (tokens * mask.unsqueeze(-1)).sum(1) / mask.sum(1, keepdim=True).clamp(min=1)
    return torch.nn.functional.normalize(summed, dim=-1)


def mean_pool_one(states: np.ndarray) -> np.ndarray:
    """`mean_pool` of one text's token states [L, dim] (all of them), in fp32 numpy."""
    summed = np.asarray(states, dtype=np.float32).mean(axis=0)
    return summed / max(float(np.linalg.norm(summed)), 1e-12)
