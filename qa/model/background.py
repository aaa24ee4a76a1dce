"""Background sentences: text that answers nothing, embedded once per model and cached beside it.

A question's best sentence is compared with them (`answers.evidence`), which
gives a corpus-independent scale. This module caches vectors; it does not
compare anything.
"""
from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from ..diskfile import NPY_HEADER_LOCK

BACKGROUND_FILE = Path(__file__).with_name("data") / "background.txt"


def cached_background(encode_units: Callable[[list[str]], tuple[np.ndarray, sp.csr_matrix | None]],
                      cache_dir: Path, model_key: str) -> tuple[np.ndarray, sp.csr_matrix | None]:
    """From the model cache when an earlier run (or `qa prepare-model`) embedded them; else embedded now.

    Embedding them would cost a server's first answer seconds and heap; the
    cache file is keyed by model, precision and the sentences.
    """
    text = BACKGROUND_FILE.read_text(encoding="utf-8")
    key = hashlib.sha256(f"{model_key}|{text}".encode()).hexdigest()[:16]
    path = cache_dir / "background" / f"{key}.npz"
    try:
        with NPY_HEADER_LOCK, np.load(path) as stored:  # headers parse with ast: see diskfile
            dense = stored["dense"]
            sparse = (sp.csr_matrix((stored["data"], stored["indices"], stored["indptr"]),
                                    shape=tuple(stored["shape"])) if "data" in stored else None)
        return dense, sparse
    except (OSError, ValueError, KeyError):
        pass  # not cached yet, or unreadable: embed again
    texts = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    dense, sparse = encode_units(texts)
    extra = {} if sparse is None else {"data": sparse.data, "indices": sparse.indices, "indptr": sparse.indptr,
                                       "shape": np.asarray(sparse.shape)}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}-{os.getpid()}-{threading.get_ident()}")
        with tmp.open("wb") as fh:
            np.savez(fh, dense=dense, **extra)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only cache still answers, just embeds this again next time
    return dense, sparse
