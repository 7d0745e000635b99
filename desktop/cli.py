"""The `picturedesk` command line: argument parsing and dispatch, nothing else.

Every command is a thin call into archive/ (the handlers live in
desktop/commands/).  Nothing here imports Qt or the core at start-up, so
`picturedesk --help` answers at once; a handler imports what it needs.

Exit codes: 0 ok, 1 the command ran and found errors, 2 bad usage or input.
"""

from __future__ import annotations

import argparse
import sys


def _archive_option(parser: argparse.ArgumentParser, top: bool = False) -> None:
    # On subcommands the default is SUPPRESS, so `picturedesk --archive D search` keeps D.
    parser.add_argument("--archive", metavar="DIR", default=None if top else argparse.SUPPRESS,
                        help="archive directory (default: $PICTUREDESK_ARCHIVE or the user data dir)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="picturedesk",
        description="Picture Desk: catalogue, caption, check and search news photos.")
    _archive_option(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("import", help="add or refresh photos and folders (recursive)")
    _archive_option(p)
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--no-thumbnails", action="store_true", help="skip making thumbnails")
    p.add_argument("--json", action="store_true", help="print the report as JSON on stdout")
    p.add_argument("--jobs", type=int, metavar="N", help="worker processes (default: every core)")

    p = sub.add_parser("sync", help="rescan every known folder: new, changed, moved, missing")
    _archive_option(p)
    p.add_argument("--no-thumbnails", action="store_true", help="skip making thumbnails")
    p.add_argument("--json", action="store_true", help="print the report as JSON on stdout")
    p.add_argument("--jobs", type=int, metavar="N", help="worker processes (default: every core)")

    p = sub.add_parser("show", help="print one photo's record")
    _archive_option(p)
    p.add_argument("photo", metavar="ID|PATH")
    p.add_argument("--on", metavar="DATE", help="publication date for clearance (default today)")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("search", help="search the archive (see README for the query language)")
    _archive_option(p)
    p.add_argument("query", nargs="*", metavar="QUERY")
    p.add_argument("--limit", type=int, default=50, metavar="N")
    p.add_argument("--after", metavar="CURSOR", help="the 'next' cursor of the previous page")
    p.add_argument("--facets", action="store_true", help="also count photographers, places, agencies ...")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("demo", help="build the demo archive and show what is in it")
    p.add_argument("--archive", metavar="DIR", default=argparse.SUPPRESS,
                   help="where to build it (default: the user data dir's demo)")
    p.add_argument("--json", action="store_true")
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
