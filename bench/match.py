"""Matching at a million photos: one article of 10 captions, median and p95.

Builds (once, cached under bench/out/) an archive of N photos through the
store's own tables, as ``bench/search.py`` does, with a newsroom's spread:
2,000 photographers on a Zipf curve (the most prolific, Brendan Hoffman,
has ~13% of the archive; 80 have Ukrainian names written in Cyrillic), 40
cities with alternate spellings, ten years of captures, captions of eight
words from a vocabulary of 120 ("ukraine" in half of them).  Then it picks
ten photos from the week before the article as the captions' own photos
(three by the most prolific photographer, two with Cyrillic by-lines),
writes the caption a newspaper would (some of the photo's words, its city,
the weekday in the city's local time, the credit line with the name in the
Latin alphabet), and times ``archive.matching.match_article`` on that
article, proposals stored as in use.

    python bench/match.py [--photos 1000000] [--rebuild] [--repeat 30]
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
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive.derive import gazetteer  # noqa: E402
from archive.gazetteer.names import kmu_romanise  # noqa: E402
from archive.matching import match_article  # noqa: E402
from archive.store import articles as article_store  # noqa: E402
from archive.store import open_archive  # noqa: E402
from bench.search import AGENCIES, CITIES, OUT, Rows  # noqa: E402

ARTICLE_DATE = dt.date(2022, 12, 19)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
FIRST = ("Anna James Maria David Sophie Peter Laura Daniel Emma Michael Sarah Thomas Julia Marco "
         "Elena Jonas Lucia Pablo Hannah Omar Nadia Kevin Ines Tariq Chloe Ivan Marta Felix Amira "
         "Lukas Rosa Hugo Leila Sven Noor Diego Ewa Karim Aino Paulo").split()
LAST = ("Smith Garcia Muller Rossi Dubois Novak Kowalski Jensen Silva Nilsson Horvat Papadopoulos "
        "Yilmaz Ivanova Costa Fischer Moreau Romano Lindqvist Nowak Schmidt Ferrari Leroy Hansen "
        "Santos Berg Kovacs Wagner Bianchi Martin Weber Lopez Keller Ricci Blanc Olsen Pereira "
        "Svensson Meyer Greco Fontaine Dahl Rocha Lund Vogel Marino Girard Holm Barros Kraus").split()
FIRST_UK = "Олексій Сергій Євген Юлія Наталія Михайло Андрій Валерій".split()
LAST_UK = "Кулеба Супінський Малолєтка Кочетова Залужний Ковальов Чумаченко Нужненко Гнідий Шевчук".split()
VOCABULARY = ("police protest market river bridge station school hospital parliament football crowd "
              "rain snow fire flood election court church train airport harbour museum festival concert "
              "soldiers rescuers firefighters volunteers children workers residents refugees doctors "
              "nurses teachers farmers miners protesters mourners shoppers commuters tourists "
              "christmas tree lights candles memorial funeral wedding parade march rally strike queue "
              "shelter metro basement bunker generator power blackout water bread aid convoy tank "
              "drone missile rubble ruins crater building apartment house roof window street square "
              "park forest field beach port ship ferry bus tram car truck bicycle horse dog cat bird "
              "snowfall storm heatwave drought wildfire earthquake harvest sunset sunrise night fog "
              "ice skating stadium cathedral mosque synagogue palace embassy ministry summit meeting "
              "speech vote ballot").split()


def photographers() -> list[str]:
    rng = random.Random(5)
    latin = [f"{f} {l}" for f in FIRST for l in LAST]
    rng.shuffle(latin)
    names = ["Brendan Hoffman", "Laura Boushnak"] + [f"{f} {l}" for f in FIRST_UK for l in LAST_UK]
    return names + latin[:2000 - len(names)]


def build(path: Path, n: int) -> None:
    """N photos through the store's tables (photos, full text, facets, places), in bulk."""
    rng = random.Random(7)
    gaz = gazetteer()
    places = [(p, gaz.country_for(p.country_code)) for p in (gaz.best(c) for c in CITIES) if p]
    alt_for = {"Kyiv": ["Kiev", "Київ", "Kyiv"], "Copenhagen": ["København", "Copenhagen"]}
    people = photographers()
    weights = [1 / (i + 1) for i in range(len(people))]
    start = dt.datetime(2015, 1, 1, tzinfo=dt.timezone.utc).timestamp()
    span = 10 * 365 * 86400
    with open_archive(path) as archive:
        rows = Rows(archive.conn)
        drawn = rng.choices(people, weights, k=n)
        for i in range(n):
            seconds = int(start + rng.random() * span)
            place, country = places[rng.randrange(len(places))] if rng.random() < 0.9 else (None, None)
            city_text = rng.choice(alt_for.get(place.name, [place.name])) if place else None
            words = rng.sample(VOCABULARY, 8) + (["ukraine"] if rng.random() < 0.5 else [])
            rows.add(i + 1, seconds, creator=drawn[i], agency=AGENCIES[i % len(AGENCIES)], caption=" ".join(words),
                     place=place, country=country, city_text=city_text)
        rows.finish()


def pick_targets(conn, n: int, rng: random.Random) -> list[dict]:
    """Photos of the week before the article (so each caption's weekday names its day)."""
    first = (ARTICLE_DATE - dt.timedelta(days=5)).isoformat()
    rows = conn.execute(
        "SELECT id, caption, creator, credit, city, place_city, taken_at FROM photos "
        "WHERE taken_date BETWEEN ? AND ? AND place_city IS NOT NULL ORDER BY id",
        (first, (ARTICLE_DATE - dt.timedelta(days=1)).isoformat())).fetchall()
    rng.shuffle(rows)
    busy = [r for r in rows if json.loads(r[2]) == ["Brendan Hoffman"]][:3]
    cyrillic = [r for r in rows if any("\u0400" <= ch <= "\u04ff" for ch in r[2])][:2]
    chosen = busy + cyrillic
    chosen += [r for r in rows if r not in chosen][:n - len(chosen)]
    keys = ("id", "caption", "creator", "credit", "city", "place_city", "taken_at")
    return [dict(zip(keys, r)) for r in chosen]


def caption_for(target: dict, rng: random.Random) -> tuple[str, str]:
    """A newspaper's caption and credit line for a target photo."""
    place = gazetteer().best(target["place_city"])
    zone = ZoneInfo(place.timezone) if place and place.timezone else dt.timezone.utc
    local = dt.datetime.fromisoformat(target["taken_at"]).astimezone(zone)
    words = [w for w in target["caption"].split() if w != "ukraine"]
    chosen = rng.sample(words, 4)
    text = (f"{chosen[0].capitalize()} {' '.join(chosen[1:])} in {place.name} "
            f"on {WEEKDAYS[local.weekday()]}.")
    creator = json.loads(target["creator"])[0]
    if not creator.isascii():        # the paper prints the Ukrainian national romanisation
        creator = kmu_romanise(creator).title()
    return text, f"Photograph: {creator}/{target['credit']}"


def add_article(conn, targets: list[dict], rng: random.Random) -> int:
    from archive.articles import parse_credit

    captions = []
    for index, target in enumerate(targets):
        text, credit_line = caption_for(target, rng)
        captions.append({"index": index, "text": text, "credit_line": credit_line,
                         "credit": parse_credit(credit_line).to_dict(), "paragraph": index + 1})
    with article_store.transaction(conn):
        return article_store.insert_article(conn, title="Benchmark article", date=ARTICLE_DATE.isoformat(),
                                            source_path=None, format="text", body="", captions=captions)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=1_000_000)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    path = OUT / f"match-{args.photos}"
    if args.rebuild or not (path / "archive.db").exists():
        import shutil

        shutil.rmtree(path, ignore_errors=True)
        t0 = time.perf_counter()
        build(path, args.photos)
        print(f"built {args.photos:,} photos in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    rng = random.Random(11)
    with open_archive(path) as archive:
        conn = archive.conn
        targets = pick_targets(conn, 10, rng)
        article_id = add_article(conn, targets, rng)
        gazetteer().best("Kyiv")          # warm the gazetteer like a running app
        t0 = time.perf_counter()
        first = match_article(archive, article_id)
        cold = (time.perf_counter() - t0) * 1000
        times, cpu = [], []
        for _ in range(args.repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            result = match_article(archive, article_id)
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        right = sum(p.photo_id == t["id"] for p, t in zip(result.pairs, targets))
        statuses = {s: sum(p.status == s for p in result.pairs) for s in ("auto", "suggested", "none")}
        candidates = sum(len(p.candidates) for p in first.pairs)
        article_store.delete_article(conn, article_id)
    def p95(values):
        return sorted(values)[max(0, int(len(values) * 0.95) - 1)]

    print(f"{args.photos:,} photos; match an article of {len(targets)} captions, ms over {args.repeat} runs:")
    print(f"  wall clock  median {statistics.median(times):.1f}, p95 {p95(times):.1f} "
          f"(first run, cold caches: {cold:.1f})")
    print(f"  CPU time    median {statistics.median(cpu):.1f}, p95 {p95(cpu):.1f} "
          "(the wall clock less the waits for a busy machine's other processes)")
    print(f"paired with their own photo: {right}/{len(targets)}; statuses {statuses}; "
          f"{candidates} candidates listed")


if __name__ == "__main__":
    main()
