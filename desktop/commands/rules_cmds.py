"""check, licence, lease and edit: thin calls into the application API (archive.desk)."""

from __future__ import annotations

from desktop.commands import cancel_flag, open_desk, worker_count
from desktop.commands.output import err, print_json, printable, warn_unwritten

# edit's options: (flag, field, help), made from the application API's list of editable
# fields; list fields take the option once per value (--creator, --keyword).
from archive.desk.fields import FIELDS  # noqa: E402

EDIT_OPTIONS = tuple((f.option, f.name, f.help) for f in FIELDS)
LIST_FIELDS = tuple(f.name for f in FIELDS if f.is_list)


def register(sub, archive_option) -> None:
    p = sub.add_parser("check", help="check captions, credits and licences against the house style",
                       description="Check photos against the archive's rule profile and licences for a "
                                   "publication date. Without QUERY, --photo or --article: every photo. "
                                   "Exit 1 when a rule error is found.")
    archive_option(p)
    p.add_argument("query", nargs="*", metavar="QUERY", help="a search query choosing the photos")
    p.add_argument("--photo", action="append", default=[], metavar="ID|PATH", help="a photo (repeatable)")
    p.add_argument("--article", metavar="ID", help="the photos paired with this article's captions")
    p.add_argument("--profile", metavar="NAME",
                   help="rule profile (name or .toml path); it becomes the archive's profile")
    p.add_argument("--on", metavar="DATE", help="publication date for licences and embargoes (default today)")
    p.add_argument("--jobs", type=worker_count, metavar="N", help="worker processes (default: every core, at most 4)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_check)

    p = sub.add_parser("licence", help="the desk's licences: add, list, show, update, remove")
    archive_option(p)
    lic = p.add_subparsers(dest="subcommand", metavar="SUBCOMMAND")
    lic.required = True
    q = lic.add_parser("add", help="add a licence")
    archive_option(q)
    q.add_argument("--licensor", required=True, metavar="NAME", help="the agency or owner licensing the photos")
    q.add_argument("--alias", action="append", default=[], metavar="NAME",
                   help="another name of the licensor, as credits write it (repeatable)")
    q.add_argument("--from", dest="valid_from", metavar="DATE", help="first day the licence is valid")
    q.add_argument("--until", dest="valid_until", metavar="DATE", help="last day the licence is valid")
    q.add_argument("--kind", metavar="KIND", help="subscription (default), single-use, staff, contract, "
                   "commissioned, handout, pool, pr, social-media, screengrab, creative-commons, public-domain")
    q.add_argument("--cost", metavar="COST", help="free, conditional or pay (default by kind)")
    q.add_argument("--quota", metavar="N/month|N/year", help="how many uses the licence allows per period")
    q.add_argument("--creator", action="append", default=[], metavar="NAME[@FROM..UNTIL]",
                   help="a photographer a staff/contract/commissioned licence covers (repeatable)")
    q.add_argument("--territory", action="append", default=[], metavar="T",
                   help="a country (ISO code) the licence covers (repeatable)")
    q.add_argument("--medium", action="append", default=[], metavar="M",
                   help="a medium the licence covers: print, web, social, broadcast (repeatable)")
    q.add_argument("--reference", metavar="R", help="contract or account reference")
    q.add_argument("--restrictions", metavar="T", help="restrictions as the contract words them")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_licence_add)
    q = lic.add_parser("list", help="list the licences")
    archive_option(q)
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_licence_list)
    q = lic.add_parser("show", help="show one licence and the photos it covers")
    archive_option(q)
    q.add_argument("licence", metavar="ID")
    q.add_argument("--on", metavar="DATE", help="the day whose quota period to count (default today)")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_licence_show)
    q = lic.add_parser("update", help="change a licence's terms (the options given replace the old values)")
    archive_option(q)
    q.add_argument("licence", metavar="ID")
    q.add_argument("--licensor", metavar="NAME")
    q.add_argument("--alias", action="append", metavar="NAME", help="replaces the aliases (repeatable)")
    q.add_argument("--from", dest="valid_from", metavar="DATE")
    q.add_argument("--until", dest="valid_until", metavar="DATE")
    q.add_argument("--kind", metavar="KIND")
    q.add_argument("--cost", metavar="COST")
    q.add_argument("--quota", metavar="N/month|N/year")
    q.add_argument("--creator", action="append", metavar="NAME[@FROM..UNTIL]", help="replaces the photographers")
    q.add_argument("--territory", action="append", metavar="T", help="replaces the territories")
    q.add_argument("--medium", action="append", metavar="M", help="replaces the media")
    q.add_argument("--reference", metavar="R")
    q.add_argument("--restrictions", metavar="T")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_licence_update)
    q = lic.add_parser("remove", help="remove a licence")
    archive_option(q)
    q.add_argument("licence", metavar="ID")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_licence_remove)

    p = sub.add_parser("lease", help="allow or deny one photo between two dates")
    archive_option(p)
    lease = p.add_subparsers(dest="subcommand", metavar="SUBCOMMAND")
    lease.required = True
    q = lease.add_parser("add", help="allow or deny a photo's use (deny wins; overrides the licence)")
    archive_option(q)
    q.add_argument("photo", metavar="ID|PATH")
    which = q.add_mutually_exclusive_group(required=True)
    which.add_argument("--allow", action="store_true", help="allow use")
    which.add_argument("--deny", action="store_true", help="deny use")
    q.add_argument("--from", dest="valid_from", metavar="DATE")
    q.add_argument("--until", dest="valid_until", metavar="DATE")
    q.add_argument("--note", metavar="T", help="why, for the next person")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_lease_add)
    q = lease.add_parser("list", help="list leases (of one photo)")
    archive_option(q)
    q.add_argument("photo", nargs="?", metavar="ID|PATH")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_lease_list)
    q = lease.add_parser("remove", help="remove a lease")
    archive_option(q)
    q.add_argument("lease", metavar="LEASE_ID")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_lease_remove)

    p = sub.add_parser("edit", help="edit a photo's caption, credit line and other fields in the archive",
                       description="Edit a photo's working values in the archive and its XMP sidecar "
                                   "(the image file is not changed unless --embed). An empty value clears a field.")
    archive_option(p)
    p.add_argument("photo", metavar="ID|PATH")
    for flag, dest, text in EDIT_OPTIONS:
        if dest in LIST_FIELDS:
            p.add_argument(flag, dest=f"edit_{dest}", action="append", metavar="N", help=text)
        else:
            p.add_argument(flag, dest=f"edit_{dest}", metavar="T", help=text)
    p.add_argument("--licence", metavar="ID", help='assign a licence by hand ("none" removes it)')
    p.add_argument("--embed", action="store_true",
                   help="also write caption, creator, credit and credit line into the image file itself "
                        "(JPEG, PNG, TIFF; alone: write the current values)")
    p.add_argument("--json", action="store_true", help="print the photo's record")
    p.set_defaults(handler=cmd_edit)


# ---------------------------------------------------------------- check

def cmd_check(args) -> int:
    from archive.licence_model import parse_date
    from desktop.terminal import TerminalProgress

    on = parse_date(args.on, "--on")
    if args.profile:
        from archive.rules import load_profile
        load_profile(args.profile)          # a bad profile is reported before the archive is opened
    progress = TerminalProgress()
    cancel = cancel_flag()
    with open_desk(args) as desk:
        ids = desk.select(query=" ".join(args.query), photos=args.photo, article=args.article,
                          cancel=cancel)
        report = desk.check(ids, on=on, profile=args.profile, processes=args.jobs,
                            progress=progress, cancel=cancel)
    progress.finish_line()
    if args.json:
        print_json(report.violations)
    else:
        _print_violations(report.violations)
    r = report.refresh
    flagged = len({v["photo_id"] for v in report.violations})
    err(f"checked {report.photos} photo{'s' if report.photos != 1 else ''} for {r.on} with profile {r.profile}: "
        f"{report.errors} error{'s' if report.errors != 1 else ''}, {report.warnings} warning"
        f"{'s' if report.warnings != 1 else ''} in {flagged} photo{'s' if flagged != 1 else ''}"
        + (f" ({r.checked + r.rejudged} judged now, the rest were current)" if r.checked + r.rejudged else ""))
    return 1 if report.errors else 0


def _print_violations(violations) -> None:
    last = None
    for v in violations:
        if v["photo_id"] != last:
            print(f"#{v['photo_id']}  {v['path']}")
            last = v["photo_id"]
        print(f"  {v['severity']:<8} {v['rule']}: {v['message']}")
        if v["fix"]:
            print(f"  {'':<8} fix: {v['fix']}")


# ---------------------------------------------------------------- licences

def cmd_licence_add(args) -> int:
    with open_desk(args) as desk:
        row = desk.add_licence(licensor=args.licensor, aliases=args.alias, valid_from=args.valid_from,
                          valid_until=args.valid_until, kind=args.kind, cost=args.cost, quota=args.quota,
                          creators=args.creator, territories=args.territory, media=args.medium,
                          reference=args.reference, restrictions=args.restrictions)
    if args.json:
        print_json(row)
    else:
        print(_licence_line(row))
    return 0


def _span(row) -> str:
    lo, hi = row.get("valid_from"), row.get("valid_until")
    if lo and hi:
        return f"{lo}..{hi}"
    if lo:
        return f"from {lo}"
    if hi:
        return f"until {hi}"
    return "no end date"


def _licence_line(row) -> str:
    extra = [row["kind"], row["cost"] or "", _span(row)]
    if row.get("quota"):
        extra.append(f"quota {row['quota']}")
    aliases = f" (also {', '.join(row['aliases'])})" if row.get("aliases") else ""
    return f"licence {row['id']}: {row['licensor']}{aliases}, " + ", ".join(e for e in extra if e)


def cmd_licence_list(args) -> int:
    with open_desk(args) as desk:
        rows = desk.licences()
    if args.json:
        print_json(rows)
        return 0
    for row in rows:
        print(_licence_line(row))
    if not rows:
        err("no licences yet: add one with 'picturedesk licence add --licensor NAME'")
    return 0


def cmd_licence_show(args) -> int:
    with open_desk(args) as desk:
        row = desk.licence(args.licence, on=args.on)
    if args.json:
        print_json(row)
        return 0
    print(_licence_line(row))
    for key in ("reference", "restrictions"):
        if row.get(key):
            print(f"  {key:<13} {row[key]}")
    for key in ("creators", "territories", "media"):
        if row.get(key):
            print(f"  {key:<13} {', '.join(row[key])}")
    q = row.get("quota_used")
    if q:
        print(f"  {'quota used':<13} {q['used']} of {q['of']} this {q['period']} ({q['from']}..{q['until']})")
    print(f"  {'photos':<13} covers {row['photos']['covered']} (as last checked), "
          f"{row['photos']['assigned']} assigned by hand")
    return 0


def cmd_licence_update(args) -> int:
    from archive.errors import UsageError

    options = {"licensor": "licensor", "aliases": "alias", "valid_from": "valid_from",
               "valid_until": "valid_until", "kind": "kind", "cost": "cost", "quota": "quota",
               "creators": "creator", "territories": "territory", "media": "medium",
               "reference": "reference", "restrictions": "restrictions"}
    terms = {term: getattr(args, dest) for term, dest in options.items() if getattr(args, dest) is not None}
    if not terms:
        raise UsageError("nothing to change: give at least one option, e.g. --until DATE")
    with open_desk(args) as desk:
        row = desk.update_licence(args.licence, **terms)
    if args.json:
        print_json(row)
    else:
        print(_licence_line(row))
    return 0


def cmd_licence_remove(args) -> int:
    with open_desk(args) as desk:
        row = desk.remove_licence(args.licence)
    if args.json:
        print_json(row)
    else:
        print(f"removed licence {row['id']} ({row['licensor']})")
        if row["unassigned"]:
            err(f"{row['unassigned']} photo(s) assigned to it by hand no longer are")
    return 0


# ---------------------------------------------------------------- leases

def _lease_line(row) -> str:
    what = "allows" if row["allow"] else "denies"
    note = f": {row['note']}" if row.get("note") else ""
    return f"lease {row['id']}: {what} photo #{row['photo_id']} {_span(row)}{note}  {row.get('path') or ''}"


def cmd_lease_add(args) -> int:
    with open_desk(args) as desk:
        row = desk.add_lease(desk.resolve(args.photo), allow=args.allow,
                             valid_from=args.valid_from, valid_until=args.valid_until, note=args.note)
    if args.json:
        print_json(row)
    else:
        print(_lease_line(row))
    return 0


def cmd_lease_list(args) -> int:
    with open_desk(args) as desk:
        photo_id = desk.resolve(args.photo) if args.photo else None
        rows = desk.leases(photo_id)
    if args.json:
        print_json(rows)
        return 0
    for row in rows:
        print(_lease_line(row))
    if not rows:
        err("no leases" + (f" for photo #{photo_id}" if photo_id else ""))
    return 0


def cmd_lease_remove(args) -> int:
    with open_desk(args) as desk:
        row = desk.remove_lease(args.lease)
    if args.json:
        print_json(row)
    else:
        print(f"removed {_lease_line(row)}")
    return 0


# ---------------------------------------------------------------- edit

def cmd_edit(args) -> int:
    from archive.errors import UsageError

    changes = {}
    for _, dest, _ in EDIT_OPTIONS:
        value = getattr(args, f"edit_{dest}")
        if value is not None:
            changes[dest] = [v for v in value if v.strip()] if dest in LIST_FIELDS else value
    if not changes and args.licence is None and not args.embed:
        raise UsageError("nothing to edit: give at least one field, e.g. --caption T, or --embed "
                         "(see 'picturedesk edit -h')")
    entry = embedded = None
    with open_desk(args) as desk:
        photo_id = desk.resolve(args.photo)
        if changes or args.licence is not None:
            if args.licence is None:
                entry = desk.edit([photo_id], changes)
            else:
                # The field edits and the licence are one transaction: both or neither.
                entry = desk.edit([photo_id], changes, licence=desk.licence_ref(args.licence))
        if args.embed:
            embedded = desk.embed([photo_id], cancel=cancel_flag())
        record = desk.record(photo_id)
    if args.json:
        print_json(record)
    else:
        fields = list(changes) + (["licence"] if args.licence is not None else [])
        if fields:
            print(f"edited #{photo_id} {record['path']}: {', '.join(fields)}")
        if embedded is not None and embedded.written:
            print(f"wrote caption and credit into #{photo_id} {record['path']}")
        for v in record["violations"]:
            print(f"  {v['severity']:<8} {v['rule']}: {v['message']}")
    # Saved in the archive either way; a sidecar or a file that could not take it is an error to see.
    failed = warn_unwritten(entry.unwritten) if entry is not None else 0
    for problem in (embedded.failed if embedded is not None else ()):
        err(f"error: {printable(problem.message())}; the edit is saved in the archive and its sidecar")
        failed += 1
    return 1 if failed else 0
