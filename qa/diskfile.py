"""Rows of .npy files read on demand with pread: nothing mapped, nothing kept.

Memory maps were measured first and rejected for serving: the kernel maps
whole large folios around each touched row, and a server's resident memory
grew by gigabytes within a few dozen questions (docs/benchmarks.md).
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np

# numpy parses every .npy header with ast.literal_eval, and CPython 3.11's ast
# constructor is not thread-safe (python/cpython#106905): a query thread loading a
# new generation while a build loaded the previous one failed with "SystemError: AST
# constructor recursion depth mismatch" (1 in 4 runs of tests/store/test_concurrency.py).
# Every .npy header qa reads is parsed under this lock.
NPY_HEADER_LOCK = threading.Lock()


def load_npy(path: Path) -> np.ndarray:
    """np.load of one .npy file, its header parsed under NPY_HEADER_LOCK."""
    with path.open("rb") as fh:
        with NPY_HEADER_LOCK:
            version = np.lib.format.read_magic(fh)
            shape, fortran, dtype = _read_header(version)(fh)
        count = int(np.prod(shape)) if len(shape) else 1
        data = np.fromfile(fh, dtype=dtype, count=count)
    if data.size != count:
        raise ValueError(f"{path.name} is truncated")
    return data.reshape(shape, order="F" if fortran else "C")


def _read_header(version: tuple[int, int]):
    return np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0


class ReadOnlyFile:
    """One read-only file descriptor, closed with its owner."""

    def __init__(self, path: Path) -> None:
        self._fd = os.open(path, os.O_RDONLY)

    def __del__(self, _close=os.close) -> None:  # bound early: at interpreter exit `os` may be gone
        fd = getattr(self, "_fd", None)
        if fd is not None:
            _close(fd)

    def pread(self, size: int, offset: int) -> bytes:
        return os.pread(self._fd, size, offset)


class DiskArray(ReadOnlyFile):
    """Rows of a 1-D or 2-D .npy file."""

    def __init__(self, path: Path) -> None:
        with path.open("rb") as fh, NPY_HEADER_LOCK:
            shape, fortran, dtype = _read_header(np.lib.format.read_magic(fh))(fh)
            self.offset = fh.tell()
        if fortran or len(shape) not in (1, 2):
            raise ValueError(f"{path.name}: unexpected layout {shape}")
        self.shape, self.dtype = tuple(shape), np.dtype(dtype)
        self.row_bytes = self.dtype.itemsize * (shape[1] if len(shape) == 2 else 1)
        super().__init__(path)

    def __len__(self) -> int:
        return self.shape[0]

    def read(self, start: int, stop: int) -> np.ndarray:
        data = self.pread((stop - start) * self.row_bytes, self.offset + start * self.row_bytes)
        return np.frombuffer(data, dtype=self.dtype).reshape((stop - start, *self.shape[1:]))

    def take(self, rows: np.ndarray) -> np.ndarray:
        """The given rows, in order; runs of consecutive rows cost one read each."""
        rows = np.asarray(rows, dtype=np.int64)
        return self.read_spans(rows, rows + 1)

    def read_spans(self, starts: np.ndarray, stops: np.ndarray) -> np.ndarray:
        """Rows starts[i]:stops[i] of every span, concatenated in order; spans that touch are one read."""
        starts, stops = np.asarray(starts, dtype=np.int64), np.asarray(stops, dtype=np.int64)
        filled = stops > starts
        starts, stops = starts[filled], stops[filled]
        if not len(starts):
            return np.zeros((0, *self.shape[1:]), dtype=self.dtype)
        joins = np.flatnonzero(starts[1:] != stops[:-1]) + 1
        firsts, lasts = starts[np.r_[0, joins]].tolist(), stops[np.r_[joins - 1, len(stops) - 1]].tolist()
        return np.concatenate([self.read(a, b) for a, b in zip(firsts, lasts)])
