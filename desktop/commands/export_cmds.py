"""export: the caption sheet of an article or a search, a thin call into Desk.export."""

from __future__ import annotations

from desktop.commands import cancel_flag, open_desk
from desktop.commands.output import err, print_json

FORMATS = ("pdf", "html", "csv", "json")       # archive.export.FORMATS (not imported: the parser stays instant)


def register(sub, archive_option) -> None:
    p = sub.add_parser(
        "export", help="write the licensed caption sheet of an article or a search (pdf, html, csv, json)",
        description="Write a caption sheet: each photo with its caption, credit line and the licence that "
                    "allows it on the publication date. Cleared and conditional photos are on the sheet; "
                    "not-cleared ones are listed apart with the reason (--include-uncleared puts them on "
                    "the sheet, marked). The file is written only when complete.")
    archive_option(p)
    p.add_argument("query", nargs="*", metavar="QUERY", help="a search query choosing the photos")
    p.add_argument("--article", metavar="ID", help="the photos paired with this article's captions, in caption order")
    p.add_argument("--format", choices=FORMATS, help="pdf, html, csv or json (default: from the file's extension)")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="the file to write")
    p.add_argument("--on", metavar="DATE", help="publication date for licences and embargoes (default today)")
    p.add_argument("--paper", choices=("a4", "letter"), default="a4", help="PDF and printed HTML page size")
    p.add_argument("--include-uncleared", action="store_true",
                   help="put not-cleared photos on the sheet, clearly marked, instead of apart")
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    p.add_argument("--json", action="store_true", help="print what was written (path, counts) as JSON")
    p.set_defaults(handler=cmd_export)


def _format(args) -> str:
    from pathlib import Path

    from archive.errors import UsageError

    if args.format:
        return args.format
    suffix = Path(args.output).suffix.lower().lstrip(".")
    fmt = {"htm": "html"}.get(suffix, suffix)
    if fmt not in FORMATS:
        raise UsageError(f"say --format pdf|html|csv|json (the name {args.output} does not tell)")
    return fmt


def cmd_export(args) -> int:
    from archive.errors import UsageError
    from archive.export.target import check_target
    from archive.licence_model import parse_date
    from desktop.terminal import TerminalProgress

    query = " ".join(args.query).strip()
    if bool(query) == bool(args.article):
        raise UsageError("export the photos of --article ID or of a QUERY (one of the two)")
    fmt = _format(args)
    on = parse_date(args.on, "--on")
    check_target(args.output, force=args.force)        # a wrong path is reported before any work
    renderers = {}
    if fmt == "pdf":
        from desktop.pdf_sheet import render_pdf       # Qt only for a PDF

        renderers["pdf"] = render_pdf
    progress = TerminalProgress()
    cancel = cancel_flag()
    with open_desk(args) as desk:
        result = desk.export(args.output, format=fmt, article=args.article, query=query or None, on=on,
                             paper=args.paper, include_uncleared=args.include_uncleared, force=args.force,
                             renderers=renderers, progress=progress, cancel=cancel)
    progress.finish_line()
    if args.json:
        print_json(result.to_dict())
    c = result.counts
    apart = f"; {c['left_out']} not cleared listed apart" if c["left_out"] else ""
    err(f"wrote {result.path}: {c['on_sheet']} photo{'s' if c['on_sheet'] != 1 else ''} on the sheet for "
        f"{result.on} ({c['cleared']} cleared, {c['conditional']} conditional, {c['not_cleared']} not cleared, "
        f"{c['pay']} to pay for){apart}")
    for note in result.notes:
        err(f"note: {note}")
    return 0
