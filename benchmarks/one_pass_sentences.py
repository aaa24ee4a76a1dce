"""One model pass per chunk: sentence vectors pooled from the chunk pass's token states, against today's two passes.

How to run (from the repository root; ~5 min on 2 cores):
    .venv/bin/python benchmarks/one_pass_sentences.py

Today every chunk gets a "passage: " pass and every sentence a raw pass of its
own (dense vector and latent terms). The alternative timed here runs the chunk
pass only and takes each sentence's vector as the mean of the chunk's token
states over the sentence's characters (offset mapping of the tokenizer), and
its latent terms from the same states. Both are measured with `qa eval` on
XQuAD ar->ar and en->ar (all 1,190 questions, the shipped abstention model) in
one process: one summary line per method and direction, with the build time.
A scratch swap of the build's embedding step, not a qa option: it is kept here
because it is the measurement behind keeping two passes (docs/quality.md).
"""
from __future__ import annotations

import time

import numpy as np
import torch

import qa.store.build as build
from common import cpu_line, eval_dir, summary
from qa.model.pooling import mean_pool
from qa.model.sparse import max_pool_rows, normalize_rows


def embed_single(parts, embedder, progress):
    """`build._embed_missing` with one pass per chunk: sentence rows pooled from the chunk's token states."""
    model = embedder._get()
    tok = model.tokenizer
    prefix = embedder._prompts.get("passage", "")
    dim = embedder.dimension
    head = embedder._sparse_head()
    finished = []
    n_chunks = 0
    for part in parts:
        if part.chunk_vectors is not None:
            finished.append(part)
            continue
        texts = [c.text for c in part.chunks]
        cvecs = np.zeros((len(texts), dim), np.float32)
        uvecs = np.zeros((len(part.units), dim), np.float32)
        ustates = [None] * len(part.units)
        for at in range(0, len(texts), embedder.batch_size):
            batch = list(range(at, min(at + embedder.batch_size, len(texts))))
            enc = tok([prefix + texts[i] for i in batch], padding=True, truncation=True, max_length=model.max_seq_length,
                      return_offsets_mapping=True, return_tensors="pt")
            offsets = enc.pop("offset_mapping")
            feats = {k: v for k, v in enc.items()}
            with torch.inference_mode():
                out = model(feats)
            tokens = out["token_embeddings"].float()
            mask = feats["attention_mask"]
            cvecs[batch] = mean_pool(tokens, mask).numpy()
            for row, ci in enumerate(batch):
                chunk = part.chunks[ci]
                for ui, (n, u) in enumerate(part.units):
                    if n != ci: continue
                    s = u.start - chunk.start + len(prefix); e = u.end - chunk.start + len(prefix)
                    off = offsets[row]
                    sel = ((off[:, 1] > s) & (off[:, 0] < e) & (off[:, 1] > off[:, 0]) & mask[row].bool())
                    idx = torch.nonzero(sel).flatten()
                    if len(idx) == 0:
                        idx = torch.tensor([1])
                    st = tokens[row, idx]
                    uvecs[ui] = torch.nn.functional.normalize(st.mean(0), dim=-1).numpy()
                    ustates[ui] = st
        raw = head.encode(ustates) if head is not None else None
        chunk_sp = normalize_rows(max_pool_rows(raw, np.array([n for n, _ in part.units], np.int64), len(part.chunks))) if raw is not None else None
        finished.append(build._DocPart(part.entry, part.chunks, part.units, cvecs, uvecs, normalize_rows(raw) if raw is not None else None, chunk_sp))
        n_chunks += len(texts)
    return finished, n_chunks


def main() -> None:
    from qa.api import embedder_for
    from qa.config import load_settings
    from qa.evaluate import evaluate

    summary(cpu_line())
    embedder = embedder_for(load_settings())
    xquad = eval_dir() / "xquad"
    two_passes = build._embed_missing
    for method, embed in (("two passes", two_passes), ("one pass", embed_single)):
        build._embed_missing = embed
        for direction, questions in (("ar->ar", None), ("en->ar", xquad / "xquad.en.json")):
            t0 = time.perf_counter()
            r = evaluate(xquad / "xquad.ar.json", embedder, questions)
            summary(f"one-pass: {method}, {direction}: R@1 {r.recall_at_1:.3f} R@5 {r.recall_at_5:.3f} "
                    f"MRR {r.mrr_at_10:.3f} quote {r.quote_accuracy:.3f} refused {r.unanswerable_refused:.3f} / "
                    f"{r.answerable_refused:.3f}; build {r.build_seconds:.1f} s ({time.perf_counter() - t0:.0f} s in all)")
    build._embed_missing = two_passes


if __name__ == "__main__":
    main()
