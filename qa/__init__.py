"""qa: multilingual question answering over a folder of news documents.

    from qa import build_index, retrieve, answer
    build_index(seeds_dir="seeds", index_dir="index")
    answer("What did Turkey call for in Syria?").quote

The API and its types load on first use (PEP 562): `import qa.ingest.readers.worker`,
the reader child process, must not pay for torch and FAISS.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from .errors import (BuildLocked, IndexIncompatible, IndexNotFound, IndexWriteFailed, InvalidArgument, ModelUnavailable,
                     NoDocuments, QAError, SeedsNotFound, SeedsWriteFailed, UnreadableDocument)

if TYPE_CHECKING:
    from .answers.answering import Answer
    from .api import answer, answer_stream, build_index, retrieve
    from .search.results import Passage
    from .store.build import BuildReport

_LAZY = {"Answer": ".answers.answering", "answer": ".api", "answer_stream": ".api", "build_index": ".api",
         "retrieve": ".api", "Passage": ".search.results", "BuildReport": ".store.build"}

__all__ = [
    "Answer", "BuildReport", "Passage", "answer", "answer_stream", "build_index", "retrieve",
    "QAError", "InvalidArgument", "SeedsNotFound", "NoDocuments", "UnreadableDocument",
    "IndexNotFound", "IndexIncompatible", "IndexWriteFailed", "SeedsWriteFailed", "ModelUnavailable", "BuildLocked",
]
__version__ = "0.1.0"


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'qa' has no attribute {name!r}")
