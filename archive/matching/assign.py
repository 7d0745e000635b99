"""Deciding: one photo per caption across the article, and how sure to be.

Captions are paired with photos one-to-one (a photo illustrates one caption
of an article) by the assignment that maximises the total score, the
Hungarian method over each caption's best candidates; a caption may stay
without a photo.  Then each pair gets a status:

``auto``       the score is at least ``auto``, it leads the caption's runner-up
               by at least ``margin``, no part contradicts (another
               photographer, place or day), the photographer agrees when the
               credit names one (else the agency), and the photo's own
               description shares the caption's wording;
``suggested``  the best fit, at least ``floor``, for a person to look at;
``none``       nothing reaches ``floor``.

Why these numbers (tests/archive/test_matching*.py hold the cases): a true
pair whose metadata agrees on photographer, place, day and wording scores
0.85-1.0; the hard decoys (the same photographer another day, the same place
by another photographer, the same day in another city) are each contradicted
by one part, which vetoes ``auto`` whatever their score, and land at 0.3-0.65.
A photo that agrees on everything but the wording (the photographer's other
frames that day) is the one decoy no metadata can rule out, so ``auto`` also
needs the description to share the caption's words, and a lead of ``margin``
over the runner-up so that two look-alike frames stay ``suggested``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from archive.matching.score import Score


@dataclass(frozen=True)
class Thresholds:
    auto: float = 0.72      # score an automatic pairing needs ...
    margin: float = 0.12    # ... and its lead over the caption's runner-up
    floor: float = 0.35     # below this a caption has no photo
    wording: float = 0.3    # the wording part an automatic pairing needs
    top: int = 8            # candidates per caption considered for the assignment


def assign(options: dict[int, list[Score]], thresholds: Thresholds = Thresholds()) -> dict[int, int | None]:
    """caption index -> photo id (or None): the one-to-one pairing with the
    highest total score among pairs that reach the floor."""
    captions = sorted(options)
    photos: list[int] = []
    for idx in captions:
        for s in sorted(options[idx], key=lambda s: -s.value)[:thresholds.top]:
            if s.value >= thresholds.floor and s.photo_id not in photos:
                photos.append(s.photo_id)
    if not captions:
        return {}
    column = {pid: j for j, pid in enumerate(photos)}
    n, m = len(captions), len(photos) + len(captions)   # a "no photo" column per caption
    cost = [[0.0] * m for _ in range(n)]
    for i, idx in enumerate(captions):
        for s in options[idx]:
            j = column.get(s.photo_id)
            if j is not None and s.value >= thresholds.floor:
                cost[i][j] = min(cost[i][j], -s.value)
    chosen = hungarian(cost)
    return {idx: (photos[j] if j < len(photos) and cost[i][j] < 0 else None)
            for i, (idx, j) in enumerate(zip(captions, chosen))}


def hungarian(cost: list[list[float]]) -> list[int]:
    """Column of each row in the minimum-cost assignment (rows <= columns).

    The O(n^2 m) shortest-augmenting-path form of the Hungarian method; an
    article has a handful of captions and a few dozen candidate photos.
    """
    n = len(cost)
    m = len(cost[0]) if n else 0
    inf = math.inf
    u, v = [0.0] * (n + 1), [0.0] * (m + 1)
    owner, way = [0] * (m + 1), [0] * (m + 1)   # owner[j]: row (1-based) holding column j
    for i in range(1, n + 1):
        owner[0] = i
        j0 = 0
        minv = [inf] * (m + 1)
        used = [False] * (m + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = owner[j0], inf, 0
            for j in range(1, m + 1):
                if not used[j]:
                    cur = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j], way[j] = cur, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(m + 1):
                if used[j]:
                    u[owner[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if owner[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            owner[j0] = owner[j1]
            j0 = j1
    result = [0] * n
    for j in range(1, m + 1):
        if owner[j]:
            result[owner[j] - 1] = j - 1
    return result


@dataclass(frozen=True)
class Verdict:
    status: str                  # auto, suggested, none
    why: str | None = None       # why not auto, in words (for a suggested pair)


def verdict(best: Score | None, runner_up: float | None,
            thresholds: Thresholds = Thresholds()) -> Verdict:
    """The status of a caption's chosen photo, given the runner-up's score."""
    if best is None or best.value < thresholds.floor:
        return Verdict("none")
    value = best.value
    if best.vetoed:
        vetoes = [p.reason for p in best.parts if p.veto and p.reason]
        return Verdict("suggested", "contradicted: " + "; ".join(vetoes))
    if value < thresholds.auto:
        return Verdict("suggested", f"score {value:.2f} is below {thresholds.auto:.2f}")
    creator = best.part("creator")
    if creator is not None and creator.value <= 0:
        return Verdict("suggested", "the photo's metadata does not name the credited photographer")
    agency = best.part("agency")
    if creator is None and agency is not None and agency.value <= 0:
        return Verdict("suggested", "the credit names no photographer and the photo's metadata "
                                    "does not name its agency")
    wording = best.part("wording")
    if wording is not None and wording.value < thresholds.wording:
        return Verdict("suggested", "the photo's own description does not share the caption's wording")
    if runner_up is not None and value - runner_up < thresholds.margin:
        return Verdict("suggested", f"the runner-up scores {runner_up:.2f}, too close")
    return Verdict("auto")
