"""Command handlers: each turns parsed arguments into one call into archive/ and prints.

A command module has ``register(subparsers, archive_option)``, which adds its
subcommands with ``set_defaults(handler=...)``.  Modules import the core only
inside handlers, so building the parser stays instant.

Errors from the core (archive.errors.PictureDeskError) become one line on
stderr and their exit code; Ctrl-C becomes a short note (every committed
batch is whole, so the next run carries on).
"""

from __future__ import annotations

import sys

from archive.errors import PictureDeskError


def run(args) -> int:
    name = args.command + (f" {args.subcommand}" if getattr(args, "subcommand", None) else "")
    try:
        return args.handler(args)
    except PictureDeskError as exc:
        print(f"picturedesk {name}: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"\npicturedesk {name}: interrupted; the archive is consistent "
              "and the next run carries on", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
