"""Licences, leases and clearance for a publication date.

The cases the desk meets: a licence that ended the day before, an embargo that
lifts at 00:01 on the day, a deny lease inside an allowing licence, a
photographer on both sides of a contract change, an agency chain resolving
through an alias, a quota used up; and the model's own validation.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.archive.photo_records import factory
from archive.errors import UsageError
from archive.licence_model import KINDS, CreatorCover, Lease, Licence, Quota, parse_creator_cover, parse_quota
from archive.clearance import Clearance, clearance, licence_for

ON = date(2022, 12, 19)


photo = factory(gps=None, copyright=None, caption="Air raid sirens in Kyiv on Monday.")


NYT = Licence(3, "The New York Times", aliases=("NYT",), kind="subscription", cost="free",
              valid_from="2022-01-01", valid_until="2023-12-31")


def judge(record, licences=(NYT,), leases=(), on=ON, profile=None, **kw) -> Clearance:
    return clearance(record, list(licences), list(leases), on, profile=profile, **kw)


def rules(c: Clearance) -> list[str]:
    return [v.rule for v in c.violations]


# ---------------------------------------------------------------- the plain cases

def test_covered_photo_is_cleared(guardian):
    c = judge(photo(), profile=guardian)
    assert (c.status, c.cost, c.licence_id) == ("cleared", "free", 3)
    assert c.violations == []
    assert c.reasons[0].startswith("covered by licence 3 (The New York Times) until 2023-12-31")
    assert c.to_dict()["on"] == "2022-12-19"


def test_no_licence_is_not_cleared(guardian):
    c = judge(photo(credit="Reuters", source="Reuters", credit_line="Photograph: Gleb Garanich/Reuters",
                    creator=["Gleb Garanich"]), profile=guardian)
    assert c.status == "not_cleared" and rules(c) == ["licence.missing"] and c.licence_id is None
    assert "Reuters" in c.violations[0].message


# ---------------------------------------------------------------- a licence that ends the day before

def test_licence_ending_the_day_before(guardian):
    ended = Licence(4, "The New York Times", valid_from="2022-01-01", valid_until="2022-12-18")
    c = judge(photo(), licences=[ended], profile=guardian)
    assert c.status == "not_cleared" and rules(c) == ["licence.expired"]
    assert c.violations[0].message == "Licence 4 (The New York Times) ended on 2022-12-18"
    assert c.licence_id == 4
    assert judge(photo(), licences=[ended], on=date(2022, 12, 18), profile=guardian).status == "cleared"


def test_licence_not_yet_started(guardian):
    future = Licence(5, "The New York Times", valid_from="2023-01-01")
    c = judge(photo(), licences=[future], profile=guardian)
    assert rules(c) == ["licence.expired"] and "starts on 2023-01-01" in c.violations[0].message


def test_a_valid_licence_wins_over_an_expired_one(guardian):
    ended = Licence(4, "The New York Times", valid_until="2022-12-18")
    c = judge(photo(), licences=[ended, NYT], profile=guardian)
    assert c.status == "cleared" and c.licence_id == 3


# ---------------------------------------------------------------- embargo lifting at 00:01 on the day

@pytest.mark.parametrize("text", [
    "EMBARGOED UNTIL 00:01 GMT 19 December 2022",
    "Embargo: 2022-12-19 00:01",
    "Not for publication before 00:01 GMT on Monday 19 December 2022. Call the desk.",
])
def test_embargo_lifting_on_the_day(guardian, text):
    r = photo(instructions=text)
    before = judge(r, on=date(2022, 12, 18), profile=guardian)
    assert before.status == "not_cleared" and rules(before) == ["licence.restricted"]
    assert "Embargoed until 00:01" in before.violations[0].message
    day = judge(r, on=date(2022, 12, 19), profile=guardian)
    assert day.status == "conditional"
    assert day.violations[0].severity == "warning" and "do not publish before" in day.violations[0].message
    after = judge(r, on=date(2022, 12, 20), profile=guardian)
    assert after.status == "cleared" and after.violations == []


def test_embargo_to_midnight_is_over_on_the_day(guardian):
    r = photo(usage_terms="HOLD FOR RELEASE UNTIL 19/12/2022")
    assert judge(r, on=date(2022, 12, 19), profile=guardian).status == "cleared"
    assert judge(r, on=date(2022, 12, 18), profile=guardian).status == "not_cleared"


# ---------------------------------------------------------------- a deny lease inside an allowing licence

def test_deny_lease_inside_licence(guardian):
    deny = Lease(7, 12, allow=False, valid_from="2022-12-15", valid_until="2022-12-20",
                 note="subject's family objected")
    c = judge(photo(), leases=[deny], profile=guardian)
    assert c.status == "not_cleared" and rules(c) == ["licence.restricted"]
    assert "Lease 7 denies use from 2022-12-15 until 2022-12-20: subject's family objected" in c.violations[0].message
    assert judge(photo(), leases=[deny], on=date(2022, 12, 21), profile=guardian).status == "cleared"


def test_deny_wins_over_allow(guardian):
    allow = Lease(8, 12, allow=True, valid_from="2022-12-01", valid_until="2022-12-31")
    deny = Lease(9, 12, allow=False, valid_from="2022-12-19", valid_until="2022-12-19")
    assert judge(photo(), leases=[allow, deny], profile=guardian).status == "not_cleared"
    assert judge(photo(), leases=[allow, deny], on=date(2022, 12, 20), profile=guardian).status == "cleared"


def test_allow_lease_overrides_missing_or_expired_licence(guardian):
    r = photo(credit="Reuters", source="Reuters", creator=["Gleb Garanich"],
              credit_line="Photograph: Gleb Garanich/Reuters")
    allow = Lease(10, 12, allow=True, valid_from="2022-12-19", valid_until="2022-12-25", note="paid one-off")
    c = judge(r, leases=[allow], profile=guardian)
    assert c.status == "cleared" and "allowed by lease 10" in c.reasons[0]
    ended = Licence(4, "The New York Times", valid_until="2022-12-18")
    assert judge(photo(), licences=[ended], leases=[allow], profile=guardian).status == "cleared"
    # A lease does not lift the agency's embargo.
    r2 = photo(instructions="EMBARGOED UNTIL 00:01 GMT 20 December 2022")
    assert judge(r2, leases=[allow], profile=guardian).status == "not_cleared"


def test_leases_of_other_photos_do_not_count(guardian):
    deny = Lease(7, 99, allow=False)
    assert judge(photo(), leases=[deny], profile=guardian).status == "cleared"


# ---------------------------------------------------------------- a photographer across a contract change

CONTRACT = Licence(20, "The Guardian", kind="contract",
                   creators=["Laura Boushnak@2021-01-01..2022-06-30"], valid_from="2021-01-01")
NYT_CONTRACT = Licence(21, "The New York Times", kind="contract",
                       creators=[CreatorCover("Laura Boushnak", "2022-07-01")])


def boushnak(taken_at: str, **kw) -> dict:
    r = photo(creator=["Laura Boushnak"], credit=None, source=None, copyright=None,
              credit_line="Photograph: Laura Boushnak", taken_at=taken_at, gps=None)
    r.update(kw)
    return r


def test_contract_covers_the_photographer_until_the_change(guardian):
    before = boushnak("2022-06-30T18:00:00+03:00")
    after = boushnak("2022-07-01T09:00:00+03:00")
    assert licence_for(before, [CONTRACT, NYT_CONTRACT], ON).id == 20
    assert licence_for(after, [CONTRACT, NYT_CONTRACT], ON).id == 21
    assert judge(before, licences=[CONTRACT], profile=guardian).status == "cleared"
    c = judge(after, licences=[CONTRACT], profile=guardian)
    assert c.status == "not_cleared" and rules(c) == ["licence.missing"]


def test_contract_change_is_judged_on_the_local_capture_day(guardian):
    # 23:30 UTC on 30 June is 02:30 on 1 July in Kyiv: after the change.
    r = boushnak("2022-06-30T23:30:00Z", city="Kyiv")
    assert licence_for(r, [CONTRACT, NYT_CONTRACT], ON).id == 21


def test_contract_ignores_other_photographers(guardian):
    r = boushnak("2022-06-01T12:00:00+03:00", creator=["Brendan Hoffman"])
    assert licence_for(r, [CONTRACT], ON) is None


def test_accented_name_matches_cover(guardian):
    lic = Licence(22, "The Guardian", kind="staff", creators=["Tom\u00e1s Munita"])
    r = boushnak("2022-06-01T12:00:00+03:00", creator=["Tomas Munita"])
    assert licence_for(r, [lic], ON).id == 22


# ---------------------------------------------------------------- agency chains and aliases

GETTY = Licence(30, "Getty Images", aliases=("AFP",), kind="subscription", cost="free",
                valid_until="2023-06-30")


@pytest.mark.parametrize("kw", [
    {"credit": "AFP via Getty Images", "source": "AFP"},
    {"credit": "AFP", "source": "AFP"},                                   # through the alias
    {"credit": None, "source": None, "copyright": None,
     "credit_line": "Photograph: Sergei Supinsky/AFP/Getty Images"},      # the credit line's chain
    {"credit": "Getty Images Europe", "source": None},                    # an alias the agency table knows
    {"credit": None, "source": None, "copyright": "2008 Getty Images"},
])
def test_agency_chain_resolves_through_alias(guardian, kw):
    r = photo(creator=["Sergei Supinsky"], credit_line="Photograph: Sergei Supinsky/AFP/Getty Images")
    r.update(kw)
    assert licence_for(r, [NYT, GETTY], ON).id == 30
    assert judge(r, licences=[NYT, GETTY], profile=guardian).status == "cleared"


def test_licensor_in_the_chain_without_alias(guardian):
    getty = Licence(31, "Getty Images")
    r = photo(creator=["Sergei Supinsky"], credit="AFP via Getty Images", source="AFP",
              credit_line="Photograph: Sergei Supinsky/AFP/Getty Images")
    assert licence_for(r, [getty], ON).id == 31


def test_licence_assigned_by_hand(guardian):
    single = Licence(40, "Magnum", kind="single-use")
    r = photo(credit="Someone Else", source=None, licence_id=40)
    c = judge(r, licences=[NYT, single], profile=guardian)
    assert c.licence_id == 40 and c.cost == "pay" and c.status == "cleared"


# ---------------------------------------------------------------- a quota used up

def test_quota_used_up(guardian):
    lic = Licence(50, "Reuters", quota="100/month", cost="free")
    r = photo(creator=["Gleb Garanich"], credit="REUTERS", source="Reuters",
              credit_line="Photograph: Gleb Garanich/Reuters")
    ok = judge(r, licences=[lic], uses_in_period={50: 99}, profile=guardian)
    assert ok.status == "cleared" and "quota 99/100 used this month" in ok.reasons
    over = judge(r, licences=[lic], uses_in_period={50: 100}, profile=guardian)
    assert over.status == "conditional" and rules(over) == ["licence.over_quota"]
    assert over.violations[0].severity == "warning"
    assert "Quota of 100/month for licence 50 (Reuters) is used up (100 used this month)" in over.violations[0].message


# ---------------------------------------------------------------- the model

def test_kinds_are_designs():
    assert KINDS == ("subscription", "single-use", "staff", "contract", "commissioned", "handout", "pool",
                     "pr", "social-media", "screengrab", "creative-commons", "public-domain")


@pytest.mark.parametrize("kw,words", [
    ({"valid_from": "2023-01-01", "valid_until": "2022-12-31"}, "before"),
    ({"kind": "rental"}, "kind"),
    ({"quota": "100 a fortnight"}, "quota"),
    ({"quota": "0/month"}, "at least 1"),
    ({"cost": "cheap"}, "cost"),
    ({"valid_until": "31/12/2022"}, "not a date"),
    ({"creators": ["Laura Boushnak@2022-07-01..2022-06-30"]}, "before"),
    ({"creators": ["Laura Boushnak@2022-07-01"]}, "NAME@FROM..UNTIL"),
])
def test_licence_validation(kw, words):
    with pytest.raises(UsageError) as e:
        Licence(1, "Reuters", **kw)
    assert words in str(e.value)


def test_lease_validation():
    with pytest.raises(UsageError):
        Lease(1, 12, allow=True, valid_from="2022-12-20", valid_until="2022-12-19")


@pytest.mark.parametrize("text,quota", [("100/month", Quota(100, "month")), ("1200/year", Quota(1200, "year")),
                                        ("50 per month", Quota(50, "month")), ((10, "year"), Quota(10, "year")),
                                        (None, None)])
def test_parse_quota(text, quota):
    assert parse_quota(text) == quota


def test_parse_creator_cover():
    c = parse_creator_cover("Laura Boushnak@2022-01-01..2022-06-30")
    assert (c.name, c.valid_from, c.valid_until) == ("Laura Boushnak", date(2022, 1, 1), date(2022, 6, 30))
    assert parse_creator_cover("Brendan Hoffman@2022-07-01..").valid_until is None
    assert parse_creator_cover("Brendan Hoffman") == CreatorCover("Brendan Hoffman")
    assert str(c) == "Laura Boushnak@2022-01-01..2022-06-30"


def test_kind_spellings_and_default_costs():
    assert Licence(1, "X", kind="Single use").kind == "single-use"
    assert Licence(1, "X", kind="single-use").cost == "pay"
    assert Licence(1, "X", kind="public domain").cost == "free"
    assert Licence(1, "X", kind="social-media").cost == "conditional"


def test_round_trip_through_dicts():
    lic = Licence(3, "Getty Images", aliases=["AFP"], quota="100/month", valid_until="2023-06-30",
                  creators=["A B@2022-01-01..2022-02-01"], territories=["gb"], media=["Print"])
    d = lic.to_dict()
    assert d["quota"] == "100/month" and d["valid_until"] == "2023-06-30" and d["territories"] == ["GB"]
    assert Licence.from_dict(d) == lic
    lease = Lease(1, 12, False, "2022-12-01", None, "no")
    assert Lease.from_dict(lease.to_dict()) == lease
