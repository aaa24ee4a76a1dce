"""Reading user documents from a seeds folder.

Job: find the `.txt` / `.md` files under a folder (recursively, in a fixed
order), decode each one from its bytes (UTF-8 with or without BOM, UTF-16 with
BOM, or Windows-1256 Arabic), and say why any other file was skipped. A file
that is UTF-8 but for a few bad bytes (a truncated download, a mixed-encoding
scrape) is read as UTF-8 with those bytes replaced by U+FFFD and a warning:
Windows-1256 accepts every byte, and would turn its Arabic into mojibake.

Left out on purpose: no newline or Unicode normalization (chunk offsets index
into the text exactly as decoded), no printing or logging (the caller reports
`SkippedFile` entries), no writes of any kind, no PDF/HTML/Office formats.

>>> decode_bytes("سلام".encode("cp1256"))
('سلام', 'cp1256')
>>> decode_bytes("قالت الوزارة".encode() + b"\\xff")
('قالت الوزارة\ufffd', 'utf-8 (1 invalid byte replaced)')
"""
from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import InvalidArgument, SeedsNotFound, UnreadableDocument

MAX_BYTES = 20 * 1024 * 1024
SUPPORTED_SUFFIXES = frozenset({".txt", ".md"})
UNDECODABLE = "not valid text in UTF-8, UTF-16 or Windows-1256"
BINARY = "binary content"
# Nearly UTF-8: at least NEARLY_UTF8_RATIO well-formed multi-byte characters per bad sequence.
# Windows-1256 Arabic read as UTF-8 gives almost none (its letters are lead bytes followed by
# other letters, not by continuation bytes): docs/reliability.md has the measurement.
NEARLY_UTF8_RATIO = 2
# Control characters that real text files do contain.
_TEXT_CONTROLS = frozenset("\t\n\r\f")
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig", "utf-8"),
    (b"\xff\xfe", "utf-16-le", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be", "utf-16-be"),
)


@dataclass(frozen=True)
class Document:
    source: str  # path relative to the seeds folder, POSIX separators
    text: str
    sha256: str  # of the raw bytes
    encoding: str
    size: int

    @property
    def warning(self) -> str:
        """Why the text may not be exactly the file's ("" when it is)."""
        return "invalid UTF-8 bytes replaced by U+FFFD" if "replaced" in self.encoding else ""


@dataclass(frozen=True)
class SkippedFile:
    source: str
    reason: str


def _looks_binary(text: str) -> bool:
    """True when the text holds NULs, or stray control characters beyond one or 1%."""
    if "\x00" in text:
        return True
    controls = sum(1 for ch in text if (ch < " " or ch == "\x7f") and ch not in _TEXT_CONTROLS)
    return controls > max(1, len(text) // 100)


def _plausible_cp1256(text: str) -> bool:
    """Arabic letters, or at least 95% printable characters."""
    if any("\u0600" <= ch <= "\u06ff" and ch.isalpha() for ch in text):
        return True
    printable = sum(1 for ch in text if ch.isprintable() or ch in _TEXT_CONTROLS)
    return printable * 100 >= 95 * len(text)


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
            nearly = _nearly_utf8(data)
            if nearly is not None:
                text, name = nearly
            else:
                # Windows-1256 maps all 256 byte values, so it never fails by itself.
                text, name = data.decode("cp1256"), "cp1256"
                if not _plausible_cp1256(text):
                    raise UnreadableDocument(UNDECODABLE) from None
    if _looks_binary(text):
        raise UnreadableDocument(BINARY)
    return text, name


def _check_folder(seeds_dir: Path) -> None:
    if not seeds_dir.exists():
        raise SeedsNotFound(f"seeds folder not found: {seeds_dir}")
    if not seeds_dir.is_dir():
        raise SeedsNotFound(f"seeds path is not a folder: {seeds_dir}")


def _walk(seeds_dir: Path, on_error: Callable[[OSError], None]) -> list[Path]:
    """All non-hidden files under `seeds_dir`, sorted by their relative path parts."""
    found: list[Path] = []
    # followlinks=False: a symlinked folder is listed but never entered, so
    # a link to a parent cannot loop. Symlinked files are still listed.
    for root, dirnames, filenames in os.walk(seeds_dir, onerror=on_error, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found.extend(Path(root, f) for f in filenames if not f.startswith("."))
    return sorted(found, key=lambda p: p.relative_to(seeds_dir).parts)


def iter_document_paths(seeds_dir: Path) -> Iterator[Path]:
    """Every non-hidden file under `seeds_dir` (any type), in sorted order.

    Raises `SeedsNotFound` at call time; unlistable subfolders are passed over.
    """
    seeds_dir = Path(seeds_dir)
    _check_folder(seeds_dir)
    return iter(_walk(seeds_dir, on_error=lambda _: None))


def _source(path: Path, seeds_dir: Path) -> str:
    try:
        return path.relative_to(seeds_dir).as_posix()
    except ValueError:
        pass
    try:
        return path.resolve().relative_to(seeds_dir.resolve()).as_posix()
    except ValueError:
        raise InvalidArgument(f"{path} is not inside the seeds folder {seeds_dir}") from None


def _limit_text(max_bytes: int) -> str:
    mib = 1024 * 1024
    if max_bytes >= mib and max_bytes % mib == 0:
        return f"larger than {max_bytes // mib} MB limit"
    return f"larger than {max_bytes} bytes limit"


def _os_reason(error: OSError) -> str:
    if isinstance(error, PermissionError):
        return "permission denied"
    return f"cannot read ({(error.strerror or type(error).__name__).lower()})"


def _read(path: Path, source: str, max_bytes: int) -> Document:
    """Read one file, raising `UnreadableDocument` with a bare reason."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnreadableDocument(f"unsupported type {suffix or '(no extension)'}")
    try:
        info = path.stat()
        # Checked before opening: opening a FIFO or device would block or stream forever.
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableDocument("not a regular file")
        if info.st_size > max_bytes:
            raise UnreadableDocument(_limit_text(max_bytes))
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)  # the file may grow after stat()
    except OSError as error:
        raise UnreadableDocument(_os_reason(error)) from None
    if len(data) > max_bytes:
        raise UnreadableDocument(_limit_text(max_bytes))
    text, encoding = decode_bytes(data)
    if not text.strip():
        raise UnreadableDocument("empty file")
    return Document(
        source=source,
        text=text,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
        size=len(data),
    )


def read_document(path: Path, seeds_dir: Path, max_bytes: int = MAX_BYTES) -> Document:
    """Read one document; `UnreadableDocument` names the file and the reason."""
    path, seeds_dir = Path(path), Path(seeds_dir)
    source = _source(path, seeds_dir)
    try:
        return _read(path, source, max_bytes)
    except UnreadableDocument as error:
        raise UnreadableDocument(f"{source}: {error}") from None


def read_documents(
    seeds_dir: Path, max_bytes: int = MAX_BYTES
) -> tuple[list[Document], list[SkippedFile]]:
    """Read every supported document under `seeds_dir`; report the rest as skipped."""
    seeds_dir = Path(seeds_dir)
    _check_folder(seeds_dir)
    skipped: list[SkippedFile] = []

    def folder_error(error: OSError) -> None:
        where = _source(Path(error.filename), seeds_dir) if error.filename else "."
        skipped.append(SkippedFile(where, _os_reason(error)))

    documents: list[Document] = []
    for path in _walk(seeds_dir, on_error=folder_error):
        source = _source(path, seeds_dir)
        try:
            documents.append(_read(path, source, max_bytes))
        except UnreadableDocument as error:
            skipped.append(SkippedFile(source, str(error)))
    return documents, skipped
