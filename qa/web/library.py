"""The documents panel's backend: what is indexed, adding uploads, removing a document.

Job: read the live manifest for the status line and the document list; save
uploaded `.txt` / `.md` files into the seeds folder after checking type, size
and encoding, under a safe name that never leaves the folder and never
replaces an existing file (`report.txt`, `report-1.txt`, ...); delete one
document file inside the seeds folder.

Left out on purpose: no index building (the caller runs `qa.api.build_index`
after a change), no Gradio and no HTML, and no edits to existing files.

>>> safe_name("../../etc/notes.TXT")
'notes.txt'
>>> safe_name("CON.txt")
'_CON.txt'
"""
from __future__ import annotations

import errno
import hashlib
import os
import re
import secrets
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..store import index as store
from ..ingest.documents import TEXT_SUFFIXES, decode_bytes, is_supported, kind_of, max_bytes_for
from ..ingest.readers import FORMATS, format_of
from ..ingest.readers.sandbox import ReaderProcess
from ..errors import InvalidArgument, SeedsWriteFailed, UnreadableDocument

MAX_UPLOAD_BYTES = 100 * 1024 * 1024  # the largest format limit (PDF); each format has its own (readers.FORMATS)
MAX_UPLOAD_FILES = 20
MAX_STEM_CHARS = 100  # well under the 255-byte file-name limit, even for Arabic (2 bytes a letter)
# Names Windows reserves for devices; a seeds folder may be copied there.
_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                       *(f"LPT{i}" for i in range(1, 10))})
UPLOAD_SUFFIXES = frozenset(TEXT_SUFFIXES | set(FORMATS))
SUPPORTED_LIST = ".txt, .md, .html, .pdf, .docx, .epub, .eml, .rss/.atom/.xml feeds, .png/.jpg/.tif images"
_FORBIDDEN = re.compile(r'[<>:"/\\|?*]')
# What link() says on a file system without hard links.
_NO_LINKS = frozenset({errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS, errno.EMLINK})


@dataclass(frozen=True)
class IndexedDocument:
    source: str  # path relative to the seeds folder
    chunks: int
    added: str  # ISO time this version was first indexed
    size: int
    title: str = ""
    published: str = ""
    kind: str = "text"  # the format's name: "web page", "PDF", "feed"...


@dataclass(frozen=True)
class Status:
    model: str
    documents: int
    chunks: int
    built_at: str
    generation: int


@dataclass(frozen=True)
class Upload:
    name: str  # as the browser sent it: untrusted
    data: bytes


@dataclass(frozen=True)
class Rejected:
    name: str
    reason: str


@dataclass(frozen=True)
class SaveReport:
    saved: tuple[str, ...]  # new file names inside the seeds folder
    rejected: tuple[Rejected, ...]


def read_manifest(index_dir: Path) -> store.Manifest | None:
    """The live generation's manifest, or None when nothing has been built yet.

    A manifest of another format, or one that cannot be read, is IndexIncompatible
    with the rebuild hint (the page shows it instead of failing to load).
    """
    gen = store.current_generation(Path(index_dir))
    if gen is None:
        return None
    try:
        return store.read_manifest(Path(index_dir), gen)
    except FileNotFoundError:  # a generation collected between the two reads
        return None


def status(index_dir: Path) -> Status | None:
    manifest = read_manifest(index_dir)
    if manifest is None:
        return None
    return Status(manifest.model, len(manifest.documents), sum(d.chunks for d in manifest.documents),
                  manifest.built_at, manifest.generation)


def indexed_documents(index_dir: Path) -> tuple[IndexedDocument, ...]:
    manifest = read_manifest(index_dir)
    if manifest is None:
        return ()
    return tuple(IndexedDocument(d.source, d.chunks, d.added, d.size, d.meta.get("title", ""),
                                 d.meta.get("published", ""), kind_of(PurePosixPath(d.source.split("#")[0]).suffix))
                 for d in manifest.documents)


def known_contents(index_dir: Path) -> dict[str, str]:
    """sha256 -> source of every indexed document (to refuse a second copy of one)."""
    manifest = read_manifest(index_dir)
    return {d.sha256: d.source for d in manifest.documents} if manifest else {}


def safe_name(name: str) -> str:
    """A plain file name for an untrusted upload name; `InvalidArgument` if none is left.

    Drops folders, control and format characters (NUL, bidi overrides), leading
    dots and characters Windows forbids; prefixes device names like CON.
    """
    base = re.split(r"[/\\]", unicodedata.normalize("NFC", str(name)))[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn"))
    base = _FORBIDDEN.sub("_", base)
    base = " ".join(base.split()).strip(" .")
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        raise InvalidArgument(f"{name!r} has no file extension, so its format is unknown")
    suffix = "." + suffix.lower()
    if not is_supported(suffix):
        raise InvalidArgument(f"{name!r} is not a format qa reads ({SUPPORTED_LIST})")
    stem = stem[:MAX_STEM_CHARS].rstrip(" .")
    if stem.split(".")[0].upper() in _RESERVED:
        stem = "_" + stem
    return stem + suffix


def read_upload(path: Path, name: str | None = None, max_bytes: int = MAX_UPLOAD_BYTES) -> Upload:
    """An upload from a temporary file, reading at most one byte past the limit."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as error:
        raise InvalidArgument(f"cannot read the upload {path.name}: {_reason(error)}") from None
    return Upload(name if name is not None else path.name, data)


def _reason(error: OSError) -> str:
    return (error.strerror or type(error).__name__).lower()


def _check(upload: Upload, max_bytes: int, readers: ReaderProcess) -> str:
    """The safe name of a valid upload; raises with a user-facing reason otherwise.

    Other formats than plain text are read once here, in the reader's child process,
    so a file the build would skip is refused now instead of saved.
    """
    name = safe_name(upload.name)
    suffix = "." + name.rsplit(".", 1)[1]
    limit = min(max_bytes, max_bytes_for(suffix))
    if len(upload.data) > limit:
        raise InvalidArgument(f"larger than the {limit // (1024 * 1024)} MB limit for this format")
    if suffix in TEXT_SUFFIXES:
        text, _ = decode_bytes(upload.data)
        if not text.strip():
            raise InvalidArgument("empty file")
    elif not upload.data:
        raise InvalidArgument("empty file")
    else:
        readers.extract(suffix, upload.data, name)
    return name


def _write_new(seeds_dir: Path, name: str, data: bytes) -> str:
    """Write `data` under `name` or the first free `name-N`; never replaces a file.

    The bytes go to a hidden temporary file first (the builder skips hidden
    files), then a hard link publishes them: link() fails if the name exists,
    so two uploads racing for one name cannot overwrite each other. Where the
    file system has no hard links, the name is claimed with O_EXCL and the
    temporary file renamed over the claim. OS errors raise `SeedsWriteFailed`.
    """
    tmp = seeds_dir / f".upload-{secrets.token_hex(8)}"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            return _publish(seeds_dir, tmp, name)
        finally:
            tmp.unlink(missing_ok=True)
    except OSError as error:
        raise SeedsWriteFailed(f"cannot save {name} in {seeds_dir}: {_reason(error)}") from None


def _publish(seeds_dir: Path, tmp: Path, name: str) -> str:
    """Give the finished temporary file `name`, or the first free `name-N`."""
    stem, suffix = name.rsplit(".", 1)
    for n in range(0, 10_000):
        candidate = name if n == 0 else f"{stem}-{n}.{suffix}"
        target = seeds_dir / candidate
        try:
            os.link(tmp, target)
            return candidate
        except FileExistsError:
            continue
        except OSError as error:
            if error.errno not in _NO_LINKS:
                raise
        # No hard links on this file system (FAT, some network and FUSE ones): claim the name, rename over it.
        try:
            os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644))
        except FileExistsError:
            continue
        os.replace(tmp, target)
        return candidate
    raise InvalidArgument(f"no free name for {name!r} in {seeds_dir}")


def save_uploads(seeds_dir: Path, uploads: Iterable[Upload], known: Mapping[str, str] | None = None,
                 max_bytes: int = MAX_UPLOAD_BYTES, max_files: int = MAX_UPLOAD_FILES) -> SaveReport:
    """Save the valid uploads into `seeds_dir`; the others come back with a reason.

    `known` maps the sha256 of documents already indexed to their source, so a
    file uploaded twice is not indexed twice.
    """
    uploads = list(uploads)
    if len(uploads) > max_files:
        raise InvalidArgument(f"{len(uploads)} files in one upload; the limit is {max_files}")
    seeds_dir = Path(seeds_dir)
    try:
        seeds_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise SeedsWriteFailed(f"cannot create the seeds folder {seeds_dir}: {_reason(error)}") from None
    seen = dict(known or {})
    saved: list[str] = []
    rejected: list[Rejected] = []
    with ReaderProcess() as readers:
        for upload in uploads:
            shown = PurePosixPath(str(upload.name).replace("\\", "/")).name or str(upload.name)
            try:
                name = _check(upload, max_bytes, readers)
            except (InvalidArgument, UnreadableDocument) as error:
                rejected.append(Rejected(shown, str(error)))
                continue
            digest = hashlib.sha256(upload.data).hexdigest()
            if digest in seen:
                rejected.append(Rejected(shown, f"same content as {seen[digest]}"))
                continue
            try:
                final = _write_new(seeds_dir, name, upload.data)
            except SeedsWriteFailed as error:
                rejected.append(Rejected(shown, str(error)))
                continue
            seen[digest] = final
            saved.append(final)
    return SaveReport(tuple(saved), tuple(rejected))


def remove_document(seeds_dir: Path, source: str) -> str:
    """Delete the document `source` (relative to `seeds_dir`); refuses anything outside it."""
    if not isinstance(source, str) or not source or "\x00" in source:
        raise InvalidArgument(f"not a document name: {source!r}")
    # One item of a feed ("news.rss#<id>", the id often a URL): the feed file holds it, and goes with all its items.
    head = source.split("#", 1)[0]
    fmt = format_of(PurePosixPath(head).suffix)
    rel = PurePosixPath(head if "#" in source and fmt is not None and fmt.module == "feed" else source)
    if rel.is_absolute() or ".." in rel.parts:
        raise InvalidArgument(f"{source!r} is not inside the seeds folder")
    if not is_supported(rel.suffix):
        raise InvalidArgument(f"{source!r} is not a document qa reads")
    root = Path(seeds_dir).resolve()
    target = root.joinpath(*rel.parts)
    # Resolving follows symlinks: a link (or a linked folder) pointing out of seeds/ is refused.
    resolved = target.resolve()
    if resolved == root or not resolved.is_relative_to(root):
        raise InvalidArgument(f"{source!r} is not inside the seeds folder")
    if not resolved.is_file():
        raise InvalidArgument(f"{source!r} is not in the seeds folder")
    try:
        target.unlink()
    except OSError as error:
        raise SeedsWriteFailed(f"cannot remove {rel.as_posix()} from {seeds_dir}: {_reason(error)}") from None
    return rel.as_posix()


def discard(seeds_dir: Path, names: Iterable[str]) -> None:
    """Take back files this panel just saved (the index could not be updated with them)."""
    for name in names:
        try:
            (Path(seeds_dir) / name).unlink(missing_ok=True)
        except OSError:
            pass  # then the file stays in seeds/, and the next build that can write indexes it
