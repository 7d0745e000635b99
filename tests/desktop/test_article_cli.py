"""`picturedesk article ...` and `picturedesk match`, run as a user runs them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.archive.matching_data import ARTICLE_DATES, write_articles, write_photos
from tests.conftest import run_cli


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    """Photos imported through the command line, and the article files."""
    root = tmp_path_factory.mktemp("cli")
    write_photos(root / "photos")
    articles = write_articles(root / "articles")
    run_cli("import", root / "photos", "--no-thumbnails", archive_dir=root / "archive", check=True)
    return root, articles


@pytest.fixture
def archive_dir(desk, tmp_path):
    root, _articles = desk
    shutil.copytree(root / "archive", tmp_path / "archive")
    return tmp_path / "archive"


def _json(result):
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_article_add_prints_the_captions_found(desk, archive_dir):
    _root, articles = desk
    out = _json(run_cli("article", "add", articles["europe"], "--date", "2022-12-17", "--title", "Winter",
                        "--json", archive_dir=archive_dir))
    assert set(out) == {"id", "title", "captions"} and out["title"] == "Winter"
    assert len(out["captions"]) == 4
    first = out["captions"][0]
    assert set(first) == {"index", "text", "credit_line", "credit"}
    credit = first.pop("credit")
    assert first == {"index": 0, "text": "Cyclists ride through the snow in Copenhagen, Denmark, on Friday.",
                     "credit_line": "Photograph: Martin Rickett/PA"}
    # DESIGN's credit keys: the chain as credited and its members resolved.
    assert {k: credit[k] for k in ("kind", "creators", "agency")} == \
        {"kind": "Photograph", "creators": ["Martin Rickett"], "agency": "PA"}
    assert credit["agencies"] == ["PA"]


def test_match_json_has_the_design_shape(desk, archive_dir):
    _root, articles = desk
    article = _json(run_cli("article", "add", articles["front"], "--date", ARTICLE_DATES["front"], "--json",
                            archive_dir=archive_dir))
    out = _json(run_cli("match", article["id"], "--json", archive_dir=archive_dir))
    assert set(out) == {"article_id", "pairs"} and out["article_id"] == article["id"]
    assert [p["caption_index"] for p in out["pairs"]] == [0, 1]
    for pair in out["pairs"]:
        assert set(pair) == {"caption_index", "photo_id", "path", "score", "status", "reasons", "candidates"}
        assert pair["status"] == "auto" and 0 <= pair["score"] <= 1
        assert all(set(c) == {"photo_id", "score"} for c in pair["candidates"])
        assert pair["candidates"][0]["photo_id"] == pair["photo_id"]
    assert Path(out["pairs"][0]["path"]).name == "front_chumachenko_bakhmut.jpg"
    assert any(r.startswith("Wednesday = capture date 2022-12-21") for r in out["pairs"][0]["reasons"])


def test_match_accept_makes_the_caption_the_photos(desk, archive_dir):
    _root, articles = desk
    article = _json(run_cli("article", "add", articles["kharkiv"], "--date", ARTICLE_DATES["kharkiv"],
                            "--json", archive_dir=archive_dir))
    result = run_cli("match", article["id"], "--accept", "--json", archive_dir=archive_dir)
    out = _json(result)
    assert "accepted 1 pair(s)" in result.stderr
    fire = out["pairs"][0]
    assert fire["status"] == "auto" and Path(fire["path"]).name == "kharkiv_lukatsky_fire.jpg"
    record = _json(run_cli("show", fire["photo_id"], "--json", archive_dir=archive_dir))
    assert record["caption"] == "Firefighters work at the site of a Russian strike in Kharkiv, Ukraine, early on Monday."
    assert record["credit_line"] == "Photograph: Efrem Lukatsky/AP"
    assert record["embedded"]["caption"] == \
        "Firefighters work through the night at the site of a Russian strike in Kharkov."
    # the suggested pairs were not accepted
    suggested = [p for p in out["pairs"] if p["status"] == "suggested"]
    assert suggested
    for pair in suggested:
        other = _json(run_cli("show", pair["photo_id"], "--json", archive_dir=archive_dir))
        assert other["embedded"] == {}
    listing = _json(run_cli("article", "list", "--json", archive_dir=archive_dir))
    assert listing[0]["id"] == article["id"] and listing[0]["settled"] == 1


def test_article_show_and_decisions(desk, archive_dir):
    _root, articles = desk
    article = _json(run_cli("article", "add", articles["europe"], "--date", ARTICLE_DATES["europe"], "--json",
                            archive_dir=archive_dir))
    _json(run_cli("match", article["id"], "--json", archive_dir=archive_dir))
    confirmed = _json(run_cli("article", "confirm", article["id"], "1", "--json", archive_dir=archive_dir))
    assert confirmed["decision"] == "confirmed"
    rejected = _json(run_cli("article", "reject", article["id"], "3", "--json", archive_dir=archive_dir))
    assert rejected["decision"] == "rejected" and rejected["photo_id"] is None
    shown = _json(run_cli("article", "show", article["id"], "--json", archive_dir=archive_dir))
    decisions = [c["pair"]["decision"] for c in shown["captions"]]
    assert decisions == [None, "confirmed", None, "rejected"]
    text = run_cli("article", "show", article["id"], archive_dir=archive_dir)
    assert text.returncode == 0 and "confirmed" in text.stdout and "rejected" in text.stdout
    plain = run_cli("match", article["id"], archive_dir=archive_dir)
    assert plain.returncode == 0 and "runners-up:" in plain.stdout and "creator = " in plain.stdout


def test_bad_input_exits_2_with_one_line(desk, archive_dir, tmp_path):
    missing = run_cli("match", "42", archive_dir=archive_dir)
    assert missing.returncode == 2 and "no article with id 42" in missing.stderr
    assert missing.stdout == "" and "Traceback" not in missing.stderr
    empty = tmp_path / "empty.txt"
    empty.write_text("No captions here at all.\n")
    added = run_cli("article", "add", empty, archive_dir=archive_dir)
    assert added.returncode == 2 and "no captions found" in added.stderr
    bad_date = run_cli("article", "add", empty, "--date", "Tuesday-ish", archive_dir=archive_dir)
    assert bad_date.returncode == 2 and "--date" in bad_date.stderr
