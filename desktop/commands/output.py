"""Printing: JSON on stdout for scripts, plain lines for people."""

from __future__ import annotations

import json
import sys


def print_json(value) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=1, default=str))
    sys.stdout.write("\n")


def err(message: str) -> None:
    print(message, file=sys.stderr)
