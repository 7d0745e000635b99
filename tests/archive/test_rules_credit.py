"""Credit rules: missing, format, creator and agency mismatch.

Each rule has a table of credit lines that must fire and a table that must
not; the records are photos as the reader produces them (working values plus
what the file said in ``embedded``).
"""

from __future__ import annotations

import copy
from datetime import date

import pytest

from tests.archive.photo_records import factory
from archive.rules import check_photo, load_profile
from archive.rules.profile import shipped_dir

ON = date(2022, 12, 19)





# A New York Times photo from Kyiv, clean for the Guardian, changed by ``kw``.
photo = factory()


def hits(record, profile, rule):
    return [v for v in check_photo(record, profile, on=ON) if v.rule == rule]


def one(record, profile, rule):
    vs = hits(record, profile, rule)
    assert len(vs) == 1, vs
    return vs[0]


# ---------------------------------------------------------------- credit.missing

@pytest.mark.parametrize("kw,fix", [
    ({"credit_line": None}, "Photograph: Brendan Hoffman/The New York Times"),
    ({"credit_line": ""}, "Photograph: Brendan Hoffman/The New York Times"),
    ({"credit_line": "   "}, "Photograph: Brendan Hoffman/The New York Times"),
    ({"credit_line": None, "creator": ["Sergei Supinsky"], "credit": "AFP via Getty Images", "source": "AFP",
      "copyright": None}, "Photograph: Sergei Supinsky/AFP/Getty Images"),
    ({"credit_line": None, "creator": ["Anna Kowalska", "Jan Nowak"], "credit": "Reuters", "source": None,
      "copyright": None}, "Photograph: Anna Kowalska and Jan Nowak/Reuters"),
    ({"credit_line": None, "creator": [], "credit": None, "source": None, "copyright": None}, None),
    ({"credit_line": None, "creator": ["STRINGER"], "credit": "Reuters", "source": None, "copyright": None},
     "Photograph: Reuters"),
])
def test_credit_missing_fires(guardian, kw, fix):
    v = one(photo(**kw), guardian, "credit.missing")
    assert v.severity == "error" and v.field == "credit_line"
    assert v.fix == fix
    assert "No credit line" in v.message


def test_credit_missing_fix_in_ap_pattern(ap):
    v = one(photo(credit_line=None, creator=["Efrem Lukatsky"], credit="AP", source="AP", copyright=None),
            ap, "credit.missing")
    assert v.fix == "(AP Photo/Efrem Lukatsky)"


@pytest.mark.parametrize("line", [
    "Photograph: Brendan Hoffman/The New York Times",
    "Photograph: Handout",
    "Photograph: Reuters",
    "Brendan Hoffman",
    "x",
])
def test_credit_missing_clean(guardian, line):
    assert hits(photo(credit_line=line), guardian, "credit.missing") == []


# ---------------------------------------------------------------- credit.format

@pytest.mark.parametrize("line,fix", [
    ("Photo: Brendan Hoffman/The New York Times", "Photograph: Brendan Hoffman/The New York Times"),
    ("Brendan Hoffman/The New York Times", "Photograph: Brendan Hoffman/The New York Times"),
    ("Photograph: Brendan Hoffman / The New York Times", "Photograph: Brendan Hoffman/The New York Times"),
    ("Photograph:Brendan Hoffman/The New York Times", "Photograph: Brendan Hoffman/The New York Times"),
    ("(AP Photo/Efrem Lukatsky)", "Photograph: Efrem Lukatsky/AP"),
    ("REUTERS/Gleb Garanich", "Photograph: Gleb Garanich/Reuters"),
    ("Photograph: Efrem Lukatsky/Associated Press", "Photograph: Efrem Lukatsky/AP"),
    ("Photograph: Sergei Supinsky/AFP/Getty", "Photograph: Sergei Supinsky/AFP/Getty Images"),
])
def test_credit_format_fires(guardian, line, fix):
    v = one(photo(credit_line=line), guardian, "credit.format")
    assert v.severity == "error" and v.field == "credit_line"
    assert v.fix == fix


def test_credit_format_in_other_houses(ap, reuters):
    v = one(photo(credit_line="Photograph: Efrem Lukatsky/AP", creator=["Efrem Lukatsky"], credit="AP",
                  source="AP", copyright=None), ap, "credit.format")
    assert v.fix == "(AP Photo/Efrem Lukatsky)"
    v = one(photo(credit_line="Photograph: Gleb Garanich/Reuters", creator=["Gleb Garanich"],
                  credit="Reuters", source="Reuters", copyright=None), reuters, "credit.format")
    assert v.fix == "REUTERS/Gleb Garanich"


@pytest.mark.parametrize("line", [
    "Photograph: Brendan Hoffman/The New York Times",
    "Photograph: Brendan Hoffman",
    "Photograph: The New York Times",
    "Photograph: Sergei Supinsky/AFP/Getty Images",
    "Composite: Guardian Design/Getty Images",
    "Photograph: Andy Rain/EPA-EFE",
    "Photograph: Handout",
    "Photograph: Linda Nylind for the Guardian",
])
def test_credit_format_clean(guardian, line):
    assert hits(photo(credit_line=line), guardian, "credit.format") == []


@pytest.mark.parametrize("profile_name,line", [
    ("ap", "(AP Photo/Efrem Lukatsky)"),
    ("ap", "(AP Photo)"),
    ("ap", "(AP Photo/Evan Vucci, Pool)"),
    ("reuters", "REUTERS/Gleb Garanich"),
    ("reuters", "Ukrainian Presidential Press Service/Handout via REUTERS"),
])
def test_credit_format_clean_in_other_houses(profile_name, line):
    prof = load_profile(profile_name, search_dirs=[shipped_dir()])
    assert hits(photo(credit_line=line), prof, "credit.format") == []


# ---------------------------------------------------------------- credit.creator_mismatch

def test_dropped_accent_is_an_error_with_fix(guardian):
    r = photo(creator=["Tom\u00e1s Munita"], credit_line="Photograph: Tomas Munita/The New York Times")
    v = one(r, guardian, "credit.creator_mismatch")
    assert v.severity == "error"
    assert v.message.startswith("Credit names Tomas Munita but the photo's By-line is Tom\u00e1s Munita")
    assert v.fix == "Photograph: Tom\u00e1s Munita/The New York Times"


def test_another_photographer_is_an_error_without_fix(guardian):
    v = one(photo(credit_line="Photograph: Laura Boushnak/The New York Times"), guardian,
            "credit.creator_mismatch")
    assert v.severity == "error" and v.fix is None
    assert "Laura Boushnak" in v.message and "Brendan Hoffman" in v.message


def test_misspelt_name_is_fixed(guardian):
    v = one(photo(credit_line="Photograph: Brendan Hofman/The New York Times"), guardian,
            "credit.creator_mismatch")
    assert v.severity == "error" and v.fix == "Photograph: Brendan Hoffman/The New York Times"


def test_shouting_credit_is_a_warning(guardian):
    v = one(photo(credit_line="Photograph: BRENDAN HOFFMAN/The New York Times"), guardian,
            "credit.creator_mismatch")
    assert v.severity == "warning" and v.fix == "Photograph: Brendan Hoffman/The New York Times"
    assert "letter case" in v.message


def test_nordic_letters(guardian):
    r = photo(creator=["S\u00f8ren Bidstrup"], credit="Ritzau Scanpix", source=None, copyright=None,
              credit_line="Photograph: Soren Bidstrup/Ritzau Scanpix")
    v = one(r, guardian, "credit.creator_mismatch")
    assert v.fix == "Photograph: S\u00f8ren Bidstrup/Ritzau Scanpix"


def test_second_photographer_left_out(guardian):
    r = photo(creator=["Anna Kowalska", "Jan Nowak"], credit="Reuters", source=None, copyright=None,
              credit_line="Photograph: Anna Kowalska/Reuters")
    v = one(r, guardian, "credit.creator_mismatch")
    assert v.severity == "warning" and "Jan Nowak" in v.message
    assert v.fix == "Photograph: Anna Kowalska and Jan Nowak/Reuters"


def test_file_byline_is_checked_too(guardian):
    # The working by-line was edited; the credit agrees with neither it nor the file.
    r = photo(creator=["Brendan Hoffman"], embedded={"creator": ["B. Hoffman"]},
              credit_line="Photograph: David Guttenfelder/The New York Times")
    assert one(r, guardian, "credit.creator_mismatch").severity == "error"


@pytest.mark.parametrize("kw", [
    {},
    {"creator": ["BRENDAN HOFFMAN"]},                              # a wire's shouting by-line
    {"creator": ["\u0404\u0432\u0433\u0435\u043d \u041c\u0430\u043b\u043e\u043b\u0454\u0442\u043a\u0430"],
     "credit": "AP", "source": "AP", "copyright": None,
     "credit_line": "Photograph: Yevhen Maloletka/AP"},            # Cyrillic by-line, Latin credit
    {"creator": ["Staff"], "credit_line": "Photograph: Laura Boushnak/The New York Times"},
    {"creator": ["STRINGER"], "credit": "Reuters", "credit_line": "Photograph: Reuters"},
    {"credit_line": "Photograph: Handout"},
    {"creator": ["Tom\u00e1s Munita"], "embedded": {"creator": ["Tomas Munita"]},
     "credit_line": "Photograph: Tom\u00e1s Munita/The New York Times"},
    {"creator": ["Anna Kowalska", "Jan Nowak"], "credit": "Reuters", "source": None, "copyright": None,
     "credit_line": "Photograph: Anna Kowalska and Jan Nowak/Reuters"},
    {"creator": [], "credit_line": "Photograph: Laura Boushnak/The New York Times"},
])
def test_creator_clean(guardian, kw):
    assert hits(photo(**kw), guardian, "credit.creator_mismatch") == []


# ---------------------------------------------------------------- credit.agency_mismatch

def test_other_agency_is_an_error_with_fix(guardian):
    v = one(photo(credit_line="Photograph: Brendan Hoffman/Reuters"), guardian, "credit.agency_mismatch")
    assert v.severity == "error"
    assert "Reuters" in v.message and "The New York Times" in v.message
    assert v.fix == "Photograph: Brendan Hoffman/The New York Times"


@pytest.mark.parametrize("kw,line", [
    ({"creator": ["Sergei Supinsky"], "credit": "AFP via Getty Images", "source": "AFP", "copyright": "AFP"},
     "Photograph: Sergei Supinsky/EPA"),
    ({"creator": ["Mike Cardew"], "credit": None, "source": None,
      "copyright": "\u00a9 Corbis.  All Rights Reserved."}, "Photograph: Mike Cardew/Getty Images"),
    ({"creator": ["Gleb Garanich"], "credit": "REUTERS", "source": "Reuters", "copyright": None},
     "Photograph: Gleb Garanich/AP"),
    ({"creator": ["Phil Cole"], "credit": "Getty Images", "source": "Getty Images Europe",
      "copyright": "2008 Getty Images"}, "Photograph: Phil Cole/Shutterstock"),
])
def test_agency_mismatch_fires(guardian, kw, line):
    v = one(photo(credit_line=line, **kw), guardian, "credit.agency_mismatch")
    assert v.severity == "error" and v.fix is not None and v.fix != line


def test_credit_without_the_agency_is_a_warning(guardian):
    v = one(photo(credit_line="Photograph: Brendan Hoffman"), guardian, "credit.agency_mismatch")
    assert v.severity == "warning" and v.fix == "Photograph: Brendan Hoffman/The New York Times"


def test_ap_house_credit_for_a_reuters_photo(ap):
    r = photo(creator=["Gleb Garanich"], credit="Reuters", source="Reuters", copyright=None,
              credit_line="(AP Photo/Gleb Garanich)")
    v = one(r, ap, "credit.agency_mismatch")
    assert v.fix == "(Gleb Garanich/Reuters via AP)"


@pytest.mark.parametrize("kw,line", [
    ({"creator": ["Sergei Supinsky"], "credit": "AFP via Getty Images", "source": "AFP", "copyright": None},
     "Photograph: Sergei Supinsky/AFP/Getty Images"),
    ({"creator": ["Sergei Supinsky"], "credit": "AFP via Getty Images", "source": None, "copyright": None},
     "Photograph: Sergei Supinsky/AFP"),
    ({"creator": ["Martin Rickett"], "credit": "PA", "source": "PA", "copyright": "PA Wire"},
     "Photograph: Martin Rickett/PA"),
    ({"creator": ["Mike Cardew"], "credit": "\u00a9 Mike Cardew/ZUMA Press/Corbis", "source": "Corbis",
      "copyright": "\u00a9 Corbis.  All Rights Reserved."}, "Photograph: Mike Cardew/ZUMA Press/Corbis"),
    ({"creator": ["Phil Cole"], "credit": "Getty Images", "source": "Getty Images Europe",
      "copyright": "2008 Getty Images"}, "Photograph: Phil Cole/Getty Images"),
    ({"creator": ["Efrem Lukatsky"], "credit": "Associated Press", "source": None, "copyright": None},
     "Photograph: Efrem Lukatsky/AP"),
    ({"creator": ["Graham Turner"], "credit": None, "source": None, "copyright": None},
     "Photograph: Graham Turner/The Guardian"),
    ({"creator": ["Gleb Garanich"], "credit": "REUTERS", "source": None, "copyright": None},
     "Photograph: Reuters"),
    ({"creator": ["Linda Nylind"], "credit": "The Guardian", "source": None, "copyright": None},
     "Photograph: Linda Nylind for the Guardian"),
])
def test_agency_clean(guardian, kw, line):
    assert hits(photo(credit_line=line, **kw), guardian, "credit.agency_mismatch") == []


def test_reuters_house_credit_is_clean(reuters):
    r = photo(creator=["Gleb Garanich"], credit="REUTERS", source="Reuters", copyright=None,
              credit_line="REUTERS/Gleb Garanich")
    assert [v for v in check_photo(r, reuters, on=ON) if v.rule.startswith("credit.")] == []


def test_record_is_not_changed(guardian):
    r = photo(credit_line="Photograph: Tomas Munita/NYT", creator=["Tom\u00e1s Munita"])
    before = copy.deepcopy(r)
    check_photo(r, guardian, on=ON)
    assert r == before
