"""Matching an article: candidates, scores and the one-to-one decision, stored.

``match_article`` pairs every caption a person has not yet decided on, keeps
the decided ones as they are (their photos are not offered to other
captions), and stores the proposals; ``match_captions`` does the work on
plain values and is what the benchmark and the window's preview call.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from archive.errors import NotFound
from archive.matching.assign import Thresholds, assign, verdict
from archive.matching.candidates import Limits, find_candidates
from archive.matching.facts import CaptionFacts, PhotoFacts, PlaceLookup, caption_facts
from archive.matching.score import Score, score
from archive.store import articles as article_store
from archive.store import candidates as candidate_store
from archive.store.db import transaction

RUNNERS_UP = 4           # candidates listed beside the chosen photo


@dataclass(frozen=True)
class MatchSettings:
    thresholds: Thresholds = Thresholds()
    limits: Limits = Limits()
    weights: dict | None = None


@dataclass
class PairResult:
    """One caption's pairing: the photo (or None), how sure, why, and the runners-up."""

    caption_index: int
    photo_id: int | None
    path: str | None
    score: float
    status: str                                   # auto, suggested, none
    reasons: list[str] = field(default_factory=list)
    candidates: list[dict] = field(default_factory=list)   # [{"photo_id", "score"}], best first
    decision: str | None = None                   # accepted, confirmed, rejected (a person's word)
    detail: Score | None = None                   # the chosen photo's parts (None when stored)

    def to_dict(self) -> dict:
        """The pair as ``match --json`` prints it (DESIGN.md)."""
        return {"caption_index": self.caption_index, "photo_id": self.photo_id, "path": self.path,
                "score": round(self.score, 2), "status": self.status, "reasons": list(self.reasons),
                "candidates": [{"photo_id": c["photo_id"], "score": round(c["score"], 2)}
                               for c in self.candidates]}


@dataclass
class ArticleMatch:
    article_id: int
    pairs: list[PairResult]

    def to_dict(self) -> dict:
        return {"article_id": self.article_id, "pairs": [p.to_dict() for p in self.pairs]}


def place_lookup() -> PlaceLookup:
    """This process's cached gazetteer lookups: the one the rules use (archive/place_lookup.py)."""
    from archive.place_lookup import shared

    return shared()


def parse_date(text: str | None) -> _dt.date | None:
    if not text:
        return None
    try:
        return _dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def match_captions(conn, captions: list[dict], article_date: _dt.date | None, *,
                   settings: MatchSettings = MatchSettings(),
                   taken: set[int] = frozenset(), progress=None, cancel=None) -> list[PairResult]:
    """Pair captions (dicts: index, text, credit_line, credit) with photos.

    ``taken``: photos already settled for other captions of the article, which
    are not offered again.  Progress counts captions searched; a cancel stops
    between captions (nothing is written here).
    """
    from archive.jobs import check_cancel, no_progress

    progress = progress or no_progress
    places = place_lookup()
    facts = [caption_facts(c, article_date, places) for c in captions]
    keys = {}
    for n, c in enumerate(facts):
        check_cancel(cancel)
        progress(n, len(facts), "finding candidate photos")
        keys[c.index] = find_candidates(conn, c, settings.limits)
    check_cancel(cancel)
    progress(len(facts), len(facts), "scoring candidates")
    all_keys = list(dict.fromkeys(k for ks in keys.values() for k in ks))
    photos = {row["sort_key"]: PhotoFacts(row, places)
              for row in candidate_store.candidate_rows(conn, all_keys)}
    scored: dict[int, list[Score]] = {}
    for c in facts:
        found = [score(c, photos[k], places, settings.weights) for k in keys[c.index]
                 if k in photos and photos[k].id not in taken]
        found.sort(key=lambda s: (-s.value, s.photo_id))
        scored[c.index] = found
    chosen = assign(scored, settings.thresholds)
    by_id = {p.id: p for p in photos.values()}
    return [_result(c, scored[c.index], chosen.get(c.index), chosen, by_id, settings.thresholds)
            for c in facts]


def _result(c: CaptionFacts, scores: list[Score], photo_id: int | None, chosen: dict,
            photos: dict[int, PhotoFacts], thresholds: Thresholds) -> PairResult:
    listed = [{"photo_id": s.photo_id, "score": round(s.value, 3)} for s in scores[:RUNNERS_UP + 1]]
    best = next((s for s in scores if s.photo_id == photo_id), None) if photo_id else None
    if best is None:
        reasons = ["no photo in the archive fits this caption"]
        if scores:
            top = scores[0]
            taken_by = [i for i, pid in chosen.items() if pid == top.photo_id and i != c.index]
            note = f" (paired with caption {taken_by[0]})" if taken_by else ""
            reasons = [f"no photo fits: the best candidate, #{top.photo_id}{note}, scores {top.value:.2f}",
                       *top.reasons]
        return PairResult(c.index, None, None, scores[0].value if scores else 0.0, "none",
                          reasons, listed)
    others = {pid for i, pid in chosen.items() if i != c.index and pid is not None}
    runner_up = next((s.value for s in scores if s.photo_id != photo_id and s.photo_id not in others), None)
    decided = verdict(best, runner_up, thresholds)
    reasons = list(best.reasons)
    if decided.why:
        reasons.append(f"suggested, not automatic: {decided.why}")
    if listed and listed[0]["photo_id"] != photo_id:
        listed = [{"photo_id": photo_id, "score": round(best.value, 3)}] + \
                 [x for x in listed if x["photo_id"] != photo_id][:RUNNERS_UP]
    return PairResult(c.index, photo_id, photos[photo_id].path, best.value, decided.status,
                      reasons, listed, detail=best)


def match_article(archive, article_id: int, *, settings: MatchSettings = MatchSettings(),
                  save: bool = True, progress=None, cancel=None) -> ArticleMatch:
    """Pair an article's undecided captions, keep its decided ones, store the proposals."""
    conn = archive.conn
    article = article_store.get_article(conn, article_id)
    if article is None:
        raise NotFound(f"no article with id {article_id} in the archive")
    captions = article_store.get_captions(conn, article_id)
    decided = article_store.decided_captions(conn, article_id)
    stored = {p["caption_index"]: p for p in article_store.get_pairs(conn, article_id)}
    taken = {pid for decision, pid in decided.values() if decision != "rejected" and pid is not None}
    open_captions = [c for c in captions if c["index"] not in decided]
    results = match_captions(conn, open_captions, parse_date(article["date"]),
                             settings=settings, taken=taken, progress=progress, cancel=cancel)
    if save and results:
        with transaction(conn):
            article_store.save_proposals(conn, article_id, [
                {"caption_index": r.caption_index, "photo_id": r.photo_id, "score": r.score,
                 "status": r.status, "reasons": r.reasons, "candidates": r.candidates}
                for r in results])
    by_index = {r.caption_index: r for r in results}
    paths = candidate_store.photo_paths(conn, [p["photo_id"] for p in stored.values() if p["photo_id"]])
    pairs = []
    for c in captions:
        if c["index"] in by_index:
            pairs.append(by_index[c["index"]])
        else:
            pairs.append(stored_result(stored[c["index"]], paths))
    return ArticleMatch(article_id, pairs)


def stored_result(row: dict, paths: dict[int, str]) -> PairResult:
    """A stored pair as a result; a rejected one shows no photo."""
    if row["decision"] == "rejected":
        return PairResult(row["caption_index"], None, None, 0.0, "none",
                          [f"a person rejected photo #{row['photo_id']} for this caption"]
                          if row["photo_id"] else ["a person rejected the pairing"],
                          row["candidates"], decision="rejected")
    return PairResult(row["caption_index"], row["photo_id"], paths.get(row["photo_id"]),
                      row["score"] or 0.0, row["status"], row["reasons"], row["candidates"],
                      decision=row["decision"])
