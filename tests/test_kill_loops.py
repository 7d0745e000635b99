"""Crash safety, tried as a hostile tester would: a process that edits captions (each
written back to its sidecar), exports caption sheets and imports photos is killed
with SIGKILL at random moments, many times over.  After every kill the archive
opens, passes ``PRAGMA integrity_check``, holds every edit the process reported
saved, every sidecar is whole XML, and an export's file is either absent or whole."""

from __future__ import annotations

import csv
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import xml.etree.ElementTree as ET

import pytest

from tests.conftest import REPO

WORKER = textwrap.dedent("""
    import random, sys
    from pathlib import Path
    from PIL import Image
    from archive.desk import Desk

    archive_dir, sheet, incoming, seed = sys.argv[1], sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
    rng = random.Random(seed)
    desk = Desk.open(archive_dir, create=False)
    ids = [r.id for r in desk.results("", limit=100).rows]
    counter = int(sys.argv[5])
    cycle = ["edit", "edit", "export", "edit", "import", "edit"]
    step = seed
    while True:
        what = cycle[step % len(cycle)]
        step += 1
        if what == "edit":
            counter += 1
            pid = rng.choice(ids)
            entry = desk.edit([pid], {"caption": f"caption number {counter}", "headline": f"h{counter}"})
            print(f"saved {pid} {counter}", flush=True)
        elif what == "export":
            desk.export(sheet, format="csv", photo_ids=ids, force=True)
            print("exported", flush=True)
        else:
            incoming.mkdir(exist_ok=True)
            n = len(list(incoming.iterdir()))
            for i in range(n, n + 3):
                Image.new("RGB", (320, 200), (i % 250, 80, 120)).save(incoming / f"new_{i:04d}.jpg", quality=80)
            desk.import_paths([incoming], thumbnails=True)
            print(f"imported {n + 3}", flush=True)
""")


def _counter(caption: str | None) -> int:
    return int(caption.rsplit(" ", 1)[1]) if caption and caption.startswith("caption number ") else -1


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_nothing_reported_saved(demo_dir, tmp_path):
    from archive.desk import Desk

    archive_dir = demo_dir / "archive"
    sheet = tmp_path / "sheet.csv"
    incoming = tmp_path / "incoming"
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    env = {**os.environ, "PYTHONPATH": str(REPO), "QT_QPA_PLATFORM": "offscreen"}
    rng = random.Random(20261205)
    saved: dict[int, int] = {}          # photo id -> the highest counter reported saved
    counter = 0
    kills = 0
    seen = {"saved": 0, "exported": 0, "imported": 0}
    for round_ in range(14):
        proc = subprocess.Popen([sys.executable, str(script), str(archive_dir), str(sheet), str(incoming),
                                 str(round_), str(counter + 1000 * round_)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path)
        # Some work done (whatever the machine's load), then a random moment in the next piece.
        lines, want = [], rng.randint(1, 6)
        while len(lines) < want:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
        time.sleep(rng.uniform(0.0, 0.15))
        proc.send_signal(signal.SIGKILL)
        rest, err = proc.communicate(timeout=30)
        out = "".join(lines) + rest
        assert proc.returncode == -signal.SIGKILL, (proc.returncode, out[-500:], err[-3000:])
        kills += 1
        for line in out.splitlines():
            seen[line.split()[0]] += 1
            if line.startswith("saved "):
                _, pid, n = line.split()
                saved[int(pid)] = max(saved.get(int(pid), -1), int(n))
        # The archive opens, is whole, and holds every edit reported saved (or a later one).
        with Desk.open(archive_dir, create=False) as desk:
            assert desk.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            for pid, n in saved.items():
                assert _counter(desk.record(pid)["caption"]) >= n, (round_, pid, n, desk.record(pid)["caption"],
                                                                    out[-500:], err[-2000:])
            paths = [desk.record(pid)["path"] for pid in saved]
        # Every sidecar is whole XML (a write is a rename of a finished file).
        for path in paths:
            for sidecar in (os.path.splitext(path)[0] + ".xmp", path + ".xmp"):
                if os.path.exists(sidecar):
                    ET.parse(sidecar)
        # The sheet is either not there or whole: a header and a row per photo.
        if sheet.exists():
            with open(sheet, encoding="utf-8-sig", newline="") as f:
                rows = list(csv.DictReader(f))
            assert rows and all(r["id"] for r in rows)
        counter = max(saved.values(), default=0)
    assert kills == 14 and all(seen.values()), seen    # it edited, exported and imported, killed each time
    # What was left (a killed writer's temporary files) does not stop the next run: every
    # queued sidecar write is either written now or reported with its reason.
    with Desk.open(archive_dir, create=False) as desk:
        left = desk.write_pending()
        assert all(u.reason for u in left)
        assert len(desk.pending_writebacks()) == len(left), [u.message() for u in left]
    shutil.rmtree(incoming, ignore_errors=True)
