"""import, sync, show, search, demo: thin calls into archive/."""

from __future__ import annotations

import argparse

from desktop.commands import worker_count
from desktop.commands.output import err, print_json, printable, warn_unwritten
from desktop.terminal import TerminalProgress


def register(sub, archive_option) -> None:
    p = sub.add_parser("import", help="add or refresh photos and folders (recursive)")
    archive_option(p)
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--no-thumbnails", action="store_true", help="skip making thumbnails")
    p.add_argument("--json", action="store_true", help="print the report as JSON on stdout")
    p.add_argument("--jobs", type=worker_count, metavar="N", help="worker processes (default: every core)")
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("sync", help="rescan every known folder: new, changed, moved, missing")
    archive_option(p)
    p.add_argument("--no-thumbnails", action="store_true", help="skip making thumbnails")
    p.add_argument("--json", action="store_true", help="print the report as JSON on stdout")
    p.add_argument("--jobs", type=worker_count, metavar="N", help="worker processes (default: every core)")
    p.set_defaults(handler=cmd_sync)

    p = sub.add_parser("show", help="print one photo's record")
    archive_option(p)
    p.add_argument("photo", metavar="ID|PATH")
    p.add_argument("--on", metavar="DATE", help="publication date for clearance (default today)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_show)

    p = sub.add_parser("search", help="search the archive (see README for the query language)")
    archive_option(p)
    p.add_argument("query", nargs="*", metavar="QUERY")
    p.add_argument("--limit", type=int, default=50, metavar="N")
    p.add_argument("--after", metavar="CURSOR", help="the 'next' cursor of the previous page")
    p.add_argument("--facets", action="store_true", help="also count photographers, places, agencies ...")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_search)

    p = sub.add_parser("demo", help="build the demo archive and open the window on it")
    p.add_argument("--archive", metavar="DIR", default=argparse.SUPPRESS,
                   help="where to build it (default: the user data dir's demo)")
    p.add_argument("--no-window", action="store_true", help="only build it and print what is in it")
    p.add_argument("--json", action="store_true", help="print what is in it as JSON (no window)")
    p.add_argument("--smoke-test", action="store_true",
                   help="open the window, close it once its first photos are painted (checks an install)")
    p.set_defaults(handler=cmd_demo)


def open_from_args(args, *, create=False):
    from archive.store import open_archive

    return open_archive(getattr(args, "archive", None), create=create)


WARNINGS_SHOWN = 10     # in the text report; --json lists them all


def _print_report(report, args) -> int:
    """The import/sync report; exit 1 when a file failed or an edit could not reach its
    sidecar (skipped files and warnings are not errors)."""
    data = report.to_dict()
    if getattr(args, "json", False):
        print_json(data)
    else:
        err(f"added {report.added}, updated {report.updated}, moved {report.moved}, "
            f"missing {report.missing}, unchanged {report.unchanged}, failed {len(report.failed)}")
        for path, reason in report.failed:
            err(f"  failed: {printable(path)}: {printable(reason)}")
        skipped = data["skipped"]
        if skipped["total"]:
            kinds = ", ".join(f"{kind} {n}" for kind, n in skipped["by_type"].items())
            err(f"skipped {skipped['total']} ({kinds}): not photos Picture Desk reads")
        for photo_id, path, fld in report.conflicts:
            err(f"  kept your edit of {fld} for photo {photo_id} ({printable(path)}); the file now says otherwise")
        if report.thumbnails:
            t = report.thumbnails
            err(f"thumbnails: made {t.get('made', 0)}, skipped {t.get('skipped', 0)}, "
                f"failed {len(t.get('failed', []))}")
        if report.warnings:
            err(f"warnings: {len(report.warnings)}")
            for path, message in report.warnings[:WARNINGS_SHOWN]:
                err(f"  warning: {printable(path)}: {printable(message)}")
            if len(report.warnings) > WARNINGS_SHOWN:
                err(f"  ... and {len(report.warnings) - WARNINGS_SHOWN} more (--json lists them all)")
    unwritten = warn_unwritten(report.unwritten)
    return 1 if report.failed or unwritten else 0


def _finish_background(desk, cancel) -> None:
    """A big archive is prepared for search after an import or a sync; the window does
    it in the background, a command before it exits (else the next start rebuilds)."""
    import threading

    if cancel.is_set() or not desk.background_pending():
        return
    err("preparing the archive for search (Ctrl-C leaves it for later) ...")
    work = threading.Thread(target=desk.finish_background, name="prepare", daemon=True)
    work.start()
    while work.is_alive():
        if cancel.wait(0.1):            # each write of it is a transaction: stopping is safe
            cancel.clear()              # the import itself finished: its report stands
            err("left for later: the next search of this archive prepares it")
            return


def cmd_import(args) -> int:
    from desktop.commands import cancel_flag, open_desk

    progress = TerminalProgress()
    cancel = cancel_flag()     # before opening: a Ctrl-C during a migration cancels too
    with open_desk(args, create=True) as desk:
        report = desk.import_paths(args.paths, thumbnails=not args.no_thumbnails,
                                   progress=progress, cancel=cancel, processes=args.jobs)
        _finish_background(desk, cancel)
    progress.finish_line()
    return _print_report(report, args)


def cmd_sync(args) -> int:
    from desktop.commands import cancel_flag, open_desk

    progress = TerminalProgress()
    cancel = cancel_flag()     # before opening: a Ctrl-C during a migration cancels too
    with open_desk(args) as desk:
        report = desk.sync(thumbnails=not args.no_thumbnails, progress=progress, cancel=cancel,
                           processes=args.jobs)
        _finish_background(desk, cancel)
    progress.finish_line()
    return _print_report(report, args)


def cmd_show(args) -> int:
    from archive.licence_model import parse_date
    from desktop.commands import open_desk

    on = parse_date(args.on, "--on")
    with open_desk(args) as desk:
        photo_id = desk.resolve(args.photo)
        if not desk.record(photo_id, on=on)["checks_current"]:
            from archive.store.db import is_read_only

            try:
                desk.bring_checks_current(on=on, photo_ids=[photo_id])   # a command may write what it shows
            except Exception as exc:
                if not is_read_only(exc):
                    raise                   # read-only: the record judges its checks in memory
        record = desk.record(photo_id, on=on)
    if args.json:
        print_json(record)
    else:
        _print_record(record)
    return 0


def _print_record(record: dict) -> None:
    lines = [f"#{record['id']}  {record['path']}" + ("  (MISSING)" if record.get("missing") else "")]
    for key in ("taken_at", "creator", "credit", "source", "copyright", "credit_line", "headline",
                "caption", "city", "sublocation", "state", "country", "country_code", "keywords",
                "instructions", "usage_terms", "make", "model", "lens", "gps"):
        value = record.get(key)
        if value in (None, [], ""):
            continue
        if isinstance(value, list):
            value = "; ".join(value)
        if isinstance(value, dict):
            value = ", ".join(f"{k} {v}" for k, v in value.items() if v is not None)
        lines.append(f"  {key:<13} {value}")
    if record.get("clearance"):
        c = record["clearance"]
        lines.append(f"  {'clearance':<13} {c['status']} on {c['on']} ({c.get('cost') or 'cost unknown'})")
        lines.extend(f"                - {r}" for r in c.get("reasons", []))
    for v in record.get("violations", []):
        lines.append(f"  {v['severity']:<13} {v['rule']}: {v['message']}")
    for k, v in (record.get("conflicts") or {}).items():
        lines.append(f"  {'conflict':<13} {k}: the file now says {v!r}; your edit is kept")
    if record.get("writeback"):
        w = record["writeback"]
        lines.append(f"  {'sidecar':<13} not yet written: {', '.join(w['fields'])}"
                     + (f" ({w['error']})" if w.get("error") else ""))
    for message in record.get("warnings") or []:        # a damaged file, a thumbnail that failed
        lines.append(f"  {'warning':<13} {printable(message)}")
    print("\n".join(lines))


def cmd_search(args) -> int:
    from desktop.commands import open_desk

    text = " ".join(args.query)
    with open_desk(args) as desk:
        # A command may write: stored checks are brought up to date first when the query reads them.
        page, photos = desk.search(text, limit=args.limit, after=args.after, facets=args.facets,
                                   bring_checks_current=True, progress=TerminalProgress())
    if args.json:
        out = {"total": page.total, "photos": photos, "next": page.next}
        if page.facets is not None:
            out["facets"] = page.facets
        print_json(out)
        return 0
    for r in photos:
        who = ", ".join(r["creator"]) or "-"
        place = r.get("place_city") or r.get("city") or "-"
        caption = (r.get("caption") or "").replace("\n", " ")
        print(f"#{r['id']:<7} {(r.get('taken_at') or '')[:16]:<16}  {who[:24]:<24} {place[:16]:<16} {caption[:60]}")
    err(f"{page.total} photos" + (f"; more with --after {page.next}" if page.next else ""))
    if page.facets:
        for kind, values in page.facets.items():
            if values:
                err(f"  {kind}: " + ", ".join(f"{v[0]} ({v[1]})" for v in values[:8]))
    return 0


def cmd_demo(args) -> int:
    import datetime as dt

    from archive.demo import build_demo

    progress = TerminalProgress()
    summary = build_demo(getattr(args, "archive", None), progress=progress)
    progress.finish_line()
    if args.json:
        print_json(summary)
        return 0
    if args.no_window:
        print(summary["text"])
        return 0
    from desktop.cli import open_window

    err(f"opening the window on {summary['archive']}")
    return open_window(summary["archive"], on=dt.date(2022, 12, 19), quit_when_shown=args.smoke_test)
