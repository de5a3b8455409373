"""Exceptions raised by the index package; the CLI and web layer map them to messages."""


class IndexError_(Exception):
    """Base class for index problems (named with a trailing underscore to avoid the builtin)."""


class IndexMissing(IndexError_):
    """No built index exists at the configured location."""


class IndexCorrupt(IndexError_):
    """A built index failed verification (checksum, missing file, unreadable manifest)."""


class IndexWriteError(IndexError_):
    """The index could not be written (read-only folder, disk full); the previous index is untouched."""


class ModelError(Exception):
    """The embedding model could not be located or failed verification."""
