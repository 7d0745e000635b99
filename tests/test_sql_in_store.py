"""The house rule issue 15 set: SQL on archive.db is run only in archive/store/.
The gazetteer and the thumbnail cache are small stores of their own, each behind one
module (archive/gazetteer/, archive/thumbnails.py); desktop/ runs no SQL at all."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OWN_STORES = {"archive/gazetteer/__init__.py", "archive/gazetteer/build.py", "archive/thumbnails.py"}
SQL_CALL = re.compile(r"\.(execute|executemany|executescript)\(")


def test_sql_is_run_only_in_the_store():
    outside = []
    for package in ("archive", "desktop"):
        for path in sorted((ROOT / package).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if name.startswith("archive/store/") or name in OWN_STORES:
                continue
            if SQL_CALL.search(path.read_text(encoding="utf-8")):
                outside.append(name)
    assert outside == []


def test_the_rule_sees_a_call():
    assert SQL_CALL.search('conn.execute("SELECT 1")') and not SQL_CALL.search("executor.submit(x)")
