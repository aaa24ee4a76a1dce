"""Debian's dictd dictionaries (FreeDict): read an index and its entries, nothing more.

The dictd format is an index of "headword<TAB>offset<TAB>length" lines
(offsets in base64 digits) into a dictzip file, which gzip reads whole.
What a headword is looked up by, and what an entry means, is the caller's
(`search/translation.py` English→Arabic, `answers/glosses.py` Arabic→English).
The dictionaries are read at run time from where `make` or apt put them,
never copied into this project (GPL-2+).

>>> number("Lw7Y")
3083992
"""
from __future__ import annotations

import gzip
import warnings
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from ..config import dictionary_dirs

T = TypeVar("T")
_BASE64 = {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}


def number(text: str) -> int:
    value = 0
    for ch in text:
        value = value * 64 + _BASE64[ch]
    return value


def index_entries(index_file: Path) -> Iterator[tuple[str, int, int]]:
    """(headword, offset, length) per index line, the database's own records left out."""
    for line in index_file.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and not parts[0].startswith("00database"):
            yield parts[0], number(parts[1]), number(parts[2])


def read_data(data_file: Path) -> bytes:
    """The whole data file; a corrupt one raises ValueError (zlib's own error is no OSError)."""
    try:
        with gzip.open(data_file) as fh:  # dictzip is gzip with an index in an extra field
            return fh.read()
    except zlib.error as exc:
        raise ValueError(f"{data_file}: {exc}") from None


def entry_lines(data: bytes, offset: int, length: int) -> list[str]:
    """The entry's lines after its headword line."""
    return data[offset:offset + length].decode("utf-8", "replace").split("\n")[1:]


def candidates(name: str) -> list[tuple[Path, Path]]:
    """The index and data files of dictionary `name` (e.g. "freedict-ara-eng") in each folder holding both,
    in the order of `config.dictionary_dirs`: a reader tries the next when one cannot be read."""
    out = []
    for folder in dictionary_dirs():
        index_file, data_file = folder / f"{name}.index", folder / f"{name}.dict.dz"
        if index_file.is_file() and data_file.is_file():
            out.append((index_file, data_file))
    return out


def load(name: str, make: Callable[[Path, Path], T], without: str) -> T | None:
    """`make(index, data)` from the first readable copy of dictionary `name`; None when there is none.

    Each unreadable copy and a missing dictionary are one warning each, ending in `without`: what
    qa does without it.
    """
    for index_file, data_file in candidates(name):
        try:
            return make(index_file, data_file)
        except (OSError, ValueError, KeyError, EOFError) as exc:
            warnings.warn(f"qa: cannot read the dictionary in {index_file.parent} ({exc}); {without}", stacklevel=3)
    warnings.warn(f"qa: no readable {name} dictionary (run `make dictionary`); {without}", stacklevel=3)
    return None
