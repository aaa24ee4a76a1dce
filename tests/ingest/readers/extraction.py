"""Measures of an extraction against the source text it was made from (tests and benchmarks share them)."""
from __future__ import annotations

import re
import unicodedata

from rapidfuzz.distance import Levenshtein

_SPACE = re.compile(r"\s+")


def canonical(text: str) -> str:
    """NFKC, whitespace runs as one space: what a reader may change without being wrong."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def cer(extracted: str, source: str) -> float:
    """Character error rate of `extracted` against `source`: edits per source character."""
    a, b = canonical(extracted), canonical(source)
    return Levenshtein.distance(a, b) / max(1, len(b))


def lines_present(extracted: str, source: str) -> float:
    """Share of the source's non-empty lines found, in logical order, in the extraction."""
    wanted = [canonical(line) for line in source.splitlines() if line.strip()]
    haystack = canonical(extracted)
    found = sum(1 for line in wanted if line in haystack)
    return found / max(1, len(wanted))
