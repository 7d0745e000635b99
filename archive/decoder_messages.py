"""What image decoders say while they work, caught instead of printed.

Pillow reports odd files with Python ``warnings`` ("Metadata Warning, tag
296 had too many entries", "Possibly corrupt EXIF data ..."), and the C
libraries under it write to the process's standard error themselves
(libtiff's error handler: "tempfile.tif: Using code not yet in table.").
During an import both would spill onto the terminal, mixed into the
progress line and unattributed.  :func:`decoder_messages` collects both
around the decoding of one file, so the caller can report them as that
file's warnings.

The C-level part swaps file descriptor 2 for a scratch file while the
block runs; a lock keeps two threads of one process from swapping it at
once (worker processes each have their own).  Where fd 2 cannot be
duplicated (a GUI without a console) only the Python warnings are caught.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import warnings
from contextlib import contextmanager
from typing import Iterator

MAX_MESSAGES = 20          # per file: a damaged strip can make libtiff repeat itself
MAX_BYTES = 16 * 1024

_lock = threading.Lock()
_scratch: tuple[int, object] | None = None     # (pid, file): one per process, reused


def _scratch_file():
    global _scratch
    pid = os.getpid()
    if _scratch is None or _scratch[0] != pid:   # a forked worker must not share its parent's
        _scratch = (pid, tempfile.TemporaryFile())
    return _scratch[1]


@contextmanager
def decoder_messages() -> Iterator[list[str]]:
    """A list that, when the block ends, holds the warnings and stderr lines it caused."""
    messages: list[str] = []
    with _lock:
        saved = None
        scratch = None
        try:
            scratch = _scratch_file()
            scratch.seek(0)
            scratch.truncate()
            try:
                sys.stderr.flush()
            except (AttributeError, OSError, ValueError):
                pass
            saved = os.dup(2)
            os.dup2(scratch.fileno(), 2)
        except OSError:
            saved = None
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                warnings.simplefilter("ignore", ResourceWarning)
                warnings.simplefilter("ignore", DeprecationWarning)
                yield messages
        finally:
            if saved is not None:
                os.dup2(saved, 2)
                os.close(saved)
                scratch.seek(0)
                text = scratch.read(MAX_BYTES).decode("utf-8", "replace")
            else:
                text = ""
            found = [f"{w.category.__name__}: {w.message}" for w in caught]
            found += [_c_message(line.strip()) for line in text.splitlines() if line.strip()]
            for message in found:
                if message not in messages and len(messages) < MAX_MESSAGES:
                    messages.append(message)


def _c_message(line: str) -> str:
    """libtiff names the file Pillow handed it "tempfile.tif": say who is speaking instead."""
    if line.startswith("tempfile.tif: "):
        return "libtiff: " + line[len("tempfile.tif: "):]
    return line
