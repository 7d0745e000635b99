"""The `picturedesk` command line: argument parsing and dispatch, nothing else.

With no command it opens the window.  Every command is a thin call into archive/.  Each module in COMMAND_MODULES
registers its own subcommands and handlers (desktop/commands/*.py).  Nothing
here imports Qt or the core at start-up, so `picturedesk --help` answers at
once; a handler imports what it needs.

Exit codes: 0 ok, 1 the command ran and found errors, 2 bad usage or input.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMAND_MODULES = ("archive_cmds", "article_cmds", "rules_cmds", "export_cmds", "backup_cmds")


def archive_option(parser: argparse.ArgumentParser, top: bool = False) -> None:
    # On subcommands the default is SUPPRESS, so `picturedesk --archive D search` keeps D.
    parser.add_argument("--archive", metavar="DIR", default=None if top else argparse.SUPPRESS,
                        help="archive directory (default: $PICTUREDESK_ARCHIVE or the user data dir)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="picturedesk",
        description="Picture Desk: catalogue, caption, check and search news photos.",
        epilog="Exit codes: 0 ok, 1 the command found errors, 2 bad usage or input.")
    archive_option(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"desktop.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"desktop.commands.{name}":
                raise
            continue
        module.register(sub, archive_option)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        # No command: the window, on the archive --archive or $PICTUREDESK_ARCHIVE names.
        return open_window(args.archive)
    from desktop.commands import run
    from desktop.commands.output import PrintableStream

    out, error = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = PrintableStream(out), PrintableStream(error)
    try:
        return run(args)
    finally:
        sys.stdout, sys.stderr = out, error


def open_window(archive_dir=None, on=None, quit_when_shown: bool = False) -> int:
    """Open the Picture Desk window (Qt is imported only now)."""
    import os

    from archive.errors import PictureDeskError

    archive_dir = archive_dir or os.environ.get("PICTUREDESK_ARCHIVE") or None
    if (sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM")
            and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")):
        # Qt would abort the process; say what to do instead.
        print("picturedesk: no display to open the window on (DISPLAY is not set); run a command "
              "(picturedesk --help), or set QT_QPA_PLATFORM=offscreen", file=sys.stderr)
        return 2
    try:
        from desktop.gui.app import run
    except ImportError as exc:
        print(f"picturedesk: the window needs PySide6 and Qt's system libraries: {exc}", file=sys.stderr)
        return 2
    try:
        return run(archive_dir, on=on, quit_when_shown=quit_when_shown)
    except PictureDeskError as exc:
        print(f"picturedesk: {exc}", file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    raise SystemExit(main())
