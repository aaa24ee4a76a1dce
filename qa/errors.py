"""Domain errors of `qa`.

Each one carries a message a user can act on; the CLI and the chat turn them
into one line. This module does no formatting and no exit handling itself.
"""
from __future__ import annotations


class QAError(Exception):
    """Base class: anything `qa` reports to a user as one line."""


class InvalidArgument(QAError, ValueError):
    """A caller passed a value `qa` cannot use (named in the message)."""


class SeedsNotFound(QAError):
    """The seeds folder does not exist or is not a folder."""


class NoDocuments(QAError):
    """The seeds folder holds no readable document."""


class UnreadableDocument(QAError):
    """A file could not be read or decoded; it is skipped by the builder."""


class IndexNotFound(QAError):
    """No index has been built in the given folder yet."""


class IndexIncompatible(QAError):
    """The index was built by another model or format version."""


class ModelUnavailable(QAError):
    """The embedding model could not be prepared or loaded."""


class BuildLocked(QAError):
    """Another build holds the index lock."""


class IndexWriteFailed(QAError):
    """The operating system refused to write the index (a read-only or full disk, a path that is a file)."""


class SeedsWriteFailed(QAError):
    """The operating system refused to change the seeds folder (a read-only or full disk)."""
