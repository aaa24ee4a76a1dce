"""What every reader returns: the document's text, exactly as indexed, and what is known about it.

A reader turns a file's bytes into one or more `Extracted` (a feed gives one
per item). The text is final: chunk offsets index into it, so a reader does
its own normalization (NFKC of presentation forms, logical order) before
returning, never after. Readers raise `UnreadableDocument` with a bare reason
("no text layer (scanned?)", "encrypted PDF"); the caller adds the file name.
They do no I/O beyond the bytes they are given, and no printing.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Metadata:
    title: str = ""
    published: str = ""  # ISO 8601 date or date-time, as precise as the source says
    author: str = ""  # the author, or the outlet when no person is named
    url: str = ""  # where the document came from (a page's canonical URL, a feed item's link)
    language: str = ""  # BCP 47 code when the source declares it ("ar", "en")
    # PDFs: the text offset at which each page starts (page n starts at pages[n-1]; pages[0] == 0).
    pages: tuple[int, ...] = ()

    def page_at(self, offset: int) -> int:
        """The 1-based page holding text offset `offset`, or 0 when the document has no pages."""
        return bisect.bisect_right(self.pages, offset) if self.pages else 0

    def to_json(self) -> dict:
        """The fields that are set (what a manifest stores)."""
        data = {key: value for key, value in self.__dict__.items() if value}
        if "pages" in data:
            data["pages"] = list(self.pages)
        return data

    @classmethod
    def from_json(cls, data: dict | None) -> "Metadata":
        data = dict(data or {})
        if "pages" in data:
            data["pages"] = tuple(data["pages"])
        return cls(**{key: value for key, value in data.items() if key in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Extracted:
    text: str
    meta: Metadata = field(default_factory=Metadata)
    # How the text was obtained, shown in the manifest: "utf-8", "html (cp1256)", "pdf", "pdf (ocr)".
    encoding: str = ""
    warning: str = ""  # why the text may not be exactly the source's ("" when it is)
    part: str = ""  # which part of the file this is when a file gives several (a feed item's id)

    def to_json(self) -> dict:
        """What the reader's child process and the extraction cache store."""
        return {"text": self.text, "meta": self.meta.to_json(), "encoding": self.encoding, "warning": self.warning,
                "part": self.part}

    @classmethod
    def from_json(cls, data: dict) -> "Extracted":
        return cls(data["text"], Metadata.from_json(data["meta"]), data["encoding"], data["warning"], data["part"])
