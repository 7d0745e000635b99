"""Command handlers: each turns parsed arguments into one call into archive/ and prints.

Errors from the core (archive.errors.PictureDeskError) become one line on
stderr and their exit code; Ctrl-C becomes a short note (every committed
batch is whole, so the next run carries on).
"""

from __future__ import annotations

import sys

from archive.errors import PictureDeskError


def run(args) -> int:
    from desktop.commands import archive_cmds

    handlers = {
        "import": archive_cmds.cmd_import,
        "sync": archive_cmds.cmd_sync,
        "show": archive_cmds.cmd_show,
        "search": archive_cmds.cmd_search,
        "demo": archive_cmds.cmd_demo,
    }
    try:
        return handlers[args.command](args)
    except PictureDeskError as exc:
        print(f"picturedesk {args.command}: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"\npicturedesk {args.command}: interrupted; the archive is consistent "
              "and the next run carries on", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
