"""A person's word on pairs: accept, confirm, reject, re-pair, reset; and re-matching."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.errors import NotFound, UsageError
from archive.matching import accept, add_article, confirm, match_article, reject, repair, reset
from archive.records import photo_record
from archive.store import articles as article_store
from archive.store import open_archive
from archive.store.search import search
from archive.sync import import_paths
from tests.archive.matching_data import ARTICLE_DATES, write_articles, write_photos


@pytest.fixture(scope="module")
def photos(tmp_path_factory):
    root = tmp_path_factory.mktemp("pairs")
    write_photos(root / "photos")
    return root / "photos", write_articles(root / "articles")


@pytest.fixture
def europe(photos, tmp_path):
    """A fresh archive with the Europe article matched (auto, suggested and absent captions)."""
    folder, articles = photos
    with open_archive(tmp_path / "archive") as archive:
        import_paths(archive, [folder], thumbnails=False)
        article = add_article(archive, articles["europe"], date=ARTICLE_DATES["europe"])
        match_article(archive, article["id"])
        ids = {Path(p).name: pid for pid, p in archive.conn.execute("SELECT id, path FROM photos")}
        yield archive, article, ids


def test_accept_settles_auto_pairs_and_keeps_the_files_own_values(europe):
    archive, article, ids = europe
    paris = ids["europe_tessier_paris.jpg"]
    before = photo_record(archive, paris)
    accepted = accept(archive, article["id"])
    assert {p["caption_index"] for p in accepted} == {0, 2}          # the two automatic pairs
    assert all(p["decision"] == "accepted" for p in accepted)
    after = photo_record(archive, paris)
    caption = article["captions"][2]
    assert after["caption"] == caption["text"]
    assert after["credit_line"] == "Photograph: Benoit Tessier/Reuters"
    assert after["embedded"]["caption"] == before["caption"] == "Protesters march against pension reform in Paris."
    assert after["creator"] == before["creator"]
    # the suggested pair waits for a person
    pairs = {p["caption_index"]: p for p in article_store.get_pairs(archive.conn, article["id"])}
    assert pairs[1]["status"] == "suggested" and pairs[1]["decision"] is None
    # search sees the article's wording now, and the pairing
    assert paris in search(archive.conn, '"pension reform" Thursday').photo_ids
    assert paris in search(archive.conn, f"article:{article['id']} is:matched").photo_ids


def test_rematching_keeps_a_persons_decisions(europe):
    archive, article, ids = europe
    accept(archive, article["id"])
    result = match_article(archive, article["id"])
    by_index = {p.caption_index: p for p in result.pairs}
    assert by_index[2].decision == "accepted" and by_index[2].photo_id == ids["europe_tessier_paris.jpg"]
    assert by_index[1].decision is None


def test_confirm_a_suggested_pair(europe):
    archive, article, ids = europe
    pair = confirm(archive, article["id"], 1)
    assert pair["decision"] == "confirmed" and pair["photo_id"] == ids["europe_kitwood_exif_london.jpg"]
    record = photo_record(archive, pair["photo_id"])
    assert record["caption"] == "Christmas shoppers in central London on Thursday."
    assert record["credit_line"] == "Photograph: Dan Kitwood/Getty Images"
    assert record["embedded"].get("caption") is None              # the file had no description


def test_reject_restores_the_photos_own_caption(europe):
    archive, article, ids = europe
    accept(archive, article["id"])
    paris = ids["europe_tessier_paris.jpg"]
    pair = reject(archive, article["id"], 2)
    assert pair["decision"] == "rejected" and pair["photo_id"] is None
    assert pair["rejected_photo_id"] == paris
    record = photo_record(archive, paris)
    assert record["caption"] == "Protesters march against pension reform in Paris."
    assert record["credit_line"] is None
    # the matcher leaves a rejected caption alone until it is reset
    again = {p.caption_index: p for p in match_article(archive, article["id"]).pairs}
    assert again[2].photo_id is None and again[2].decision == "rejected"
    reset(archive, article["id"], 2)
    again = {p.caption_index: p for p in match_article(archive, article["id"]).pairs}
    assert again[2].photo_id == paris and again[2].decision is None


def test_repair_moves_the_caption_to_another_photo(europe):
    archive, article, ids = europe
    accept(archive, article["id"])
    paris, derosa = ids["europe_tessier_paris.jpg"], ids["decoy_derosa_paris.jpg"]
    pair = repair(archive, article["id"], 2, derosa)
    assert pair["photo_id"] == derosa and pair["decision"] == "confirmed"
    assert any(r.startswith("creator \u2260") for r in pair["reasons"])    # the person knows best
    assert photo_record(archive, derosa)["caption"] == article["captions"][2]["text"]
    assert photo_record(archive, paris)["caption"] == "Protesters march against pension reform in Paris."


def test_one_photo_per_article(europe):
    archive, article, ids = europe
    accept(archive, article["id"])
    paris = ids["europe_tessier_paris.jpg"]
    repair(archive, article["id"], 3, paris)          # a person moves the Paris photo to caption 3
    pairs = {p["caption_index"]: p for p in article_store.get_pairs(archive.conn, article["id"])}
    assert pairs[3]["photo_id"] == paris
    assert pairs[2]["photo_id"] is None and pairs[2]["decision"] is None
    assert photo_record(archive, paris)["caption"] == article["captions"][3]["text"]


def test_errors_name_what_is_wrong(europe):
    archive, article, ids = europe
    with pytest.raises(NotFound, match="no article with id 999"):
        match_article(archive, 999)
    with pytest.raises(NotFound, match="has no caption 9"):
        confirm(archive, article["id"], 9)
    with pytest.raises(NotFound, match="no photo with id 99999"):
        repair(archive, article["id"], 0, 99999)
    repair(archive, article["id"], 3, ids["europe_tessier_paris.jpg"])   # caption 2 loses its photo
    with pytest.raises(UsageError, match="caption 2 of article .* has no photo to reject"):
        reject(archive, article["id"], 2)
    with pytest.raises(UsageError, match="has no proposed photo: name the photo"):
        confirm(archive, article["id"], 2)
