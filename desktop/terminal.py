"""Progress on stderr: a bar on a terminal, a few plain lines otherwise.

The core reports progress as (done, total, message); this turns it into what
a person at a terminal expects, and stays quiet in pipes and CI logs except
for one line per phase.
"""

from __future__ import annotations

import sys
import time


class TerminalProgress:
    def __init__(self, stream=None, min_interval: float = 0.1):
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.min_interval = min_interval
        self.last = 0.0
        self.phase = None
        self.started = time.monotonic()

    def __call__(self, done: int, total: int | None, message: str = "") -> None:
        now = time.monotonic()
        if message != self.phase:
            self.finish_line()
            self.phase = message
            self.started = now
            if not self.tty and message:
                print(f"{message}{f' ({total})' if total else ''}...", file=self.stream, flush=True)
        if not self.tty:
            return
        if now - self.last < self.min_interval and not (total and done >= total):
            return
        self.last = now
        if total:
            width = 30
            filled = int(width * done / total) if total else 0
            rate = done / max(now - self.started, 1e-6)
            line = f"\r{message:<18} [{'#' * filled}{'.' * (width - filled)}] {done}/{total} {rate:,.0f}/s"
        else:
            line = f"\r{message} {done or ''}"
        self.stream.write(line.ljust(78))
        self.stream.flush()

    def finish_line(self) -> None:
        if self.tty and self.phase is not None:
            self.stream.write("\n")
            self.stream.flush()
