"""Clearance: may the desk publish this photo on this date?

:func:`clearance` puts it together for a publication date: the covering
licence (:mod:`archive.licence_model`), the leases, the embargo and restrictions
in the photo's own instructions and usage terms, and the licence rules of the
profile.  Status:

- ``not_cleared``: a licence rule at severity error fired (no licence, expired,
  embargoed, denied, a territory or medium the desk publishes in is excluded);
- ``conditional``: only warnings (quota used up, embargo lifting later that
  day, some of the desk's media excluded, other rule errors to fix first);
- ``cleared``: nothing stands in the way.

Pure: no database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Iterable, Mapping, Optional

from archive.licence_model import CREATOR_KINDS, Lease, Licence
from archive.rules.base import Memo, Violation


@dataclass
class Clearance:
    on: date
    status: str                       # cleared | conditional | not_cleared
    cost: Optional[str]               # free | conditional | pay | None
    licence_id: object = None
    reasons: list = field(default_factory=list)
    violations: list = field(default_factory=list)
    # Every day from stable_from to stable_until (inclusive) gets this same verdict,
    # reasons and all: no licence, lease, embargo, "no archive" grace or quota period
    # of the photo starts or ends in between.  A stored clearance is reused for them.
    stable_from: date = date.min
    stable_until: date = date.max

    def to_dict(self) -> dict:
        return {"on": self.on.isoformat(), "status": self.status, "cost": self.cost,
                "licence_id": self.licence_id, "reasons": list(self.reasons),
                "violations": [v.to_dict() for v in self.violations]}


# ---------------------------------------------------------------- which licence

def _cap(text: str) -> str:
    """Upper-case the first letter only (str.capitalize would lower "Reuters")."""
    return text[:1].upper() + text[1:]


def _facts(record, gazetteer=None):
    from archive.rules.facts import PhotoFacts, as_cached

    return PhotoFacts(record, as_cached(gazetteer) if gazetteer is not None else None)


def _licence_keys(licence: "Licence") -> frozenset:
    """The licensor and aliases in comparable forms, computed once per licence
    (kept on the instance: hashing a whole licence per photo costs more)."""
    keys = licence.__dict__.get("_keys")
    if keys is None:
        from archive.rules.facts import agency_key
        from archive.folding import fold

        keys = frozenset(k for n in licence.names for k in (fold(n), agency_key(n)) if k)
        object.__setattr__(licence, "_keys", keys)
    return keys


def _names_licensor(licence: Licence, facts) -> bool:
    """Whether the licensor or one of its aliases is anywhere in the photo's chain."""
    return not _licence_keys(licence).isdisjoint(facts.chain_keys)


_SAME_PERSON = frozenset({"same", "case", "translit", "accents"})


def _covers_creator(licence: Licence, creators, day: Optional[date], *, any_day: bool = False) -> Optional[str]:
    """The first of ``creators`` the licence covers on ``day`` (on some day, with ``any_day``)."""
    from archive.rules.names import compare

    for cover in licence.creators:
        for c in creators:
            if compare(c, cover.name)[0] in _SAME_PERSON and (any_day or cover.covers(day)):
                return c
    return None


class _CandidateMemo(Memo):
    """The candidates of the last set of licences, by what decides them (the hand
    assignment, the creators and the agency chain): a check of 100,000 photos asks
    for a few hundred combinations.  Keeps the licences themselves, so a new set
    (or one object changed for another) starts a new memo."""

    def __init__(self, licences: tuple):
        super().__init__()
        self.licences = licences


_MEMO: list = [None]            # the one _CandidateMemo in use


def _candidates(record, licences, facts, day_taken):
    """(licence, how, rank) for every licence that could cover the photo, in the
    licences' order."""
    assigned = record.get("licence_id")
    if assigned is None and isinstance(record.get("licence"), dict):
        assigned = record["licence"].get("id")
    licences = tuple(licences)
    slot = _MEMO[0]
    if slot is None or slot.licences != licences:
        slot = _MEMO[0] = _CandidateMemo(licences)
    key = (assigned, facts.creators, facts.chain_keys)
    found = slot.get(key)
    if found is None:
        found = slot.put(key, _undated_candidates(assigned, licences, facts))
    out = []
    for lic, how, rank in found:
        if how is None:
            # A photographer's licence: whether it covers the photo depends on the capture day.
            who = _covers_creator(lic, facts.creators, day_taken)
            if not who:
                continue
            when = f" on {day_taken}" if day_taken else ""
            how = f"covers {who}{when} ({lic.kind})"
        out.append((lic, how, rank))
    return out


def _undated_candidates(assigned, licences, facts) -> tuple:
    """The candidates as far as they do not depend on the capture day: a
    photographer's licence that names one of the photo's creators is kept with
    ``how`` None, to be judged for the day."""
    out = []
    for lic in licences:
        if assigned is not None and str(lic.id) == str(assigned):
            out.append((lic, "assigned to the photo by hand", 0))
            continue
        if lic.kind in CREATOR_KINDS and lic.creators:
            if _covers_creator(lic, facts.creators, None, any_day=True):
                out.append((lic, None, 1))
            continue
        if _names_licensor(lic, facts):
            out.append((lic, f"the photo's agency chain names {lic.licensor}", 2))
    return tuple(out)


def _pick(cands, on: date):
    cost_rank = {"free": 0, "conditional": 1, "pay": 2}
    valid = [c for c in cands if c[0].valid_on(on)]
    if valid:
        return min(valid, key=lambda c: (c[2], cost_rank[c[0].cost]))
    if cands:
        # None valid: the one that ended last (or starts first), to say why.
        return max(cands, key=lambda c: (-(c[2]), c[0].valid_until or date.max))
    return None


def licence_for(record: dict, licences: Iterable[Licence], on: date, *, gazetteer=None,
                facts=None) -> Optional[Licence]:
    """The licence that covers the photo on ``on``: one assigned by hand
    (``record["licence_id"]``), else a staff/contract/commissioned licence covering
    the photo's creator on its capture date, else one whose licensor or alias the
    photo's agency chain names.  When none is valid on ``on``, the most relevant
    invalid one (so the caller can say it expired); None when nothing applies."""
    facts = facts or _facts(record, gazetteer)
    day_taken = facts.capture.day if facts.capture else None
    hit = _pick(_candidates(record, list(licences), facts, day_taken), on)
    return hit[0] if hit else None


# ---------------------------------------------------------------- clearance

def clearance(record: dict, licences: Iterable[Licence], leases: Iterable[Lease], on: date, *,
              uses_in_period: Optional[Mapping] = None, profile=None, gazetteer=None,
              rule_violations: Iterable[Violation] = (), facts=None) -> Clearance:
    """Whether the photo may be published on ``on``, at what cost, and why.

    ``uses_in_period`` maps licence id to uses already made in the quota period
    containing ``on``.  ``rule_violations`` are the photo's other rule results:
    errors among them make a cleared photo conditional (fix them first).
    ``facts`` is the rules engine's reading of the same record, to reuse it.
    """
    from archive.rules.base import worst

    if profile is None:
        from archive.rules.profile import default_profile
        profile = default_profile()
    facts = facts or _facts(record, gazetteer)
    day_taken = facts.capture.day if facts.capture else None
    violations: list[Violation] = []
    reasons: list[str] = []

    def flag(rule: str, message: str, cap: Optional[str] = None):
        if not profile.enabled(rule):
            return
        sev = profile.severity(rule)
        if cap == "warning" and sev == "error":
            sev = "warning"
        violations.append(Violation(rule, sev, message, None, None))

    photo_id = record.get("id")
    mine = [l for l in leases if l.photo_id is None or str(l.photo_id) == str(photo_id)]
    deny = [l for l in mine if not l.allow and l.covers(on)]
    allow = [l for l in mine if l.allow and l.covers(on)]

    changes: set = set()            # days on which the verdict may change (see Clearance)
    cands = _candidates(record, list(licences), facts, day_taken)
    for lic, _, _ in cands:
        _bounds(changes, lic.valid_from, lic.valid_until)
    for lease in mine:
        _bounds(changes, lease.valid_from, lease.valid_until)
    hit = _pick(cands, on)
    licence, how = (hit[0], hit[1]) if hit else (None, None)
    cost: Optional[str] = None

    if deny:
        l = deny[0]
        flag("licence.restricted", f"Lease {l.id} denies use {l.span()}" + (f": {l.note}" if l.note else ""))
    elif allow:
        l = allow[0]
        reasons.append(f"allowed by lease {l.id} {l.span()}" + (f": {l.note}" if l.note else ""))
        if licence is not None and licence.valid_on(on):
            cost = licence.cost
    if not deny and not allow:
        if licence is None:
            agencies = ", ".join(facts.chain) or None
            who = ", ".join(facts.creators) or None
            named = f"agency {agencies}" if agencies else (f"creator {who}" if who else "no agency or creator")
            flag("licence.missing", f"No licence covers this photo ({named}) and no lease allows it")
        elif not licence.valid_on(on):
            if licence.valid_until and on > licence.valid_until:
                flag("licence.expired", f"{_cap(licence.label())} ended on {licence.valid_until}")
            else:
                flag("licence.expired", f"{_cap(licence.label())} starts on {licence.valid_from}")
        else:
            cost = licence.cost
            until = f" until {licence.valid_until}" if licence.valid_until else ""
            reasons.append(f"covered by {licence.label()}{until}: {how}")
            _licence_terms(licence, profile, flag, reasons, uses_in_period, on, changes)

    _photo_terms(facts, profile, flag, reasons, on, day_taken, changes)

    others = [v for v in rule_violations if not v.rule.startswith("licence.") and v.severity == "error"]
    licence_sev = worst(v.severity for v in violations)
    if licence_sev == "error":
        status = "not_cleared"
    elif licence_sev == "warning" or others:
        status = "conditional"
    else:
        status = "cleared"
    if others:
        reasons.append(f"{len(others)} caption/credit error{'s' if len(others) > 1 else ''} to fix first")
    for v in violations:
        reasons.append(v.message)
    if status == "not_cleared":
        cost = None if licence is None or not licence.valid_on(on) else cost
    lo, hi = _span(changes, on)
    return Clearance(on, status, cost, licence.id if licence is not None else None, reasons, violations,
                     stable_from=lo, stable_until=hi)


_DAY = timedelta(days=1)


def _bounds(changes: set, start: Optional[date], end: Optional[date]) -> None:
    """Something that holds from ``start`` to ``end`` (either open) changes things on
    ``start`` and on the day after ``end``."""
    if start is not None and start > date.min:
        changes.add(start)
    if end is not None and end < date.max:
        changes.add(end + _DAY)


def _span(changes: set, on: date) -> tuple[date, date]:
    lo = max((d for d in changes if d <= on), default=date.min)
    nxt = min((d for d in changes if d > on), default=None)
    return lo, (nxt - _DAY if nxt is not None else date.max)


def quota_period(on: date, period: str) -> tuple[date, date]:
    """The first and last day of the quota period (month or year) containing ``on``."""
    if period == "year":
        return date(on.year, 1, 1), date(on.year, 12, 31)
    nxt = date(on.year + (on.month == 12), on.month % 12 + 1, 1)
    return date(on.year, on.month, 1), nxt - _DAY


def _year_bounds(changes: set, year: int) -> None:
    # A date without a year is read in the year of the publication date.
    _bounds(changes, date(year, 1, 1), date(year, 12, 31))


def _licence_terms(licence: Licence, profile, flag, reasons, uses_in_period, on, changes: set):
    from archive.rules.licence import read_terms

    conf = profile["licence.restricted"]
    territory = (conf["territory"] or "").upper()
    media = [m.lower() for m in conf["media"]]
    if territory and licence.territories and territory not in licence.territories:
        flag("licence.restricted", f"{_cap(licence.label())} covers {', '.join(licence.territories)}, "
                                   f"not {territory}")
    if media and licence.media:
        missing = [m for m in media if m not in licence.media]
        if len(missing) == len(media):
            flag("licence.restricted", f"{_cap(licence.label())} covers {', '.join(licence.media)} only, "
                                       f"not {', '.join(missing)}")
        elif missing:
            flag("licence.restricted", f"{_cap(licence.label())} does not cover {', '.join(missing)}",
                 cap="warning")
    if licence.restrictions:
        terms = read_terms(licence.restrictions, on.year)
        _year_bounds(changes, on.year)
        _judge_terms(terms, f"{licence.label()} restrictions", profile, flag, reasons, on, None, changes)
        reasons.append(f"licence restrictions: {licence.restrictions}")
    if licence.quota:
        _bounds(changes, *quota_period(on, licence.quota.period))
        used = (uses_in_period or {}).get(licence.id, (uses_in_period or {}).get(str(licence.id), 0))
        if used >= licence.quota.count:
            flag("licence.over_quota", f"Quota of {licence.quota} for {licence.label()} is used up "
                                       f"({used} used this {licence.quota.period})")
        else:
            reasons.append(f"quota {used}/{licence.quota.count} used this {licence.quota.period}")


def _photo_terms(facts, profile, flag, reasons, on, day_taken, changes: set):
    from archive.rules.licence import read_terms

    for key, label in (("instructions", "instructions"), ("usage_terms", "usage terms")):
        for text in facts.values(key):
            year = day_taken.year if day_taken else on.year
            if not day_taken:
                _year_bounds(changes, on.year)
            terms = read_terms(text, year, _country_resolver(facts))
            _judge_terms(terms, f"the photo's {label}", profile, flag, reasons, on, day_taken, changes)


def _country_resolver(facts):
    gaz = facts._gaz
    if gaz is None:
        return None
    return _resolver_for(gaz)


_RESOLVERS: dict = {}


def _resolver_for(gaz):
    r = _RESOLVERS.get(id(gaz))
    if r is None:
        def r(name: str, _g=gaz):
            p = _g.best(name)
            return getattr(p, "country_code", None) if p is not None and getattr(p, "kind", "") == "country" else None
        _RESOLVERS[id(gaz)] = r
    return r


def _judge_terms(terms, where: str, profile, flag, reasons, on: date, day_taken: Optional[date], changes: set):
    conf = profile["licence.restricted"]
    e = terms.embargo
    if e is not None:
        if e.day is not None:
            _bounds(changes, e.day, e.day)          # before it, on the day, after it
        verdict = e.judge(on)
        if verdict == "before":
            flag("licence.restricted", f"Embargoed until {e.describe()} ({where})")
        elif verdict == "lifts_today":
            flag("licence.restricted", f"Embargo lifts at {e.describe()}: do not publish before then ({where})",
                 cap="warning")
        elif verdict == "unknown":
            flag("licence.restricted", f"{_cap(where)} state {e.describe()}: check it", cap="warning")
    if terms.no_archive:
        grace = conf["no_archive_days"]
        if day_taken is None:
            flag("licence.restricted", f"{_cap(where)} say \u201cno archive\u201d and the capture date "
                                       "is unknown", cap="warning")
        else:
            last = day_taken + timedelta(days=grace)
            _bounds(changes, None, last)
            if on > last:
                flag("licence.restricted", f"{_cap(where)} say \u201cno archive\u201d: the photo from "
                                           f"{day_taken} could be used until {last}, not later")
    if terms.editorial_only:
        if conf["forbid_editorial_only"]:
            flag("licence.restricted", f"{_cap(where)} say \u201ceditorial use only\u201d")
        else:
            reasons.append(f"editorial use only ({where})")
    territory = (conf["territory"] or "").upper()
    if territory and territory in terms.territories_out:
        flag("licence.restricted", f"{_cap(where)} exclude use in {territory}")
    media = [m.lower() for m in conf["media"]]
    if media:
        barred = [m for m in media if m in terms.media_out or (terms.media_only and m not in terms.media_only)]
        if barred and len(barred) == len(media):
            flag("licence.restricted", f"{_cap(where)} exclude {', '.join(barred)} use")
        elif barred:
            flag("licence.restricted", f"{_cap(where)} exclude {', '.join(barred)} use", cap="warning")
