"""The application API as the window meets it: rows at any position, a record, the
draft check on every keystroke, an edit and its undo.

Uses ``bench/search.py``'s archive (built once, cached under bench/out/).  Positions,
photos, queries and the caption typed are drawn at random (``--seed``), and the
archive is opened fresh by this process, so the first calls are cold.

    python bench/desk.py [--photos 1000000] [--seed 1]
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def _search_bench():
    spec = importlib.util.spec_from_file_location("bench_search", HERE / "search.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def line(label, ms, target=None):
    text = f"{label:<46} p50 {statistics.median(ms):8.2f}  p95 {pct(ms, 95):8.2f}  max {max(ms):8.2f} ms"
    if target is not None:
        text += f"   (target p95 < {target} ms: {'met' if pct(ms, 95) < target else 'NOT met'})"
    print(text, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keystrokes", type=int, default=400)
    args = parser.parse_args()
    bench = _search_bench()
    path = bench.OUT / f"search-{args.photos}"
    if not (path / "archive.db").exists():
        t0 = time.perf_counter()
        bench.build(path, args.photos)
        print(f"built {args.photos:,} photos in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    rng = random.Random(args.seed)

    from archive.desk import Desk

    t0 = time.perf_counter()
    desk = Desk.open(path, create=False)
    print(f"{args.photos:,} photos; opened in {(time.perf_counter() - t0) * 1000:.0f} ms")
    total = desk.results("", limit=1).total

    # Rows at random positions (a scrollbar dragged anywhere), every sort.
    for sort in ("taken", "imported", "name", "creator"):
        ms = []
        for i in range(25):
            offset = rng.randrange(0, max(1, total - 50))
            t = time.perf_counter()
            try:
                res = desk.results("", offset=offset, limit=50, sort=sort)
            except Exception as exc:                 # a sort the search cannot do yet
                print(f"rows at random positions, sort {sort}: {exc}")
                break
            ms.append((time.perf_counter() - t) * 1000)
            assert len(res.rows) == 50
        if ms:
            line(f"50 rows at a random position, sort {sort}", ms, 50)
    words = bench.WORDS
    ms = []
    for i in range(25):
        q = f"{rng.choice(words)} OR {rng.choice(words)}"
        res = desk.results(q, limit=1)
        offset = int(res.total * rng.random())
        t = time.perf_counter()
        desk.results(q, offset=max(0, min(offset, res.total - 50)), limit=50)
        ms.append((time.perf_counter() - t) * 1000)
    line("50 rows at a random position of 'w1 OR w2'", ms, 50)

    # One photo's record, cold and warm.
    ids = [r.id for r in desk.results("", offset=rng.randrange(0, total - 200), limit=200).rows]
    ms = []
    for pid in rng.sample(ids, 40):
        t = time.perf_counter()
        desk.record(pid)
        ms.append((time.perf_counter() - t) * 1000)
    line("one photo's record (no writes)", ms)

    # The draft check on every keystroke of a caption typed into random photos.
    caption = ("Workers install a Christmas tree in central Kiev, Ukraine, on Saturday, "
               "as air raid sirens sound across the city.")
    credit = "Photograph: Brendan Hoffman/The New York Times"
    ms = []
    first = None
    for pid in rng.sample(ids, max(1, args.keystrokes // len(caption) + 1)):
        for n in range(1, len(caption) + 1):
            t = time.perf_counter()
            desk.draft_check(pid, caption=caption[:n], credit_line=credit)
            took = (time.perf_counter() - t) * 1000
            if first is None:
                first = took
            else:
                ms.append(took)
            if len(ms) >= args.keystrokes:
                break
        if len(ms) >= args.keystrokes:
            break
    print(f"draft check, first call (loads the profile and licences): {first:.1f} ms")
    line(f"draft check per keystroke ({len(ms)} keystrokes)", ms, 5)

    # An edit and its undo (one transaction each, with history and re-indexing).
    ms_edit, ms_undo = [], []
    for pid in rng.sample(ids, 20):
        old = desk.record(pid)["caption"]
        t = time.perf_counter()
        entry = desk.edit([pid], {"caption": "Edited for the bench."}, expected={"caption": old})
        ms_edit.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        desk.undo(entry.batch)
        ms_undo.append((time.perf_counter() - t) * 1000)
    line("edit one caption (with history)", ms_edit)
    line("undo it", ms_undo)
    desk.close()


if __name__ == "__main__":
    main()
