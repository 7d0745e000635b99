"""Errors the core raises for the front ends to show a person.

Every error names the thing it is about (a file, an argument, a query) and the
problem in words, so the command line can print it as one line and exit 2
without a traceback.
"""

from __future__ import annotations


class PictureDeskError(Exception):
    """Base class: a problem a person can understand and act on."""

    exit_code = 2


class UsageError(PictureDeskError):
    """Bad usage: a wrong argument, an unknown option value, a bad date."""


class UnreadableFile(PictureDeskError):
    """A file that cannot be read as a photo; ``path`` and ``reason`` say why."""

    def __init__(self, path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class QueryError(PictureDeskError):
    """A search query that cannot be understood; the message says where."""


class ArchiveError(PictureDeskError):
    """The archive directory or database cannot be used (read-only, full, newer)."""


class NotFound(PictureDeskError):
    """A photo, article, licence or lease id or path that is not in the archive."""
