"""backup and restore: thin calls into archive.backup."""

from __future__ import annotations

from desktop.commands import cancel_flag, open_desk
from desktop.commands.output import print_json


def register(sub, archive_option) -> None:
    p = sub.add_parser(
        "backup", help="copy the archive to FILE (default: the archive's backups folder), safe while in use",
        description="Copy the archive's database with SQLite's online backup: a consistent copy even while "
                    "the window or an import is writing. The copy is checked and written only when whole; "
                    "an existing file is never replaced. Thumbnails and search arrays are not copied (they "
                    "are made again). With no FILE the copy goes to backups/archive-DATE-TIME.db in the "
                    "archive; the window also keeps daily backups there (Settings).")
    archive_option(p)
    p.add_argument("file", nargs="?", metavar="FILE", help="where to write the copy (must not exist)")
    p.add_argument("--list", action="store_true", help="list the backups in the archive's backups folder")
    p.add_argument("--json", action="store_true", help="print what was written as JSON")
    p.set_defaults(handler=cmd_backup)

    r = sub.add_parser(
        "restore", help="replace the archive by a backup, after checking it",
        description="Check FILE (a Picture Desk archive, not newer than this program, integrity_check clean), "
                    "keep the archive as it is now in backups/before-restore-DATE-TIME.db, then copy FILE "
                    "in. Nothing is changed when FILE does not check out.")
    archive_option(r)
    r.add_argument("file", metavar="FILE", help="a backup made by 'picturedesk backup' or the window")
    r.add_argument("--json", action="store_true", help="print what was done as JSON")
    r.set_defaults(handler=cmd_restore)


def _photos(n: int) -> str:
    return f"{n:,} photo{'' if n == 1 else 's'}"


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{n / 1024:.0f} KB"


def cmd_backup(args) -> int:
    from desktop.terminal import TerminalProgress

    with open_desk(args) as desk:
        if args.list:
            found = desk.backups()
            if args.json:
                print_json([{"path": str(b.path), "size": b.size, "made": b.made.isoformat(timespec="seconds")}
                            for b in found])
            else:
                for b in found:
                    print(f"{b.made:%Y-%m-%d %H:%M}  {_size(b.size):>9}  {b.path}")
                if not found:
                    print(f"no backups in {desk.directory / 'backups'}")
            return 0
        progress = TerminalProgress()
        made = desk.backup(args.file, progress=progress, cancel=cancel_flag())
        progress.finish_line()
    if args.json:
        print_json({"path": str(made.path), "size": made.size, "photos": made.photos})
    else:
        print(f"backed up {_photos(made.photos)} to {made.path} ({_size(made.size)})")
    return 0


def cmd_restore(args) -> int:
    from pathlib import Path

    from archive.backup import restore
    from archive.store.db import default_archive_dir
    from desktop.terminal import TerminalProgress

    directory = Path(getattr(args, "archive", None) or default_archive_dir())
    progress = TerminalProgress()
    done = restore(directory, args.file, progress=progress, cancel=cancel_flag())
    progress.finish_line()
    if args.json:
        print_json({"restored": str(done.source), "photos": done.photos, "kept": str(done.kept.path)})
    else:
        print(f"restored {_photos(done.photos)} from {done.source}; the archive as it was is kept in "
              f"{done.kept.path}")
    return 0
