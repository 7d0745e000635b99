"""check_photo: the rules of a profile over one record, with its clearance judged
from the licences and leases given, as the archive's check service judges it."""

from __future__ import annotations

import pickle
from datetime import date

from archive.clearance import clearance
from archive.licence_model import Lease, Licence
from archive.rules import check_photo

ON = date(2022, 12, 19)



def records(n: int) -> list[dict]:
    captions = ["Air raid sirens in Kyiv on Monday.", "Air raid sirens in Kiev on Tuesday",
                "Sirens over Lviv on Monday.", "Workers in central Kyiv  on 19 December 2022."]
    credits = ["Photograph: Brendan Hoffman/The New York Times", "Photograph: Tomas Munita/NYT",
               "REUTERS/Gleb Garanich", None]
    return [{"id": i, "taken_at": "2022-12-19T02:14:07+02:00", "gps": {"lat": 50.45, "lon": 30.52},
             "creator": ["Brendan Hoffman" if i % 2 else "Tom\u00e1s Munita"], "credit": "The New York Times",
             "caption": captions[i % 4], "credit_line": credits[(i // 4) % 4], "city": "Kyiv", "embedded": {}}
            for i in range(n)]


LICENCES = [Licence(3, "The New York Times", valid_until="2023-12-31")]
LEASES = [Lease(1, 5, False)]


def _leases(record):
    return [lease for lease in LEASES if lease.photo_id == record["id"]]


def test_the_clearance_is_judged_from_the_licences_given(guardian):
    recs = records(40)
    got = [check_photo(r, guardian, on=ON, licences=LICENCES, leases=_leases(r)) for r in recs]
    assert any(v.rule == "licence.restricted" for v in got[5])          # the deny lease
    assert sum(bool(vs) for vs in got) > 20
    for r, vs in zip(recs, got):                 # the rules, then the clearance that reads them
        rules = check_photo(r, guardian, on=ON)
        judged = clearance(r, LICENCES, _leases(r), ON, profile=guardian, rule_violations=rules)
        assert vs == rules + list(judged.violations)
        assert check_photo(r, guardian, on=ON, clearance=judged) == vs


def test_profile_pickles_without_compiled_helpers(guardian):
    check_photo(records(1)[0], guardian, on=ON)
    assert guardian._compiled
    copy = pickle.loads(pickle.dumps(guardian))
    assert copy._compiled == {} and copy.rules == guardian.rules


def test_profile_by_name_and_default():
    r = records(1)[0]
    assert check_photo(r, "guardian", on=ON) == check_photo(r, on=ON)
    assert [v.rule for v in check_photo(dict(r, credit_line="Photograph: Brendan Hoffman/The New York Times"),
                                        "ap", on=ON) if v.rule == "credit.format"] == ["credit.format"]
