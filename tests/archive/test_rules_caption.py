"""Caption rules: missing, punctuation, length, places and days against the
photo's own metadata (IPTC location, GPS, capture time in local time)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.archive.photo_records import factory
from archive.rules import check_photo, load_profile
from archive.rules.profile import shipped_dir

ON = date(2022, 12, 19)


photo = factory(copyright=None)


def hits(record, profile, rule, on=ON):
    return [v for v in check_photo(record, profile, on=on) if v.rule == rule]


def one(record, profile, rule):
    vs = hits(record, profile, rule)
    assert len(vs) == 1, vs
    return vs[0]


def test_the_article_caption_is_clean(guardian):
    assert [v for v in check_photo(photo(), guardian, on=ON) if v.severity == "error"] == []
    assert [v for v in check_photo(photo(), guardian, on=ON) if v.rule.startswith("caption.")] == []


# ---------------------------------------------------------------- caption.missing

@pytest.mark.parametrize("caption", [None, "", "   ", "\n", "\t"])
def test_caption_missing_fires(guardian, caption):
    v = one(photo(caption=caption, embedded={"caption": "What the agency wrote."}), guardian, "caption.missing")
    assert v.severity == "error" and v.field == "caption" and v.fix is None


@pytest.mark.parametrize("caption", ["Kyiv at night.", "A cyclist in Kyiv.", "Air raid sirens in Kyiv.",
                                     "\u201cWe will overcome everything,\u201d Kuleba said in Kyiv.", "x"])
def test_caption_missing_clean(guardian, caption):
    assert hits(photo(caption=caption), guardian, "caption.missing") == []


# ---------------------------------------------------------------- caption.punctuation

@pytest.mark.parametrize("caption,fix", [
    ("Workers install a Christmas tree in central Kyiv, Ukraine, on Monday",
     "Workers install a Christmas tree in central Kyiv, Ukraine, on Monday."),
    ("Workers install a Christmas tree in central Kyiv..", "Workers install a Christmas tree in central Kyiv."),
    ("Workers install a Christmas tree in central Kyiv, Ukraine,", None),
    ("Workers install a Christmas tree in central Kyiv:", None),
    ("Residents of Kyiv shelter in a metro station (pictured", "Residents of Kyiv shelter in a metro station (pictured."),
    ("A sign in Kyiv reads \u201cWe will overcome\u201d", "A sign in Kyiv reads \u201cWe will overcome.\u201d"),
])
def test_punctuation_fires(guardian, caption, fix):
    v = one(photo(caption=caption), guardian, "caption.punctuation")
    assert v.severity == "warning" and v.fix == fix


@pytest.mark.parametrize("caption", [
    "Workers install a Christmas tree in central Kyiv, Ukraine, on Monday.",
    "Is this the coldest winter Kyiv has seen?",
    "Kyiv stands!",
    "\u201cWe will overcome everything,\u201d Kuleba said in Kyiv on Monday.\u201d",
    "Residents of Kyiv shelter in a metro station (pictured).",
    "Residents of Kyiv shelter in a metro station\u2026 and wait...",
])
def test_punctuation_clean(guardian, caption):
    assert hits(photo(caption=caption), guardian, "caption.punctuation") == []


# ---------------------------------------------------------------- caption.length

@pytest.mark.parametrize("caption", ["Kyiv.", "Kyiv, Monday.", "In Kyiv at night.", "K.",
                                     "Kyiv. " * 70, "A long night in Kyiv. " * 20])
def test_length_fires(guardian, caption):
    v = one(photo(caption=caption), guardian, "caption.length")
    assert v.severity == "warning" and "characters" in v.message


@pytest.mark.parametrize("caption", ["Workers in central Kyiv on Monday.", "A cyclist at dawn in Kyiv.",
                                     "Kyiv residents shelter in the metro.", "A long night in Kyiv. " * 15,
                                     "Kyiv:   the   night   sky  lit  by  air  defence."])
def test_length_clean(guardian, caption):
    assert hits(photo(caption=caption), guardian, "caption.length") == []


# ---------------------------------------------------------------- caption.place_missing

@pytest.mark.parametrize("kw", [
    {"caption": "Firefighters work at the scene of a drone strike on Monday."},
    {"caption": "Firefighters work at the scene of a drone strike on Monday.", "city": None},  # GPS only
    {"caption": "A cyclist rides along the harbour at dawn.", "city": "K\u00f8benhavn", "country": "Denmark",
     "gps": None, "taken_at": "2022-12-19T08:00:00+01:00"},
    {"caption": "Moeen Ali plays defensively on day five.", "city": "Leeds", "gps": None,
     "country": "United Kingdom", "taken_at": "2014-06-24T15:10:41"},
    {"caption": "Former Navy Seal Christopher Heben gestures as he testifies.", "city": "Akron",
     "gps": None, "country": "USA", "taken_at": "2015-04-01"},
])
def test_place_missing_fires(guardian, kw):
    v = one(photo(**kw), guardian, "caption.place_missing")
    assert v.severity == "warning" and "where" in v.message


@pytest.mark.parametrize("kw", [
    {},
    {"caption": "Workers install a Christmas tree in central Kiev, Ukraine, on Monday."},
    {"caption": "Firefighters work at the scene of a drone strike in Ukraine on Monday."},
    {"caption": "Firefighters work at the scene of a drone strike on Monday.", "city": None, "gps": None},
    {"caption": "A cyclist rides along the harbour in Copenhagen at dawn.", "city": "K\u00f8benhavn",
     "country": "Denmark", "gps": None, "taken_at": "2022-12-19T08:00:00+01:00"},
    {"caption": "England's Moeen Ali plays defensively at Headingley, Leeds.", "city": "Leeds", "gps": None,
     "country": "United Kingdom", "taken_at": "2014-06-24T15:10:41"},
])
def test_place_missing_clean(guardian, kw):
    assert hits(photo(**kw), guardian, "caption.place_missing") == []


# ---------------------------------------------------------------- caption.place_mismatch

@pytest.mark.parametrize("kw", [
    {"caption": "Air raid sirens sound over Lviv on Monday."},                       # city and GPS in Kyiv
    {"caption": "Air raid sirens sound over Lviv on Monday.", "city": None},        # GPS only
    {"caption": "Air raid sirens sound over Lviv on Monday.", "gps": None},         # IPTC city only
    {"caption": "Shelling in Kharkiv on Monday.", "city": "Kiev", "gps": None},      # metadata's old spelling
    {"caption": "A cyclist rides along the harbour in Oslo at dawn.", "city": "K\u00f8benhavn",
     "country": "Denmark", "gps": None, "taken_at": "2022-12-19T08:00:00+01:00"},
    {"caption": "England's Moeen Ali plays defensively at Lord's, London.", "city": "Leeds", "gps": None,
     "country": "United Kingdom", "taken_at": "2014-06-24T15:10:41"},
])
def test_place_mismatch_fires(guardian, kw):
    v = one(photo(**kw), guardian, "caption.place_mismatch")
    assert v.severity == "error" and v.fix is None
    assert "Caption places the photo in" in v.message


def test_place_mismatch_message_names_both(guardian):
    v = one(photo(caption="Air raid sirens sound over Lviv on Monday."), guardian, "caption.place_mismatch")
    assert "Lviv" in v.message and "Kyiv" in v.message


@pytest.mark.parametrize("kw", [
    {"caption": "A cyclist rides along the harbour in Copenhagen at dawn.", "city": "K\u00f8benhavn",
     "country": "Denmark", "gps": None, "taken_at": "2022-12-19T08:00:00+01:00"},
    {"caption": "A cyclist rides along the harbour in K\u00f8benhavn at dawn.", "city": "Copenhagen",
     "country": "Denmark", "gps": {"lat": 55.6761, "lon": 12.5683, "alt": None},
     "taken_at": "2022-12-19T08:00:00+01:00"},
    {"caption": "Air raid sirens over Kiev on Monday."},
    {"caption": "Refugees from Kharkiv arrive at the station in Kyiv on Monday."},
    {"caption": "Damaged houses in Irpin, outside Kyiv, on Monday."},               # a town 25 km away
    {"caption": "Firefighters in the Shevchenkivskyi district of Kyiv on Monday."},
    {"caption": "Russia's latest attacks hit Kyiv on Monday, said officials in Moscow.",
     "city": None},                                                                  # countries and cities
    {"caption": "Former Navy Seal Christopher Heben testifies in Akron, Ohio.", "city": "Akron",
     "state": "Ohio", "country": "USA", "gps": None, "taken_at": "2015-04-01"},
    {"caption": "Air raid sirens over Lviv on Monday.", "city": None, "gps": None},  # nothing to compare
    {"caption": "Air raid sirens over Kyiv on Monday.", "city": "Kyyiv", "gps": None},  # a city no one knows
])
def test_place_mismatch_clean(guardian, kw):
    assert hits(photo(**kw), guardian, "caption.place_mismatch") == []


# ---------------------------------------------------------------- caption.weekday_mismatch

KYIV_0040_MONDAY = "2022-12-18T22:40:00Z"          # 00:40 on Monday in Kyiv, Sunday in UTC


@pytest.mark.parametrize("kw,said,fix", [
    ({"taken_at": KYIV_0040_MONDAY, "caption": "Air raid sirens sound in Kyiv on Sunday."},
     "Sunday", "Air raid sirens sound in Kyiv on Monday."),
    ({"taken_at": "2022-12-17T14:00:00", "caption": "Workers install a tree in central Kyiv on Monday."},
     "Monday", "Workers install a tree in central Kyiv on Saturday."),
    ({"caption": "Air raid sirens in Kyiv on Tuesday."}, "Tuesday", "Air raid sirens in Kyiv on Monday."),
    ({"taken_at": "2022-12-19T05:30:00Z", "city": "Los Angeles", "country": "USA", "gps": None,
      "caption": "Rain falls on Los Angeles on Monday."}, "Monday", "Rain falls on Los Angeles on Sunday."),
    ({"taken_at": "2022-12-18T23:30:00-05:00", "city": None, "gps": None,
      "caption": "Snow falls on Monday."}, "Monday", "Snow falls on Sunday."),
    ({"caption": "Sirens sounded on Friday and again on Saturday in Kyiv."}, "Friday, Saturday", None),
])
def test_weekday_mismatch_fires(guardian, kw, said, fix):
    v = one(photo(**kw), guardian, "caption.weekday_mismatch")
    assert v.severity == "error"
    assert v.message.startswith(f"Caption says {said} but the photo was made on ")
    assert v.fix == fix


def test_weekday_message_gives_local_time(guardian):
    v = one(photo(taken_at=KYIV_0040_MONDAY, caption="Air raid sirens sound in Kyiv on Sunday."),
            guardian, "caption.weekday_mismatch")
    assert "Monday 2022-12-19 00:40 Europe/Kyiv time" in v.message


@pytest.mark.parametrize("kw", [
    {"taken_at": KYIV_0040_MONDAY},                                                  # "into Monday"
    {"taken_at": "2022-12-18T23:30:00+02:00"},                       # Sunday evening, "the night into Monday"
    {"taken_at": KYIV_0040_MONDAY, "caption": "Air raid sirens sound in Kyiv on Sunday night."},
    {"taken_at": KYIV_0040_MONDAY, "caption": "Air raid sirens sound in Kyiv late on Sunday."},
    {"caption": "Kyiv prepares for Tuesday's visit by the president."},             # possessive
    {"caption": "Kyiv's curfew runs until Friday."},
    {"caption": "Sirens sounded in Kyiv on Monday."},
    {"taken_at": "2022-12-19", "caption": "Sirens sounded in Kyiv on Monday."},
    {"taken_at": "2022-12-19T05:30:00Z", "city": "Los Angeles", "country": "USA", "gps": None,
     "caption": "Rain falls on Los Angeles on Sunday."},
    {"taken_at": None, "caption": "Sirens sounded in Kyiv on Friday."},
    {"caption": "FILE PHOTO: sirens sounded in Kyiv on Friday."},
])
def test_weekday_clean(guardian, kw):
    assert hits(photo(**kw), guardian, "caption.weekday_mismatch") == []


# ---------------------------------------------------------------- caption.date_mismatch

@pytest.mark.parametrize("kw", [
    {"caption": "Air raid sirens in Kyiv on 18 December 2022."},
    {"caption": "Air raid sirens in Kyiv on December 17."},
    {"taken_at": KYIV_0040_MONDAY, "caption": "Air raid sirens in Kyiv on 18 December."},
    {"caption": "Air raid sirens in Kyiv, 2022-12-01."},
    {"taken_at": "2015-04-01", "city": "Akron", "state": "Ohio", "country": "USA", "gps": None,
     "caption": "Christopher Heben testifies in Akron, Ohio, on April 2, 2015."},
])
def test_date_mismatch_fires(guardian, kw):
    v = one(photo(**kw), guardian, "caption.date_mismatch")
    assert v.severity == "error" and "but the photo was made on" in v.message


@pytest.mark.parametrize("kw", [
    {"caption": "Air raid sirens in Kyiv on 19 December 2022."},
    {"caption": "Tourists in Kyiv remember the attacks of 11 September 2001."},
    {"caption": "Air raid sirens in Kyiv in December 2022."},
    {"taken_at": KYIV_0040_MONDAY, "caption": "Kyiv on the night of 18 December."},
    {"taken_at": KYIV_0040_MONDAY, "caption": "Kyiv on 19 December."},
    {"caption": "File photo dated 24-06-2014 of Kyiv. Issue date: Thursday April 2, 2015."},
    {"taken_at": "2015-04-01", "city": "Akron", "state": "Ohio", "country": "USA", "gps": None,
     "caption": "01 Apr 2015, Akron, Ohio, USA --- April 1, 2015 - Akron, Ohio, U.S. - Former Navy SEAL "
                "CHRISTOPHER HEBEN gestures as he testifies."},
])
def test_date_clean(guardian, kw):
    assert hits(photo(**kw), guardian, "caption.date_mismatch") == []


def test_disabled_rule_stays_silent(tmp_path):
    (tmp_path / "quiet.toml").write_text('extends = "guardian"\n[rules."caption.weekday_mismatch"]\nenabled = false\n')
    prof = load_profile("quiet", search_dirs=[tmp_path, shipped_dir()])
    r = photo(caption="Air raid sirens in Kyiv on Tuesday.")
    assert hits(r, prof, "caption.weekday_mismatch") == []
