"""The store's articles, captions and pairs, on a real archive.db."""

from __future__ import annotations

import pytest

from archive.errors import NotFound, UsageError
from archive.matching import add_article, article_detail, list_articles, resolve_article
from archive.matching.articles import remove_article
from archive.store import articles as store
from archive.store.db import transaction

CAPTIONS = [
    {"index": 0, "text": "Workers install a Christmas tree in central Kyiv, Ukraine, on Saturday.",
     "credit_line": "Photograph: Laura Boushnak/The New York Times",
     "credit": {"kind": "Photograph", "creators": ["Laura Boushnak"], "agency": "The New York Times"},
     "paragraph": 3},
    {"index": 1, "text": "Ice skaters in Vienna on Wednesday.", "credit_line": "Photograph: Lisa Leutner/Reuters",
     "credit": {"kind": "Photograph", "creators": ["Lisa Leutner"], "agency": "Reuters"}, "paragraph": 5},
]


def _add(conn, title="Winter"):
    with transaction(conn):
        return store.insert_article(conn, title=title, date="2022-12-19", source_path="/tmp/a.txt",
                                    format="text", body="...", captions=CAPTIONS)


def _photo(conn, n):
    return conn.execute("INSERT INTO photos(sort_key, path) VALUES (?, ?)", (n, f"/p/{n}.jpg")).lastrowid


def test_articles_and_captions_round_trip(archive):
    conn = archive.conn
    article_id = _add(conn)
    article = store.get_article(conn, article_id)
    assert (article["title"], article["date"], article["source_path"]) == ("Winter", "2022-12-19", "/tmp/a.txt")
    assert store.get_captions(conn, article_id) == CAPTIONS
    assert store.article_ids_for_source(conn, "/tmp/a.txt") == [article_id]
    assert store.get_article(conn, article_id + 1) is None


def test_list_counts_paired_and_settled_captions(archive):
    conn = archive.conn
    first, second = _add(conn, "First"), _add(conn, "Second")
    photo = _photo(conn, 10)
    store.save_proposals(conn, second, [
        {"caption_index": 0, "photo_id": photo, "score": 0.9, "status": "auto", "reasons": ["r"],
         "candidates": [{"photo_id": photo, "score": 0.9}]},
        {"caption_index": 1, "photo_id": None, "score": 0.1, "status": "none"}])
    store.set_decision(conn, second, 0, "accepted")
    rows = store.list_articles(conn)
    assert [r["id"] for r in rows] == [second, first]           # newest first
    assert (rows[0]["captions"], rows[0]["paired"], rows[0]["settled"]) == (2, 1, 1)
    assert (rows[1]["paired"], rows[1]["settled"]) == (0, 0)


def test_proposals_never_overwrite_a_decision(archive):
    conn = archive.conn
    article_id = _add(conn)
    a, b = _photo(conn, 1), _photo(conn, 2)
    store.save_proposals(conn, article_id, [
        {"caption_index": 0, "photo_id": a, "score": 0.95, "status": "auto", "reasons": ["creator = ..."],
         "candidates": [{"photo_id": a, "score": 0.95}]},
        {"caption_index": 1, "photo_id": b, "score": 0.5, "status": "suggested"}])
    store.set_decision(conn, article_id, 0, "confirmed")
    store.save_proposals(conn, article_id, [
        {"caption_index": 0, "photo_id": b, "score": 0.99, "status": "auto"},
        {"caption_index": 1, "photo_id": a, "score": 0.6, "status": "suggested"}])
    pairs = {p["caption_index"]: p for p in store.get_pairs(conn, article_id)}
    assert (pairs[0]["photo_id"], pairs[0]["decision"], pairs[0]["reasons"]) == (a, "confirmed", ["creator = ..."])
    assert pairs[0]["decided_at"] is not None
    assert (pairs[1]["photo_id"], pairs[1]["score"]) == (a, 0.6)
    assert store.settled_photos(conn, article_id) == {0: a}
    assert store.decided_captions(conn, article_id) == {0: ("confirmed", a)}
    assert store.pairs_of_photo(conn, a) == [
        {"article_id": article_id, "caption_index": 0, "decision": "confirmed"},
        {"article_id": article_id, "caption_index": 1, "decision": None}]


def test_decisions_repair_and_undo(archive):
    conn = archive.conn
    article_id = _add(conn)
    a, b = _photo(conn, 1), _photo(conn, 2)
    store.save_proposals(conn, article_id, [{"caption_index": 0, "photo_id": a, "score": 0.8, "status": "suggested"}])
    store.set_decision(conn, article_id, 0, "confirmed", photo_id=b, keep_photo=False, score=0.4,
                       reasons=["a person paired it"])
    pair = store.get_pair(conn, article_id, 0)
    assert (pair["photo_id"], pair["decision"], pair["score"], pair["status"]) == (b, "confirmed", 0.4, "suggested")
    store.set_decision(conn, article_id, 0, None)
    assert store.get_pair(conn, article_id, 0)["decision"] is None
    assert store.get_pair(conn, article_id, 0)["decided_at"] is None
    # a decision on a caption the matcher has not seen yet makes its row
    store.set_decision(conn, article_id, 1, "rejected", photo_id=a, keep_photo=False)
    assert store.get_pair(conn, article_id, 1)["decision"] == "rejected"
    with pytest.raises(ValueError):
        store.set_decision(conn, article_id, 0, "maybe")


def test_a_failed_transaction_leaves_nothing(archive):
    conn = archive.conn
    with pytest.raises(RuntimeError):
        with transaction(conn):
            store.insert_article(conn, title="half", date=None, source_path=None, format="text",
                                 body="", captions=CAPTIONS)
            raise RuntimeError("power cut")
    assert store.list_articles(conn) == []


def test_deleting_an_article_takes_its_captions_and_pairs(archive):
    conn = archive.conn
    article_id = _add(conn)
    photo = _photo(conn, 1)
    store.save_proposals(conn, article_id, [{"caption_index": 0, "photo_id": photo, "score": 0.8, "status": "auto"}])
    remove_article(archive, article_id)
    assert store.get_captions(conn, article_id) == [] and store.get_pairs(conn, article_id) == []
    assert conn.execute("SELECT count(*) FROM photos").fetchone()[0] == 1
    with pytest.raises(NotFound):
        remove_article(archive, article_id)


def test_adding_an_article_file(archive, articles_dir):
    added = add_article(archive, articles_dir / "kyiv-drone-attack.txt", title="Kyiv", date="2022-12-19")
    assert added["title"] == "Kyiv" and added["date"] == "2022-12-19"
    assert [c["credit"]["creators"] for c in added["captions"]] == [["Brendan Hoffman"], ["Laura Boushnak"]]
    assert resolve_article(archive, str(added["id"])) == added["id"]
    assert resolve_article(archive, articles_dir / "kyiv-drone-attack.txt") == added["id"]
    detail = article_detail(archive, added["id"])
    assert [c["pair"] for c in detail["captions"]] == [None, None]
    assert list_articles(archive)[0]["captions"] == 2


def test_unknown_articles_are_clear_errors(archive, tmp_path):
    with pytest.raises(NotFound, match="no article with id 7"):
        resolve_article(archive, "7")
    stray = tmp_path / "other.txt"
    stray.write_text("text")
    with pytest.raises(NotFound, match="not in the archive"):
        resolve_article(archive, stray)
    with pytest.raises(UsageError, match="not an article id"):
        resolve_article(archive, "no-such-thing")
