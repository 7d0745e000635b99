"""Photos and articles for the matching tests, written with exiftool.

Four articles (the shared Kyiv article and three written here) and 46 photos:
each caption's own photo, where it is in the archive, among hard decoys, and
background photos from the same fortnight.  Metadata is written the way
agencies write it: IPTC-IIM, XMP, both, or EXIF only, in Latin and Cyrillic.

``EXPECTED`` says, per article, which photo file each caption belongs to
(None: the caption's photo is not in the archive); ``DECOYS`` lists the files
that must never be paired automatically.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

KYIV = dt.timezone(dt.timedelta(hours=2))
CET = dt.timezone(dt.timedelta(hours=1))
UTC = dt.timezone.utc

GPS = {
    "Kyiv": (50.4501, 30.5234), "Kyiv-Sofiyska": (50.4529, 30.5143), "Lviv": (49.8397, 24.0297),
    "Kharkiv": (49.9935, 36.2304), "Kherson": (46.6354, 32.6169), "Bakhmut": (48.5956, 38.0003),
    "Copenhagen": (55.6761, 12.5683), "London": (51.5142, -0.1494), "Paris": (48.8566, 2.3522),
    "Lyon": (45.7640, 4.8357), "Vienna": (48.2108, 16.3608), "Odesa": (46.4825, 30.7233),
}


@dataclass
class Spec:
    name: str
    creator: list[str] = field(default_factory=list)
    write: str = "xmp"                 # "iptc", "xmp", "both" or "exif" (EXIF only)
    caption: str | None = None
    headline: str | None = None
    credit: str | None = None
    source: str | None = None
    copyright: str | None = None
    city: str | None = None
    country: str | None = None
    country_code: str | None = None
    keywords: list[str] = field(default_factory=list)
    taken: dt.datetime | None = None
    gps: tuple[float, float] | None = None


def t(y, mo, d, h, mi, tz=KYIV):
    return dt.datetime(y, mo, d, h, mi, tzinfo=tz)


NYT = "The New York Times"

SPECS = [
    # --- the Kyiv article (2022-12-19) ---------------------------------------------
    Spec("kyiv_hoffman_air_raid.jpg", ["Brendan Hoffman"], "iptc",
         "Air raid sirens sounded through the night as people sheltered in a metro station in Kyiv, Ukraine.",
         "Drone attack on Kyiv", NYT, NYT, None, "Kyiv", "Ukraine", "UA", ["Ukraine", "war", "air raid"],
         t(2022, 12, 19, 2, 14), GPS["Kyiv"]),
    Spec("kyiv_boushnak_tree.jpg", ["Laura Boushnak"], "xmp",
         "Workers install a Christmas tree on Sofiyska Square in central Kyiv.",
         "Christmas in wartime Kyiv", NYT, NYT, None, "Kyiv", "Ukraine", "UA", ["Christmas", "Ukraine"],
         t(2022, 12, 17, 11, 5), GPS["Kyiv-Sofiyska"]),
    # decoys: same photographer on another day (market, and the Saturday a week before)
    Spec("decoy_hoffman_market.jpg", ["Brendan Hoffman"], "iptc",
         "Shoppers at a market in Kyiv during a power cut.", None, NYT, NYT, None, "Kyiv", "Ukraine", "UA",
         [], t(2022, 12, 14, 15, 30), GPS["Kyiv"]),
    Spec("decoy_boushnak_tree_week_before.jpg", ["Laura Boushnak"], "both",
         "Workers put up the frame of a Christmas tree in central Kyiv.", None, NYT, NYT, None,
         "Kyiv", "Ukraine", "UA", ["Christmas"], t(2022, 12, 10, 12, 0), GPS["Kyiv-Sofiyska"]),
    # EXIF only, the night before "into Monday": same photographer, another day
    Spec("decoy_hoffman_exif_sunday_night.jpg", ["Brendan Hoffman"], "exif", taken=t(2022, 12, 18, 23, 50),
         gps=GPS["Kyiv"], copyright="Brendan Hoffman"),
    # same place, same day, another photographer; the old spelling "Kiev"
    Spec("decoy_reuters_metro_kiev.jpg", ["Gleb Garanich"], "iptc",
         "People shelter in a metro station during an air raid alert in Kiev, Ukraine.", None,
         "Reuters", "Reuters", None, "Kiev", "Ukraine", "UA", ["air raid"], t(2022, 12, 19, 6, 40)),
    # same photographer, same day, another city
    Spec("decoy_boushnak_lviv.jpg", ["Laura Boushnak"], "xmp",
         "Workers install Christmas lights at a market in Lviv, western Ukraine.", None, NYT, NYT, None,
         "Lviv", "Ukraine", "UA", ["Christmas"], t(2022, 12, 17, 16, 0), GPS["Lviv"]),
    # Cyrillic metadata, same place and day, another photographer
    Spec("decoy_afp_kyiv_cyrillic.jpg", ["Сергій Супінський"], "iptc",
         "Рятувальники працюють на місці удару в Києві.", None, "AFP via Getty Images", "AFP", None,
         "Київ", "Україна", "UA", [], t(2022, 12, 19, 9, 12)),

    # --- Kharkiv article (2022-12-20) --------------------------------------------
    # captured just after midnight local time: 22:40 UTC on Sunday is Monday in Kharkiv;
    # the metadata spells the city the old way
    Spec("kharkiv_lukatsky_fire.jpg", ["Efrem Lukatsky"], "both",
         "Firefighters work through the night at the site of a Russian strike in Kharkov.", None,
         "AP", "AP", "Copyright 2022 The Associated Press", "Kharkov", "Ukraine", "UA", ["fire"],
         t(2022, 12, 19, 0, 40)),
    Spec("decoy_lukatsky_sunday.jpg", ["Efrem Lukatsky"], "both",
         "Firefighters arrive at the site of a Russian strike in Kharkiv.", None, "AP", "AP", None,
         "Kharkiv", "Ukraine", "UA", ["fire"], t(2022, 12, 18, 23, 20)),
    # Cyrillic metadata only: the credit spells the name in the Ukrainian romanisation
    Spec("kharkiv_kovalov_cyrillic.jpg", ["Олексій Ковальов"], "iptc",
         "Волонтери роздають гарячу їжу в Харкові.", None, "Reuters", "Reuters", None, "Харків",
         "Україна", "UA", [], t(2022, 12, 18, 13, 0), GPS["Kharkiv"]),
    # the power engineer's photo is absent; the same photographer's other day is here
    Spec("decoy_bobok_other_day.jpg", ["Sergey Bobok"], "xmp",
         "A destroyed power station near Kharkiv.", None, "AFP via Getty Images", "AFP", None,
         "Kharkiv", "Ukraine", "UA", ["energy"], t(2022, 12, 15, 11, 0), GPS["Kharkiv"]),
    Spec("decoy_kharkiv_same_day.jpg", ["Vyacheslav Madiyevskyy"], "xmp",
         "Engineers repair power lines in Kharkiv after a Russian strike.", None, "Ukrinform", "Ukrinform",
         None, "Kharkiv", "Ukraine", "UA", ["energy"], t(2022, 12, 17, 14, 0), GPS["Kharkiv"]),

    # --- Europe article (2022-12-17) ---------------------------------------------
    Spec("europe_rickett_copenhagen.jpg", ["Martin Rickett"], "iptc",
         "Cyclists in the snow in København on a winter morning.", None, "PA", "PA Wire", None,
         "København", "Danmark", "DK", ["snow", "cycling"], t(2022, 12, 16, 8, 20, CET), GPS["Copenhagen"]),
    # EXIF only: Artist, Copyright, GPS and the time, nothing else
    Spec("europe_kitwood_exif_london.jpg", ["Dan Kitwood"], "exif", copyright="Getty Images",
         taken=t(2022, 12, 15, 17, 30, UTC), gps=GPS["London"]),
    Spec("decoy_neal_london_same_day.jpg", ["Leon Neal"], "xmp",
         "Christmas shoppers in central London.", None, "Getty Images", "Getty Images", None, "London",
         "United Kingdom", "GB", ["Christmas", "shopping"], t(2022, 12, 15, 16, 0, UTC), GPS["London"]),
    Spec("europe_tessier_paris.jpg", ["Benoit Tessier"], "both",
         "Protesters march against pension reform in Paris.", None, "Reuters", "Reuters", None, "Paris",
         "France", "FR", ["protest"], t(2022, 12, 15, 15, 0, CET), GPS["Paris"]),
    Spec("decoy_tessier_lyon.jpg", ["Benoit Tessier"], "both",
         "Protesters march against pension reform in Lyon.", None, "Reuters", "Reuters", None, "Lyon",
         "France", "FR", ["protest"], t(2022, 12, 15, 11, 0, CET), GPS["Lyon"]),
    Spec("decoy_derosa_paris.jpg", ["Julien de Rosa"], "xmp",
         "Protesters march in Paris.", None, "AFP via Getty Images", "AFP", None, "Paris", "France", "FR",
         ["protest"], t(2022, 12, 15, 16, 10, CET), GPS["Paris"]),
    # the Vienna skaters' photo is absent; another photographer's skaters are here
    Spec("decoy_klamar_vienna_skaters.jpg", ["Joe Klamar"], "xmp",
         "Ice skaters at the Rathausplatz rink in Vienna.", None, "AFP via Getty Images", "AFP", None,
         "Vienna", "Austria", "AT", ["skating"], t(2022, 12, 14, 18, 0, CET), GPS["Vienna"]),

    # --- Front-line article (2022-12-22) -----------------------------------------
    # Russian Cyrillic By-line, credited in the Ukrainian form of the given name
    Spec("front_chumachenko_bakhmut.jpg", ["Алексей Чумаченко"], "iptc",
         "Ukrainian soldiers unload supplies near Bakhmut, Donetsk region.", None, "Getty Images",
         "Getty Images", None, "Bakhmut", "Ukraine", "UA", ["war"], t(2022, 12, 21, 10, 0), GPS["Bakhmut"]),
    Spec("decoy_libkos_bakhmut_same_day.jpg", ["Libkos"], "xmp",
         "A soldier rests in a trench near Bakhmut.", None, "AP", "AP", None, "Bakhmut", "Ukraine", "UA",
         ["war"], t(2022, 12, 21, 14, 0), GPS["Bakhmut"]),
    Spec("front_nuzhnenko_kherson.jpg", ["Sergii Nuzhnenko"], "xmp",
         "Residents collect water from a well in Kherson.", None, "RFE/RL", "Radio Liberty", None,
         "Kherson", "Ukraine", "UA", ["water"], t(2022, 12, 20, 12, 30), GPS["Kherson"]),
    Spec("decoy_nuzhnenko_week_before.jpg", ["Sergii Nuzhnenko"], "xmp",
         "Residents queue for water in Kherson.", None, "RFE/RL", "Radio Liberty", None, "Kherson",
         "Ukraine", "UA", ["water"], t(2022, 12, 13, 12, 0), GPS["Kherson"]),
]

# Background: the same fortnight, the same cities, other photographers and scenes.
_BACKGROUND = [
    ("Kyiv", "A woman walks past a destroyed building in Kyiv.", "Efrem Lukatsky", "AP", 18, 10),
    ("Kyiv", "Commuters wait for a train during a power cut in Kyiv.", "Valentyn Ogirenko", "Reuters", 16, 8),
    ("Kyiv", "Children play in the snow in a Kyiv park.", "Genya Savilov", "AFP via Getty Images", 12, 13),
    ("Kyiv", "A generator powers a cafe in Kyiv.", "Roman Pilipey", "EPA", 15, 19),
    ("Lviv", "Candles light a church in Lviv.", "Yuriy Dyachyshyn", "AFP via Getty Images", 17, 18),
    ("Odesa", "Ships wait at the port of Odesa.", "Nina Lyashonok", "Reuters", 16, 9),
    ("Kharkiv", "A tram passes a damaged school in Kharkiv.", "Sergey Bobok", "AFP via Getty Images", 9, 12),
    ("Kharkiv", "Miners rescued from a shaft near Kharkiv.", "Vitalii Hnidyi", "Reuters", 19, 15),
    ("Paris", "Tourists near the Eiffel Tower in Paris.", "Sarah Meyssonnier", "Reuters", 14, 11),
    ("London", "Nurses on strike outside a London hospital.", "Henry Nicholls", "Reuters", 15, 9),
    ("Copenhagen", "A harbour bath in Copenhagen.", "Mads Claus Rasmussen", "Ritzau Scanpix", 13, 10),
    ("Vienna", "The Christmas market at Schönbrunn in Vienna.", "Lisa Leutner", "Reuters", 3, 18),
    ("Kherson", "A man rides a bicycle past a destroyed bridge in Kherson.", "Libkos", "AP", 19, 14),
    ("Bakhmut", "Smoke rises over Bakhmut.", "Aris Messinis", "AFP via Getty Images", 20, 8),
    ("Kyiv", "Volunteers sort donated clothes in Kyiv.", "Laura Boushnak", NYT, 20, 16),
    ("Kyiv", "A memorial wall in Kyiv.", "Brendan Hoffman", NYT, 5, 12),
    ("Lviv", "A blacked-out street in Lviv.", "Brendan Hoffman", NYT, 11, 21),
    ("Kyiv", "Soldiers' graves in a Kyiv cemetery.", "Laura Boushnak", NYT, 3, 11),
    ("Kharkiv", "A queue for bread in Kharkiv.", "Efrem Lukatsky", "AP", 12, 10),
    ("Paris", "A Christmas tree in the Galeries Lafayette in Paris.", "Julien de Rosa", "AFP via Getty Images", 16, 12),
    ("Kyiv", "An old photograph: the Maidan in Kyiv.", "Brendan Hoffman", NYT, None, None),
]
for number, (city, caption, who, credit, day, hour) in enumerate(_BACKGROUND):
    SPECS.append(Spec(f"background_{number:02d}.jpg", [who], ("xmp", "iptc", "both")[number % 3], caption,
                      None, credit, credit, None, city, None, None, [],
                      t(2022, 12, day, hour, 0) if day else None, GPS.get(city)))

# caption index -> photo file (None: the caption's photo is not in the archive)
EXPECTED = {
    "kyiv": {0: "kyiv_hoffman_air_raid.jpg", 1: "kyiv_boushnak_tree.jpg"},
    "kharkiv": {0: "kharkiv_lukatsky_fire.jpg", 1: "kharkiv_kovalov_cyrillic.jpg", 2: None},
    "europe": {0: "europe_rickett_copenhagen.jpg", 1: "europe_kitwood_exif_london.jpg",
               2: "europe_tessier_paris.jpg", 3: None},
    "front": {0: "front_chumachenko_bakhmut.jpg", 1: "front_nuzhnenko_kherson.jpg"},
}
DECOYS = [s.name for s in SPECS if s.name.startswith("decoy_")]
ARTICLE_DATES = {"kyiv": "2022-12-19", "kharkiv": "2022-12-20", "europe": "2022-12-17", "front": "2022-12-22"}

ARTICLES = {
    "kharkiv": """Kharkiv counts the cost of another night of strikes

Firefighters work at the site of a Russian strike in Kharkiv, Ukraine, early on Monday. Photograph: Efrem Lukatsky/AP

The city's mayor said power had been restored to most homes by the evening.

Volunteers hand out hot meals in Kharkiv on Sunday. Photograph: Oleksii Kovalov/Reuters

Engineers worked through the weekend to repair the grid.

A power engineer repairs lines near Kharkiv on Saturday. Photograph: Sergey Bobok/AFP via Getty Images
""",
    "europe": """Winter across Europe

Cyclists ride through the snow in Copenhagen, Denmark, on Friday. Photograph: Martin Rickett/PA

Christmas shoppers in central London on Thursday. Photograph: Dan Kitwood/Getty Images

Protesters march against pension reform in Paris on Thursday. Photograph: Benoit Tessier/Reuters

Ice skaters in Vienna on Wednesday. Photograph: Lisa Leutner/Reuters
""",
    "front": """On the front line

Soldiers unload supplies near Bakhmut on Wednesday. Photograph: Oleksii Chumachenko/Getty Images

Residents collect water from a well in Kherson on Tuesday. Photograph: Serhii Nuzhnenko/Radio Liberty
""",
}


# ---------------------------------------------------------------- writing

def _exiftool_args(spec: Spec) -> list[str]:
    args = ["-m", "-overwrite_original", "-charset", "iptc=UTF8", "-codedcharacterset=utf8",
            "-EXIF:Make=Canon", "-EXIF:Model=Canon EOS R5"]
    if spec.taken:
        args += [f"-EXIF:DateTimeOriginal={spec.taken:%Y:%m:%d %H:%M:%S}"]
        offset = spec.taken.strftime("%z")
        args += [f"-EXIF:OffsetTimeOriginal={offset[:3]}:{offset[3:]}"]
    if spec.gps:
        lat, lon = spec.gps
        args += [f"-GPSLatitude={abs(lat)}", f"-GPSLatitudeRef={'N' if lat >= 0 else 'S'}",
                 f"-GPSLongitude={abs(lon)}", f"-GPSLongitudeRef={'E' if lon >= 0 else 'W'}"]
    if spec.write == "exif":
        if spec.creator:
            args.append(f"-EXIF:Artist={'; '.join(spec.creator)}")
        if spec.copyright:
            args.append(f"-EXIF:Copyright={spec.copyright}")
        if spec.caption:
            args.append(f"-EXIF:ImageDescription={spec.caption}")
        return args
    if spec.write in ("iptc", "both"):
        args += [f"-IPTC:By-line={c}" for c in spec.creator]
        args += [f"-IPTC:Keywords={k}" for k in spec.keywords]
        for tag, value in (("Caption-Abstract", spec.caption), ("Headline", spec.headline),
                           ("Credit", spec.credit), ("Source", spec.source),
                           ("CopyrightNotice", spec.copyright), ("City", spec.city),
                           ("Country-PrimaryLocationName", spec.country),
                           ("Country-PrimaryLocationCode", spec.country_code)):
            if value:
                args.append(f"-IPTC:{tag}={value}")
        if spec.taken:
            args += [f"-IPTC:DateCreated={spec.taken:%Y:%m:%d}",
                     f"-IPTC:TimeCreated={spec.taken:%H:%M:%S}{spec.taken.strftime('%z')[:3]}:{spec.taken.strftime('%z')[3:]}"]
    if spec.write in ("xmp", "both"):
        args += [f"-XMP-dc:Creator={c}" for c in spec.creator]
        args += [f"-XMP-dc:Subject={k}" for k in spec.keywords]
        for tag, value in (("XMP-dc:Description", spec.caption), ("XMP-photoshop:Headline", spec.headline),
                           ("XMP-photoshop:Credit", spec.credit), ("XMP-photoshop:Source", spec.source),
                           ("XMP-dc:Rights", spec.copyright), ("XMP-photoshop:City", spec.city),
                           ("XMP-photoshop:Country", spec.country),
                           ("XMP-iptcCore:CountryCode", spec.country_code)):
            if value:
                args.append(f"-{tag}={value}")
        if spec.taken:
            args.append(f"-XMP-photoshop:DateCreated={spec.taken.isoformat()}")
    return args


def write_photos(folder: Path, specs=SPECS) -> list[Path]:
    """Write every spec as a small JPEG, all through one exiftool run."""
    if shutil.which("exiftool") is None:
        import pytest

        pytest.skip("exiftool is not installed (the matching fixtures write metadata with it)")
    folder.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []
    paths = []
    for number, spec in enumerate(specs):
        path = folder / spec.name
        Image.new("RGB", (64, 48), ((number * 37) % 256, (number * 91) % 256, 120)).save(path, "JPEG")
        lines += _exiftool_args(spec) + [str(path), "-execute"]
        paths.append(path)
    argfile = folder.parent / "exiftool-args.txt"
    argfile.write_text("\n".join(lines) + "\n", encoding="utf-8")
    subprocess.run(["exiftool", "-@", str(argfile)], check=True, capture_output=True, timeout=300)
    return paths


def write_articles(folder: Path, articles_dir: Path | None = None) -> dict[str, Path]:
    """The article files: the shared Kyiv article (when there) and the three above."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for key, text in ARTICLES.items():
        path = folder / f"{key}.txt"
        path.write_text(text, encoding="utf-8")
        out[key] = path
    if articles_dir is not None and (articles_dir / "kyiv-drone-attack.txt").exists():
        out["kyiv"] = articles_dir / "kyiv-drone-attack.txt"
    return out
