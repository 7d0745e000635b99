"""Running a profile's rules over photos: one photo, or many quickly.

The rule families run in a fixed order (credit, caption, style, licence), each
reading the same :class:`~archive.rules.facts.PhotoFacts`.  An :class:`Engine`
holds what is built once per profile (compiled credit patterns, the spelling
regex, the cached gazetteer) so that checking a week's 50,000 photos costs
rule logic, not set-up.  ``check_many`` can spread the work over the shared
worker pool (archive/workers.py); each worker receives the profile with the
job's tasks and builds its own caches once per job.

Licence rules need the desk's licences and leases, which live in the store.
Pass them as a :class:`Licensing` (or a ready :class:`~archive.clearance.Clearance`
for one photo); without either, licence rules are not judged, since a check
that knows no licences would call every photo unlicensed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Iterable, Iterator, Mapping, Optional, Union

from archive.rules import caption, credit, style
from archive.rules.base import Violation
from archive.rules.facts import PhotoFacts, as_cached
from archive.rules.profile import Profile, default_profile, load_profile

_FAMILIES = (credit.check, caption.check, style.check)


@dataclass
class Licensing:
    """The desk's licences and leases, for judging licence rules.

    ``leases`` are all leases (each names its photo) or a function from a photo
    id to that photo's leases; ``uses_in_period`` maps licence id to uses so far.
    A snapshot: the leases are indexed by photo on first use, so build a new
    Licensing after the store changes.  (Use a list, not a function, with
    ``check_many(processes > 1)``: it travels to worker processes by pickling.)
    """

    licences: list = field(default_factory=list)
    leases: Union[list, Callable] = field(default_factory=list)
    uses_in_period: Optional[Mapping] = None

    def leases_for(self, photo_id) -> list:
        if callable(self.leases):
            return list(self.leases(photo_id))
        index = self.__dict__.get("_by_photo")
        if index is None:
            index = {}
            for lease in self.leases:
                index.setdefault(str(lease.photo_id), []).append(lease)
            self.__dict__["_by_photo"] = index
        return index.get(str(photo_id), [])


def _resolve_profile(profile) -> Profile:
    if profile is None:
        return default_profile()
    if isinstance(profile, Profile):
        return profile
    return load_profile(profile)


def check_photo(record: dict, profile=None, *, on: Optional[date] = None, clearance=None,
                gazetteer=None) -> list[Violation]:
    """Every violation of ``profile`` (a Profile, a name or a path; default
    guardian) on one photo record, judged for publication on ``on`` (today).

    ``clearance`` is a Clearance already judged for this photo (its violations
    are included) or a :class:`Licensing` to judge it with; None skips the
    licence rules.
    """
    profile = _resolve_profile(profile)
    on = on or date.today()
    facts = PhotoFacts(record, as_cached(gazetteer) if gazetteer is not None else None)
    return check_facts(facts, profile, on, clearance)


def check_facts(facts: PhotoFacts, profile: Profile, on: date, clearance=None) -> list[Violation]:
    """The rule families over one photo's facts (made once by the caller, so that
    a clearance judged next can read the same ones); licence rules as for
    :func:`check_photo`."""
    if isinstance(clearance, Licensing):
        rule_vs, judged = judge_photo(facts, profile, on, clearance.licences,
                                      clearance.leases_for(facts.record.get("id")), clearance.uses_in_period)
        return rule_vs + list(judged.violations)
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
    raise TypeError("clearance must be a Clearance or a Licensing")


class Engine:
    """A profile compiled once, for checking many photos.

    ``Engine(profile, licensing=None, gazetteer=None)``; ``check(record, on)``
    for one photo; ``check_many(records, on)`` yields ``(photo_id, violations)``.
    """

    def __init__(self, profile=None, licensing: Optional[Licensing] = None, gazetteer=None):
        self.profile = _resolve_profile(profile)
        self.licensing = licensing
        self._gazetteer_arg = gazetteer
        self._gaz = None
        # Compile the profile's regexes now rather than on the first photo.
        credit.house_patterns(self.profile)

    @property
    def gazetteer(self):
        if self._gaz is None:
            self._gaz = as_cached(self._gazetteer_arg)
        return self._gaz

    def check(self, record: dict, on: Optional[date] = None) -> list[Violation]:
        on = on or date.today()
        facts = PhotoFacts(record, self.gazetteer)
        return check_facts(facts, self.profile, on, self.licensing)

    def check_many(self, records: Iterable[dict], on: Optional[date] = None, *, processes: int = 1,
                   chunk: int = 500, progress=None, cancel=None) -> Iterator[tuple[object, list[Violation]]]:
        """``(photo_id, violations)`` for each record, in order.

        ``processes`` > 1 spreads chunks over a process pool (records and
        results are pickled, so this pays off for large batches).  ``progress``
        and ``cancel`` follow :mod:`archive.jobs`.
        """
        from archive.jobs import check_cancel

        on = on or date.today()
        done = 0
        if processes <= 1:
            for record in records:
                yield record.get("id"), self.check(record, on)
                done += 1
                if done % chunk == 0:
                    check_cancel(cancel)
                    if progress:
                        progress(done, None, "checking photos")
            return
        from contextlib import closing

        from archive import workers

        # The shared, warm pool (archive/workers.py).  The profile, licensing and
        # gazetteer go with the tasks under this job's id: each worker builds its
        # Engine (compiled patterns, caches) once for the job, not per chunk.
        # (The Profile pickles without its compiled helpers; each worker rebuilds them.)
        setup = (self.profile, self.licensing, self._gazetteer_arg)
        with closing(workers.run(_job_check, _chunks(records, chunk, on), processes=processes,
                                 init=_job_engine, arg=setup, ordered=True, in_flight=2 * processes)) as pool:
            for results in pool:
                for item in results:
                    yield item
                done += len(results)
                check_cancel(cancel)
                if progress:
                    progress(done, None, "checking photos")


def _chunks(records: Iterable[dict], size: int, on: date):
    batch = []
    for r in records:
        batch.append(r)
        if len(batch) >= size:
            yield batch, on
            batch = []
    if batch:
        yield batch, on


def _job_engine(setup) -> Engine:
    """A worker's set-up for one check_many job: its own Engine."""
    return Engine(*setup)


def _job_check(engine: Engine, args):
    batch, on = args
    return [(r.get("id"), engine.check(r, on)) for r in batch]


def default_processes() -> int:
    return max(1, min(4, (os.cpu_count() or 1)))
