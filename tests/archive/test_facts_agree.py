"""The matcher and the house-style rules read a photo through one facts layer for
who made it (archive/people.py) and when, locally (archive/capture_time.py): on
the same photos they name the same people and the same local day (issue 15)."""

import shutil
from pathlib import Path

from archive.matching.facts import PhotoFacts as MatchFacts
from archive.matching.match import place_lookup
from archive.people import NOT_A_PERSON, is_person
from archive.rules.facts import PhotoFacts as RuleFacts
from archive.rules.facts import default_gazetteer
from archive.store import candidates as candidate_store
from archive.store import open_archive
from archive.store.check_state import check_records
from archive.sync import import_paths

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "real"


def test_matcher_and_rules_name_the_same_people_on_the_same_local_day(tmp_path, demo_template):
    photos = tmp_path / "photos"
    shutil.copytree(Path(demo_template) / "photos", photos)
    real = sorted(p for p in CORPUS.glob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".tif", ".dng"))[:40]
    for path in real:
        shutil.copy(path, photos / path.name)
    archive = open_archive(tmp_path / "archive")
    import_paths(archive, [photos], thumbnails=False)
    ids = [r[0] for r in archive.conn.execute("SELECT id FROM photos ORDER BY id")]
    assert len(ids) >= 10
    places, gaz = place_lookup(), default_gazetteer()
    rows = {r["id"]: r for r in candidate_store.photo_rows(archive.conn, ids)}
    records = {r["id"]: r for r in check_records(archive.conn, ids)}
    compared_days = 0
    for pid in ids:
        matcher, rules = MatchFacts(rows[pid], places), RuleFacts(records[pid], gaz)
        named = sorted({s.value for s in matcher.creators})
        assert named == sorted(set(rules.creators)), (pid, rows[pid]["path"])
        if matcher.capture is not None and rules.capture is not None:
            assert matcher.capture.day == rules.capture.day, (pid, rows[pid]["path"])
            compared_days += 1
    assert compared_days >= 10


def test_roles_and_houses_are_not_people():
    for byline in ("Staff", "STRINGER", "Str/AFP", "N/A", "Handout", "Staff Photographer", "Ukrinform", "TASS"):
        assert not is_person(byline), byline
    for byline in ("Brendan Hoffman", "Сергій Супінський", "A. N. Other"):
        assert is_person(byline), byline
    assert "str/afp" in NOT_A_PERSON and "ukrinform" in NOT_A_PERSON


def test_a_role_written_with_a_slash_names_no_one():
    """"N/A" was read as the person "N" with the agency "A" by the rules."""
    gaz = default_gazetteer()
    for byline in ("N/A", "STR/AFP", "n/a"):
        assert RuleFacts({"id": 1, "creator": [byline]}, gaz).creators == (), byline
    assert RuleFacts({"id": 1, "creator": ["Brendan Hoffman/NYT"]}, gaz).creators == ("Brendan Hoffman",)
