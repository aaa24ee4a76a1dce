"""The default model's transformer as an ONNX Runtime graph, for questions.

A question is a few dozen tokens, and its two rows (prompted for the dense
vector, raw for the latent terms) run best as two single-threaded calls side
by side, faster than one padded two-row batch or torch (docs/benchmarks.md,
"Questions through ONNX Runtime"), with fp32 results. Documents keep going
through torch, which is faster for batches of paragraphs.

The graph takes token embeddings, not token ids, so the 250k x 384
word-embedding table stays on disk and a question reads its
dozen rows with pread; the graph itself holds the other 21M weights.

`ensure_exported` writes the folder once per prepared model (torch's
exporter) and `ensure_quantized` its int8 graph beside the fp32 one (ONNX
Runtime's dynamic quantization of the MatMul weights, per output channel, 7
bits so that CPUs without VNNI cannot saturate: the same results on every
kind; 2.25x faster per question on one AVX-512-BF16 thread, but beyond the
0.005 `qa eval` allows, so only on request: docs/benchmarks.md, docs/quality.md);
`OnnxEncoder` needs only onnxruntime, tokenizers and numpy, so a server
answering questions never imports sentence-transformers.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from ..diskfile import DiskArray
from .prepare import ensure_converted, write_folder_atomically

EXPORT_VERSION = 1  # bumped when the exported folder changes
GRAPH, TABLE, TOKENIZER, META = "encoder.onnx", "word_embeddings.npy", "tokenizer.json", "meta.json"
INT8_GRAPH = "encoder.int8-v1.onnx"  # the version: bumped when the quantization's parameters change
_quantizing = threading.Lock()


def exported_dir(model_dir: Path) -> Path:
    return model_dir.with_name(f"{model_dir.name}-onnx{EXPORT_VERSION}")


def ensure_exported(model_dir: Path) -> Path:
    """The ONNX folder for the fp32 model folder `model_dir`, exported once; written atomically."""
    target = exported_dir(model_dir)
    if not (target / META).exists():
        write_folder_atomically(target, META, lambda tmp: _export(model_dir, tmp))
    return target


def ensure_quantized(folder: Path) -> Path:
    """The int8 graph beside the exported fp32 one, quantized once; written atomically."""
    target = folder / INT8_GRAPH
    with _quantizing:
        if target.exists():
            return target
        from onnxruntime.quantization import QuantType, quantize_dynamic

        partial = folder / f".{INT8_GRAPH}.{os.getpid()}-{threading.get_ident()}.partial"
        root = logging.getLogger()
        level = root.level
        root.setLevel(logging.ERROR)  # the quantizer's advice to pre-process, logged on the root logger
        try:
            quantize_dynamic(folder / GRAPH, partial, weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul"],
                             per_channel=True, reduce_range=True)
            os.replace(partial, target)
        finally:
            root.setLevel(level)
            partial.unlink(missing_ok=True)
    return target


def _int8_graph(folder: Path) -> str:
    """The int8 graph's name, or the fp32 graph's when it cannot be made (one warning): asked for speed, not
    for a different answer, so a read-only cache still answers through ONNX Runtime."""
    try:
        return ensure_quantized(folder).name
    except Exception as exc:  # noqa: BLE001 - any failure: the fp32 graph serves, said once
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        warnings.warn(f"qa: int8 question graph unavailable ({reason}); questions run in fp32", RuntimeWarning,
                      stacklevel=5)
        return GRAPH


def _export(model_dir: Path, out: Path) -> None:
    import torch
    from transformers import BertModel
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()  # no load report or progress bar on `qa prepare-model`'s output
    hf_logging.disable_progress_bar()
    model = BertModel.from_pretrained(str(model_dir), add_pooling_layer=False, dtype=torch.float32).eval()
    np.save(out / TABLE, model.embeddings.word_embeddings.weight.detach().numpy())
    shutil.copyfile(model_dir / TOKENIZER, out / TOKENIZER)

    class Encoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = model

        def forward(self, embeds: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            return self.bert(inputs_embeds=embeds, attention_mask=mask).last_hidden_state

    hidden = model.config.hidden_size
    # Traced with padding in the mask: a mask of ones can let the exporter drop masking altogether.
    embeds = torch.zeros(2, 8, hidden)
    mask = torch.tensor([[1] * 8, [1] * 5 + [0] * 3])
    axes = {"embeds": {0: "batch", 1: "tokens"}, "mask": {0: "batch", 1: "tokens"},
            "states": {0: "batch", 1: "tokens"}}
    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation notices
        torch.onnx.export(Encoder().eval(), (embeds, mask), str(out / GRAPH), input_names=["embeds", "mask"],
                          output_names=["states"], dynamic_axes=axes, opset_version=17, dynamo=False)
    meta = {"hidden": hidden, "max_length": int(model.config.max_position_embeddings) - 2,
            "pad_id": int(model.config.pad_token_id or 0), "export_version": EXPORT_VERSION}
    (out / META).write_text(json.dumps(meta, indent=2), encoding="utf-8")


class OnnxEncoder:
    """Token states of short texts: tokenizer, word embeddings read from disk, ONNX Runtime graph.

    Each text runs as its own call on one thread, the texts of a question side
    by side (faster than one padded batch on two threads: see the module
    docstring). One session serves both calls (ONNX Runtime sessions are
    thread-safe), so the weights are held once.
    """

    def __init__(self, folder: Path, threads: int | None = None, graph: str = GRAPH) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        meta = json.loads((folder / META).read_text(encoding="utf-8"))
        self.hidden = int(meta["hidden"])
        self._tokenizer = Tokenizer.from_file(str(folder / TOKENIZER))
        self._tokenizer.enable_truncation(int(meta["max_length"]))
        self._table = DiskArray(folder / TABLE)
        cores = os.cpu_count() or 1
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or max(1, cores // 2)
        options.inter_op_num_threads = 1
        # Spinning threads would keep cores busy between questions, starving torch and Gradio.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        self.graph = graph  # which graph answers: GRAPH or INT8_GRAPH
        self._session = ort.InferenceSession(str(folder / graph), options, providers=["CPUExecutionProvider"])
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="qa-onnx")

    def token_ids(self, text: str) -> list[int]:
        """Ids with the special tokens, truncated to the model's length (as sentence-transformers does)."""
        return self._tokenizer.encode(text).ids

    def states(self, rows: list[list[int]]) -> list[np.ndarray]:
        """Final token states [len(row), hidden] (fp32) of each row of ids, rows run concurrently."""
        if len(rows) == 1:
            return [self._run(rows[0])]
        return list(self._pool.map(self._run, rows))

    def _run(self, ids: list[int]) -> np.ndarray:
        unique, inverse = np.unique(np.asarray(ids, dtype=np.int64), return_inverse=True)
        embeds = self._table.take(unique)[inverse][None].astype(np.float32, copy=False)
        mask = np.ones((1, len(ids)), dtype=np.int64)
        (states,) = self._session.run(None, {"embeds": embeds, "mask": mask})
        return states[0]


def question_encoder(cache_dir: Path, int8: bool = False) -> "OnnxEncoder | None":
    """The default model's question encoder (the int8 graph if `int8`), exported into the cache once; None
    when it cannot be prepared.

    Say, a read-only cache without the export: questions then go through
    sentence-transformers, and one warning says so.
    """
    try:
        folder = ensure_exported(ensure_converted(cache_dir))
        return OnnxEncoder(folder, graph=_int8_graph(folder) if int8 else GRAPH)
    except Exception as exc:  # any failure: fall back, say so in one line
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        warnings.warn(f"qa: fast question encoder unavailable ({reason}); questions go through sentence-transformers",
                      RuntimeWarning, stacklevel=4)
        return None
