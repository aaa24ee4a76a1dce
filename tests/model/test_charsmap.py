"""The compiled charsmap applies a per-code-point map exactly, via tokenizers' Precompiled."""
from tokenizers import normalizers

from qa.model.charsmap import build_charsmap


def normalize(table: dict[int, str], text: str) -> str:
    return normalizers.Precompiled(build_charsmap(table)).normalize_str(text)


def test_small_map_by_hand():
    table = {ord("A"): "a", 0x2581: " ", 0x200B: " ", 0x01: "", ord("ﻻ"): "لا"}
    assert normalize(table, "A\u2581B\u200bC\x01D") == "a B CD"
    assert normalize(table, "ﻻ") == "لا"


def test_arabic_marks_are_not_reordered():
    # NFKC would swap shadda (U+0651) and fatha (U+064E); a per-code-point map must not.
    table = {ord("A"): "a"}
    assert normalize(table, "مُقدَّس") == "مُقدَّس"
    assert normalize(table, "\u0627\u0654") == "\u0627\u0654"
