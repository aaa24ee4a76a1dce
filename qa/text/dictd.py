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
import re
import warnings
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from ..config import dictionary_dirs

T = TypeVar("T")
# An index line: headword, then offset and length in base64 digits (lines that are not are skipped).
_LINE = re.compile(r"^([^\t\n]+)\t([A-Za-z0-9+/]+\t[A-Za-z0-9+/]+)\r?$", re.MULTILINE)
_BASE64 = {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}


def number(text: str) -> int:
    value = 0
    for ch in text:
        value = value * 64 + _BASE64[ch]
    return value


def index_entries(index_file: Path) -> Iterator[tuple[str, str]]:
    """(headword, location) per well-formed index line, the database's own records left out.

    The location stays the line's "offset<TAB>length" in base64 digits until
    `entry_lines` reads that entry: decoding all 87k of them was most of a
    dictionary's load (and of a server's first English answer).
    """
    for headword, location in _LINE.findall(index_file.read_text(encoding="utf-8")):
        if not headword.startswith("00database"):
            yield headword, location


def read_data(data_file: Path) -> bytes:
    """The whole data file; a corrupt one raises ValueError (zlib's own error is no OSError)."""
    try:
        with gzip.open(data_file) as fh:  # dictzip is gzip with an index in an extra field
            return fh.read()
    except zlib.error as exc:
        raise ValueError(f"{data_file}: {exc}") from None


def entry_lines(data: bytes, location: str) -> list[str]:
    """The lines after the headword line of the entry at `location` (as `index_entries` gives it)."""
    offset, _, length = location.partition("\t")
    start = number(offset)
    return data[start:start + number(length)].decode("utf-8", "replace").split("\n")[1:]


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
