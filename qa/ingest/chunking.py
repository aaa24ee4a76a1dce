"""Splitting a `Document` into retrieval chunks.

Job: cut a document into overlapping pieces of at most `max_tokens` tokens (a
heading may add up to `overlap_tokens`, below) (as measured by the caller's
`length_function`) with langchain's
`RecursiveCharacterTextSplitter`, preferring paragraph, line, sentence and
clause boundaries in Arabic and Latin text, and give every chunk exact
character offsets into `Document.text` plus a stable id.

Left out on purpose: no tokenizer (the caller supplies the token counter), no
text normalization, no embedding, no sentence segmentation (see `sentences`).

A heading is not a passage: a piece that is whole lines of the document
without sentence punctuation (a title, a title and its byline:
`sentences.ends_sentence`) joins the piece after it, as long as the two stay
within max_tokens + overlap_tokens (and MAX_TOKENS). The splitter leaves a
title alone when the first paragraph does not fit beside it; in 1,000 news articles (title, blank line,
text) that made 606 of 3,595 chunks a bare title, which short questions then
matched better than the text (docs/quality.md).

Invariant: `doc.text[chunk.start:chunk.end] == chunk.text` for every chunk,
and the chunks together cover every non-whitespace character of the document.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import asdict, dataclass

from langchain_text_splitters import RecursiveCharacterTextSplitter

from .documents import Document
from .sentences import ends_sentence
from ..errors import InvalidArgument

# Coarsest first. Each separator stays at the end of the piece before it
# (keep_separator="end"), so a sentence keeps its full stop.
SEPARATORS = [
    "\n\n", "\n",
    ". ", "! ", "? ", "؟ ", "۔ ",  # sentence ends, Latin and Arabic/Urdu
    "؛ ", "; ", "، ", ", ",  # clause ends: Arabic and Latin semicolon, comma
    " ", "",
]
MIN_TOKENS, MAX_TOKENS = 16, 500
# How `chunk_document` cuts, in the index manifest beside the settings: bumped when the same settings
# cut differently, so an index built the old way is rebuilt rather than mixed. 2: headings join the text.
SPLITTER_VERSION = 2


@dataclass(frozen=True)
class ChunkSettings:
    # About one paragraph: on XQuAD, 320 tokens cut 48 articles into 238 chunks for 240
    # paragraphs. Smaller chunks split paragraphs and lost passage recall, larger ones
    # lost quotes (docs/quality.md, "Chunk size").
    max_tokens: int = 320
    overlap_tokens: int = 64

    def __post_init__(self) -> None:
        for name in ("max_tokens", "overlap_tokens"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidArgument(f"{name}={value!r} is not an integer")
        if not MIN_TOKENS <= self.max_tokens <= MAX_TOKENS:
            raise InvalidArgument(
                f"max_tokens={self.max_tokens} is outside {MIN_TOKENS}..{MAX_TOKENS}"
            )
        if not 0 <= self.overlap_tokens < self.max_tokens:
            raise InvalidArgument(
                f"overlap_tokens={self.overlap_tokens} must be at least 0"
                f" and below max_tokens={self.max_tokens}"
            )

    def as_dict(self) -> dict[str, int]:
        """Plain values; `ChunkSettings(**d)` rebuilds it."""
        return asdict(self)

    def recorded(self) -> dict[str, int]:
        """What an index manifest (and `qa eval`'s report) records of how it was chunked: the settings and
        SPLITTER_VERSION, so an index cut another way is rebuilt."""
        return {**self.as_dict(), "splitter": SPLITTER_VERSION}


@dataclass(frozen=True)
class Chunk:
    chunk_id: str
    source: str
    start: int
    end: int
    text: str


def chunk_id(source: str, start: int, end: int, text: str) -> str:
    """First 16 hex digits of the SHA-256 of source, offsets and text."""
    key = f"{source}\0{start}\0{end}\0{text}".encode("utf-8")
    return hashlib.sha256(key).hexdigest()[:16]


def _next_non_space(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position


def _locate(text: str, pieces: list[str]) -> list[tuple[int, int]]:
    """Character spans of the splitter's pieces, in order.

    The splitter returns strings only, and `add_start_index` guesses wrong
    when text repeats ("a a a a ..."), leaving tail text uncovered. Each
    piece starts at or before the first non-space character after the
    previous piece ends (pieces overlap or abut), so take the *latest*
    occurrence starting no later than that point: it is never before the
    true position, which keeps the union of spans covering the whole text.
    """
    spans: list[tuple[int, int]] = []
    frontier = _next_non_space(text, 0)
    for piece in pieces:
        start = text.rfind(piece, 0, frontier + len(piece))
        if start == -1:  # not expected from the splitter; stay correct anyway
            start = text.find(piece, frontier)
        if start == -1:
            raise RuntimeError(f"splitter returned text not in the document: {piece[:40]!r}")
        end = start + len(piece)
        spans.append((start, end))
        frontier = max(frontier, _next_non_space(text, end))
    return spans


def chunk_document(
    doc: Document,
    length_function: Callable[[str], int],
    settings: ChunkSettings = ChunkSettings(),
) -> list[Chunk]:
    """Split `doc` into chunks of at most `settings.max_tokens` tokens (a heading may add up to overlap_tokens)."""
    text = doc.text
    stripped = text.strip()
    if not stripped:
        return []
    if length_function(stripped) <= settings.max_tokens:
        # The splitter would measure the pieces separately; a counter that adds
        # special tokens per call could then split a document that fits.
        pieces = [stripped]
    else:
        splitter = RecursiveCharacterTextSplitter(
            separators=SEPARATORS,
            keep_separator="end",
            chunk_size=settings.max_tokens,
            chunk_overlap=settings.overlap_tokens,
            length_function=length_function,
            strip_whitespace=True,
        )
        pieces = [p for p in splitter.split_text(text) if p.strip()]
    chunks: list[Chunk] = []
    seen: set[tuple[int, int]] = set()
    # Within the model's positions whatever the settings (MAX_TOKENS keeps every chunk there).
    limit = min(settings.max_tokens + settings.overlap_tokens, MAX_TOKENS)
    for start, end in _join_headings(text, _locate(text, pieces), length_function, limit):
        if (start, end) in seen:  # an identical repeat adds nothing to retrieval
            continue
        seen.add((start, end))
        piece = text[start:end]
        chunks.append(Chunk(chunk_id(doc.source, start, end, piece), doc.source, start, end, piece))
    return chunks


def _line_edge(text: str, position: int, step: int) -> bool:
    """Is there only blank space between `position` and a line break or the text's edge, going by `step`?"""
    while 0 <= position < len(text) and text[position] in " \t\r":
        position += step
    return not 0 <= position < len(text) or text[position] == "\n"


def _is_heading(text: str, start: int, end: int) -> bool:
    """Is text[start:end] whole lines, none with sentence punctuation (a title, or a title and its byline)?"""
    lines = [line.strip() for line in text[start:end].splitlines() if line.strip()]
    return (bool(lines) and not any(ends_sentence(line) for line in lines)
            and _line_edge(text, start - 1, -1) and _line_edge(text, end, 1))


def _join_headings(text: str, spans: list[tuple[int, int]], length_function: Callable[[str], int],
                   limit: int) -> list[tuple[int, int]]:
    """The spans with every heading-only span joined to the span after it (see the module docstring)."""
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(spans):
        start, end = spans[i]
        while (i + 1 < len(spans) and _is_heading(text, start, end)
               and length_function(text[start:spans[i + 1][1]]) <= limit):
            i += 1
            end = max(end, spans[i][1])
        out.append((start, end))
        i += 1
    return out
