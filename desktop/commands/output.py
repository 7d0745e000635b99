"""Printing: JSON on stdout for scripts, plain lines for people."""

from __future__ import annotations

import json
import sys


def print_json(value) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=1, default=str))
    sys.stdout.write("\n")


def err(message: str) -> None:
    print(message, file=sys.stderr)


def warn_unwritten(unwritten) -> int:
    """Say on stderr which sidecars an edit could not reach and why (the edit itself is
    saved in the archive and the write is retried); returns how many."""
    for item in unwritten:
        err(f"warning: {printable(item.message())}; the edit is saved in the archive and will be "
            "written to the sidecar on the next edit, sync or start")
    return len(unwritten)


_CONTROLS = {c: f"\\x{c:02x}" for c in [*range(0x00, 0x20), 0x7f, *range(0x80, 0xa0)]}
_CONTROLS.update({ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"})
_STRAY = {c: v for c, v in _CONTROLS.items() if c not in (ord("\n"), ord("\r"), ord("\t"))}


def printable(text) -> str:
    """A value from a file (a name, a caption) as one line a terminal shows as it is:
    every control character, newlines and escape sequences included, written as an
    escape (\\n, \\x1b).  JSON output needs none of this: it escapes them itself."""
    return str(text).translate(_CONTROLS)


class PrintableStream:
    """A text stream that writes every control character but newline, carriage return
    and tab as an escape, so no file name or caption can move the cursor, recolour or
    retitle the terminal, whatever command prints it (the last guard; ``printable``
    also keeps a value on its own line)."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(text.translate(_STRAY))

    def __getattr__(self, name):
        return getattr(self._stream, name)
