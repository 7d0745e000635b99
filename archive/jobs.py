"""Progress and cancellation for long work.

Long functions in the core take ``progress`` and ``cancel`` keyword arguments.
``progress(done, total, message)`` is called now and then (total may be None
when unknown); ``cancel`` is anything with an ``is_set()`` method, such as a
``threading.Event``; when it is set the function stops at the next safe point,
leaves the archive consistent and raises :class:`Cancelled`.  The CLI turns
these into a terminal progress bar and Ctrl-C; the window turns them into Qt
signals and a Cancel button.
"""

from __future__ import annotations

from typing import Callable, Optional, Protocol

Progress = Callable[[int, Optional[int], str], None]


class CancelFlag(Protocol):
    def is_set(self) -> bool: ...


class Cancelled(Exception):
    """Raised when a cancel flag was set; the archive is consistent."""


def no_progress(done: int, total: Optional[int], message: str = "") -> None:
    """The default progress callback: report nothing."""


class NeverCancel:
    """The default cancel flag: never set."""

    def is_set(self) -> bool:
        return False


def check_cancel(cancel: CancelFlag | None) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled()
