"""The engine: many photos give the same answers as one at a time, in one
process or several, with progress and cancelling."""

from __future__ import annotations

import pickle
import threading
from datetime import date

import pytest

from archive.jobs import Cancelled
from archive.licence_model import Lease, Licence
from archive.rules import Engine, Licensing, check_photo

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


LICENSING = Licensing([Licence(3, "The New York Times", valid_until="2023-12-31")], [Lease(1, 5, False)])


def test_check_many_equals_check_photo(guardian):
    recs = records(40)
    engine = Engine(guardian, LICENSING)
    got = list(engine.check_many(recs, ON))
    assert [pid for pid, _ in got] == list(range(40))
    for (pid, vs), r in zip(got, recs):
        assert vs == check_photo(r, guardian, on=ON, clearance=LICENSING)
    assert any(v.rule == "licence.restricted" for v in got[5][1])      # the deny lease
    assert sum(bool(vs) for _, vs in got) > 20


def test_two_processes_give_the_same_answers(guardian):
    recs = records(60)
    engine = Engine(guardian, LICENSING)
    assert list(engine.check_many(recs, ON, processes=2, chunk=7)) == list(engine.check_many(recs, ON))


def test_progress_and_cancel(guardian):
    seen = []
    engine = Engine(guardian)
    list(engine.check_many(records(30), ON, chunk=10, progress=lambda d, t, m: seen.append(d)))
    assert seen == [10, 20, 30]
    flag = threading.Event()
    flag.set()
    with pytest.raises(Cancelled):
        list(engine.check_many(records(30), ON, chunk=10, cancel=flag))


def test_profile_pickles_without_compiled_helpers(guardian):
    Engine(guardian).check(records(1)[0], ON)
    assert guardian._compiled
    copy = pickle.loads(pickle.dumps(guardian))
    assert copy._compiled == {} and copy.rules == guardian.rules


def test_profile_by_name_and_default():
    r = records(1)[0]
    assert check_photo(r, "guardian", on=ON) == check_photo(r, on=ON)
    assert [v.rule for v in check_photo(dict(r, credit_line="Photograph: Brendan Hoffman/The New York Times"),
                                        "ap", on=ON) if v.rule == "credit.format"] == ["credit.format"]
