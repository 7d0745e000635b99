"""How fast the offline gazetteer builds and answers.

    .venv/bin/python bench/gazetteer.py [--build] [--n 2000]

Prints figures, passes or fails nothing:

  build         (with --build) a fresh gazetteer into a temporary folder:
                wall and CPU seconds by phase, peak memory, file size.
                Otherwise the user-cache file is used (built if missing).
  lookup        names as a caption or IPTC field writes them, first asked
                (SQLite) and asked again (the in-process cache), per call.
  reverse       positions in cities, suburbs, countryside and open sea, per call.
  find_in_text  captions and a whole article, per call.

Targets (from the design brief): a name lookup well under 1 ms, a reverse
geocode under 1 ms, a build well under 30 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive.gazetteer import Gazetteer  # noqa: E402

NAMES = ["Kyiv", "Kiev", "Київ", "Kijów", "KYIV", "København", "Copenhagen", "Shevchenkivskyi",
         "Solomianskyi", "Lviv", "Odesa", "Odessa", "Kharkiv", "London", "Paris", "New York",
         "Washington", "Ukraine", "UA", "Deutschland", "São Paulo", "Zürich", "Atlantis Nowhere",
         "Brooklyn", "Reading", "Springfield", "San José", "Санкт-Петербург", "東京"]
PLACES = [(50.4501, 30.5234), (50.47, 30.33), (55.6761, 12.5683), (51.46, -0.115), (48.861, 2.336),
          (40.65, -73.95), (52.497, 13.41), (49.84, 24.03), (50.511, 30.79), (62.0, 100.0),
          (30.0, -40.0), (-33.87, 151.21), (35.68, 139.76), (19.43, -99.13)]
CAPTIONS = [
    "Air raid sirens were blasting off most of the night into Monday in Kyiv and the region around it.",
    "Workers install a Christmas tree in central Kyiv, Ukraine, on Saturday. "
    "Photograph: Laura Boushnak/The New York Times",
    "Firefighters in Rio de Janeiro, Brazil, on Friday. Photograph: Brendan Hoffman/Getty Images",
]
ARTICLE = Path(__file__).resolve().parents[2] / "shared" / "articles" / "kyiv-drone-attack.txt"


def per_call_us(fn, args_list, repeat=1) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        for args in args_list:
            fn(*args)
    return (time.perf_counter() - start) / (repeat * len(args_list)) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", action="store_true", help="time a fresh build into a temp folder")
    parser.add_argument("--n", type=int, default=2000, help="random positions for reverse()")
    opts = parser.parse_args()

    tmp = None
    if opts.build:
        tmp = tempfile.TemporaryDirectory(prefix="gazetteer-bench-")
        path = Path(tmp.name) / "gazetteer.db"
        cpu = time.process_time()
        gaz = Gazetteer(path)
        gaz.prepare()
        cpu = time.process_time() - cpu
        f = gaz.build_figures
        print(f"build         {f['total_s']:.1f} s wall (load {f['load_s']:.1f}, classify {f['classify_s']:.1f},"
              f" write {f['write_s']:.1f}), {cpu:.1f} s CPU, peak RSS "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
        print(f"              {f['places']} places ({f['districts']} districts), {f['names']} name keys")
    else:
        gaz = Gazetteer()
        start = time.perf_counter()
        gaz.prepare()
        took = time.perf_counter() - start
        print(f"open          {took * 1000:.1f} ms ({'built now' if gaz.build_figures else 'existing file'}: {gaz.path})")
    print(f"file          {gaz.path.stat().st_size / 1e6:.1f} MB")

    fresh = Gazetteer(gaz.path)
    fresh.prepare()
    cold = per_call_us(fresh.lookup, [(n,) for n in NAMES])
    warm = per_call_us(fresh.lookup, [(n,) for n in NAMES], repeat=200)
    print(f"lookup        {cold:.0f} us first time, {warm:.1f} us cached  ({len(NAMES)} names)")
    print(f"same_place    {per_call_us(fresh.same_place, [('Kiev', 'Kyiv'), ('Lviv', 'Kyiv')], 200):.1f} us cached")

    rng = random.Random(1)
    land = [(lat + rng.uniform(-0.2, 0.2), lon + rng.uniform(-0.2, 0.2)) for lat, lon in PLACES
            for _ in range(max(1, opts.n // len(PLACES)))]
    sea = [(rng.uniform(-50, 50), rng.uniform(-40, -20)) for _ in range(200)]
    print(f"reverse       {per_call_us(fresh.reverse, land):.0f} us near places ({len(land)}), "
          f"{per_call_us(fresh.reverse, sea):.0f} us at sea ({len(sea)}), first time")
    times = []
    for lat, lon in land:
        t = time.perf_counter()
        fresh.reverse(lat, lon)
        times.append(time.perf_counter() - t)
    times.sort()
    print(f"              again: median {times[len(times) // 2] * 1e6:.0f} us, "
          f"95th percentile {times[int(len(times) * 0.95)] * 1e6:.0f} us")

    cold = per_call_us(fresh.find_in_text, [(c,) for c in CAPTIONS])
    warm = per_call_us(fresh.find_in_text, [(c,) for c in CAPTIONS], repeat=100)
    print(f"find_in_text  {cold:.0f} us first time, {warm:.0f} us after, per caption")
    if ARTICLE.is_file():
        text = ARTICLE.read_text(encoding="utf-8")
        print(f"              {per_call_us(fresh.find_in_text, [(text,)], 20) / 1000:.1f} ms for the "
              f"{len(text.split())}-word Kyiv article")
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
