"""The demo archive pairs the Kyiv article with its two photos among decoys."""

from __future__ import annotations

from pathlib import Path

from archive.demo.article import ARTICLE_FILE, article_resource
from archive.demo.build import build_demo
from archive.records import photo_record
from archive.store import open_archive
from tests.conftest import ARTICLES


def test_the_demo_article_is_the_shared_one():
    assert article_resource().exists()
    if (ARTICLES / ARTICLE_FILE).exists():
        assert article_resource().read_text(encoding="utf-8") == \
            (ARTICLES / ARTICLE_FILE).read_text(encoding="utf-8")


def test_demo_shows_the_pairing(tmp_path):
    summary = build_demo(tmp_path / "demo")
    match = summary["article"]["match"]
    names = [Path(p["path"]).name for p in match["pairs"]]
    assert names == ["hoffman_air_raid_kyiv.jpg", "boushnak_christmas_tree.jpg"]
    assert [p["status"] for p in match["pairs"]] == ["auto", "auto"]
    assert summary["article"]["accepted"] == [0, 1]
    assert "into Monday = capture date 2022-12-19 (Kyiv time)" in match["pairs"][0]["reasons"]
    assert "Saturday = capture date 2022-12-17 (Kyiv time)" in match["pairs"][1]["reasons"]
    assert "boushnak_christmas_tree.jpg" in summary["text"] and "auto, accepted" in summary["text"]
    with open_archive(summary["archive"]) as archive:
        tree = photo_record(archive, match["pairs"][1]["photo_id"])
    assert tree["caption"] == "Workers install a Christmas tree in central Kyiv, Ukraine, on Saturday."
    assert tree["credit_line"] == "Photograph: Laura Boushnak/The New York Times"
    assert tree["embedded"]["caption"] == "Workers install a Christmas tree on Sofiyska Square in central Kyiv."
    # building again keeps the one article and its settled pairs
    again = build_demo(tmp_path / "demo")
    assert again["article"]["article_id"] == summary["article"]["article_id"]
    assert again["article"]["accepted"] == []
