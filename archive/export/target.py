"""Writing an export file safely: checked first, written aside, renamed at the end.

A sheet is written to a temporary file in the target's own folder (so the final
rename is atomic, on the same file system) and renamed over the target only
when the writer finished; a failure or a cancel removes the temporary file, so
no half-written sheet is ever left where the person expects the real one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from archive.errors import UsageError


class TargetError(UsageError):
    """The output file cannot be written where the person asked (the message names the path)."""


def check_target(path, *, force: bool = False) -> Path:
    """The absolute target path, or TargetError: an existing file without ``force``,
    a folder that does not exist or cannot be written, a target that is a folder."""
    target = Path(path).expanduser()
    target = target if target.is_absolute() else Path.cwd() / target
    folder = target.parent
    if target.is_dir():
        raise TargetError(f"{target} is a folder; name a file to write the sheet to")
    if not folder.is_dir():
        raise TargetError(f"the folder {folder} does not exist; create it or choose another")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise TargetError(f"the folder {folder} cannot be written to; choose another")
    if target.exists() and not force:
        raise TargetError(f"{target} already exists; choose another name or overwrite it (--force)")
    return target


@contextlib.contextmanager
def written_aside(target: Path):
    """Yields a temporary path beside ``target``; renamed onto it when the block ends
    without an error, removed otherwise."""
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        try:
            mode = 0o666 & ~_umask()
            os.chmod(tmp, mode)             # mkstemp makes it 0600; a sheet is for sharing
        except OSError:
            pass
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
