"""Checks stored in the archive: `check` over 100,000 photos, and `is:cleared` at a million.

Part 1 builds (once, cached under bench/out/check-store-N) an archive of N photos
through the store's tables, with bench/check.py's realistic records (photographers
with and without accents, agency chains, places with GPS, captions naming days,
dates and places, a share of wrong credits, old spellings, embargoes), the desk's
licences (one with a quota used by accepted pairings), and some leases.  Then it
times what ``picturedesk check`` does: judge every photo and store violations,
rule status, clearance and facets (``keep_current``), on 2 worker processes; then
the same call with nothing stale; then a new day (clearance alone re-judged);
then one edited photo.

Part 2 copies bench/out/search-1000000 (made by bench/search.py) to
bench/out/check-1000000, adds licences, judges and stores every photo for today
(printing how long that took) and times ``search is:cleared``: the first page,
the total, and the stale-check a search makes first.

Wall-clock figures are noisy on a shared machine, so CPU seconds (this process
and its workers) are printed beside them.

    .venv/bin/python bench/check_store.py [--photos 100000] [--jobs 2] [--million] [--rebuild]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import random
import resource
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archive import checking, licence_book  # noqa: E402
from archive.folding import fold  # noqa: E402
from archive.store import open_archive  # noqa: E402
from archive.store.sortkey import base_key, taken_seconds  # noqa: E402

OUT = ROOT / "bench" / "out"
ON = dt.date(2022, 12, 19)


def _records(n: int) -> list[dict]:
    spec = importlib.util.spec_from_file_location("bench_check", ROOT / "bench" / "check.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.build_records(n)


def cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


LICENCES = [
    dict(licensor="The New York Times", valid_from="2022-01-01", valid_until="2023-12-31"),
    dict(licensor="Reuters", quota="1000/month", valid_from="2020-01-01"),
    dict(licensor="Getty Images", aliases=["AFP", "Getty Images Europe"], valid_from="2021-01-01"),
    dict(licensor="PA", aliases=["Press Association", "PA Wire"], valid_until="2022-06-30"),
    dict(licensor="The Guardian", kind="staff", creators=["Graham Turner", "Christopher Thomond@2020-01-01.."]),
    dict(licensor="AP", aliases=["Associated Press"], valid_from="2022-01-01", media=["print", "web"]),
]


def build(path: Path, n: int) -> None:
    """An archive of n photos written straight into the store's tables (seconds, not the
    hours an import of real files would take)."""
    rng = random.Random(11)
    records = _records(n)
    with open_archive(path) as archive:
        conn = archive.conn
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("BEGIN")
        facet_ids, counts = {}, {}

        def facet(kind, name):
            key = (kind, fold(name))
            if key not in facet_ids:
                facet_ids[key] = conn.execute("INSERT INTO facet_values(kind, name, norm, count) VALUES (?,?,?,0)",
                                              (kind, name, key[1])).lastrowid
            return facet_ids[key]

        used, photos, facets = set(), [], []
        for i, r in enumerate(records):
            key = base_key(taken_seconds(r["taken_at"]))
            while key in used:
                key += 1
            used.add(key)
            pid = i + 1
            gps = r["gps"] or {}
            meta = {k: r.get(k) for k in ("creator", "credit", "source", "caption", "city", "country",
                                          "instructions", "taken_at")}
            photos.append((pid, key, f"/photos/{i // 1000:04d}/IMG_{i:06d}.jpg", r["caption"],
                           json.dumps(r["creator"], ensure_ascii=False), r["credit"], r["source"], r["city"],
                           r["country"], r["taken_at"], r["taken_at"][:10], gps.get("lat"), gps.get("lon"),
                           r["instructions"], r["credit_line"], json.dumps(meta, ensure_ascii=False),
                           "2022-12-20T00:00:00Z"))
            for kind, name in (("creator", r["creator"][0]), ("agency", r["credit"]), ("place", r["city"])):
                if name:
                    vid = facet(kind, name)
                    facets.append((vid, key, pid))
                    counts[vid] = counts.get(vid, 0) + 1
        conn.executemany(
            "INSERT INTO photos(id, sort_key, path, caption, creator, credit, source, city, country, taken_at, "
            "taken_date, gps_lat, gps_lon, instructions, credit_line, embedded, updated_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", photos)
        conn.executemany("INSERT INTO photo_facets(value_id, sort_key, photo_id) VALUES (?,?,?)", facets)
        conn.executemany("UPDATE facet_values SET count=? WHERE id=?", [(c, v) for v, c in counts.items()])
        # Articles of the month with accepted pairings: the quota's uses.
        for a in range(40):
            aid = conn.execute("INSERT INTO articles(title, date) VALUES (?, ?)",
                               (f"Article {a}", f"2022-12-{1 + a % 19:02d}")).lastrowid
            for idx in range(6):
                conn.execute("INSERT INTO captions(article_id, idx, text) VALUES (?,?,?)", (aid, idx, "caption"))
                conn.execute("INSERT INTO pairs(article_id, idx, photo_id, score, status, decision) "
                             "VALUES (?,?,?,?,?,?)", (aid, idx, rng.randrange(1, n + 1), 0.9, "auto", "accepted"))
        conn.execute("COMMIT")
        for lic in LICENCES:
            licence_book.add_licence(archive, **lic)
        for pid in rng.sample(range(1, n + 1), min(300, n)):
            licence_book.add_lease(archive, pid, allow=rng.random() < 0.5, valid_from="2022-12-01",
                                note="bench")
        conn.execute("ANALYZE")


def timed_refresh(archive, label: str, n: int, **kw):
    t, c = time.perf_counter(), cpu()
    r = checking.keep_current(archive, **kw)
    wall, used = time.perf_counter() - t, cpu() - c
    judged = r.checked + r.rejudged
    rate = f"{judged / wall:8,.0f} photos/s ({judged / used:6,.0f} per CPU-second)" if judged else "nothing stale"
    print(f"{label:<44} {judged:>9,} judged {wall * 1000:>10,.1f} ms wall {used:7.2f} s CPU  {rate}")
    return r


def part_one(n: int, jobs: int, rebuild: bool) -> None:
    path = OUT / f"check-store-{n}"
    if rebuild or not (path / "archive.db").exists():
        shutil.rmtree(path, ignore_errors=True)
        t = time.perf_counter()
        build(path, n)
        print(f"built {n:,} photos in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    work = OUT / "tmp" / f"check-store-{n}"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(path, work)
    with open_archive(work) as archive:
        conn = archive.conn
        print(f"{n:,} photos, {len(LICENCES)} licences, "
              f"{conn.execute('SELECT count(*) FROM leases').fetchone()[0]} leases, jobs={jobs}")
        timed_refresh(archive, "check: every photo judged and stored", n, on=ON, processes=jobs)
        timed_refresh(archive, "check again: nothing stale", n, on=ON, processes=jobs)
        timed_refresh(archive, "next day: clearance alone re-judged", n, on=ON + dt.timedelta(days=1),
                      processes=jobs)
        from archive.edit import edit_photo

        edit_photo(archive, 5, {"caption": "Workers install a Christmas tree in central Kyiv on Monday."})
        timed_refresh(archive, "one photo edited", n, on=ON + dt.timedelta(days=1), processes=jobs)
        t = time.perf_counter()
        report = checking.check_photos(archive, None, on=ON + dt.timedelta(days=1), processes=jobs)
        print(f"{'check report (stored violations read)':<44} {len(report.violations):>9,} violations "
              f"{(time.perf_counter() - t) * 1000:>7,.0f} ms; {report.errors:,} errors")
        rows = conn.execute("SELECT rule_status, count(*) FROM photos GROUP BY 1 ORDER BY 1").fetchall()
        clear = conn.execute("SELECT clearance_status, count(*) FROM photos GROUP BY 1 ORDER BY 1").fetchall()
        print(f"  rule status {dict(rows)}; clearance {dict(clear)}")
    shutil.rmtree(work, ignore_errors=True)


def timed(fn, repeat):
    times = []
    result = None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return result, statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def part_two(jobs: int, rebuild: bool, repeat: int = 30) -> None:
    from archive.store.search import search

    source = OUT / "search-1000000"
    path = OUT / "check-1000000"
    if not (source / "archive.db").exists() and not (path / "archive.db").exists():
        print("bench/out/search-1000000 is missing: run bench/search.py first; part two skipped")
        return
    if rebuild or not (path / "archive.db").exists():
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        for name in ("archive.db", "archive.db-wal", "archive.db-shm"):
            if (source / name).exists():
                shutil.copy2(source / name, path / name)
    today = dt.date.today()
    with open_archive(path) as archive:
        conn = archive.conn
        # An archive migrated by an interim version 4 (during development) has other indexes.
        conn.execute("DROP INDEX IF EXISTS photos_checked")
        conn.execute("DROP INDEX IF EXISTS photos_licence_resolved")
        conn.execute("CREATE INDEX IF NOT EXISTS photos_unchecked ON photos(sort_key) WHERE checked_epoch IS NULL")
        if not licence_book.list_licences(archive):
            # bench/search.py's photos have no credit line: give each the one a desk would.
            conn.execute("UPDATE photos SET credit_line = 'Photograph: ' || json_extract(creator, '$[0]') "
                         "|| '/' || credit WHERE credit_line IS NULL")
            for lic in LICENCES:
                licence_book.add_licence(archive, **lic)
        total = conn.execute("SELECT count(*) FROM photos").fetchone()[0]
        print(f"\n{total:,} photos (bench/search.py's archive), judged for today ({today})")
        timed_refresh(archive, "judge & store every photo for today", total, on=today, processes=jobs)
        _, med, p95 = timed(lambda: checking.keep_current_for_query(archive, "is:cleared"), repeat)
        print(f"{'stale check before a search (nothing stale)':<44} median {med:6.2f} ms, p95 {p95:6.2f} ms")
        page, med, p95 = timed(lambda: search(conn, "is:cleared", limit=50, count=False), repeat)
        print(f"{'is:cleared first page of 50':<44} median {med:6.2f} ms, p95 {p95:6.2f} ms")
        t = time.perf_counter()
        first = search(conn, "is:cleared", limit=50)
        cold = (time.perf_counter() - t) * 1000
        _, med, p95 = timed(lambda: search(conn, "is:cleared", limit=50).total, repeat)
        print(f"{'is:cleared page + total':<44} median {med:6.2f} ms, p95 {p95:6.2f} ms "
              f"(first, making the bitmap: {cold:,.0f} ms); {first.total:,} cleared")
        _, med, p95 = timed(lambda: search(conn, "is:flagged", limit=50, count=False), repeat)
        print(f"{'is:flagged first page of 50':<44} median {med:6.2f} ms, p95 {p95:6.2f} ms")
        _, med, p95 = timed(lambda: search(conn, "is:cleared by:Photographer0007", limit=50, count=False), repeat)
        print(f"{'is:cleared by:Photographer0007 first page':<44} median {med:6.2f} ms, p95 {p95:6.2f} ms")
        # Facet counts once the checks add their kinds (licence, clearance, rules) to the pairs.
        pairs = conn.execute("SELECT count(*) FROM photo_facets").fetchone()[0]
        for q in ("ukraine", "is:cleared", "by:Photographer0007", "-is:flagged"):
            t = time.perf_counter()
            search(conn, q, limit=50, facets=True)
            cold = (time.perf_counter() - t) * 1000
            _, med, p95 = timed(lambda: search(conn, q, limit=50, facets=True), repeat)
            print(f"{'facets: ' + q:<44} median {med:6.2f} ms, p95 {p95:6.2f} ms (first {cold:,.0f} ms; "
                  f"{pairs:,} facet pairs)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--photos", type=int, default=100_000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--million", action="store_true", help="also part two (is:cleared at a million photos)")
    ap.add_argument("--only-million", action="store_true")
    ap.add_argument("--rebuild", action="store_true")
    args = ap.parse_args()
    if not args.only_million:
        part_one(args.photos, args.jobs, args.rebuild)
    if args.million or args.only_million:
        part_two(args.jobs, args.rebuild)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores "
          "(other work on the machine slows the wall-clock figures)")


if __name__ == "__main__":
    main()
