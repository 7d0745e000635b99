"""Where the credit's agency chain is used (issue 15): the matcher's agency part,
the credit rules and licences read the chain's members, so the chain as credited
("Pool/AFP via Getty Images", "PA Wire", "EPA-EFE") judges as its principal did,
and an agency the table does not know is an agency, not a second photographer."""

from __future__ import annotations

import datetime as dt
from datetime import date

import pytest

from archive.articles.credit import parse_credit
from archive.derive import agency_of
from archive.licence_model import Licence
from archive.clearance import licence_for
from archive.matching.facts import PhotoFacts, caption_facts
from archive.matching.match import place_lookup
from archive.matching.score import agency_part, score
from archive.rules import check_photo
from tests.archive.photo_records import factory
from tests.archive.test_matching import _row

ON = date(2022, 12, 19)
photo = factory()


def caption(credit_line: str, old_style: bool = False) -> dict:
    credit = parse_credit(credit_line).to_dict()
    if old_style:   # a caption stored before the contract change: agency = principal member
        credit["agency"] = credit["agencies"][-1]
    return {"index": 0, "text": "Smoke rises over Kyiv on Monday.", "credit_line": credit_line, "credit": credit}


# ---------------------------------------------------------------- matching

@pytest.mark.parametrize("old_style", [False, True])
@pytest.mark.parametrize("line,metadata,value", [
    ("Photograph: Hannah McKay/Pool/AFP via Getty Images", {"credit": "AFP via Getty Images"}, 1.0),
    ("Photograph: Hannah McKay/Pool/AFP via Getty Images", {"credit": "Getty Images"}, 1.0),
    ("Photograph: Hannah McKay/Pool/AFP via Getty Images", {"source": "AFP"}, 0.7),
    ("Photograph: Stefan Rousseau/PA Wire", {"credit": "PA"}, 1.0),
    ("Photograph: Stefan Rousseau/PA Wire", {"credit": "Press Association"}, 1.0),
    ("EPA-EFE/STRINGER", {"credit": "EPA"}, 1.0),
    ("Photograph: Mette Jørgensen/Ritzau Scanpix", {"credit": "Ritzau Scanpix"}, 1.0),
    ("Photograph: Anna Berg/Nordlys Bilder", {"credit": "NORDLYS BILDER"}, 1.0),
    ("Photograph: Anna Berg/Nordlys Bilder", {"credit": "Reuters"}, -0.5),
    ("Photograph: Stefan Rousseau/PA Wire", {"credit": "Reuters"}, -0.5),
])
def test_the_matchers_agency_part_reads_the_members(line, metadata, value, old_style):
    places = place_lookup()
    c = caption_facts(caption(line, old_style), dt.date(2022, 12, 19), places)
    p = PhotoFacts(_row(**metadata), places)
    assert agency_part(c, p, 0.08).value == value


def test_an_unknown_agency_is_not_a_second_photographer_to_the_matcher():
    places = place_lookup()
    c = caption_facts(caption("Photograph: Mette Jørgensen/Ritzau Scanpix"), dt.date(2022, 12, 19), places)
    assert c.creators == ("Mette Jørgensen",)
    p = PhotoFacts(_row(creator='["Mette Jørgensen"]', credit="Ritzau Scanpix"), places)
    reasons = score(c, p, places).reasons
    assert any(r.startswith("creator = ") for r in reasons)
    assert any(r.startswith("agency = ") for r in reasons)


# ---------------------------------------------------------------- rules

def rules(record):
    from archive.rules import load_profile
    from archive.rules.profile import shipped_dir

    profile = load_profile("guardian", search_dirs=[shipped_dir()])
    return {v.rule: v for v in check_photo(record, profile, on=ON)}


@pytest.mark.parametrize("kw", [
    dict(creator=["Stefan Rousseau"], credit="PA", source="PA", copyright=None,
         credit_line="Photograph: Stefan Rousseau/PA Wire"),
    dict(creator=["Hannah McKay"], credit="AFP via Getty Images", source="AFP", copyright=None,
         credit_line="Photograph: Hannah McKay/Pool/AFP via Getty Images"),
    dict(creator=["Mette Jørgensen"], credit="Ritzau Scanpix", source="Ritzau Scanpix", copyright=None,
         credit_line="Photograph: Mette Jørgensen/Ritzau Scanpix"),
    dict(creator=["Anna Berg"], credit="Nordlys Bilder", source=None, copyright=None,
         credit_line="Photograph: Anna Berg/Nordlys Bilder"),
])
def test_the_credit_rules_accept_the_chain_as_credited(kw):
    found = rules(photo(**kw))
    assert "credit.agency_mismatch" not in found
    assert "credit.creator_mismatch" not in found


def test_the_credit_rules_still_catch_a_wrong_agency_and_a_wrong_photographer():
    found = rules(photo(creator=["Stefan Rousseau"], credit="Reuters", source="Reuters", copyright=None,
                        credit_line="Photograph: Stefan Rousseau/PA Wire"))
    assert found["credit.agency_mismatch"].severity == "error"
    found = rules(photo(creator=["Anna Berg"], credit="Nordlys Bilder", source=None, copyright=None,
                        credit_line="Photograph: Mette Jørgensen/Nordlys Bilder"))
    assert "credit.creator_mismatch" in found
    assert "credit.agency_mismatch" not in found


# ---------------------------------------------------------------- licences and facets

GETTY = Licence(30, "Getty Images", aliases=("AFP via Getty Images",), kind="subscription", cost="free")
PA = Licence(31, "PA", aliases=("Press Association",), kind="subscription", cost="free")
RITZAU = Licence(32, "Ritzau Scanpix", kind="single-use", cost="pay")
EPA = Licence(33, "EPA", kind="subscription", cost="free")


@pytest.mark.parametrize("line,licence_id", [
    ("Photograph: Hannah McKay/Pool/AFP via Getty Images", 30),
    ("Photograph: Sergei Supinsky/AFP/Getty Images", 30),
    ("Photograph: Stefan Rousseau/PA Wire", 31),
    ("Photograph: Mette Jørgensen/Ritzau Scanpix", 32),
    ("EPA-EFE/STRINGER", 33),
    ("EPA-EFE/UKRAINIAN PRESIDENTIAL PRESS SERVICE HANDOUT", 33),
])
def test_licences_resolve_the_credit_lines_chain(line, licence_id):
    r = photo(creator=[], credit=None, source=None, copyright=None, credit_line=line)
    assert licence_for(r, [GETTY, PA, RITZAU, EPA], ON).id == licence_id


@pytest.mark.parametrize("line,agency", [
    ("Photograph: Hannah McKay/Pool/AFP via Getty Images", "Getty Images"),
    ("Photograph: Stefan Rousseau/PA Wire", "PA"),
    ("EPA-EFE/STRINGER", "EPA"),
    ("Photograph: Mette Jørgensen/Ritzau Scanpix", "Ritzau Scanpix"),
])
def test_the_agency_facet_is_the_principal_member(line, agency):
    assert agency_of({"credit_line": line}) == agency
