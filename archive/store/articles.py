"""Articles, their captions, and the caption-to-photo pairs (the SQL of them).

A pair row per caption holds what the matcher proposed (photo, score, status,
reasons, runners-up) and what a person decided (``decision``: accepted,
confirmed, rejected, or NULL while undecided).  The matcher rewrites only the
undecided rows, so a person's word is never overwritten by a later run.

Functions take a connection and plain values and return plain values (dicts
and lists); callers own the transactions (the connection is in autocommit
mode, so each statement alone is atomic; :func:`transaction` groups several).
"""

from __future__ import annotations

import json
from typing import Iterable

from archive.store.photos import now_iso

DECISIONS = ("accepted", "confirmed", "rejected")




# ---------------------------------------------------------------- articles

def insert_article(conn, *, title: str | None, date: str | None, source_path: str | None,
                   format: str | None, body: str | None, captions: Iterable[dict]) -> int:
    """Add an article and its captions (dicts: index, text, credit_line, credit, paragraph)."""
    cur = conn.execute(
        "INSERT INTO articles(title, date, source_path, format, body) VALUES (?,?,?,?,?)",
        (title, date, source_path, format, body))
    article_id = cur.lastrowid
    conn.executemany(
        "INSERT INTO captions(article_id, idx, text, credit_line, credit, paragraph) VALUES (?,?,?,?,?,?)",
        [(article_id, c["index"], c["text"], c.get("credit_line"),
          json.dumps(c.get("credit") or {}, ensure_ascii=False), c.get("paragraph"))
         for c in captions])
    return article_id


def article_ids_for_source(conn, source_path: str) -> list[int]:
    return [r[0] for r in conn.execute(
        "SELECT id FROM articles WHERE source_path = ? ORDER BY id", (source_path,))]


def get_article(conn, article_id: int) -> dict | None:
    """The article row (id, title, date, source_path, format, body, added_at) or None."""
    cur = conn.execute("SELECT id, title, date, source_path, format, body, added_at "
                       "FROM articles WHERE id = ?", (article_id,))
    row = cur.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cur.description], row))


def list_articles(conn) -> list[dict]:
    """Every article, newest first, with its caption count and how many captions
    have a photo (proposed and not rejected) and how many a person settled."""
    cur = conn.execute(
        "SELECT a.id, a.title, a.date, a.source_path, a.added_at, "
        "  (SELECT count(*) FROM captions c WHERE c.article_id = a.id) AS captions, "
        "  (SELECT count(*) FROM pairs p WHERE p.article_id = a.id AND p.photo_id IS NOT NULL "
        "     AND coalesce(p.decision, '') <> 'rejected') AS paired, "
        "  (SELECT count(*) FROM pairs p WHERE p.article_id = a.id "
        "     AND p.decision IN ('accepted', 'confirmed')) AS settled "
        "FROM articles a ORDER BY a.id DESC")
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur]


def delete_article(conn, article_id: int) -> bool:
    """Remove an article with its captions and pairs (photos are untouched)."""
    conn.execute("DELETE FROM pairs WHERE article_id = ?", (article_id,))
    conn.execute("DELETE FROM captions WHERE article_id = ?", (article_id,))
    return conn.execute("DELETE FROM articles WHERE id = ?", (article_id,)).rowcount > 0


def get_captions(conn, article_id: int) -> list[dict]:
    """Captions in order: index, text, credit_line, credit (dict), paragraph."""
    rows = conn.execute("SELECT idx, text, credit_line, credit, paragraph FROM captions "
                        "WHERE article_id = ? ORDER BY idx", (article_id,)).fetchall()
    return [{"index": i, "text": t, "credit_line": cl, "credit": json.loads(c or "{}"),
             "paragraph": p} for i, t, cl, c, p in rows]


# ---------------------------------------------------------------- pairs

_PAIR_COLUMNS = "idx, photo_id, score, status, decision, reasons, candidates, decided_at"


def _pair(row) -> dict:
    idx, photo_id, score, status, decision, reasons, candidates, decided_at = row
    return {"caption_index": idx, "photo_id": photo_id, "score": score, "status": status,
            "decision": decision, "reasons": json.loads(reasons or "[]"),
            "candidates": json.loads(candidates or "[]"), "decided_at": decided_at}


def get_pairs(conn, article_id: int) -> list[dict]:
    """The stored pair of every caption that has one, in caption order."""
    rows = conn.execute(f"SELECT {_PAIR_COLUMNS} FROM pairs WHERE article_id = ? ORDER BY idx",
                        (article_id,)).fetchall()
    return [_pair(r) for r in rows]


def get_pair(conn, article_id: int, idx: int) -> dict | None:
    row = conn.execute(f"SELECT {_PAIR_COLUMNS} FROM pairs WHERE article_id = ? AND idx = ?",
                       (article_id, idx)).fetchone()
    return _pair(row) if row else None


def save_proposals(conn, article_id: int, proposals: Iterable[dict]) -> None:
    """Write the matcher's proposals for the captions no person has decided.

    Each proposal: caption_index, photo_id (or None), score, status, reasons,
    candidates.  Rows with a decision are left as they are.
    """
    conn.executemany(
        "INSERT INTO pairs(article_id, idx, photo_id, score, status, reasons, candidates) "
        "VALUES (?,?,?,?,?,?,?) ON CONFLICT(article_id, idx) DO UPDATE SET "
        "photo_id = excluded.photo_id, score = excluded.score, status = excluded.status, "
        "reasons = excluded.reasons, candidates = excluded.candidates "
        "WHERE pairs.decision IS NULL",
        [(article_id, p["caption_index"], p.get("photo_id"), p.get("score"), p["status"],
          json.dumps(p.get("reasons") or [], ensure_ascii=False),
          json.dumps(p.get("candidates") or [], ensure_ascii=False)) for p in proposals])


def set_decision(conn, article_id: int, idx: int, decision: str | None, *,
                 photo_id: int | None = None, keep_photo: bool = True,
                 reasons: list[str] | None = None, score: float | None = None,
                 status: str | None = None) -> None:
    """Record a person's (or --accept's) decision on one caption's pair.

    With ``keep_photo`` the stored photo stays; otherwise ``photo_id`` replaces
    it (a re-pair).  ``reasons``, ``score`` and ``status`` replace the stored
    ones when given.  ``decision`` None makes the pair undecided again.
    """
    if decision is not None and decision not in DECISIONS:
        raise ValueError(f"unknown decision {decision!r}")
    stamp = now_iso() if decision else None
    sets, params = ["decision = ?", "decided_at = ?"], [decision, stamp]
    if not keep_photo:
        sets.append("photo_id = ?")
        params.append(photo_id)
    if reasons is not None:
        sets.append("reasons = ?")
        params.append(json.dumps(reasons, ensure_ascii=False))
    if score is not None:
        sets.append("score = ?")
        params.append(score)
    if status is not None:
        sets.append("status = ?")
        params.append(status)
    cur = conn.execute(f"UPDATE pairs SET {', '.join(sets)} WHERE article_id = ? AND idx = ?",
                       (*params, article_id, idx))
    if cur.rowcount == 0:
        conn.execute(
            "INSERT INTO pairs(article_id, idx, photo_id, score, status, decision, reasons, decided_at) "
            "VALUES (?,?,?,?,?,?,?,?)",
            (article_id, idx, photo_id, score, status or "none", decision,
             json.dumps(reasons or [], ensure_ascii=False), stamp))


def restore_pair(conn, article_id: int, pair: dict | None, idx: int) -> None:
    """Put a caption's pair back exactly as ``pair`` (a get_pair dict) was; None: no pair."""
    if pair is None:
        conn.execute("DELETE FROM pairs WHERE article_id = ? AND idx = ?", (article_id, idx))
        return
    conn.execute(
        "INSERT INTO pairs(article_id, idx, photo_id, score, status, decision, reasons, candidates, decided_at) "
        "VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(article_id, idx) DO UPDATE SET photo_id = excluded.photo_id, "
        "score = excluded.score, status = excluded.status, decision = excluded.decision, "
        "reasons = excluded.reasons, candidates = excluded.candidates, decided_at = excluded.decided_at",
        (article_id, idx, pair["photo_id"], pair["score"], pair["status"], pair["decision"],
         json.dumps(pair.get("reasons") or [], ensure_ascii=False),
         json.dumps(pair.get("candidates") or [], ensure_ascii=False), pair.get("decided_at")))


def settled_photos(conn, article_id: int) -> dict[int, int]:
    """caption index -> photo id of the pairs a person (or --accept) settled."""
    return {idx: pid for idx, pid in conn.execute(
        "SELECT idx, photo_id FROM pairs WHERE article_id = ? AND photo_id IS NOT NULL "
        "AND decision IN ('accepted', 'confirmed')", (article_id,))}


def decided_captions(conn, article_id: int) -> dict[int, tuple[str, int | None]]:
    """caption index -> (decision, photo id) for every caption with a decision."""
    return {idx: (decision, pid) for idx, decision, pid in conn.execute(
        "SELECT idx, decision, photo_id FROM pairs WHERE article_id = ? AND decision IS NOT NULL",
        (article_id,))}


def pairs_of_photo(conn, photo_id: int) -> list[dict]:
    """Every article caption a photo is paired with (not rejected): article_id, caption_index, decision."""
    return [{"article_id": a, "caption_index": i, "decision": d} for a, i, d in conn.execute(
        "SELECT article_id, idx, decision FROM pairs WHERE photo_id = ? "
        "AND coalesce(decision, '') <> 'rejected' ORDER BY article_id, idx", (photo_id,))]
