"""The rule families keep verdicts by the inputs they read (a shoot shares one
credit line, an agency series one caption).  Those memos must never change an
answer: a check through a warm memo equals a check of each photo with a fresh
profile, and a changed licence or profile is judged anew."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date


from archive.licence_model import Licence
from archive.clearance import clearance
from archive.rules import check_photo, load_profile
from archive.rules.base import Memo
from archive.rules.profile import shipped_dir

ON = date(2022, 12, 19)
PEOPLE = ["Brendan Hoffman", "Tom\u00e1s Munita", "Tomas Munita", "Laura Boushnak", "\u0404\u0432\u0433\u0435\u043d"
          " \u041c\u0430\u043b\u043e\u043b\u0454\u0442\u043a\u0430"]
CREDITS = ["Photograph: Brendan Hoffman/The New York Times", "Photograph: Tomas Munita/NYT",
           "Photograph: Laura Boushnak/AFP via Getty Images", "REUTERS/Gleb Garanich", "Photograph: Yevhen Maloletka/AP",
           None, "Photograph:  Brendan Hoffman /The New York Times"]
CAPTIONS = ["Air raid sirens in Kyiv on Monday.", "Air raid sirens in Kiev on Tuesday",
            "Sirens over Lviv on Monday.", "Workers in central Kyiv  on 19 December 2022.",
            "\"We will overcome,\" a volunteer said in Kyiv.", ""]
AGENCIES = [("The New York Times", None), ("AFP via Getty Images", "AFP"), ("Reuters", "Reuters"), ("AP", None)]


def records(n: int, seed: int = 3) -> list[dict]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        credit, source = rnd.choice(AGENCIES)
        day = rnd.randrange(12, 20)
        out.append({"id": i, "taken_at": f"2022-12-{day:02d}T{rnd.randrange(24):02d}:14:07+02:00",
                    "gps": {"lat": 50.45, "lon": 30.52} if rnd.random() < 0.5 else None,
                    "creator": [rnd.choice(PEOPLE)], "credit": credit, "source": source,
                    "caption": rnd.choice(CAPTIONS), "credit_line": rnd.choice(CREDITS),
                    "city": rnd.choice(["Kyiv", "Lviv", None]), "country": "Ukraine",
                    "instructions": rnd.choice([None, "Editorial use only", "NO ARCHIVES"]),
                    "embedded": {"credit": "Getty Images"} if rnd.random() < 0.2 else {}})
    return out


def fresh_profile():
    return load_profile("guardian", search_dirs=[shipped_dir()])


LICENCES = [Licence(1, "The New York Times", valid_until="2023-12-31"), Licence(2, "Getty Images", aliases=["AFP"]),
            Licence(3, "The Guardian", kind="staff", creators=["Laura Boushnak@2022-12-15.."])]


def test_a_warm_memo_gives_the_answers_of_a_fresh_profile():
    recs = records(300)
    warm_profile = fresh_profile()
    warm = [check_photo(r, warm_profile, on=ON, licences=LICENCES) for r in recs]
    assert sum(bool(vs) for vs in warm) > 100           # the records do break rules
    for r, got in zip(recs, warm):
        assert got == check_photo(r, fresh_profile(), on=ON, licences=LICENCES)


def test_changed_licences_are_judged_again():
    profile = fresh_profile()
    photo = records(1)[0] | {"credit_line": "Photograph: Laura Boushnak/AFP via Getty Images",
                             "credit": "AFP via Getty Images", "source": "AFP", "instructions": None}
    assert clearance(photo, LICENCES, [], ON, profile=profile).status in ("cleared", "conditional")
    ended = [LICENCES[0], replace(LICENCES[1], valid_until=date(2022, 12, 18)), LICENCES[2]]
    c = clearance(photo, ended, [], ON, profile=profile)
    assert "licence.expired" in [v.rule for v in c.violations]
    assert clearance(photo, LICENCES[:1], [], ON, profile=profile).status == "not_cleared"


def test_staff_cover_follows_the_capture_day_through_the_memo():
    profile = fresh_profile()
    base = {"id": 1, "creator": ["Laura Boushnak"], "caption": "Sirens over Kyiv.", "city": "Kyiv",
            "credit_line": "Photograph: Laura Boushnak/The Guardian", "embedded": {}}
    before = clearance(base | {"taken_at": "2022-12-14T12:00:00+02:00"}, LICENCES, [], ON, profile=profile)
    after = clearance(base | {"taken_at": "2022-12-16T12:00:00+02:00"}, LICENCES, [], ON, profile=profile)
    assert before.licence_id is None and after.licence_id == 3


def test_a_changed_profile_is_not_answered_from_the_old_memo(tmp_path):
    photo = {"id": 1, "caption": "Sirens over Kiev on Monday.", "taken_at": "2022-12-19T12:00:00+02:00",
             "city": "Kyiv", "credit_line": "Photograph: Brendan Hoffman/The New York Times",
             "creator": ["Brendan Hoffman"], "credit": "The New York Times", "embedded": {}}
    assert "style.spelling" in [v.rule for v in check_photo(photo, fresh_profile(), on=ON)]
    (tmp_path / "desk.toml").write_text('extends = "guardian"\n[rules."style.spelling"]\nenabled = false\n'
                                        '[rules."credit.format"]\npattern = "REUTERS/{creators}"\nalso_accept = []\n')
    desk = load_profile(tmp_path / "desk.toml")
    rules = [v.rule for v in check_photo(photo, desk, on=ON)]
    assert "style.spelling" not in rules and "credit.format" in rules


def test_memo_is_bounded():
    memo = Memo(size=3)
    for i in range(10):
        memo.put(i, i * i)
    assert len(memo) <= 3 and memo[9] == 81
