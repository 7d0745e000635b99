"""Pairing captions with photos in a real archive of 45 photos written with exiftool.

The photos and articles are in tests/archive/matching_data.py: each caption's
own photo among hard decoys (the same photographer on another day, the same
place by another photographer, the same day in another city, the old
spelling of a city, Cyrillic metadata, EXIF-only metadata, a capture just
after midnight local time) and captions whose photo is not in the archive.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from archive.matching import add_article, match_article
from archive.matching.assign import Thresholds, assign, hungarian, verdict
from archive.matching.candidates import Limits, find_candidates
from archive.matching.facts import caption_facts
from archive.matching.match import place_lookup
from archive.matching.score import Part, Score
from archive.store import open_archive
from archive.store import photos as photo_store
from archive.sync import import_paths
from tests.archive.matching_data import (ARTICLE_DATES, DECOYS, EXPECTED, SPECS, write_articles,
                                         write_photos)
from tests.conftest import ARTICLES


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    """The photo folder and article files, written once for the module."""
    root = tmp_path_factory.mktemp("matching")
    write_photos(root / "photos")
    articles = write_articles(root / "articles", ARTICLES if ARTICLES.is_dir() else None)
    return root, articles


@pytest.fixture(scope="module")
def matched(library):
    """An archive with every photo and article, each article matched once."""
    root, articles = library
    with open_archive(root / "archive") as archive:
        report = import_paths(archive, [root / "photos"], thumbnails=False)
        assert report.failed == [] and report.added == len(SPECS)
        results = {}
        for key, path in articles.items():
            article = add_article(archive, path, date=ARTICLE_DATES[key])
            results[key] = (article, match_article(archive, article["id"]))
        names = {pid: Path(p).name for pid, p in archive.conn.execute("SELECT id, path FROM photos")}
        yield archive, results, names


def test_the_fixtures_are_big_enough(matched):
    archive, results, _names = matched
    assert archive.conn.execute("SELECT count(*) FROM photos").fetchone()[0] >= 40
    assert len(results) >= 3


@pytest.mark.parametrize("key", ["kyiv", "kharkiv", "europe", "front"])
def test_every_caption_pairs_with_its_own_photo(matched, key):
    _archive, results, names = matched
    if key not in results:
        pytest.skip(f"the shared Kyiv article is not at {ARTICLES}")
    _article, result = results[key]
    assert len(result.pairs) == len(EXPECTED[key])
    for pair in result.pairs:
        expected = EXPECTED[key][pair.caption_index]
        if expected is None:
            assert pair.status in ("none", "suggested"), pair
            assert pair.status != "auto"
        else:
            assert pair.photo_id is not None and names[pair.photo_id] == expected, (key, pair)
            assert pair.status in ("auto", "suggested")


def test_no_decoy_is_ever_auto(matched):
    _archive, results, names = matched
    seen = 0
    for _article, result in results.values():
        for pair in result.pairs:
            if pair.photo_id is not None and names[pair.photo_id] in DECOYS:
                seen += 1
                assert pair.status != "auto", (names[pair.photo_id], pair.reasons)
            for candidate in pair.candidates:
                if names[candidate["photo_id"]] in DECOYS:
                    seen += 1
    assert seen >= 8      # the decoys were in the running


def test_clear_pairs_are_automatic(matched):
    """Photos whose metadata agrees on photographer, place, day and wording pair automatically."""
    _archive, results, names = matched
    auto = {names[p.photo_id] for _a, r in results.values() for p in r.pairs if p.status == "auto"}
    assert {"kharkiv_lukatsky_fire.jpg", "europe_rickett_copenhagen.jpg", "europe_tessier_paris.jpg",
            "front_chumachenko_bakhmut.jpg", "front_nuzhnenko_kherson.jpg"} <= auto


def test_thin_metadata_is_suggested_not_auto(matched):
    """EXIF-only and Cyrillic-only photos pair correctly, but a person confirms them."""
    _archive, results, names = matched
    by_name = {names[p.photo_id]: p for _a, r in results.values() for p in r.pairs if p.photo_id}
    assert by_name["europe_kitwood_exif_london.jpg"].status == "suggested"
    assert by_name["kharkiv_kovalov_cyrillic.jpg"].status == "suggested"
    assert any("creator = " in r and "Dan Kitwood" in r for r in by_name["europe_kitwood_exif_london.jpg"].reasons)
    assert any("London = GPS position" in r for r in by_name["europe_kitwood_exif_london.jpg"].reasons)


def test_kyiv_article_pairs_with_reasons(matched):
    _archive, results, names = matched
    if "kyiv" not in results:
        pytest.skip(f"the shared Kyiv article is not at {ARTICLES}")
    _article, result = results["kyiv"]
    air_raid, tree = result.pairs
    assert names[air_raid.photo_id] == "kyiv_hoffman_air_raid.jpg" and air_raid.status == "auto"
    assert names[tree.photo_id] == "kyiv_boushnak_tree.jpg" and tree.status == "auto"
    assert any(r.startswith("creator = ") and r.endswith("'Brendan Hoffman'") for r in air_raid.reasons)
    assert "into Monday = capture date 2022-12-19 (Kyiv time)" in air_raid.reasons
    assert any(r.startswith("creator = ") and r.endswith("'Laura Boushnak'") for r in tree.reasons)
    assert "Saturday = capture date 2022-12-17 (Kyiv time)" in tree.reasons
    assert "agency = XMP photoshop:Credit 'The New York Times'" in tree.reasons
    # the runners-up are listed with their scores, best first, below the chosen photo
    scores = [c["score"] for c in tree.candidates]
    assert tree.candidates[0]["photo_id"] == tree.photo_id and scores == sorted(scores, reverse=True)
    runner_names = {names[c["photo_id"]] for c in tree.candidates[1:]}
    assert {"decoy_boushnak_lviv.jpg", "decoy_boushnak_tree_week_before.jpg"} <= runner_names
    assert tree.score - scores[1] >= Thresholds().margin


def test_capture_just_after_midnight_counts_in_local_time(matched):
    """00:40 in Kharkiv on Monday is 22:40 UTC on Sunday: the caption's Monday is right."""
    _archive, results, names = matched
    pair = results["kharkiv"][1].pairs[0]
    assert names[pair.photo_id] == "kharkiv_lukatsky_fire.jpg"
    assert "early on Monday = capture date 2022-12-19 (Kharkiv time)" in pair.reasons
    assert "Kharkiv = XMP photoshop:City 'Kharkov'" in pair.reasons           # the old spelling in the metadata


def test_cyrillic_metadata_meets_the_latin_credit(matched):
    _archive, results, names = matched
    pair = results["kharkiv"][1].pairs[1]
    assert names[pair.photo_id] == "kharkiv_kovalov_cyrillic.jpg"
    assert "creator = IPTC By-line 'Олексій Ковальов' (same name, another spelling)" in pair.reasons
    assert "Kharkiv = IPTC City 'Харків'" in pair.reasons
    front = results["front"][1].pairs[0]
    assert any("'Алексей Чумаченко' (another form of the given name)" in r for r in front.reasons)


def test_absent_photo_is_never_a_wrong_auto(matched):
    """Each caption whose photo is absent: the decoys are vetoed and said so."""
    _archive, results, names = matched
    for key, index in (("kharkiv", 2), ("europe", 3)):
        pair = results[key][1].pairs[index]
        assert pair.status in ("none", "suggested")
        if pair.status == "suggested":
            assert any(r.startswith("suggested, not automatic: contradicted") for r in pair.reasons)


def test_no_auto_when_every_captions_own_photo_is_gone(library, tmp_path):
    """With the captions' own photos missing, only decoys remain: none may be auto."""
    root, articles = library
    shutil.copytree(root / "photos", tmp_path / "photos")
    own = {name for pairs in EXPECTED.values() for name in pairs.values() if name}
    for name in own:
        (tmp_path / "photos" / name).unlink()
    with open_archive(tmp_path / "archive") as archive:
        import_paths(archive, [tmp_path / "photos"], thumbnails=False)
        statuses = []
        for key, path in articles.items():
            article = add_article(archive, path, date=ARTICLE_DATES[key])
            statuses += [p.status for p in match_article(archive, article["id"]).pairs]
    assert statuses and "auto" not in statuses


def test_missing_files_are_not_candidates(library, tmp_path):
    root, articles = library
    with open_archive(tmp_path / "archive") as archive:
        import_paths(archive, [root / "photos"], thumbnails=False)
        target = archive.conn.execute("SELECT id FROM photos WHERE path LIKE ?",
                                      ("%europe_tessier_paris.jpg",)).fetchone()[0]
        photo_store.mark_missing(archive.conn, [target])
        article = add_article(archive, articles["europe"], date=ARTICLE_DATES["europe"])
        pair = match_article(archive, article["id"]).pairs[2]
    assert pair.photo_id != target and pair.status != "auto"


def test_article_without_a_date_still_pairs_by_weekday(library, tmp_path):
    root, articles = library
    with open_archive(tmp_path / "archive") as archive:
        import_paths(archive, [root / "photos"], thumbnails=False)
        article = add_article(archive, articles["front"])
        assert article["date"] is None
        result = match_article(archive, article["id"])
        names = {pid: Path(p).name for pid, p in archive.conn.execute("SELECT id, path FROM photos")}
    assert [names.get(p.photo_id) for p in result.pairs] == list(EXPECTED["front"].values())
    assert any(r.startswith("Wednesday = capture date 2022-12-21") for r in result.pairs[0].reasons)


def test_prefilter_is_bounded_and_finds_the_photo(matched):
    archive, results, names = matched
    article, _result = results["europe"]
    limits = Limits(scored=5)
    facts = caption_facts({**article["captions"][2]}, dt.date(2022, 12, 17), place_lookup())
    keys = find_candidates(archive.conn, facts, limits)
    assert 0 < len(keys) <= 5
    found = {names[pid] for pid, in archive.conn.execute(
        f"SELECT id FROM photos WHERE sort_key IN ({','.join('?' * len(keys))})", keys)}
    assert "europe_tessier_paris.jpg" in found


# ---------------------------------------------------------------- deciding

def _score(photo_id, value, **parts):
    s = Score(photo_id, [Part("creator", 1.0, value)])
    return s


def test_assignment_is_one_to_one_and_maximises_the_total():
    # caption 0 prefers photo 1 a little; caption 1 can only use photo 1
    options = {0: [_score(1, 0.9), _score(2, 0.85)], 1: [_score(1, 0.8), _score(3, 0.2)]}
    assert assign(options) == {0: 2, 1: 1}


def test_assignment_leaves_a_caption_without_a_photo_below_the_floor():
    options = {0: [_score(1, 0.9)], 1: [_score(1, 0.7), _score(2, 0.1)]}
    assert assign(options) == {0: 1, 1: None}


def test_hungarian_matches_brute_force():
    import itertools
    import random

    rng = random.Random(3)
    for _ in range(30):
        n, m = rng.randint(1, 4), rng.randint(4, 6)
        cost = [[rng.uniform(-1, 0) for _ in range(m)] for _ in range(n)]
        chosen = hungarian(cost)
        best = min(sum(cost[i][j] for i, j in enumerate(p)) for p in itertools.permutations(range(m), n))
        assert len(set(chosen)) == n
        assert abs(sum(cost[i][j] for i, j in enumerate(chosen)) - best) < 1e-9


def test_verdict_needs_a_margin_and_no_contradiction():
    strong = Score(1, [Part("creator", 0.35, 1.0), Part("wording", 0.17, 1.0), Part("day", 0.17, 1.0)])
    assert verdict(strong, 0.5).status == "auto"
    assert verdict(strong, 0.95).status == "suggested"              # the runner-up is too close
    vetoed = Score(1, [Part("creator", 0.35, 1.0), Part("wording", 0.17, 1.0),
                       Part("day", 0.17, -1.0, "Saturday \u2260 capture date", veto=True)])
    assert verdict(vetoed, None).status in ("suggested", "none")
    no_words = Score(1, [Part("creator", 0.35, 1.0), Part("wording", 0.17, 0.0), Part("day", 0.17, 1.0)])
    assert no_words.value >= Thresholds().auto and verdict(no_words, None).status == "suggested"
    assert verdict(Score(1, [Part("creator", 0.35, 0.2)]), None).status == "none"


def _row(**values):
    row = {k: None for k in ("taken_at", "taken_date", "gps_lat", "gps_lon", "credit", "source", "copyright",
                             "credit_line", "caption", "headline", "title", "city", "sublocation", "state",
                             "country", "country_code", "place_city")}
    row.update(id=1, sort_key=1, path="/p/1.jpg", creator="[]", keywords="[]", embedded="{}", edited="[]")
    row.update(values)
    return row


def test_reasons_name_the_field_the_reader_took_a_value_from():
    import json

    from archive.matching.facts import PhotoFacts
    from archive.matching.score import score

    places = place_lookup()
    caption = caption_facts({"index": 0, "text": "Workers install a Christmas tree in central Kyiv on Saturday.",
                             "credit_line": "Photograph: Laura Boushnak/The New York Times",
                             "credit": {"creators": ["Laura Boushnak"], "agency": "The New York Times",
                                        "agencies": ["The New York Times"]}},
                            dt.date(2022, 12, 19), places)
    origins = {"creator": "IPTC By-line", "credit": "IPTC Credit", "city": "XMP photoshop:City"}
    photo = PhotoFacts(_row(creator='["Laura Boushnak"]', credit="The New York Times", city="Kiev",
                            taken_at="2022-12-17T11:05:00+02:00",
                            embedded=json.dumps({"origins": origins})), places)
    reasons = score(caption, photo, places).reasons
    assert "creator = IPTC By-line 'Laura Boushnak'" in reasons
    assert "agency = IPTC Credit 'The New York Times'" in reasons
    assert "Kyiv = XMP photoshop:City 'Kiev'" in reasons
    assert "Saturday = capture date 2022-12-17 (Kyiv time)" in reasons
    # an edited by-line: the archive's value, and the file's own beside it
    edited = PhotoFacts(_row(creator='["Brendan Hoffman"]', edited='["creator"]',
                             embedded=json.dumps({"creator": ["Laura Boushnak"], "origins": origins})), places)
    assert "creator = IPTC By-line 'Laura Boushnak'" in score(caption, edited, places).reasons
    assert [s.label for s in edited.creators] == ["archive By-line", "IPTC By-line"]


def test_naive_capture_time_is_the_camera_clock():
    from archive.matching.facts import PhotoFacts

    photo = PhotoFacts(_row(taken_at="2022-12-19T00:40:00", city="Kharkiv"), place_lookup())
    assert photo.capture.day == dt.date(2022, 12, 19) and photo.time_label() == "camera clock"
    utc = PhotoFacts(_row(taken_at="2022-12-18T22:40:00+00:00", city="Kharkiv"), place_lookup())
    assert utc.capture.day == dt.date(2022, 12, 19) and utc.time_label() == "Kharkiv time"
