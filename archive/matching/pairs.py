"""A person's word on a pairing: accept, confirm, reject, re-pair, reset.

Settling a pair (``accept`` for the automatic ones, ``confirm`` or
``repair`` by a person) makes the article's caption and credit line the
photo's working caption and credit line in the archive; the file's own
values stay in the record's ``embedded`` and the file is never touched.
Un-settling a pair (``reject``, ``reset``, or re-pairing the caption with
another photo) puts the photo's caption and credit line back to the file's
own, where they are still the ones the article gave it.

The command line's ``match --accept`` and the window call these same
functions.  Each returns the caption's pair as a dict (``PairResult.to_dict``
plus ``decision``).
"""

from __future__ import annotations

from archive.edit import edit_photo, revert_fields
from archive.errors import NotFound, UsageError
from archive.matching.assign import verdict
from archive.matching.facts import PhotoFacts, caption_facts
from archive.matching.match import parse_date, place_lookup, stored_result
from archive.matching.score import Score, score
from archive.store import articles as store
from archive.store import candidates as candidate_store
from archive.store import photos as photo_store
from archive.store.db import transaction


def accept(archive, article_id: int, *, statuses: tuple[str, ...] = ("auto",)) -> list[dict]:
    """Settle every undecided pair whose status is in ``statuses``; returns those pairs."""
    conn = archive.conn
    _article(conn, article_id)
    captions = {c["index"]: c for c in store.get_captions(conn, article_id)}
    accepted = []
    for pair in store.get_pairs(conn, article_id):
        if pair["decision"] is None and pair["photo_id"] is not None and pair["status"] in statuses:
            _apply(archive, pair["photo_id"], captions[pair["caption_index"]])
            with transaction(conn):
                store.set_decision(conn, article_id, pair["caption_index"], "accepted")
            accepted.append(_pair_dict(conn, article_id, pair["caption_index"]))
    return accepted


def confirm(archive, article_id: int, caption_index: int, photo_id: int | None = None) -> dict:
    """A person settles a caption's pair: the proposed photo, or ``photo_id`` (a re-pair)."""
    conn = archive.conn
    article = _article(conn, article_id)
    caption = _caption(conn, article_id, caption_index)
    pair = store.get_pair(conn, article_id, caption_index)
    if photo_id is None:
        if pair is None or pair["photo_id"] is None:
            raise UsageError(f"caption {caption_index} of article {article_id} has no proposed photo: "
                             "name the photo to pair it with")
        photo_id = pair["photo_id"]
    if photo_store.get_record(conn, photo_id) is None:
        raise NotFound(f"no photo with id {photo_id} in the archive")
    previous = pair["photo_id"] if pair and pair["decision"] in ("accepted", "confirmed") else None
    if previous is not None and previous != photo_id:
        _restore(archive, previous, caption)
    # One photo per article: a caption that had this photo gives it up.
    for other in store.get_pairs(conn, article_id):
        if other["photo_id"] == photo_id and other["caption_index"] != caption_index \
                and other["decision"] != "rejected":
            with transaction(conn):
                store.set_decision(conn, article_id, other["caption_index"], None, photo_id=None,
                                   keep_photo=False, status="none", score=0.0,
                                   reasons=[f"photo #{photo_id} was paired with caption {caption_index} "
                                            "by a person"])
    found = score_pair(conn, caption, parse_date(article["date"]), photo_id)
    status = pair["status"] if pair and pair["photo_id"] == photo_id else verdict(found, None).status
    _apply(archive, photo_id, caption)
    with transaction(conn):
        store.set_decision(conn, article_id, caption_index, "confirmed", photo_id=photo_id,
                           keep_photo=False, reasons=found.reasons, score=found.value, status=status)
    return _pair_dict(conn, article_id, caption_index)


def repair(archive, article_id: int, caption_index: int, photo_id: int) -> dict:
    """A person pairs a caption with another photo (and settles it)."""
    return confirm(archive, article_id, caption_index, photo_id)


def reject(archive, article_id: int, caption_index: int) -> dict:
    """A person says the caption's photo is wrong; the matcher will not propose
    another for it until the pair is reset."""
    conn = archive.conn
    _article(conn, article_id)
    caption = _caption(conn, article_id, caption_index)
    pair = store.get_pair(conn, article_id, caption_index)
    if pair is None or pair["photo_id"] is None:
        raise UsageError(f"caption {caption_index} of article {article_id} has no photo to reject")
    if pair["decision"] in ("accepted", "confirmed"):
        _restore(archive, pair["photo_id"], caption)
    with transaction(conn):
        store.set_decision(conn, article_id, caption_index, "rejected")
    return _pair_dict(conn, article_id, caption_index)


def reset(archive, article_id: int, caption_index: int) -> dict:
    """Forget a person's decision: the next match proposes afresh."""
    conn = archive.conn
    _article(conn, article_id)
    caption = _caption(conn, article_id, caption_index)
    pair = store.get_pair(conn, article_id, caption_index)
    if pair is None:
        raise UsageError(f"caption {caption_index} of article {article_id} has not been matched yet")
    if pair["decision"] in ("accepted", "confirmed") and pair["photo_id"] is not None:
        _restore(archive, pair["photo_id"], caption)
    with transaction(conn):
        store.set_decision(conn, article_id, caption_index, None)
    return _pair_dict(conn, article_id, caption_index)


def score_pair(conn, caption: dict, article_date, photo_id: int) -> Score:
    """The score of one caption against one photo (for a person's re-pair)."""
    places = place_lookup()
    rows = candidate_store.photo_rows(conn, [photo_id])
    if not rows:
        raise NotFound(f"no photo with id {photo_id} in the archive")
    return score(caption_facts(caption, article_date, places), PhotoFacts(rows[0], places), places)


# ---------------------------------------------------------------- helpers

def _article(conn, article_id: int) -> dict:
    article = store.get_article(conn, article_id)
    if article is None:
        raise NotFound(f"no article with id {article_id} in the archive")
    return article


def _caption(conn, article_id: int, caption_index: int) -> dict:
    for caption in store.get_captions(conn, article_id):
        if caption["index"] == caption_index:
            return caption
    raise NotFound(f"article {article_id} has no caption {caption_index}")


def _apply(archive, photo_id: int, caption: dict) -> None:
    """The article's caption and credit line become the photo's working values."""
    edit_photo(archive, photo_id, {"caption": caption["text"], "credit_line": caption.get("credit_line")})


def _restore(archive, photo_id: int, caption: dict) -> None:
    """Put back the file's own caption and credit line where the article's are still in place."""
    record = photo_store.get_record(archive.conn, photo_id)
    if record is None:
        return
    fields = []
    if record.get("caption") == caption["text"]:
        fields.append("caption")
    if caption.get("credit_line") and record.get("credit_line") == caption["credit_line"]:
        fields.append("credit_line")
    if fields:
        revert_fields(archive, photo_id, fields)


def _pair_dict(conn, article_id: int, caption_index: int) -> dict:
    row = store.get_pair(conn, article_id, caption_index)
    paths = candidate_store.photo_paths(conn, [row["photo_id"]] if row["photo_id"] else [])
    result = stored_result(row, paths)
    out = result.to_dict()
    out["decision"] = row["decision"]
    if row["decision"] == "rejected":
        out["rejected_photo_id"] = row["photo_id"]
    return out
