"""Plain-text files (.txt, .md): the encoding decided from the bytes.

Decoding: a BOM (UTF-8 or UTF-16) decides; else strict UTF-8; else a file
that is UTF-8 but for a few bad bytes (a truncated download, a mixed-encoding
scrape) is read as UTF-8 with those bytes replaced by U+FFFD and a warning;
else one of the legacy encodings of news: Windows-1256 when it reads as
nothing but Arabic words, else the Windows-1256, ISO-8859-6 or Windows-1252
reading charset-normalizer ranks first among those without a misread word
("ةlysée", "ÞÇáÊ"). A file that is none of them is refused, saying so.
docs/reliability.md has the measurement. No newline or Unicode normalization:
chunk offsets index into the text exactly as decoded.

>>> decode_bytes("قالت الوزارة".encode("cp1256"))
('قالت الوزارة', 'cp1256')
>>> decode_bytes("قالت الوزارة".encode("iso8859_6"))
('قالت الوزارة', 'iso8859_6')
>>> decode_bytes("Le président a quitté l'Élysée.".encode("cp1252"))
("Le président a quitté l'Élysée.", 'cp1252')
>>> decode_bytes("قالت الوزارة".encode() + b"\\xff")
('قالت الوزارة\ufffd', 'utf-8 (1 invalid byte replaced)')
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

from charset_normalizer import from_bytes

from ...errors import UnreadableDocument
from .base import Extracted

# Tried after UTF-8 fails: the single-byte encodings Arabic and Western news come in.
LEGACY_ENCODINGS = ("cp1256", "iso8859_6", "cp1252")
UNDECODABLE = "not text in UTF-8, UTF-16, Windows-1256, ISO-8859-6 or Windows-1252"
BINARY = "binary content"
# Nearly UTF-8: at least NEARLY_UTF8_RATIO well-formed multi-byte characters per bad sequence.
# Windows-1256 Arabic read as UTF-8 gives almost none (its letters are lead bytes followed by
# other letters, not by continuation bytes): docs/reliability.md has the measurement.
NEARLY_UTF8_RATIO = 2
# Control characters that real text files do contain.
_TEXT_CONTROLS = frozenset("\t\n\r\f")
_ARABIC_BLOCK = [chr(c) for c in range(0x0600, 0x0700)]
_ARABIC_LETTERS = re.escape("".join(ch for ch in _ARABIC_BLOCK if ch.isalpha()))
_ARABIC_MARKS = re.escape("".join(ch for ch in _ARABIC_BLOCK if unicodedata.category(ch) == "Mn"))
_LATIN_LETTERS = [ch for ch in map(chr, range(0x0041, 0x0250)) if ch.isalpha()]
_LATIN = re.escape("".join(_LATIN_LETTERS))
_LATIN_NON_ASCII = re.escape("".join(ch for ch in _LATIN_LETTERS if not ch.isascii()))
# What a wrong code page makes of a word: Arabic letters or marks next to Latin letters (Windows-1256
# reads "É" as "ة", ISO-8859-6 reads "é" as "ى", Windows-1256 reads ISO-8859-6 "ق" as "â"), or Latin
# letters that are not ASCII, two making a word or three in a row (Windows-1252 reads "قالت" as "ÞÇáÊ",
# "الـCNN" as "ÇáÜCNN"). Real text has such words too ("الـCNN", an e-mail address glued to an
# Arabic word, Turkish "üçüncü"), so they only rank readings.
_MISREAD_WORD = re.compile(
    f"[{_ARABIC_LETTERS}{_ARABIC_MARKS}][{_LATIN}]|[{_LATIN}][{_ARABIC_LETTERS}{_ARABIC_MARKS}]"
    f"|(?<![{_LATIN}])[{_LATIN_NON_ASCII}]{{2}}(?![{_LATIN}])|[{_LATIN_NON_ASCII}]{{3}}"
)
# Arabic letters with their marks (direction and joiner marks anywhere), or digits, with punctuation at
# either end: a Windows-1256 file made only of such words is Arabic, however short it is.
_EDGE = re.escape(".,:;!?\"'()[]«»-–—…،؛؟")
_FORMAT = "\u200c-\u200f"
_ARABIC_LETTER = re.compile(f"[{_ARABIC_LETTERS}]")
_ARABIC_WORD = re.compile(
    f"[{_EDGE}]*[{_FORMAT}]*(?:[{_ARABIC_LETTERS}][{_ARABIC_MARKS}{_FORMAT}]*)+[{_EDGE}]*|[{_EDGE}]*[0-9]+[{_EDGE}]*"
)
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig", "utf-8"),
    (b"\xff\xfe", "utf-16-le", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be", "utf-16-be"),
)



def _looks_binary(text: str) -> bool:
    """True when the text holds NULs, or stray control characters beyond one or 1%."""
    if "\x00" in text:
        return True
    controls = sum(1 for ch in text if (ch < " " or ch == "\x7f") and ch not in _TEXT_CONTROLS)
    return controls > max(1, len(text) // 100)


@dataclass(frozen=True)
class _Reading:
    encoding: str  # one of LEGACY_ENCODINGS
    text: str

    @property
    def plausible(self) -> bool:
        return _MISREAD_WORD.search(self.text) is None


def _codec(name: str) -> str:
    """The LEGACY_ENCODINGS spelling of a codec name charset-normalizer returns."""
    canonical = codecs.lookup(name).name
    return next(ours for ours in LEGACY_ENCODINGS if codecs.lookup(ours).name == canonical)


def _only_arabic_words(text: str) -> bool:
    """Nothing but words of Arabic letters and numbers, at least one of them Arabic."""
    words = text.split()
    return all(_ARABIC_WORD.fullmatch(word) for word in words) and _ARABIC_LETTER.search(text) is not None


def _reading(data: bytes, encoding: str) -> _Reading | None:
    try:
        return _Reading(encoding, data.decode(encoding))
    except UnicodeDecodeError:
        return None


def _legacy(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) in the best of LEGACY_ENCODINGS; None when none reads as text."""
    # charset-normalizer's measures are noise on a few bytes (it refuses "فط،" and reads "قالت" as
    # Windows-1252 "ÞÇáÊ"); random bytes are never all Arabic words in Windows-1256.
    arabic = data.decode("cp1256")
    if _only_arabic_words(arabic):
        return arabic, "cp1256"
    # No declared-charset shortcut and no fallback match: a reading must pass its chaos measure,
    # whatever the bytes say about themselves.
    matches = from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS), preemptive_behaviour=False, enable_fallback=False)
    # Its ranking (least chaos, then language coherence), misread words demoted: its accent and chaos
    # rules alone take short Latin or ISO-8859-6 text for another code page. It probes chunks of a
    # large file, so the whole file must still decode.
    ranked = [r for r in (_reading(data, _codec(m.encoding)) for m in matches) if r is not None]
    if not ranked:
        return None
    best = next((r for r in ranked if r.plausible), None)
    if best is None:
        # Misread words in all it found ("Élysée, café" as Windows-1256 "ةlysée, café"): an encoding
        # it passed over may read without them.
        passed_over = (_reading(data, name) for name in LEGACY_ENCODINGS if name not in {r.encoding for r in ranked})
        best = next((r for r in passed_over if r is not None and r.plausible), ranked[0])
    return best.text, best.encoding


def _nearly_utf8(data: bytes) -> tuple[str, str] | None:
    """(text with U+FFFD for the bad bytes, encoding note) when the bytes are UTF-8 but for a few; else None."""
    text = data.decode("utf-8", errors="replace")
    # Bad sequences: replacements beyond the U+FFFD characters the file may hold itself.
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    well_formed = sum(1 for ch in text if ch > "\x7f" and ch != "\ufffd")
    if bad <= 0 or well_formed < NEARLY_UTF8_RATIO * bad:
        return None
    return text, f"utf-8 ({bad} invalid byte{'s' if bad > 1 else ''} replaced)"


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode file bytes to (text, encoding name); the BOM, if any, is dropped.

    >>> decode_bytes(b"\\xef\\xbb\\xbfhi\\r\\n")
    ('hi\\r\\n', 'utf-8-sig')
    """
    for bom, name, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(codec)
            except UnicodeDecodeError:
                raise UnreadableDocument(f"not valid {name} after its byte-order mark") from None
            break
    else:
        # Without a BOM, NUL bytes mean binary data (BOM-less UTF-16 is not guessed).
        if b"\x00" in data:
            raise UnreadableDocument(BINARY)
        try:
            text, name = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            decoded = _nearly_utf8(data) or _legacy(data)
            if decoded is None:
                raise UnreadableDocument(UNDECODABLE) from None
            text, name = decoded
    if _looks_binary(text):
        raise UnreadableDocument(BINARY)
    return text, name


def read(data: bytes, name: str) -> list[Extracted]:
    text, encoding = decode_bytes(data)
    if not text.strip():
        raise UnreadableDocument("empty file")
    warning = "invalid UTF-8 bytes replaced by U+FFFD" if "replaced" in encoding else ""
    return [Extracted(text, encoding=encoding, warning=warning)]
