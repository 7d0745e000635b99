"""SQL on archive.db lives in archive/store/ (issue 15): no module elsewhere opens,
commits or rolls back a transaction itself; it asks ``archive.store.db.transaction``.
The thumbnail cache (thumbs.db) and the gazetteer are their own stores, each behind
its one module."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OWN_STORES = {"archive/thumbnails.py", "archive/gazetteer/__init__.py", "archive/gazetteer/build.py"}
RAW = re.compile(r"""execute\(\s*f?["'](BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)""")


def test_transactions_on_the_archive_are_opened_only_in_the_store():
    offenders = []
    for path in sorted((ROOT / "archive").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("archive/store/") or rel in OWN_STORES:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if RAW.search(line):
                offenders.append(f"{rel}:{n}: {line.strip()}")
    assert offenders == []
