"""Licence rules through check_photo, and the real agency photos of the corpus.

grid_pa.jpg, grid_corbis.jpg, grid_guardian-turner.jpg and grid_cech.jpg carry
real agency captions, credits and restrictions (PA's "Editorial use only",
Corbis's "Not available ... to customers located in Finland"); records are
built from exiftool's reading of them in expected/NAME.json.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from tests.archive.photo_records import factory
from archive.licence_model import Lease, Licence
from archive.rules import check_photo, load_profile
from archive.rules.profile import shipped_dir

ON = date(2022, 12, 19)
CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "real"


photo = factory(gps=None, copyright=None)


NYT = Licence(3, "The New York Times", valid_from="2022-01-01", valid_until="2023-12-31")
REUTERS = dict(creator=["Gleb Garanich"], credit="REUTERS", source="Reuters",
               credit_line="Photograph: Gleb Garanich/Reuters")


def licence_hits(record, licences=(NYT,), leases=(), on=ON, profile=None, uses=None):
    profile = profile or load_profile("guardian", search_dirs=[shipped_dir()])
    return [v for v in check_photo(record, profile, on=on, licences=licences, leases=leases, uses_in_period=uses)
            if v.rule.startswith("licence.")]


def only(vs, rule, severity="error"):
    assert [v.rule for v in vs] == [rule], vs
    assert vs[0].severity == severity
    return vs[0]


# ---------------------------------------------------------------- licence.missing

@pytest.mark.parametrize("kw,licences", [
    (REUTERS, [NYT]),
    ({"creator": [], "credit": None, "source": None, "credit_line": None}, [NYT]),
    ({"credit": None, "source": None, "credit_line": "Photograph: Brendan Hoffman"},
     [Licence(1, "The Guardian", kind="staff", creators=["Graham Turner"])]),
    ({"credit": "AFP", "source": "AFP", "credit_line": "Photograph: Brendan Hoffman/AFP"}, [Licence(2, "AP")]),
    ({"credit": "AFP via Getty Images", "source": "AFP", "credit_line": "Photograph: Brendan Hoffman/AFP/Getty Images"},
     [Licence(2, "EPA")]),
    ({}, []),
])
def test_missing_fires(kw, licences):
    v = only(licence_hits(photo(**kw), licences), "licence.missing")
    assert "No licence covers this photo" in v.message


@pytest.mark.parametrize("kw,licences,leases", [
    ({}, [NYT], []),
    ({"credit": "AFP via Getty Images", "source": "AFP"}, [Licence(5, "Getty Images")], []),
    ({"credit": "AFP", "source": None}, [Licence(5, "Getty Images", aliases=["AFP"])], []),
    ({"credit": None, "source": None, "credit_line": "Photograph: Brendan Hoffman"},
     [Licence(6, "The Guardian", kind="commissioned", creators=["Brendan Hoffman@2022-12-01..2022-12-31"])], []),
    ({"licence_id": 9, "credit": "Unknown Wire"}, [Licence(9, "Unknown Wire Ltd")], []),
    (REUTERS, [], [Lease(1, 12, True, "2022-12-19", "2022-12-19")]),
])
def test_missing_clean(kw, licences, leases):
    assert licence_hits(photo(**kw), licences, leases) == []


# ---------------------------------------------------------------- licence.expired

@pytest.mark.parametrize("licences,on", [
    ([Licence(4, "The New York Times", valid_until="2022-12-18")], ON),
    ([Licence(4, "The New York Times", valid_from="2023-01-01")], ON),
    ([Licence(4, "NYT", valid_from="2010-01-01", valid_until="2012-12-31")], ON),
    ([Licence(4, "The New York Times", valid_until="2022-12-18"), Licence(5, "Reuters")], ON),
    ([NYT], date(2024, 1, 1)),
])
def test_expired_fires(licences, on):
    v = only(licence_hits(photo(), licences, on=on), "licence.expired")
    assert "licence" in v.message.lower()


def test_expired_hand_assigned():
    lic = Licence(9, "Magnum", kind="single-use", valid_until="2022-01-31")
    only(licence_hits(photo(licence_id=9), [lic]), "licence.expired")
    # A licence valid on the day still covers the photo.
    assert licence_hits(photo(licence_id=9), [NYT, lic]) == []


@pytest.mark.parametrize("licences,leases,on", [
    ([NYT], [], date(2023, 12, 31)),                      # the last day
    ([NYT], [], date(2022, 1, 1)),                        # the first day
    ([Licence(4, "The New York Times")], [], ON),         # open-ended
    ([Licence(4, "The New York Times", valid_until="2022-12-18"), NYT], [], ON),
    ([Licence(4, "The New York Times", valid_until="2022-12-18")], [Lease(1, 12, True)], ON),
])
def test_expired_clean(licences, leases, on):
    assert licence_hits(photo(), licences, leases, on=on) == []


# ---------------------------------------------------------------- licence.restricted

@pytest.mark.parametrize("kw,licences,leases,severity", [
    ({"instructions": "EMBARGOED UNTIL 00:01 GMT 20 December 2022"}, [NYT], [], "error"),
    ({}, [NYT], [Lease(1, 12, False, note="legal hold")], "error"),
    ({}, [Licence(4, "The New York Times", territories=["US"])], [], "error"),
    ({}, [Licence(4, "The New York Times", media=["print"])], [], "warning"),
    ({}, [Licence(4, "The New York Times", media=["broadcast"])], [], "error"),
    ({"usage_terms": "NO SALES. NO ARCHIVES. UK OUT"}, [NYT], [], "error"),
    ({"instructions": "No archive.", "taken_at": "2022-11-01T10:00:00+02:00"}, [NYT], [], "error"),
    ({"instructions": "Embargoed until 00:01 GMT 19 December 2022"}, [NYT], [], "warning"),
    ({}, [Licence(4, "The New York Times", restrictions="Not for use in the United Kingdom")], [], "error"),
])
def test_restricted_fires(kw, licences, leases, severity):
    only(licence_hits(photo(**kw), licences, leases), "licence.restricted", severity)


def test_editorial_only_where_the_profile_forbids_it(tmp_path):
    (tmp_path / "ads.toml").write_text('extends = "guardian"\n[rules."licence.restricted"]\n'
                                       'forbid_editorial_only = true\n')
    prof = load_profile("ads", search_dirs=[tmp_path, shipped_dir()])
    r = photo(instructions="Editorial use only. No commercial use.")
    v = only(licence_hits(r, profile=prof), "licence.restricted")
    assert "editorial use only" in v.message


@pytest.mark.parametrize("kw,licences", [
    ({"instructions": "Editorial use only. No commercial use."}, [NYT]),
    ({"usage_terms": "Not available for license and invoicing to customers located in Finland."}, [NYT]),
    ({"instructions": "EMBARGOED UNTIL 00:01 GMT 18 December 2022"}, [NYT]),
    ({"instructions": "NO ARCHIVES", "taken_at": "2022-12-17T10:00:00+02:00"}, [NYT]),
    ({}, [Licence(4, "The New York Times", territories=["GB", "IE"], media=["print", "web"])]),
    ({"instructions": "For latest restrictions check www.corbisimages.com"}, [NYT]),
])
def test_restricted_clean(kw, licences):
    assert licence_hits(photo(**kw), licences) == []


# ---------------------------------------------------------------- licence.over_quota

QUOTA = Licence(50, "Reuters", quota="100/month")


@pytest.mark.parametrize("licence,uses", [
    (QUOTA, {50: 100}),
    (QUOTA, {50: 250}),
    (Licence(50, "Reuters", quota="1000/year"), {50: 1000}),
    (QUOTA, {"50": 100}),
    (Licence(50, "Reuters", quota="1/month"), {50: 1}),
])
def test_over_quota_fires(licence, uses):
    v = only(licence_hits(photo(**REUTERS), [licence], uses=uses), "licence.over_quota", "warning")
    assert "is used up" in v.message


def test_over_quota_as_error(tmp_path):
    (tmp_path / "strict.toml").write_text('extends = "guardian"\n[rules."licence.over_quota"]\nseverity = "error"\n')
    prof = load_profile("strict", search_dirs=[tmp_path, shipped_dir()])
    only(licence_hits(photo(**REUTERS), [QUOTA], uses={50: 100}, profile=prof), "licence.over_quota", "error")


@pytest.mark.parametrize("licence,uses,leases", [
    (QUOTA, {50: 99}, []),
    (Licence(50, "Reuters"), {50: 10_000}, []),
    (QUOTA, None, []),
    (QUOTA, {51: 500}, []),
    (QUOTA, {50: 100}, [Lease(1, 12, True, note="bought separately")]),
])
def test_over_quota_clean(licence, uses, leases):
    assert licence_hits(photo(**REUTERS), [licence], leases, uses=uses) == []


def test_without_licensing_no_licence_rules(guardian):
    assert [v for v in check_photo(photo(**REUTERS), guardian, on=ON) if v.rule.startswith("licence.")] == []


# ---------------------------------------------------------------- the real agency photos

def real_record(name: str, **kw) -> dict:
    """A photo record as the reader makes it, from exiftool's reading of a corpus file."""
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    d = json.loads((CORPUS / "expected" / f"{name}.json").read_text())[0]

    def first(*keys):
        for k in keys:
            if d.get(k) not in (None, ""):
                return d[k]
        return None

    creator = first("MWG:Creator")
    taken = first("MWG:DateTimeOriginal")
    if taken:
        m = re.match(r"(\d{4}):(\d{2}):(\d{2})(?: (\d{2}:\d{2}:\d{2})(?:\.\d+)?)?([+-]\d{2}:\d{2}|Z)?", taken)
        taken = f"{m[1]}-{m[2]}-{m[3]}" + (f"T{m[4]}" if m[4] else "") + (m[5] or "" if m[4] else "")
    r = {
        "id": name, "path": str(CORPUS / name), "taken_at": taken, "gps": None,
        "creator": creator if isinstance(creator, list) else ([creator] if creator else []),
        "credit": first("XMP-photoshop:Credit", "IPTC:Credit"),
        "source": first("XMP-photoshop:Source", "IPTC:Source"),
        "copyright": first("MWG:Copyright"),
        "caption": first("MWG:Description"),
        "city": first("MWG:City"), "state": first("MWG:State"), "country": first("MWG:Country"),
        "country_code": first("XMP-iptcCore:CountryCode"),
        "instructions": first("XMP-photoshop:Instructions", "IPTC:SpecialInstructions"),
        "usage_terms": first("XMP-xmpRights:UsageTerms"),
        "credit_line": None, "embedded": {},
    }
    r.update(kw)
    return r


DESK = {
    "grid_pa.jpg": dict(
        caption="England\u2019s Moeen Ali plays defensively from the bowling of Sri Lanka\u2019s Shaminda "
                "Eranga during day five of the second Test at Headingley, Leeds, on Tuesday.",
        credit_line="Photograph: Martin Rickett/PA"),
    "grid_corbis.jpg": dict(
        caption="The former Navy Seal Christopher Heben testifies in his own defence at Akron Municipal "
                "Court, Ohio, on 1 April 2015.",
        credit_line="Photograph: Mike Cardew/ZUMA Press/Corbis"),
    "grid_guardian-turner.jpg": dict(
        caption="Reuben Smith, aged five, from Hampshire among \u2018Darwin Hybrid Mix\u2019 tulips in the "
                "cut-flower garden at Arundel Castle.",
        credit_line="Photograph: Graham Turner/The Guardian"),
    "grid_cech.jpg": dict(
        caption="The Czech Republic goalkeeper Petr \u010cech in action against England at Wembley Stadium, "
                "London, on 20 August 2008.",
        credit_line="Photograph: Phil Cole/Getty Images"),
}
DESK_LICENCES = [
    Licence(1, "PA", aliases=["Press Association"], valid_from="2014-01-01"),
    Licence(2, "Corbis", valid_from="2015-01-01", valid_until="2016-12-31"),
    Licence(3, "The Guardian", kind="staff", creators=["Graham Turner@2000-01-01.."]),
    Licence(4, "Getty Images", aliases=["AFP"], valid_from="2008-01-01"),
]
DESK_ON = {"grid_pa.jpg": date(2014, 6, 25), "grid_corbis.jpg": date(2015, 4, 2),
           "grid_guardian-turner.jpg": date(2015, 4, 16), "grid_cech.jpg": date(2008, 8, 21)}


@pytest.mark.parametrize("name", sorted(DESK))
def test_desk_caption_for_a_licensed_real_photo_has_no_violation(guardian, name):
    r = real_record(name, **DESK[name])
    vs = check_photo(r, guardian, on=DESK_ON[name], licences=DESK_LICENCES)
    assert vs == []


@pytest.mark.parametrize("name,credit_line", [
    ("grid_pa.jpg", "Photograph: Martin Rickett/PA"),
    ("grid_corbis.jpg", "Photograph: Mike Cardew/ZUMA Press/Corbis"),
    ("grid_cech.jpg", "Photograph: Phil Cole/Getty Images"),
])
def test_agency_caption_as_sent_has_no_error(guardian, name, credit_line):
    # The agency's own caption: long and in wire style, but nothing in it is wrong.
    r = real_record(name, credit_line=credit_line)
    vs = check_photo(r, guardian, on=DESK_ON[name], licences=DESK_LICENCES)
    assert [v for v in vs if v.severity == "error"] == []


def test_turner_caption_as_sent_needs_whitespace_fix(guardian):
    r = real_record("grid_guardian-turner.jpg", credit_line="Photograph: Graham Turner/The Guardian")
    vs = check_photo(r, guardian, on=DESK_ON["grid_guardian-turner.jpg"])
    ws = [v for v in vs if v.rule == "style.whitespace"]
    assert len(ws) == 1 and "\n" not in ws[0].fix and "  " not in ws[0].fix
    assert ws[0].fix.startswith("Reuben Smith age 5 from Hampshire and \"Darwin") or ws[0].fix.startswith(
        "Reuben Smith age 5 from Hampshire and \u201cDarwin")
    assert [v for v in vs if v.severity == "error"] == []


def test_real_credit_errors_are_caught(guardian):
    r = real_record("grid_pa.jpg", **dict(DESK["grid_pa.jpg"], credit_line="Photograph: Martin Ricket/Reuters"))
    found = {v.rule: v for v in check_photo(r, guardian, on=DESK_ON["grid_pa.jpg"])}
    assert found["credit.creator_mismatch"].fix == "Photograph: Martin Rickett/Reuters"
    assert found["credit.agency_mismatch"].fix == "Photograph: Martin Ricket/PA"


def test_real_weekday_error_is_caught(guardian):
    caption = DESK["grid_pa.jpg"]["caption"].replace("Tuesday", "Wednesday")
    r = real_record("grid_pa.jpg", **dict(DESK["grid_pa.jpg"], caption=caption))
    v = [v for v in check_photo(r, guardian, on=DESK_ON["grid_pa.jpg"]) if v.rule == "caption.weekday_mismatch"]
    assert len(v) == 1 and v[0].fix == DESK["grid_pa.jpg"]["caption"]


def test_corbis_is_restricted_for_a_finnish_desk(tmp_path):
    (tmp_path / "hs.toml").write_text('extends = "guardian"\n[rules."licence.restricted"]\nterritory = "FI"\n')
    prof = load_profile("hs", search_dirs=[tmp_path, shipped_dir()])
    r = real_record("grid_corbis.jpg", **DESK["grid_corbis.jpg"])
    vs = licence_hits(r, DESK_LICENCES, on=DESK_ON["grid_corbis.jpg"], profile=prof)
    assert [v.rule for v in vs] == ["licence.restricted"] and "FI" in vs[0].message


def test_pa_editorial_only_is_a_reason_not_a_violation(guardian):
    from archive.clearance import clearance

    r = real_record("grid_pa.jpg", **DESK["grid_pa.jpg"])
    c = clearance(r, DESK_LICENCES, [], DESK_ON["grid_pa.jpg"], profile=guardian)
    assert c.status == "cleared" and c.licence_id == 1
    assert any("editorial use only" in reason for reason in c.reasons)
