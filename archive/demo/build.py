"""Building the demo archive: a desk's week of photos around the Kyiv article.

The photos are generated (nothing is downloaded) with the metadata real
agencies write, including the hard cases: the same photographer on another
day, the same place by another photographer, the old spelling "Kiev",
Cyrillic metadata, EXIF-only files and a capture just after midnight.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from archive.demo.photos import PhotoSpec, write_photo

KYIV = _dt.timezone(_dt.timedelta(hours=2))
LONDON = _dt.timezone.utc
KYIV_GPS = (50.4501, 30.5234)


def _t(y, mo, d, h, mi, tz=KYIV):
    return _dt.datetime(y, mo, d, h, mi, 0, tzinfo=tz)


def demo_specs() -> list[PhotoSpec]:
    nyt = "The New York Times"
    return [
        PhotoSpec("hoffman_air_raid_kyiv.jpg", creator=["Brendan Hoffman"], credit=nyt, source=nyt,
                  caption="Air raid sirens sounded through the night as people sheltered in a metro "
                          "station in Kyiv, Ukraine.",
                  headline="Drone attack on Kyiv", city="Kyiv", country="Ukraine", country_code="UA",
                  keywords=["Ukraine", "war", "air raid"], taken=_t(2022, 12, 19, 2, 14), gps=KYIV_GPS),
        PhotoSpec("boushnak_christmas_tree.jpg", creator=["Laura Boushnak"], credit=nyt, source=nyt,
                  caption="Workers install a Christmas tree on Sofiyska Square in central Kyiv.",
                  headline="Christmas in wartime Kyiv", city="Kyiv", country="Ukraine", country_code="UA",
                  keywords=["Christmas", "Ukraine"], taken=_t(2022, 12, 17, 11, 5), gps=(50.4529, 30.5143)),
        # Decoys: same photographer, another day; same place, another photographer; same day elsewhere.
        PhotoSpec("hoffman_market_kyiv.jpg", creator=["Brendan Hoffman"], credit=nyt, source=nyt,
                  caption="Shoppers at a market in Kyiv during a power cut.", city="Kyiv",
                  country="Ukraine", taken=_t(2022, 12, 14, 15, 30), gps=KYIV_GPS),
        PhotoSpec("reuters_metro_kiev.jpg", creator=["Gleb Garanich"], credit="Reuters", source="Reuters",
                  caption="People shelter in a metro station during an air raid alert in Kiev, Ukraine.",
                  city="Kiev", country="Ukraine", taken=_t(2022, 12, 19, 6, 40)),
        PhotoSpec("boushnak_lviv.jpg", creator=["Laura Boushnak"], credit=nyt, source=nyt,
                  caption="A Christmas market in Lviv, western Ukraine.", city="Lviv", country="Ukraine",
                  taken=_t(2022, 12, 17, 16, 0), gps=(49.8397, 24.0297)),
        PhotoSpec("afp_kyiv_cyrillic.jpg", creator=["Сергій Супінський"], credit="AFP via Getty Images",
                  source="AFP", caption="Рятувальники працюють на місці удару в Києві.", city="Київ",
                  country="Україна", taken=_t(2022, 12, 19, 9, 12)),
        PhotoSpec("ap_kharkiv_midnight.jpg", creator=["Efrem Lukatsky"], credit="AP", source="AP",
                  caption="Firefighters work through the night in Kharkiv.", city="Kharkiv",
                  country="Ukraine", taken=_t(2022, 12, 19, 0, 40)),
        PhotoSpec("exif_only_kyiv.jpg", exif_artist="Brendan Hoffman", xmp=False,
                  taken=_t(2022, 12, 18, 23, 50), gps=KYIV_GPS),
        PhotoSpec("pa_copenhagen.jpg", creator=["Martin Rickett"], credit="PA", source="PA Wire",
                  caption="Cyclists in København on a winter morning.", city="København", country="Denmark",
                  country_code="DK", taken=_t(2022, 12, 16, 8, 20, LONDON), gps=(55.6761, 12.5683)),
        PhotoSpec("getty_minsk.jpg", creator=["Mikhail Metzel"], credit="Sputnik/AFP via Getty Images",
                  source="AFP", caption="Vladimir Putin and Alexander Lukashenko meet in Minsk, Belarus.",
                  city="Minsk", country="Belarus", taken=_t(2022, 12, 19, 14, 0),
                  instructions="EMBARGOED UNTIL 00:01 GMT 20 December 2022"),
    ]


# Photos the demo leaves for the person to fix (the house-style problems a desk meets).
LEFT_TO_FIX = ("hoffman_market_kyiv.jpg",)      # no credit line: credit.missing
DEMO_LICENCES = (
    dict(licensor="The New York Times", aliases=["NYT"], kind="subscription", cost="free",
         valid_from="2022-01-01", valid_until="2023-12-31", reference="NYT-SYN-2022"),
    dict(licensor="Getty Images", aliases=["AFP", "Sputnik"], kind="subscription", cost="free",
         quota="250/month", valid_from="2022-01-01", valid_until="2022-12-31", reference="GI-2022-17",
         restrictions="No use on social media"),
    dict(licensor="Reuters", kind="subscription", cost="pay", reference="RTR-PAYG"),
    dict(licensor="PA", aliases=["PA Wire"], kind="subscription", cost="free", territories=["GB", "IE"]),
)


def desk_setup(archive_dir) -> list[str]:
    """The desk's side of the demo (once): its licences, a lease, and credit lines in
    the house pattern on most photos, leaving a few problems to fix."""
    from archive.desk import Desk

    with Desk.open(archive_dir, create=False) as desk:
        if desk.licences():
            return []
        for terms in DEMO_LICENCES:
            desk.add_licence(**terms)
        rows = {r.name: r.id for r in desk.results("", limit=100).rows}
        if "ap_kharkiv_midnight.jpg" in rows:
            desk.add_lease(rows["ap_kharkiv_midnight.jpg"], allow=True, valid_from="2022-12-19",
                           valid_until="2022-12-21", note="bought for the Kharkiv story, invoice AP-2212-17")
        for name, pid in rows.items():
            if name in LEFT_TO_FIX or desk.record(pid).get("credit_line"):
                continue
            credit = desk.rebuilt_credit(pid)
            if credit:
                desk.edit([pid], {"credit_line": credit}, label="demo: credit line in the house pattern")
        desk.bring_checks_current(on="2022-12-19")
    return [f"Licences: {', '.join(t['licensor'] for t in DEMO_LICENCES)}; a lease on the AP photo; "
            "credit lines in the house pattern, some problems left to fix."]


def build_demo(directory=None, *, progress=None) -> dict:
    """Write the demo photos and article, import them into a fresh archive, return a summary."""
    from archive.records import records
    from archive.store import open_archive
    from archive.store.search import search
    from archive.sync import import_paths

    if directory is None:
        import platformdirs

        directory = Path(platformdirs.user_data_dir("picturedesk")) / "demo"
    directory = Path(directory)
    photos_dir = directory / "photos"
    photos_dir.mkdir(parents=True, exist_ok=True)
    for seed, spec in enumerate(demo_specs()):
        target = photos_dir / spec.name
        if not target.exists():
            write_photo(photos_dir, spec, seed=seed)
    archive_dir = directory / "archive"
    with open_archive(archive_dir) as archive:
        report = import_paths(archive, [photos_dir], progress=progress)
        # What the demo holds, newest first, through the same search the window uses.
        page = search(archive.conn, "", limit=100)
        photos = records(archive, page.photo_ids)
    lines = [f"Demo archive: {archive_dir}", f"{page.total} photos (from {photos_dir})", ""]
    for r in photos:
        who = ", ".join(r["creator"]) or "-"
        lines.append(f"  #{r['id']:<3} {(r['taken_at'] or '')[:16]:<16}  {who[:22]:<22} "
                     f"{(r['place_city'] or '-')[:12]:<12} {(r['caption'] or '')[:50]}")
    lines += ["", f"Try:  picturedesk --archive {archive_dir} search place:Kyiv",
              f"      picturedesk --archive {archive_dir} search 'by:\"Laura Boushnak\" taken:2022-12'"]
    # --- the article step (archive/demo/article.py): add the Kyiv article and pair it ---
    from archive.demo.article import add_demo_article

    with open_archive(archive_dir) as archive:
        article = add_demo_article(archive, directory)
    lines += ["", *article["lines"]]
    # --- end of the article step ---
    lines += ["", *desk_setup(archive_dir)]
    return {"archive": str(archive_dir), "photos": page.total, "import": report.to_dict(),
            "article": {k: article[k] for k in ("article_id", "match", "accepted")},
            "text": "\n".join(lines)}
