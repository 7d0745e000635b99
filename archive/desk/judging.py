"""Judging one photo in memory, without writing: the draft check and a record's clearance.

The window checks the caption being typed on every keystroke, so this keeps
what does not change between keystrokes (the profile, the licences, the quota
uses, the photo's record and leases) and re-reads them only when the archive's
change log or the licences' epoch moved.  Nothing here writes to the archive:
a stale stored check is reported, and judged again in memory for the record
shown, while a job brings the stored checks up to date.
"""

from __future__ import annotations

import datetime as _dt
from typing import Optional

from archive.desk.types import DraftCheck, DraftViolation
from archive.licence_model import Lease, Licence
from archive.clearance import clearance
from archive.store import check_state
from archive.store import licences as store


def fix_span(text: Optional[str], fix: Optional[str]) -> Optional[tuple[int, int]]:
    """The characters of ``text`` a fix replaces: what lies between their common
    beginning and common end (the whole text when they share neither)."""
    if not text or fix is None:
        return None
    start = 0
    limit = min(len(text), len(fix))
    while start < limit and text[start] == fix[start]:
        start += 1
    end = 0
    while end < limit - start and text[-1 - end] == fix[-1 - end]:
        end += 1
    stop = len(text) - end
    if len(fix) - start - end > 2 * max(0, stop - start) + 3:
        return (0, len(text))             # a rewrite (a credit rebuilt in the house pattern)
    if stop <= start:                     # an insertion: mark the character after it
        return (max(0, min(start, len(text) - 1)), min(len(text), start + 1))
    # Widen to whole words, so "Kiev" -> "Kyiv" underlines the word, not "ie".
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while stop < len(text) and text[stop].isalnum() and text[stop - 1].isalnum():
        stop += 1
    return (start, stop)


class Judge:
    """The rules and clearance of the archive's profile for single photos, in memory."""

    def __init__(self, archive):
        self.archive = archive
        self._key = None
        self._records: dict[int, tuple] = {}

    def _context(self):
        from archive.checking import archive_profile
        from archive.licence_book import quota_uses
        from archive.rules import load_profile
        from archive.rules.facts import default_gazetteer
        from archive.store.bitmaps import generation

        conn = self.archive.conn
        key = (generation(conn), check_state.epoch(conn), archive_profile(self.archive))
        if key != self._key:
            if self._key is None or key[2] != self._key[2] or key[1] != self._key[1]:
                self.profile = load_profile(key[2])
                self.licences = [Licence.from_dict(r) for r in store.licence_rows(conn)]
                self.by_id = {lic.id: lic for lic in self.licences}
                self.gaz = default_gazetteer()
            self._uses = {}
            self._quota = quota_uses
            self._records.clear()
            self._key = key
        return self

    def _uses_for(self, on: _dt.date) -> dict:
        if on not in self._uses:
            self._uses[on] = self._quota(self.archive.conn, self.licences, on)[0]
        return self._uses[on]

    def _record(self, photo_id: int):
        hit = self._records.get(photo_id)
        if hit is None:
            conn = self.archive.conn
            rows = check_state.check_records(conn, [photo_id])
            if not rows:
                from archive.errors import NotFound

                raise NotFound(f"no photo with id {photo_id} in the archive")
            leases = [Lease.from_dict(r) for r in store.lease_rows(conn, photo_id)]
            hit = self._records[photo_id] = (rows[0], leases)
        return hit

    def judge(self, photo_id: int, on: _dt.date, changes: Optional[dict] = None):
        """(rule violations, Clearance) of the photo with ``changes`` applied, for ``on``."""
        from archive.rules import check_facts
        from archive.rules.facts import PhotoFacts

        ctx = self._context()
        record, leases = self._record(photo_id)
        if changes:
            record = {**record, **changes}
        facts = PhotoFacts(record, ctx.gaz)
        rule_vs = check_facts(facts, ctx.profile, on)
        c = clearance(record, ctx.licences, leases, on, uses_in_period=self._uses_for(on), profile=ctx.profile,
                      gazetteer=ctx.gaz, rule_violations=rule_vs, facts=facts)
        return [*rule_vs, *c.violations], c

    def draft(self, photo_id: int, on: _dt.date, changes: dict) -> DraftCheck:
        violations, c = self.judge(photo_id, on, changes)
        record = {**self._record(photo_id)[0], **changes}
        out = [DraftViolation(v.rule, v.severity, v.message, v.fix, v.field,
                              fix_span(record.get(v.field) if v.field else None, v.fix))
               for v in violations]
        return DraftCheck(out, self.clearance_dict(c, on), self.licence_dict(c.licence_id, on))

    def clearance_dict(self, c, on: _dt.date) -> dict:
        return {"on": on.isoformat(), "status": c.status, "cost": c.cost, "reasons": list(c.reasons),
                "licence_id": c.licence_id}

    def licence_dict(self, licence_id, on: _dt.date) -> Optional[dict]:
        lic = self.by_id.get(licence_id) if licence_id is not None else None
        if lic is None:
            return None
        row = store.licence_row(self.archive.conn, lic.id)
        if row is None:
            return None
        out = {k: row[k] for k in ("id", "licensor", "kind", "cost", "valid_from", "valid_until", "reference")}
        out["covers"] = lic.valid_on(on)
        return out
