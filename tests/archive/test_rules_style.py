"""Style rules: house spellings, whitespace and quotes, each with a whole-field fix."""

from __future__ import annotations

from datetime import date

import pytest

from tests.archive.photo_records import factory
from archive.rules import check_photo
from archive.rules.style import curl, fold_whitespace

ON = date(2022, 12, 19)


photo = factory(gps={"lat": 50.4501, "lon": 30.5234, "alt": None}, source=None, copyright=None)


def hits(record, profile, rule, field=None):
    return [v for v in check_photo(record, profile, on=ON) if v.rule == rule and (field is None or v.field == field)]


def one(record, profile, rule, field=None):
    vs = hits(record, profile, rule, field)
    assert len(vs) == 1, vs
    return vs[0]


# ---------------------------------------------------------------- style.spelling

@pytest.mark.parametrize("caption,fix", [
    ("Air raid sirens in Kiev on Monday.", "Air raid sirens in Kyiv on Monday."),
    ("AIR RAID SIRENS IN KIEV on Monday.", "AIR RAID SIRENS IN KYIV on Monday."),
    ("Kiev's mayor Vitali Klitschko in Kyiv on Monday.", "Kyiv's mayor Vitali Klitschko in Kyiv on Monday."),
    ("Trains from Kharkov and Odessa arrive in Kyiv on Monday.",
     "Trains from Kharkiv and Odesa arrive in Kyiv on Monday."),
    ("Refugees from the Ukraine arrive in Kyiv on Monday.", "Refugees from Ukraine arrive in Kyiv on Monday."),
    ("The Zaporozhye nuclear plant, seen from Kyiv on Monday.",
     "The Zaporizhzhia nuclear plant, seen from Kyiv on Monday."),
])
def test_spelling_fires(guardian, caption, fix):
    v = one(photo(caption=caption), guardian, "style.spelling")
    assert v.severity == "warning" and v.field == "caption" and v.fix == fix


def test_spelling_message_lists_each_change(guardian):
    v = one(photo(caption="Trains from Kharkov and Odessa arrive in Kiev on Monday."), guardian, "style.spelling")
    assert "\u201cKharkov\u201d as \u201cKharkiv\u201d" in v.message and "\u201cKiev\u201d as \u201cKyiv\u201d" in v.message


@pytest.mark.parametrize("kw", [
    {},
    {"caption": "A plate of chicken Kiev in a Kyiv restaurant on Monday."},
    {"caption": "Odessa, Texas, on Monday.", "city": None, "gps": None},
    {"caption": "A statue of a Kievan Rus prince in Kyiv on Monday."},
    {"credit_line": "Photograph: Kiev Photo Agency/The New York Times"},      # credits are not respelt
    {"caption": "Dnipro and Kharkiv on Monday."},
])
def test_spelling_clean(guardian, kw):
    assert hits(photo(**kw), guardian, "style.spelling") == []


# ---------------------------------------------------------------- style.whitespace

@pytest.mark.parametrize("field,text,fix", [
    ("caption", "Air raid sirens  in Kyiv on Monday.", "Air raid sirens in Kyiv on Monday."),
    ("caption", " Air raid sirens in Kyiv on Monday. ", "Air raid sirens in Kyiv on Monday."),
    ("caption", "Air raid sirens in Kyiv.\rOn Monday.", "Air raid sirens in Kyiv. On Monday."),
    ("caption", "Air raid sirens in Kyiv\ton Monday.", "Air raid sirens in Kyiv on Monday."),
    ("caption", "Air raid sirens in Kyiv , on Monday .", "Air raid sirens in Kyiv, on Monday."),
    ("caption", "Air raid sirens in Kyiv\u00a0on Monday.", "Air raid sirens in Kyiv on Monday."),
    ("credit_line", "Photograph:  Brendan Hoffman/The New York Times",
     "Photograph: Brendan Hoffman/The New York Times"),
])
def test_whitespace_fires(guardian, field, text, fix):
    v = one(photo(**{field: text}), guardian, "style.whitespace", field)
    assert v.severity == "warning" and v.fix == fix


@pytest.mark.parametrize("kw", [
    {},
    {"caption": "Air raid sirens in Kyiv: the night of Monday."},
    {"caption": "\u201cWe will overcome everything,\u201d Kuleba said in Kyiv on Monday."},
    {"caption": "Sirens in Kyiv (on Monday) \u2013 and again on Tuesday."},
    {"credit_line": "Photograph: Sergei Supinsky/AFP/Getty Images"},
])
def test_whitespace_clean(guardian, kw):
    assert hits(photo(**kw), guardian, "style.whitespace") == []


def test_fold_whitespace():
    assert fold_whitespace("  a \r\n b\t c  . ") == "a b c."


# ---------------------------------------------------------------- style.quotes

@pytest.mark.parametrize("field,text,fix", [
    ("caption", "Kyiv's mayor in Kyiv on Monday.", "Kyiv\u2019s mayor in Kyiv on Monday."),
    ("caption", '"We will overcome everything," Kuleba said in Kyiv on Monday.',
     "\u201cWe will overcome everything,\u201d Kuleba said in Kyiv on Monday."),
    ("caption", "A 'critical infrastructure' site in Kyiv on Monday.",
     "A \u2018critical infrastructure\u2019 site in Kyiv on Monday."),
    ("caption", "Kyiv's first metro line, built in the '60s, on Monday.",
     "Kyiv\u2019s first metro line, built in the \u201960s, on Monday."),
    ("credit_line", "Photograph: Kirsty O'Connor/PA", "Photograph: Kirsty O\u2019Connor/PA"),
])
def test_quotes_fire_curly(guardian, field, text, fix):
    kw = {field: text}
    if field == "credit_line":
        kw.update(creator=["Kirsty O'Connor"], credit="PA")
    v = one(photo(**kw), guardian, "style.quotes", field)
    assert v.severity == "info" and v.fix == fix


def test_curled_credit_is_still_the_same_photographer(guardian):
    r = photo(creator=["Kirsty O'Connor"], credit="PA", credit_line="Photograph: Kirsty O\u2019Connor/PA")
    assert hits(r, guardian, "credit.creator_mismatch") == []


@pytest.mark.parametrize("text,fix", [
    ("\u201cWe will overcome,\u201d Kuleba said in Kyiv on Monday.", '"We will overcome," Kuleba said in Kyiv on Monday.'),
    ("Kyiv\u2019s mayor on Monday.", "Kyiv's mayor on Monday."),
    ("A \u2018critical\u2019 site in Kyiv on Monday.", "A 'critical' site in Kyiv on Monday."),
    ("Kyiv\u2019s \u201cunbreakable\u201d spirit on Monday.", "Kyiv's \"unbreakable\" spirit on Monday."),
    ("O\u2019Connor in Kyiv on Monday.", "O'Connor in Kyiv on Monday."),
])
def test_quotes_fire_straight(ap, text, fix):
    v = one(photo(caption=text, credit_line="(AP Photo/Brendan Hoffman)"), ap, "style.quotes", "caption")
    assert v.fix == fix


@pytest.mark.parametrize("caption", [
    "Air raid sirens in Kyiv on Monday.",
    "Kyiv\u2019s mayor in Kyiv on Monday.",
    "\u201cWe will overcome everything,\u201d Kuleba said in Kyiv on Monday.",
    "A \u2018critical infrastructure\u2019 site in Kyiv on Monday.",
    "Kyiv\u2019s first metro line, built in the \u201960s.",
])
def test_quotes_clean_curly(guardian, caption):
    assert hits(photo(caption=caption), guardian, "style.quotes") == []


@pytest.mark.parametrize("caption", ["Kyiv's mayor on Monday.", '"Stand," he said in Kyiv on Monday.',
                                     "Sirens in Kyiv on Monday.", "A 'critical' site in Kyiv.", "Kyiv, 1960s."])
def test_quotes_clean_straight(ap, caption):
    assert hits(photo(caption=caption, credit_line="(AP Photo/Brendan Hoffman)"), ap, "style.quotes") == []


def test_curl_nested_and_brackets():
    assert curl('("Yes")') == "(\u201cYes\u201d)"
    assert curl("players' kit") == "players\u2019 kit"
