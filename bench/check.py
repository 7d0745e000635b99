"""How fast the house-style rules check photos.

Builds 100,000 varied photo records in memory (photographers with and without
accents, agency chains, a few hundred places with GPS, captions naming days,
dates and places, with a share of wrong credits, old spellings, straight
quotes and stray spaces) and prints photos per second of the rules alone
(``check_photo``, one process, with and without licences): what a photo costs a
core.  The same judging spread over the worker pool for photos stored in an
archive is ``bench/check_store.py`` (the issue's target, at least 5,000 photos/s
on 2 cores, is measured there).

    .venv/bin/python bench/check.py [--n 100000] [--profile guardian]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive.licence_model import Lease, Licence  # noqa: E402
from archive.rules import check_photo, load_profile  # noqa: E402
from archive.rules.facts import as_cached  # noqa: E402

PEOPLE = ["Brendan Hoffman", "Laura Boushnak", "Tom\u00e1s Munita", "Efrem Lukatsky", "Gleb Garanich",
          "Sergei Supinsky", "Martin Rickett", "Phil Cole", "Mike Cardew", "Graham Turner", "S\u00f8ren Bidstrup",
          "Anna Kowalska", "Jan Nowak", "\u0404\u0432\u0433\u0435\u043d \u041c\u0430\u043b\u043e\u043b\u0454\u0442\u043a\u0430",
          "Lynsey Addario", "David Guttenfelder", "Kirsty O'Connor", "Christopher Thomond"]
AGENCIES = [("The New York Times", None), ("Reuters", "Reuters"), ("AFP via Getty Images", "AFP"),
            ("Getty Images", "Getty Images Europe"), ("PA", "PA"), ("AP", "Associated Press"),
            ("EPA-EFE", "EPA"), ("\u00a9 Mike Cardew/ZUMA Press/Corbis", "Corbis"), ("The Guardian", None)]
PLACES = [("Kyiv", 50.4501, 30.5234, "Ukraine", "Europe/Kyiv"), ("Lviv", 49.8397, 24.0297, "Ukraine", "Europe/Kyiv"),
          ("Kharkiv", 49.9935, 36.2304, "Ukraine", "Europe/Kyiv"), ("Odesa", 46.4825, 30.7233, "Ukraine", "Europe/Kyiv"),
          ("London", 51.5072, -0.1276, "United Kingdom", "Europe/London"),
          ("Leeds", 53.8008, -1.5491, "United Kingdom", "Europe/London"),
          ("Copenhagen", 55.6761, 12.5683, "Denmark", "Europe/Copenhagen"),
          ("Akron", 41.0814, -81.5190, "USA", "America/New_York"),
          ("Los Angeles", 34.0522, -118.2437, "USA", "America/Los_Angeles"),
          ("Warsaw", 52.2297, 21.0122, "Poland", "Europe/Warsaw"), ("Paris", 48.8566, 2.3522, "France", "Europe/Paris"),
          ("Berlin", 52.52, 13.405, "Germany", "Europe/Berlin")]
OLD = {"Kyiv": "Kiev", "Kharkiv": "Kharkov", "Odesa": "Odessa", "Lviv": "Lvov"}
SCENES = ["Workers install a Christmas tree in central {place}", "Air raid sirens sound over {place}",
          "Firefighters work at the scene of a strike in {place}", "Residents queue for water in {place}",
          "Commuters cross a bridge in {place}", "A cyclist rides through {place} at dawn",
          "Supporters celebrate in {place}", "Police patrol a square in {place}",
          "\"We will overcome everything,\" a volunteer said in {place}", "Children play in the snow in {place}"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def build_records(n: int, seed: int = 7) -> list[dict]:
    rnd = random.Random(seed)
    start = datetime(2022, 1, 1, tzinfo=timezone.utc)
    out = []
    for i in range(n):
        city, lat, lon, country, _ = rnd.choice(PLACES)
        person = rnd.choice(PEOPLE)
        credit, source = rnd.choice(AGENCIES)
        when = start + timedelta(minutes=rnd.randrange(0, 365 * 24 * 60))
        offset = rnd.choice(["Z", "+02:00", "naive", "+00:00"])
        taken = when.strftime("%Y-%m-%dT%H:%M:%S") + ("" if offset == "naive" else offset)
        day = when.date()
        place_in_caption = city if rnd.random() > 0.05 else rnd.choice(PLACES)[0]
        if rnd.random() < 0.1:
            place_in_caption = OLD.get(place_in_caption, place_in_caption)
        caption = rnd.choice(SCENES).format(place=place_in_caption)
        r = rnd.random()
        if r < 0.5:
            wd = WEEKDAYS[day.weekday()] if rnd.random() > 0.05 else rnd.choice(WEEKDAYS)
            caption += f" on {wd}"
        elif r < 0.7:
            caption += f" on {day.day} {day.strftime('%B %Y')}"
        caption += "." if rnd.random() > 0.05 else ""
        if rnd.random() < 0.05:
            caption = caption.replace(" ", "  ", 1)
        caption = caption.replace("'", "\u2019") if rnd.random() > 0.3 else caption
        name_in_credit = person if rnd.random() > 0.05 else person.replace("\u00e1", "a").replace("\u00f8", "o")
        if "\u0404" in person:
            name_in_credit = "Yevhen Maloletka"
        agency_in_credit = {"AFP via Getty Images": "AFP/Getty Images", "EPA-EFE": "EPA-EFE",
                            "\u00a9 Mike Cardew/ZUMA Press/Corbis": "ZUMA Press/Corbis"}.get(credit, credit)
        credit_line = f"Photograph: {name_in_credit}/{agency_in_credit}" if rnd.random() > 0.03 else None
        gps = {"lat": lat + rnd.uniform(-0.05, 0.05), "lon": lon + rnd.uniform(-0.05, 0.05), "alt": None} \
            if rnd.random() > 0.4 else None
        out.append({
            "id": i, "path": f"/photos/{i:06d}.jpg", "taken_at": taken, "gps": gps,
            "creator": [person], "credit": credit, "source": source, "copyright": None,
            "caption": caption, "credit_line": credit_line,
            "city": city if rnd.random() > 0.2 else None, "country": country,
            "instructions": rnd.choice([None, None, None, "Editorial use only.",
                                        f"EMBARGOED UNTIL 00:01 GMT {day.day + 0} {day.strftime('%B %Y')}",
                                        "NO ARCHIVES"]),
            "usage_terms": None, "keywords": [], "embedded": {},
        })
    return out


LICENCES = [Licence(1, "The New York Times"), Licence(2, "Reuters", quota="1000/month"),
            Licence(3, "Getty Images", aliases=["AFP"]), Licence(4, "PA", valid_until="2022-06-30"),
            Licence(5, "The Guardian", kind="staff", creators=["Graham Turner", "Christopher Thomond"])]


def _cpu() -> float:
    own = time.process_time()
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own + kids.ru_utime + kids.ru_stime


def run(profile, records, on, gazetteer, licences=None, leases=(), uses=None) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds, photos flagged."""
    by_photo: dict = {}
    for lease in leases:
        by_photo.setdefault(lease.photo_id, []).append(lease)
    t, c = time.perf_counter(), _cpu()
    flagged = 0
    for r in records:
        vs = check_photo(r, profile, on=on, licences=licences, leases=by_photo.get(r["id"], ()),
                         uses_in_period=uses, gazetteer=gazetteer)
        flagged += bool(vs)
    return time.perf_counter() - t, _cpu() - c, flagged


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--profile", default="guardian")
    args = ap.parse_args()
    profile = load_profile(args.profile)
    t = time.perf_counter()
    records = build_records(args.n)
    print(f"built {len(records):,} records in {time.perf_counter() - t:.1f}s")
    on = date(2022, 12, 19)
    gazetteer = as_cached(None)
    t = time.perf_counter()
    check_photo(records[0], profile, on=on, gazetteer=gazetteer)      # opens the gazetteer (builds it on a first run)
    print(f"first photo (gazetteer open): {time.perf_counter() - t:.2f}s")
    for label, lic in (("rules only", None), ("rules + licences", (LICENCES, [Lease(1, 5, False)], {2: 10}))):
        secs, cpu, flagged = run(profile, records, on, gazetteer, *(lic or ()))
        print(f"{label:17s} 1 process: {len(records) / secs:7,.0f} photos/s  ({secs:5.1f}s wall, "
              f"{len(records) / cpu:6,.0f} photos per CPU-second, {flagged:,} flagged)")
    print(f"load average now: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores "
          "(other work on the machine slows the wall-clock figures)")


if __name__ == "__main__":
    main()
