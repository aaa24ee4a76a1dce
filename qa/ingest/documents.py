"""Reading user documents from a seeds folder.

Job: find the files under a folder (recursively, in a fixed order), read each
one with the reader of its format (`readers/`: plain text, web pages, PDF,
Word, e-books, e-mail, feeds, images by OCR), and say why any other file was
skipped. Plain text is decoded here, in this process; every other format is
read in a child process with a time and memory limit (`readers/sandbox.py`),
because its parsers meet untrusted bytes. A file that gives several parts (a
feed's items) becomes one document per part, `feed.xml#<id>`.

Left out on purpose: no printing or logging (the caller reports `SkippedFile`
entries) and no writes of any kind: files in the seeds folder are never changed.
"""
from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InvalidArgument, SeedsNotFound, UnreadableDocument
from .readers import Extracted, Metadata, format_of
from .readers import text as plain
from .readers.ocr import languages as ocr_languages
from .readers.sandbox import ReaderProcess
from .readers.text import BINARY, UNDECODABLE, decode_bytes  # noqa: F401 - part of this module's interface

# Raised when a reader changes what it returns: cached extractions of older readers are then not used.
READERS_VERSION = 1
MAX_BYTES = 20 * 1024 * 1024  # plain text; other formats have their own limit (readers.FORMATS)
TEXT_SUFFIXES = frozenset({".txt", ".md"})


def is_supported(suffix: str) -> bool:
    return suffix.lower() in TEXT_SUFFIXES or format_of(suffix) is not None


def max_bytes_for(suffix: str) -> int:
    fmt = format_of(suffix)
    return fmt.max_bytes if fmt is not None else MAX_BYTES


def kind_of(suffix: str) -> str:
    """The format's name as the Documents tab shows it."""
    fmt = format_of(suffix)
    return fmt.name if fmt is not None else "text"


@dataclass(frozen=True)
class Document:
    source: str  # path relative to the seeds folder, POSIX separators; "feed.xml#<id>" for a feed's item
    text: str
    sha256: str  # of the raw bytes (of the part's text and metadata for one part of several)
    encoding: str
    size: int
    meta: Metadata = field(default_factory=Metadata)
    note: str = ""  # the reader's warning

    @property
    def warning(self) -> str:
        """Why the text may not be exactly the file's ("" when it is)."""
        if self.note:
            return self.note
        return "invalid UTF-8 bytes replaced by U+FFFD" if "replaced" in self.encoding else ""


@dataclass(frozen=True)
class SkippedFile:
    source: str
    reason: str


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


def _load(path: Path, max_bytes: int) -> bytes:
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
    if not data:
        raise UnreadableDocument("empty file")
    return data


def _documents(source: str, data: bytes, parts: list[Extracted]) -> list[Document]:
    if not parts:
        raise UnreadableDocument("no text found")
    if len(parts) == 1 and not parts[0].part:
        p = parts[0]
        return [Document(source, p.text, hashlib.sha256(data).hexdigest(), p.encoding, len(data), p.meta, p.warning)]
    documents = []
    for p in parts:
        # A part's own digest: an unchanged item keeps its embeddings when its feed gains new ones.
        digest = hashlib.sha256(json.dumps([p.text, p.meta.to_json()], ensure_ascii=False).encode()).hexdigest()
        documents.append(Document(f"{source}#{p.part}", p.text, digest, p.encoding, len(p.text.encode()), p.meta,
                                  p.warning))
    return documents


class _Reader:
    """Reads files by suffix; other formats than plain text go through one child process, started on first use.

    With a `cache` folder, what a reader extracted is kept there by the file's sha256 (readers are
    deterministic), so an unchanged PDF or scan is not parsed or OCR'd again at every build.
    """

    def __init__(self, cache: Path | None = None) -> None:
        self._process: ReaderProcess | None = None
        self.cache = cache
        self.used: set[str] = set()  # the cache entries this run read or wrote

    def _extract(self, suffix: str, data: bytes, name: str) -> list[Extracted]:
        # The bytes, the format they are read as, the readers' version and OCR's languages decide the text.
        key = hashlib.sha256(data)
        key.update(f"|{suffix}|{READERS_VERSION}|{'+'.join(ocr_languages())}".encode())
        entry = self.cache / f"{key.hexdigest()}.json" if self.cache is not None else None
        if entry is not None:
            try:
                parts = json.loads(entry.read_text(encoding="utf-8"))
                self.used.add(entry.name)
                return [Extracted.from_json(p) for p in parts]
            except (OSError, ValueError, KeyError, TypeError):
                pass  # not cached (or unreadable): read it
        if self._process is None:
            self._process = ReaderProcess()
        parts = self._process.extract(suffix, data, name)
        if entry is not None:
            try:
                entry.parent.mkdir(parents=True, exist_ok=True)
                tmp = entry.with_suffix(f".tmp-{os.getpid()}")
                tmp.write_text(json.dumps([p.to_json() for p in parts], ensure_ascii=False), encoding="utf-8")
                os.replace(tmp, entry)
                self.used.add(entry.name)
            except OSError:
                pass  # a cache that cannot be written only costs the next build the same reading
        return parts

    def close(self) -> None:
        if self._process is not None:
            self._process.close()

    def read(self, path: Path, source: str, max_bytes: int) -> list[Document]:
        """The documents of one file, raising `UnreadableDocument` with a bare reason."""
        suffix = path.suffix.lower()
        if suffix in TEXT_SUFFIXES:
            data = _load(path, max_bytes)
            return _documents(source, data, plain.read(data, path.name))
        fmt = format_of(suffix)
        if fmt is None:
            raise UnreadableDocument(f"unsupported type {suffix or '(no extension)'}")
        data = _load(path, fmt.max_bytes)
        return _documents(source, data, self._extract(suffix, data, path.name))

    def prune(self) -> None:
        """Drop cache entries no file of this run used (their files changed or went)."""
        if self.cache is None:
            return
        try:
            for entry in [*self.cache.glob("*.json"), *self.cache.glob("*.tmp-*")]:
                if entry.name not in self.used:
                    entry.unlink(missing_ok=True)
        except OSError:
            pass  # a cache that cannot be pruned only keeps a few stale files


def read_document(path: Path, seeds_dir: Path, max_bytes: int = MAX_BYTES) -> Document:
    """Read one single-part document; `UnreadableDocument` names the file and the reason."""
    path, seeds_dir = Path(path), Path(seeds_dir)
    source = _source(path, seeds_dir)
    reader = _Reader()
    try:
        (document, *more) = reader.read(path, source, max_bytes)
    except UnreadableDocument as error:
        raise UnreadableDocument(f"{source}: {error}") from None
    finally:
        reader.close()
    if more:
        raise InvalidArgument(f"{source} holds {1 + len(more)} documents: use read_documents")
    return document


def read_documents(
    seeds_dir: Path, max_bytes: int = MAX_BYTES, cache: Path | None = None
) -> tuple[list[Document], list[SkippedFile]]:
    """Read every supported document under `seeds_dir`; report the rest as skipped.

    `cache`: a folder where extractions of other formats than plain text are kept between runs.
    """
    seeds_dir = Path(seeds_dir)
    _check_folder(seeds_dir)
    skipped: list[SkippedFile] = []

    def folder_error(error: OSError) -> None:
        where = _source(Path(error.filename), seeds_dir) if error.filename else "."
        skipped.append(SkippedFile(where, _os_reason(error)))

    documents: list[Document] = []
    reader = _Reader(cache)
    try:
        for path in _walk(seeds_dir, on_error=folder_error):
            source = _source(path, seeds_dir)
            try:
                documents.extend(reader.read(path, source, max_bytes))
            except UnreadableDocument as error:
                skipped.append(SkippedFile(source, str(error)))
        reader.prune()
    finally:
        reader.close()
    return documents, skipped
