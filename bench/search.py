"""Search at a million photos: median and p95 of the first page for each query form.

Builds (once, cached under bench/out/) an archive of N photos through the
store's own tables with a realistic spread: a word in half the archive, a rare
word, 2,000 photographers on a Zipf curve, 300 places with alternate names,
ten years of capture times, rule and clearance states.  Then times
``archive.store.search.search`` for each query form, the second and the
hundredth page (by chaining cursors), and facet counts.

    python bench/search.py [--photos 1000000] [--rebuild]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive.derive import fold, gazetteer  # noqa: E402
from archive.store import open_archive  # noqa: E402
from archive.store.search import search  # noqa: E402
from archive.store.sortkey import base_key  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
CITIES = ["Kyiv", "London", "Paris", "Berlin", "Warsaw", "Lviv", "Kharkiv", "Odesa", "Minsk", "Moscow",
          "Copenhagen", "Madrid", "Rome", "Vienna", "Prague", "Budapest", "Bucharest", "Istanbul",
          "Cairo", "Beirut", "Jerusalem", "Washington", "New York", "Chicago", "Los Angeles",
          "Mexico City", "Bogota", "Lima", "Tokyo", "Seoul", "Beijing", "Delhi", "Mumbai", "Lagos",
          "Nairobi", "Johannesburg", "Sydney", "Toronto", "Dublin", "Edinburgh"]
WORDS = ("police protest market river bridge station school hospital parliament football crowd rain "
         "snow fire flood election court church train airport harbour museum festival concert").split()
AGENCIES = ["Reuters", "AFP", "Getty Images", "AP", "EPA", "PA", "The New York Times", "The Guardian"]


def build(path: Path, n: int) -> None:
    rng = random.Random(7)
    gaz = gazetteer()
    places = []
    for name in CITIES:
        p = gaz.best(name)
        if p is not None:
            places.append((p, gaz.country_for(p.country_code)))
    alt_for = {"Kyiv": ["Kiev", "Київ", "Kyiv"], "Copenhagen": ["København", "Copenhagen"]}
    photographers = [f"Photographer{i:04d} Surname{i % 97}" for i in range(2000)]
    photographers[0] = "Brendan Hoffman"
    photographers[1] = "Laura Boushnak"
    weights = [1 / (i + 1) for i in range(len(photographers))]
    start = dt.datetime(2015, 1, 1, tzinfo=dt.timezone.utc).timestamp()
    span = 10 * 365 * 86400
    with open_archive(path) as archive:
        rows = Rows(archive.conn)
        creators_drawn = rng.choices(photographers, weights, k=n)
        for i in range(n):
            seconds = int(start + rng.random() * span)
            creator = creators_drawn[i]
            place, country = places[rng.randrange(len(places))] if rng.random() < 0.9 else (None, None)
            city_text = rng.choice(alt_for.get(place.name, [place.name])) if place else None
            words = rng.sample(WORDS, 6)
            if rng.random() < 0.5:
                words.append("ukraine")
            if rng.random() < 0.00005:
                words.append("zanzibar")
            rule_status = "error" if rng.random() < 0.03 else "ok"
            missing = "2024-01-01T00:00:00Z" if rng.random() < 0.001 else None
            rows.add(i + 1, seconds, creator=creator, agency=AGENCIES[i % len(AGENCIES)], caption=" ".join(words),
                     place=place, country=country, city_text=city_text, rule_status=rule_status, missing=missing)
        rows.finish()


class Rows:
    """Photos written straight into the store's tables (photos, full text, facets,
    places) in bulk, in one transaction: a million in minutes, not the hours an
    import of real files would take.  Shared by the benchmarks that need a big archive."""

    def __init__(self, conn):
        self.conn = conn
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("BEGIN")
        self.facet_ids: dict = {}
        self.counts: dict = {}
        self.used_keys: set = set()
        self.photos, self.fts, self.facets, self.places = [], [], [], []

    def facet(self, kind: str, name: str) -> int:
        key = (kind, fold(name))
        if key not in self.facet_ids:
            self.facet_ids[key] = self.conn.execute(
                "INSERT INTO facet_values(kind, name, norm, count) VALUES (?,?,?,0)", (kind, name, key[1])).lastrowid
        return self.facet_ids[key]

    def add(self, pid: int, seconds: int, *, creator, agency, caption, place, country, city_text,
            rule_status="ok", missing=None) -> None:
        key = base_key(seconds)
        while key in self.used_keys:
            key += 1
        self.used_keys.add(key)
        taken = dt.datetime.fromtimestamp(seconds, dt.timezone.utc)
        i = pid - 1
        self.photos.append((pid, key, f"/photos/{i // 1000:04d}/img_{i:07d}.jpg", caption,
                            json.dumps([creator], ensure_ascii=False), agency, city_text,
                            country.name if country else None, taken.isoformat(), taken.date().isoformat(),
                            place.name if place else None, rule_status, missing, 1))
        self.fts.append((key, caption, "", "", creator, agency, " ".join(filter(None, [city_text, place and place.name]))))
        for kind, name in (("creator", creator), ("agency", agency), ("place", place.name if place else None)):
            if name:
                vid = self.facet(kind, name)
                self.facets.append((vid, key, pid))
                self.counts[vid] = self.counts.get(vid, 0) + 1
        if place:
            self.places.append((place.id, key, pid))
            if country:
                self.places.append((country.id, key, pid))
        if len(self.photos) >= 50000:
            self.flush()
            print(f"  built {pid:,} photos", file=sys.stderr)

    def flush(self) -> None:
        conn = self.conn
        conn.executemany(
            "INSERT INTO photos(id, sort_key, path, caption, creator, credit, city, country, taken_at, taken_date, "
            "place_city, rule_status, missing_since, licence_resolved) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            self.photos)
        conn.executemany("INSERT INTO photo_fts(rowid, caption, headline, keywords, creator, credit, places) "
                         "VALUES (?,?,?,?,?,?,?)", self.fts)
        conn.executemany("INSERT INTO photo_facets(value_id, sort_key, photo_id) VALUES (?,?,?)", self.facets)
        conn.executemany("INSERT OR IGNORE INTO photo_places(place_id, sort_key, photo_id) VALUES (?,?,?)",
                         self.places)
        for rows in (self.photos, self.fts, self.facets, self.places):
            rows.clear()

    def finish(self) -> None:
        self.flush()
        conn = self.conn
        conn.executemany("UPDATE facet_values SET count=? WHERE id=?", [(c, v) for v, c in self.counts.items()])
        conn.execute("COMMIT")
        conn.execute("INSERT INTO photo_fts(photo_fts) VALUES ('optimize')")
        conn.execute("ANALYZE")


QUERIES = {
    "word in half the archive": "ukraine",
    "rare word": "zanzibar",
    "by: (common)": 'by:"Brendan Hoffman"',
    "by: (rare)": "by:Photographer1999",
    "place: alternate name": "place:Kiev",
    "place: Cyrillic": "place:Київ",
    "taken: month": "taken:2022-12",
    "taken: range": "taken:2019-03-01..2019-06-30",
    "-negation": "ukraine -police",
    "is:flagged": "is:flagged",
    "is:missing": "is:missing",
    "-has:caption": "-has:caption",
    "combination": 'ukraine by:"Brendan Hoffman" place:Kyiv taken:2018..2024',
    "phrase": '"police protest"',
}


def timed(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return result, statistics.median(times), sorted(times)[max(0, int(len(times) * 0.95) - 1)]


def after_edit(archive, edits: int = 5) -> None:
    """The first search of each form (page, total and facets) after one caption is
    edited: the cached bitmaps and facet pairs are brought up to date from the
    change log.  The edits are reverted afterwards, so the cached archive stays."""
    from archive.edit import edit_photo, revert_fields

    conn = archive.conn
    ids = [r[0] for r in conn.execute("SELECT id FROM photos ORDER BY id LIMIT ?", (edits,))]
    times: dict[str, list[float]] = {label: [] for label in QUERIES}
    for pid in ids:
        edit_photo(archive, pid, {"caption": "Police and a crowd at the harbour in Kyiv, edited"})
        for label, q in QUERIES.items():
            t0 = time.perf_counter()
            search(conn, q, limit=50, facets=True)
            times[label].append((time.perf_counter() - t0) * 1000)
    for pid in ids:
        revert_fields(archive, pid, ["caption"])
    print(f"\nfirst search with total and facets after a caption edit, ms (median / max of {edits} edits)")
    for label, ts in times.items():
        print(f"{label:<28} {statistics.median(ts):>9.1f} {max(ts):>9.1f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=1_000_000)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    path = OUT / f"search-{args.photos}"
    if args.rebuild or not (path / "archive.db").exists():
        import shutil

        shutil.rmtree(path, ignore_errors=True)
        t0 = time.perf_counter()
        build(path, args.photos)
        print(f"built {args.photos:,} photos in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    with open_archive(path) as archive:
        conn = archive.conn
        gazetteer().best("Kyiv")  # warm the gazetteer like a running app
        print(f"{args.photos:,} photos; first page of 50, ms (median / p95 of {args.repeat})")
        print(f"{'query':<28} {'hits':>9} {'page med':>9} {'page p95':>9} {'total p95':>10} "
              f"{'+facets p95':>11} {'first':>9}")
        for label, q in QUERIES.items():
            page, med, p95 = timed(lambda: search(conn, q, limit=50, count=False), args.repeat)
            t0 = time.perf_counter()
            search(conn, q, limit=1, facets=True)   # first time: bitmaps made and kept
            cold = (time.perf_counter() - t0) * 1000
            hits, cmed, cp95 = timed(lambda: search(conn, q, limit=1).total, args.repeat)
            _, _, fp95 = timed(lambda: search(conn, q, limit=1, facets=True), args.repeat)
            print(f"{label:<28} {hits:>9,} {med:>9.2f} {p95:>9.2f} {cp95:>10.2f} {fp95:>11.2f} {cold:>9.0f}")
        after_edit(archive)
        for label, q in (("ukraine", "ukraine"), ("by: common", 'by:"Brendan Hoffman"')):
            cursor = None
            for n in range(1, 101):
                page = search(conn, q, limit=50, after=cursor, count=False)
                if n == 2:
                    _, med2, p952 = timed(lambda: search(conn, q, limit=50, after=cursor, count=False), args.repeat)
                cursor = page.next
                if cursor is None:
                    break
            _, med100, p95100 = timed(lambda: search(conn, q, limit=50, after=cursor, count=False), args.repeat)
            print(f"{label + ' page 2 / 100':<28} {'':>9} {med2:>9.2f} {p952:>9.2f}   page 100: {med100:.2f} / {p95100:.2f}")


if __name__ == "__main__":
    main()
