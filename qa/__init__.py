"""qa: multilingual question answering over a folder of news documents.

    from qa import build_index, retrieve, answer
    build_index(seeds_dir="seeds", index_dir="index")
    answer("Who proposed a ground operation?").quote
"""
from .answers.answering import Answer
from .api import answer, build_index, retrieve
from .store.build import BuildReport
from .errors import (BuildLocked, IndexIncompatible, IndexNotFound, IndexWriteFailed, InvalidArgument, ModelUnavailable,
                     NoDocuments, QAError, SeedsNotFound, SeedsWriteFailed, UnreadableDocument)
from .search.results import Passage

__all__ = [
    "Answer", "BuildReport", "Passage", "answer", "build_index", "retrieve",
    "QAError", "InvalidArgument", "SeedsNotFound", "NoDocuments", "UnreadableDocument",
    "IndexNotFound", "IndexIncompatible", "IndexWriteFailed", "SeedsWriteFailed", "ModelUnavailable", "BuildLocked",
]
__version__ = "0.1.0"
