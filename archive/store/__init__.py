"""The store layer: the only place in Picture Desk that knows SQL.

Everything above it (sync, search, matching, rules, the window) calls functions
here that take and return plain values, so a shared PostgreSQL archive can be
added beside SQLite without touching them (DESIGN.md, "Growing past one
workstation").
"""

from archive.store.db import Archive, default_archive_dir, open_archive

__all__ = ["Archive", "open_archive", "default_archive_dir"]
