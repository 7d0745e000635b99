"""Embedding speed: writing caption and credit into files (edit --embed), per file.

    .venv/bin/python bench/embed.py [--n 50] [--corpus DIR]

Copies the real corpus's JPEGs and TIFFs (``../shared/corpus/real``) into a
temporary folder N times over, imports them, gives them all a caption and
credit, and times ``Desk.embed`` over the lot (the copy, exiv2's write, the
checks: picture bytes, maker notes, EXIF tags, our reader's read-back; the
rename, and recording the file's new state), then the sync right after,
which must find nothing changed.  Prints ms per file written and how many
files were refused, by reason.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive.desk import Desk  # noqa: E402

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "real"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20, help="copies of each corpus file")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    args = ap.parse_args()
    files = [p for p in sorted(args.corpus.iterdir()) if p.suffix.lower() in (".jpg", ".jpeg", ".tif", ".tiff")]
    if not files:
        print(f"no JPEG or TIFF in {args.corpus}")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "photos"
        folder.mkdir()
        for i in range(args.n):
            for p in files:
                shutil.copyfile(p, folder / f"{p.stem}-{i}{p.suffix}")
        with Desk.open(Path(tmp) / "archive") as desk:
            desk.import_paths([folder], thumbnails=False, processes=1)
            ids = list(range(1, desk.photo_count() + 1))
            desk.edit(ids, {"caption": "Workers install a Christmas tree in central Київ on Saturday.",
                            "credit": "Jørgensen/Reuters", "credit_line": "Photograph: 김홍지/Reuters"})
            start = time.perf_counter()
            report = desk.embed(ids)
            took = time.perf_counter() - start
            start = time.perf_counter()
            sync = desk.sync(thumbnails=False, processes=1)
            synced = time.perf_counter() - start
    written = len(report.written)
    print(f"{len(ids)} photos ({len(files)} corpus files x {args.n}): {written} written, "
          f"{len(report.failed)} refused, {took * 1000 / max(len(ids), 1):.1f} ms a photo "
          f"({took:.2f} s in all)")
    for reason, count in Counter(f.reason.split(";")[0].split("(")[0].strip() for f in report.failed).most_common():
        print(f"  refused {count:>4}: {reason}")
    print(f"sync right after: {synced:.2f} s, updated {sync.updated}, conflicts {len(sync.conflicts)}, "
          f"unchanged {sync.unchanged}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
