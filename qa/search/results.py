"""What a search returns: passages, their evidence, and the search itself.

Plain frozen records; ranking is `fusion.py`, loading `loaded.py`.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..model.embedding import QueryVectors

if TYPE_CHECKING:
    from ..store.bm25 import LexicalIndex
    from .loaded import LoadedIndex


@dataclass(frozen=True)
class Passage:
    text: str
    source: str
    start: int
    end: int
    score: float
    chunk_id: str
    # What the document's reader knew about it ("" when nothing).
    title: str = ""
    published: str = ""
    author: str = ""
    url: str = ""
    # Where each page starts in the document (PDFs); empty otherwise.
    pages: tuple[int, ...] = field(default=(), repr=False)

    def page_at(self, offset: int) -> int:
        """The 1-based page of document offset `offset`, 0 when the document has no pages."""
        return bisect.bisect_right(self.pages, offset) if self.pages else 0

    @property
    def page(self) -> int:
        return self.page_at(self.start)


@dataclass(frozen=True)
class Scored:
    """A ranked chunk with the evidence behind its score."""
    passage: Passage
    row: int
    dense: float
    sentence: float
    sparse: float
    lexical: float
    names: float = 0.0
    translation: float = 0.0


@dataclass(frozen=True)
class Search:
    """Ranked chunks plus what answer selection needs to score sentences."""
    query: str
    vectors: QueryVectors
    terms: tuple[str, ...]
    coverage: float
    ranked: tuple[Scored, ...]
    # The generation these rows belong to: a rebuild may swap the live one mid-answer.
    index: "LoadedIndex | None" = field(default=None, repr=False, compare=False)
    names: tuple[str, ...] = ()  # the question's name keys (names.question_keys)
    name_coverage: float = 0.0  # share of them the searched documents hold
    # Arabic terms of each English content word (translation.translations; empty sets: untranslated)
    # and the share of those words the searched documents hold.
    translations: tuple[frozenset[str], ...] = ()
    translation_coverage: float = 0.0
    # The word statistics the search used: the index's, or the visible documents' alone (`exclude`).
    lexical: "LexicalIndex | None" = field(default=None, repr=False, compare=False)
    name_index: "LexicalIndex | None" = field(default=None, repr=False, compare=False)
