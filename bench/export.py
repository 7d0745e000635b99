"""How fast a caption sheet is written: 500 photos as PDF, HTML, CSV and JSON.

Builds (once, cached under bench/out/export-500/) an archive of 500 generated
photos with thumbnails, four licences and captions in several scripts, then
prints the seconds of ``Desk.export`` for each format in this process, and of
the whole command as a person runs it (``python -m desktop export ...``: start-up,
opening the archive, Qt for the PDF).  The process is pinned to 2 cores.
Targets (issue 17): PDF under 5 s, HTML, CSV and JSON under 1 s each.

    .venv/bin/python bench/export.py [--n 500] [--rebuild]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

ON = dt.date(2022, 12, 19)
QUERY = "taken:2022-12"
PEOPLE = ["Brendan Hoffman", "Laura Boushnak", "Tomás Munita", "Mette Jørgensen", "Сергій Супінський",
          "김홍지", "Γιώργος Παπαδόπουλος", "Efrem Lukatsky"]
AGENCIES = ["The New York Times", "Reuters", "AFP via Getty Images", "PA", "Unknown Wire"]
PLACES = [("Kyiv", "Ukraine"), ("Київ", "Україна"), ("Lviv", "Ukraine"), ("København", "Denmark"),
          ("Seoul", "South Korea"), ("Αθήνα", "Greece")]
LICENCES = (
    dict(licensor="The New York Times", kind="subscription", cost="free", valid_until="2023-12-31", reference="NYT-1"),
    dict(licensor="Getty Images", aliases=["AFP"], kind="subscription", cost="free", quota="250/month",
         valid_until="2022-12-31", reference="GI-17", restrictions="No use on social media"),
    dict(licensor="Reuters", kind="subscription", cost="pay", reference="RTR-PAYG"),
    dict(licensor="PA", kind="subscription", cost="free", territories=["GB", "IE"]),
)


def build(root: Path, n: int) -> Path:
    from archive.demo.photos import PhotoSpec, write_photo
    from archive.desk import Desk

    archive_dir = root / "archive"
    if (root / "done").exists():
        return archive_dir
    shutil.rmtree(root, ignore_errors=True)
    photos = root / "photos"
    photos.mkdir(parents=True)
    rnd = random.Random(17)
    tz = dt.timezone(dt.timedelta(hours=2))
    for i in range(n):
        person, agency = rnd.choice(PEOPLE), rnd.choice(AGENCIES)
        city, country = rnd.choice(PLACES)
        spec = PhotoSpec(f"photo_{i:04d}.jpg", creator=[person], credit=agency,
                         caption=f"Scene {i} in {city}: people at work on a winter day, with <b>markup</b> & \"quotes\".",
                         city=city, country=country,
                         taken=dt.datetime(2022, 12, 1 + i % 28, 6 + i % 15, i % 60, tzinfo=tz), size=(480, 320),
                         instructions="EMBARGOED UNTIL 00:01 GMT 20 December 2022" if i % 50 == 0 else None)
        write_photo(photos, spec, seed=i)
    with Desk.open(archive_dir) as desk:
        desk.import_paths([photos], processes=2)
        for terms in LICENCES:
            desk.add_licence(**terms)
        desk.bring_checks_current(on=ON, processes=2)
    (root / "done").write_text("ok")
    return archive_dir


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        cores = sorted(os.sched_getaffinity(0))[:2]
        os.sched_setaffinity(0, cores)         # children inherit it
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    root = REPO / "bench" / "out" / f"export-{args.n}"
    if args.rebuild:
        shutil.rmtree(root, ignore_errors=True)
    t = time.perf_counter()
    archive_dir = build(root, args.n)
    built = time.perf_counter() - t
    out = root / "sheets"
    out.mkdir(exist_ok=True)
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0, 0, 0)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"{args.n} photos (archive {archive_dir}, ready in {built:.1f} s); {cores} cores; "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")

    from archive.desk import Desk
    from desktop.pdf_sheet import render_pdf

    targets = {"pdf": 5.0, "html": 1.0, "csv": 1.0, "json": 1.0}
    print("\nDesk.export in this process (the archive open, Qt started):")
    with Desk.open(archive_dir, create=False) as desk:
        desk.export(out / "warm.json", format="json", query=QUERY, on=ON, force=True)   # checks current
        for fmt, target in targets.items():
            t = time.perf_counter()
            result = desk.export(out / f"sheet.{fmt}", format=fmt, query=QUERY, on=ON, force=True,
                                 renderers={"pdf": render_pdf})
            took = time.perf_counter() - t
            size = Path(result.path).stat().st_size
            print(f"  {fmt:<5} {took:6.2f} s  (target < {target:.0f} s) {'ok ' if took < target else 'SLOW'}"
                  f"  {result.counts['photos']} photos, {size / 1e6:.1f} MB")

    print("\nThe whole command, as a person runs it (python -m desktop export ...):")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for fmt in targets:
        cmd = [sys.executable, "-m", "desktop", "--archive", str(archive_dir), "export", QUERY, "--format", fmt,
               "-o", str(out / f"cli.{fmt}"), "--on", ON.isoformat(), "--force"]
        t = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True, env=env)
        took = time.perf_counter() - t
        status = "" if done.returncode == 0 else f"  FAILED: {done.stderr.strip()[-200:]}"
        print(f"  {fmt:<5} {took:6.2f} s{status}")
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(out / "sheet.pdf")], capture_output=True, text=True).stdout
        pages = next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")), "?")
        print(f"\nThe PDF has {pages} pages.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
