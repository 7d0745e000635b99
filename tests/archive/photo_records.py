"""The one photo record the rule and clearance tests start from: a New York Times
photo by Brendan Hoffman in Kyiv, clean for the Guardian's house style.  Each test
module states only how its own starting point differs."""

from __future__ import annotations

BASE = {
    "id": 12, "path": "/photos/IMG_0001.jpg", "taken_at": "2022-12-19T02:14:07+02:00",
    "gps": {"lat": 50.4501, "lon": 30.5234, "alt": 170.0},
    "creator": ["Brendan Hoffman"], "credit": "The New York Times", "source": "The New York Times",
    "copyright": "\u00a9 2022 The New York Times",
    "caption": "Air raid sirens were blasting off most of the night into Monday in Kyiv and the region around it.",
    "credit_line": "Photograph: Brendan Hoffman/The New York Times",
    "city": "Kyiv", "sublocation": None, "state": None, "country": "Ukraine", "country_code": "UA",
    "instructions": None, "usage_terms": None, "keywords": [], "embedded": {},
}


def nyt_kyiv(**kw) -> dict:
    """A fresh copy of the base record with ``kw`` changed."""
    r = {k: (list(v) if isinstance(v, list) else dict(v) if isinstance(v, dict) else v) for k, v in BASE.items()}
    r.update(kw)
    return r


def factory(**base):
    """A module's own ``photo(**kw)``: the base record with ``base`` then ``kw`` applied."""
    def photo(**kw) -> dict:
        return nyt_kyiv(**{**base, **kw})
    return photo
