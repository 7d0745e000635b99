"""Search at a million photos, cold and repeated, for named forms and random queries.

Builds (once, cached under bench/out/search-N) an archive of N photos through the
store's own tables with a realistic spread: a word in half the archive, a rare
word, 2,000 photographers on a Zipf curve, 300 places with alternate names, ten
years of capture times, rule and clearance states; then keeps what search needs
(``archive.store.search.prepare``, as an import or a check does).

Queries: the named forms below, and ``--random`` more drawn (``--seed``) from the
archive's own words, photographers, places and dates, combined with AND, OR,
negation and field terms, so no list can be tuned to.  For each it prints
p50 / p95 / max of:

* cold: a fresh process per query (``--cold`` of them), timed inside it from just
  before ``open_archive``: the first page of 50, and page + total + facets;
* repeated: the same queries again in one process (``--repeat`` times each);
* "open to first facet counts": a fresh process opening the archive and counting
  the whole archive's facets;
* positions: ``window`` in every sort, cold (a fresh process: the first screen, then
  the scrollbar dragged to 73%) and at random offsets (0..100% of the result) in one process.

    python bench/search.py [--photos 1000000] [--rebuild] [--seed 1] [--random 300]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive.derive import gazetteer  # noqa: E402
from archive.folding import fold  # noqa: E402
from archive.store import open_archive  # noqa: E402
from archive.store.search import prepare, search, window  # noqa: E402
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
        t0 = time.perf_counter()
        made = prepare(archive.conn)
        print(f"  kept {made} search values (columns, orders, facet pairs, common terms) in "
              f"{time.perf_counter() - t0:.1f} s", file=sys.stderr)


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
    "long phrase": '"the new york times"',
    "credit: of two words": 'credit:"getty images"',
    "OR of common words": "snow OR flood OR harbour",
    "by: and -place:": 'by:Photographer0007 -place:Paris',
    "everything": "",
}


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def line(label, ms, target=None):
    text = f"{label:<44} p50 {statistics.median(ms):8.2f}  p95 {pct(ms, 95):8.2f}  max {max(ms):8.2f} ms"
    if target is not None:
        text += f"   (target {target} ms: {'met' if max(ms) < target else 'p95 met' if pct(ms, 95) < target else 'NOT met'})"
    print(text, flush=True)


def vocabulary(conn):
    """The archive's own words (with how many photos have each), photographers, places, years."""
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.bench_terms USING fts5vocab(main, photo_fts, row)")
    words = [(t, d) for t, d in conn.execute("SELECT term, doc FROM temp.bench_terms") if t.isalpha()]
    creators = [r[0] for r in conn.execute("SELECT name FROM facet_values WHERE kind = 'creator'")]
    places = [r[0] for r in conn.execute("SELECT name FROM facet_values WHERE kind = 'place'")]
    places += [r[0] for r in conn.execute("SELECT DISTINCT city FROM photos WHERE city IS NOT NULL LIMIT 200")]
    agencies = [r[0] for r in conn.execute("SELECT name FROM facet_values WHERE kind = 'agency'")]
    first, last = conn.execute("SELECT min(taken_date), max(taken_date) FROM photos").fetchone()
    return {"words": words, "creators": creators, "places": sorted(set(places)), "agencies": agencies,
            "years": (int(first[:4]), int(last[:4]))}


def quote(value: str) -> str:
    return f'"{value}"' if (" " in value or not value) else value


def random_queries(vocab, n: int, seed: int) -> list[str]:
    """Queries of one to four terms: words common and rare, phrases, photographers, places,
    agencies, dates and flags, ANDed, ORed and negated at random."""
    rng = random.Random(seed)
    words = vocab["words"]
    common = [w for w, d in words if d >= 20_000] or [w for w, _ in words]
    rare = [w for w, d in words if d < 20_000] or [w for w, _ in words]
    y0, y1 = vocab["years"]

    def date():
        y = rng.randint(y0, y1)
        kind = rng.random()
        if kind < 0.3:
            return f"taken:{y}"
        if kind < 0.7:
            return f"taken:{y}-{rng.randint(1, 12):02d}"
        if kind < 0.85:
            return f"taken:{y}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        a = dt.date(y, rng.randint(1, 12), rng.randint(1, 28))
        return f"taken:{a.isoformat()}..{(a + dt.timedelta(days=rng.randint(1, 400))).isoformat()}"

    def term():
        kind = rng.random()
        if kind < 0.30:
            return rng.choice(common)
        if kind < 0.42:
            return rng.choice(rare)
        if kind < 0.50:
            return '"' + " ".join(rng.choice(common) for _ in range(rng.choice([2, 2, 3]))) + '"'
        if kind < 0.62:
            name = rng.choice(vocab["creators"])
            return "by:" + quote(name if rng.random() < 0.7 else name.split()[-1])
        if kind < 0.74:
            return rng.choice(["place:", "city:", "country:"]) + quote(rng.choice(vocab["places"]))
        if kind < 0.77:
            return "agency:" + quote(rng.choice(vocab["agencies"]))
        if kind < 0.80:
            return "credit:" + quote(rng.choice(vocab["agencies"]))
        if kind < 0.90:
            return date()
        return rng.choice(["is:flagged", "is:missing", "has:caption", "has:gps", "is:licensed", "rules:ok"])

    out = []
    for _ in range(n):
        parts = []
        for _ in range(rng.choice([1, 1, 2, 2, 2, 3, 4])):
            r = rng.random()
            if r < 0.2:
                parts.append(" OR ".join(term() for _ in range(rng.choice([2, 2, 3]))))
            elif r < 0.4 and parts:
                parts.append("-" + term())
            else:
                parts.append(term())
        out.append(" ".join(parts))
    return out


COLD_WORKER = """
import json, sys, time
sys.path.insert(0, {root!r})
from archive.store import open_archive
from archive.store.search import search
import archive.store.facets, archive.store.sortkey, archive.derive, numpy, pyroaring   # the app has these loaded
path, queries = sys.argv[1], json.loads(sys.argv[2])
q = queries[0]
t0 = time.perf_counter()
archive = open_archive(path)
first = search(archive.conn, q, limit=50, count=False)
t1 = time.perf_counter()
page = search(archive.conn, q, limit=50, facets=True)
t2 = time.perf_counter()
print(json.dumps([(t1 - t0) * 1000, (t2 - t0) * 1000, page.total]))
"""


COLD_WINDOW = """
import json, sys, time
sys.path.insert(0, {root!r})
from archive.store import open_archive
from archive.store.search import window
import archive.store.facets, archive.store.sortkey, archive.derive, numpy, pyroaring   # the app has these loaded
path, q, sort, descending = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "desc"
t0 = time.perf_counter()
archive = open_archive(path)
first = window(archive.conn, q, offset=0, limit=50, sort=sort, descending=descending)
t1 = time.perf_counter()
window(archive.conn, q, offset=int(first.total * 0.73), limit=50, sort=sort, descending=descending)
t2 = time.perf_counter()
print(json.dumps([(t1 - t0) * 1000, (t2 - t1) * 1000]))
"""


def cold_window(path: Path, query: str, sort: str, descending: bool) -> tuple[float, float]:
    """In a fresh process: the first screen (offset 0, with the total), then the scrollbar
    dragged to 73% of the result."""
    code = COLD_WINDOW.format(root=str(Path(__file__).resolve().parents[1]))
    out = subprocess.run([sys.executable, "-c", code, str(path), query, sort, "desc" if descending else "asc"],
                         capture_output=True, text=True, check=True, env={**os.environ, "PYTHONPATH": ""})
    return tuple(json.loads(out.stdout.strip().splitlines()[-1]))


def cold(path: Path, query: str) -> tuple[float, float, int]:
    """First page, and page + total + facets, in a fresh process, from just before open_archive."""
    code = COLD_WORKER.format(root=str(Path(__file__).resolve().parents[1]))
    out = subprocess.run([sys.executable, "-c", code, str(path), json.dumps([query])], capture_output=True,
                         text=True, check=True, env={**os.environ, "PYTHONPATH": ""})
    return tuple(json.loads(out.stdout.strip().splitlines()[-1]))


def timed(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return result, times


def after_edit(archive, edits: int = 5) -> None:
    """The first search of each form (page, total and facets) after one caption is
    edited: the cached bitmaps and facet pairs are brought up to date from the
    change log.  The edits are reverted afterwards, so the cached archive stays."""
    from archive.edit import edit_photo, revert_fields

    conn = archive.conn
    ids = [r[0] for r in conn.execute("SELECT id FROM photos ORDER BY id LIMIT ?", (edits,))]
    times: list[float] = []
    for pid in ids:
        edit_photo(archive, pid, {"caption": "Police and a crowd at the harbour in Kyiv, edited"})
        for label, q in QUERIES.items():
            t0 = time.perf_counter()
            search(conn, q, limit=50, facets=True)
            times.append((time.perf_counter() - t0) * 1000)
    for pid in ids:
        revert_fields(archive, pid, ["caption"])
    line(f"page+total+facets after a caption edit ({edits} edits x {len(QUERIES)} forms)", times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=1_000_000)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--repeat", type=int, default=20, help="repeats per query, in one process")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--random", type=int, default=300, help="random queries besides the named forms")
    parser.add_argument("--cold", type=int, default=150, help="queries timed in a fresh process each")
    parser.add_argument("--offsets", type=int, default=40, help="random positions per sort")
    parser.add_argument("--parts", default="cold,repeated,typed,positions,edit",
                        help="which figures to print (comma-separated): cold, repeated, typed, positions, edit")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    path = OUT / f"search-{args.photos}"
    if args.rebuild or not (path / "archive.db").exists():
        import shutil

        shutil.rmtree(path, ignore_errors=True)
        t0 = time.perf_counter()
        build(path, args.photos)
        print(f"built {args.photos:,} photos in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    load = os.getloadavg()
    print(f"{args.photos:,} photos; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; seed {args.seed}")
    with open_archive(path) as archive:
        vocab = vocabulary(archive.conn)
    drawn = random_queries(vocab, args.random, args.seed)
    everything = list(QUERIES.values()) + drawn
    rng = random.Random(args.seed)

    # Cold: a fresh process per query; the named forms, then random ones.
    cold_queries = list(QUERIES.values()) + rng.sample(drawn, min(len(drawn), max(0, args.cold - len(QUERIES))))
    firsts, alls = [], []
    slow = []
    for q in (cold_queries if "cold" in parts else []):
        first, whole, total = cold(path, q)
        firsts.append(first)
        alls.append(whole)
        slow.append((whole, first, total, q))
    if "cold" in parts:
        print(f"\ncold: a fresh process per query, {len(cold_queries)} queries ({len(QUERIES)} named, the rest random)")
        line("first page of 50", firsts, 20)
        line("page + total + facets", alls, 150)
        for whole, first, total, q in sorted(slow, reverse=True)[:5]:
            print(f"    slowest: {whole:7.1f} ms (first page {first:6.1f})  {total:>9,}  {q}")
        for first, whole, total, q in sorted(((f, w, t, q) for w, f, t, q in slow), reverse=True)[:5]:
            print(f"    slowest first page: {first:6.1f} ms (all {whole:7.1f})  {total:>9,}  {q}")
        opens = []
        for _ in range(5):
            first, whole, total = cold(path, "")
            opens.append(whole)
        line("open to first facet counts (whole archive)", opens, 1000)

    # Repeated: one process, each query again and again.
    with open_archive(path) as archive:
        conn = archive.conn
        pages, fulls = [], []
        for q in (everything if "repeated" in parts else []):
            search(conn, q, limit=50, facets=True)             # typed once before
            _, ts = timed(lambda: search(conn, q, limit=50, count=False), args.repeat)
            pages += ts
            _, ts = timed(lambda: search(conn, q, limit=50, facets=True), args.repeat)
            fulls += ts
        if pages:
            print(f"\nrepeated: {len(everything)} queries x {args.repeat} in one process")
            line("first page of 50", pages, 10)
            line("page + total + facets", fulls, 50)

        # First time in a warm process (the window open, a new query typed).
        from archive.store.bitmaps import forget_memory

        forget_memory()
        search(conn, "", limit=50, facets=True)                 # the window opened on everything
        new_first, new_full = [], []
        for q in (drawn[: min(len(drawn), 150)] if "typed" in parts else []):
            forget_memory()
            search(conn, "", limit=1)                            # what the open window keeps anyway
            t0 = time.perf_counter()
            search(conn, q, limit=50, count=False)
            new_first.append((time.perf_counter() - t0) * 1000)
            search(conn, q, limit=50, facets=True)
            new_full.append((time.perf_counter() - t0) * 1000)
        if new_first:
            print(f"\nfirst time typed in an open window ({len(new_first)} random queries, nothing of them in memory)")
            line("first page of 50", new_first, 20)
            line("page + total + facets", new_full, 150)

        # Positions: the scrollbar dragged anywhere, in every sort.
        if "positions" in parts:
            print("\npositions, cold: a fresh process per query and sort: first screen (offset 0, with the "
                  "total), then dragged to 73%")
            for q in ("", "ukraine", "police OR protest OR market", 'by:"Brendan Hoffman" -place:Kyiv',
                      "country:France concert"):
                screens, drags = [], []
                for sort in ("taken", "imported", "name", "creator"):
                    for descending in (True, False):
                        screen, drag = cold_window(path, q, sort, descending)
                        screens.append(screen)
                        drags.append(drag)
                line(f"{(q or 'everything')[:24]:<24} first screen, 8 sorts", screens, 150)
                line(f"{(q or 'everything')[:24]:<24} then 73%,     8 sorts", drags, 50)
            print(f"\npositions: window(offset, limit=50) at {args.offsets} random offsets per sort")
        for q in (("", "ukraine", "police OR protest OR market", 'by:"Brendan Hoffman" -place:Kyiv')
                  if "positions" in parts else ()):
            total = search(conn, q, limit=1).total
            for sort in ("taken", "imported", "name", "creator"):
                for descending in (True, False):
                    forget_memory()
                    t0 = time.perf_counter()
                    window(conn, q, offset=int(total * 0.73), limit=50, sort=sort, descending=descending)
                    first_drag = (time.perf_counter() - t0) * 1000
                    offsets = [rng.randrange(max(1, total)) for _ in range(args.offsets)]
                    ts = []
                    for off in offsets:
                        t0 = time.perf_counter()
                        window(conn, q, offset=off, limit=50, sort=sort, descending=descending)
                        ts.append((time.perf_counter() - t0) * 1000)
                    line(f"{(q or 'everything')[:18]:<18} {sort:<8} {'desc' if descending else 'asc':<4} "
                         f"73% first {first_drag:6.1f}", ts, 50)

        if "edit" in parts:
            after_edit(archive)
        for label, q in ((("ukraine", "ukraine"), ("by: common", 'by:"Brendan Hoffman"'))
                         if "repeated" in parts else ()):
            cursor = None
            for n in range(1, 101):
                page = search(conn, q, limit=50, after=cursor, count=False)
                cursor = page.next
                if cursor is None:
                    break
            _, ts = timed(lambda: search(conn, q, limit=50, after=cursor, count=False), args.repeat)
            line(f"{label} page 101 (keyset)", ts)
    load = os.getloadavg()
    print(f"\nload average at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
