"""Running a profile's rules over one photo.

The rule families run in a fixed order (credit, caption, style), each reading the
same :class:`~archive.rules.facts.PhotoFacts`; then the photo's clearance (the
licence rules, archive/clearance.py) reads the same facts.  :func:`judge_photo`
is the one way a photo is judged, by the check service that keeps an archive's
checks current (archive/checking.py, which spreads photos over the worker pool)
and by :func:`check_photo`, the call for one record.  The draft check while a
caption is typed runs the families alone (:func:`check_facts`).

Licence rules need the desk's licences and leases, which live in the store: pass
them to :func:`check_photo` (or a ready :class:`~archive.clearance.Clearance`);
without either, licence rules are not judged, since a check that knows no
licences would call every photo unlicensed.
"""

from __future__ import annotations

from datetime import date
from typing import Mapping, Optional

from archive.rules import caption, credit, style
from archive.rules.base import Violation
from archive.rules.facts import PhotoFacts, as_cached
from archive.rules.profile import Profile, default_profile, load_profile

_FAMILIES = (credit.check, caption.check, style.check)


def _resolve_profile(profile) -> Profile:
    if profile is None:
        return default_profile()
    if isinstance(profile, Profile):
        return profile
    return load_profile(profile)


def check_photo(record: dict, profile=None, *, on: Optional[date] = None, licences=None, leases=(),
                uses_in_period: Optional[Mapping] = None, clearance=None, gazetteer=None) -> list[Violation]:
    """Every violation of ``profile`` (a Profile, a name or a path; default
    guardian) on one photo record, judged for publication on ``on`` (today).

    With ``licences`` (and this photo's ``leases``, licence id -> uses so far in
    ``uses_in_period``) the photo's clearance is judged too (:func:`judge_photo`);
    ``clearance``, a Clearance already judged for it, adds its violations; with
    neither the licence rules are not judged.
    """
    profile = _resolve_profile(profile)
    on = on or date.today()
    facts = PhotoFacts(record, as_cached(gazetteer) if gazetteer is not None else None)
    if licences is not None:
        rule_vs, judged = judge_photo(facts, profile, on, list(licences), list(leases), uses_in_period)
        return rule_vs + list(judged.violations)
    return check_facts(facts, profile, on, clearance)


def check_facts(facts: PhotoFacts, profile: Profile, on: date, clearance=None) -> list[Violation]:
    """The rule families over one photo's facts (made once by the caller, so that
    a clearance judged next can read the same ones), with the violations of a
    ``clearance`` already judged for it."""
    out: list[Violation] = []
    for family in _FAMILIES:
        out.extend(family(facts, profile, on))
    if clearance is not None:
        out.extend(_licence_violations(clearance))
    return out


def judge_photo(facts: PhotoFacts, profile: Profile, on: date, licences, leases, uses_in_period=None):
    """(rule violations, Clearance) of one photo for a publication date: the house
    rules, then its clearance from the licences and leases, reading the same facts.
    The one way a photo is judged, whether by ``check_photo`` and the engine or by
    the check service that keeps an archive's checks current (archive/checking.py)."""
    from archive.clearance import clearance

    rule_vs: list[Violation] = []
    for family in _FAMILIES:
        rule_vs.extend(family(facts, profile, on))
    judged = clearance(facts.record, licences, leases, on, uses_in_period=uses_in_period, profile=profile,
                       gazetteer=facts._gaz, rule_violations=rule_vs, facts=facts)
    return rule_vs, judged


def _licence_violations(clearance) -> list[Violation]:
    from archive.clearance import Clearance

    if isinstance(clearance, Clearance):
        return list(clearance.violations)
    raise TypeError("clearance must be a Clearance (pass licences= to have it judged)")
