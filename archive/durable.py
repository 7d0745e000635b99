"""Making a rename durable: after ``os.replace`` puts a finished file in place, the
folder that holds it is flushed too, or a power cut could bring back the old name.

One helper for every writer that renames a whole file into place (sidecars, files
written with embedded metadata, backups)."""

from __future__ import annotations

import os


def sync_folder(folder) -> None:
    """Flush ``folder``'s entries (POSIX).  Windows has no directory handle to flush,
    and a folder that cannot be opened is left to the system: the file itself is whole."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
