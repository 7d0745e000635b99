"""Command handlers: each turns parsed arguments into one call into archive/ and prints.

A command module has ``register(subparsers, archive_option)``, which adds its
subcommands with ``set_defaults(handler=...)``.  Modules import the core only
inside handlers, so building the parser stays instant.

Errors from the core (archive.errors.PictureDeskError) become one line on
stderr and their exit code; Ctrl-C becomes a short note (every committed
batch is whole, so the next run carries on).
"""

from __future__ import annotations

import signal
import sys
import threading

from archive.errors import PictureDeskError

_CANCEL = threading.Event()


def worker_count(text: str) -> int:
    """argparse type of --jobs: a whole number of at least 1."""
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def cancel_flag() -> threading.Event:
    """The flag long commands pass to the core as ``cancel``.  The first Ctrl-C sets
    it (the job stops at its next safe point, keeping every finished batch); a
    second one interrupts at once."""
    _CANCEL.clear()

    def on_interrupt(signum, frame):
        if _CANCEL.is_set():
            raise KeyboardInterrupt
        _CANCEL.set()
        print("\nstopping at the next safe point (Ctrl-C again to interrupt now)", file=sys.stderr)

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, on_interrupt)
    return _CANCEL


def open_desk(args, *, create: bool = False):
    """The archive the command names (--archive, $PICTUREDESK_ARCHIVE, the default) as a Desk."""
    from archive.desk import Desk

    return Desk.open(getattr(args, "archive", None), create=create)


def run(args) -> int:
    from archive.jobs import Cancelled

    name = args.command + (f" {args.subcommand}" if getattr(args, "subcommand", None) else "")
    try:
        return args.handler(args)
    except Cancelled:
        print(f"\npicturedesk {name}: cancelled; the archive is consistent and the next run carries on",
              file=sys.stderr)
        return 130
    except PictureDeskError as exc:
        print(f"picturedesk {name}: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"\npicturedesk {name}: interrupted; the archive is consistent "
              "and the next run carries on", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        from archive.store.db import is_read_only

        if not is_read_only(exc):
            raise
        print(f"picturedesk {name}: the archive cannot be written ({exc}): searching and showing "
              "work, changes cannot be saved", file=sys.stderr)
        return 2
    finally:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.default_int_handler)
