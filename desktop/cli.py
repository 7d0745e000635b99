"""The `picturedesk` command line: argument parsing and dispatch, nothing else.

Every command is a thin call into archive/.  Each module in COMMAND_MODULES
registers its own subcommands and handlers (desktop/commands/*.py).  Nothing
here imports Qt or the core at start-up, so `picturedesk --help` answers at
once; a handler imports what it needs.

Exit codes: 0 ok, 1 the command ran and found errors, 2 bad usage or input.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMAND_MODULES = ("archive_cmds", "article_cmds", "rules_cmds")


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
        parser.print_help(sys.stderr)
        return 2
    from desktop.commands import run

    return run(args)


if __name__ == "__main__":
    raise SystemExit(main())
