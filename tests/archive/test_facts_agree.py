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


PAIRS = [("Alexei Kuleba", "Oleksiy Kuleba"), ("Oleksii Kuleba", "Олексій Кулеба"), ("B. Hoffman", "Brendan Hoffman"),
         ("Hoffman Brendan", "Brendan Hoffman"), ("Serhiy Supinsky", "Sergei Supinsky"),
         ("Yevhen Maloletka", "Evgeniy Maloletka"), ("Laura Boushnak", "Brendan Hoffman"),
         ("Tomás Munita", "Tomas Munita"), ("Gleb Garanich", "Efrem Lukatsky"), ("Mette Jørgensen", "Mette Jorgensen")]


def test_the_rules_and_the_matcher_agree_on_who_is_the_same_photographer():
    """A credit the matcher pairs with a photo by its photographer's name is never called
    'a different photographer' by the rules, and the other way round."""
    from archive.name_match import compare_names
    from archive.rules.names import compare

    for credited, by_line in PAIRS:
        matcher_same = compare_names(credited, by_line).kind != "different"
        rules_same = compare(credited, by_line)[0] != "different"
        assert matcher_same == rules_same, (credited, by_line, compare_names(credited, by_line), compare(credited, by_line))


def test_another_form_of_the_given_name_is_corrected_not_called_someone_else(guardian):
    from archive.rules import check_photo

    record = {"id": 1, "creator": ["Evgeniy Maloletka"], "credit": "AP", "caption": "Kyiv at night.",
              "credit_line": "Photograph: Yevhen Maloletka/AP", "embedded": {}}
    (v,) = [v for v in check_photo(record, guardian) if v.rule == "credit.creator_mismatch"]
    assert "different photographer" not in v.message and "Evgeniy Maloletka" in v.message
    assert v.fix == "Photograph: Evgeniy Maloletka/AP"
