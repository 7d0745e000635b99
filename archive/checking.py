"""House-style checks and clearance kept current in the archive: the check service.

The rules (:mod:`archive.rules`), the licence model (:mod:`archive.licence_model`) and
clearance (:mod:`archive.clearance`) are pure; this module joins them to the archive.  Its parts:

- checks: a photo's check is the rules of the archive's profile plus its
  clearance for a publication date, stored as violations, a rule status
  (ok / warning / error), the covering licence, the clearance and their facets
  (kinds ``licence``, ``clearance``, ``rules``);
- keeping them current, so that ``search is:flagged`` and ``is:cleared`` on a
  million photos are answered from stored columns.

How stored checks stay current
------------------------------

A photo's stored results are *current for a date D* when its
``checked_epoch`` equals the archive's epoch and D lies in its clearance's span
(``clearance_from`` to ``clearance_until``: the days on which no licence, lease,
embargo, "no archive" grace or quota period of the photo starts or ends, so the
verdict is the same on each of them; see :class:`archive.clearance.Clearance`).
What makes them stale is recorded where the change happens, by the schema
(version 4 triggers), so no writer has to remember to say so:

- a change to any field the rules read (an edit, a revert, a sync that reads a
  changed file, a licence assigned by hand) clears the photo's ``checked_epoch``;
- adding or removing a lease clears its photo's;
- adding, changing or removing a licence moves the epoch on (any licence may
  cover any photo, through aliases and agency chains);
- the profile: the archive remembers its profile's name (``check --profile``
  sets it) and a fingerprint of its files; when either differs, the epoch moves on;
- quota uses (accepted pairings in articles of the period): the last run's
  counts are kept; photos of a licence whose count moved become stale;
- the date: results hold for their span; asking for a day outside it re-judges.

Readers bring what they read up to date first (:func:`keep_current`): ``check``
for its photos, ``show`` for its photo, and the search command for queries
that use stored results (:func:`keep_current_for_query`).  The archive keeps a
watermark: the epoch its last whole run judged every photo at, and the days on
which all their clearances hold (narrowed whenever a verdict with a shorter span
is written).  For a day inside it, the stale photos are exactly the marked ones,
found through a partial index, so with nothing stale a read costs a few index
probes (under a millisecond at a million photos).  Outside it (the epoch moved
on, a day past some photo's span, or some photos judged for another day), one
scan of the photos table sorts out what is stale.  A photo whose epoch is
current but whose span does not reach the day needs only its clearance judged
again (the other rules do not depend on the date): the first search of a new
day re-judges the photos whose embargo lifted, licence or lease started or
ended, or quota period rolled over, not the archive.

Checks over many photos run on a process pool: each worker reads its chunk of
records through a read-only connection and returns results; the parent writes
them in batches, one transaction each, rewriting only what changed.  A photo changed
while it was being checked keeps its new stale mark.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
from dataclasses import dataclass, field
from typing import Optional, Sequence

from archive.jobs import check_cancel, no_progress
from archive.clearance import clearance
from archive.licence_model import parse_date
from archive.store import check_state
from archive.store import licences as store
from archive.store.db import transaction

CHUNK = 500               # photos per worker task
WRITE_BATCH = 2000        # photos per write transaction
POOL_THRESHOLD = 3000     # below this many photos to judge, work in-process
STORED_FLAGS = frozenset({"flagged", "cleared", "licensed", "unlicensed"})
from archive.licence_book import iso, leases_in, licences_in, note_quota


# ---------------------------------------------------------------- the profile

def archive_profile(archive) -> str:
    """The name (or path) of the rule profile the archive's stored checks follow."""
    from archive.rules import DEFAULT_PROFILE

    return check_state.get_state(archive.conn, "profile") or DEFAULT_PROFILE


def _fingerprint(profile) -> str:
    from archive import __version__

    h = hashlib.blake2b(digest_size=12)
    h.update(f"{profile.name}\0{__version__}\0".encode())
    for path in profile.chain:
        try:
            h.update(path.read_bytes())
        except OSError:
            h.update(str(path).encode())
    return h.hexdigest()


def _stamp(name: str, chain) -> list:
    """What the profile's files look like now: where the name resolves and each file's
    size and modification time, to notice an edit without loading the profile."""
    from archive.rules.profile import default_search_dirs

    out = []
    if not str(name).endswith(".toml") and os.sep not in str(name):
        out.append([str(d / f"{name}.toml") for d in default_search_dirs() if (d / f"{name}.toml").is_file()][:1])
    for path in chain:
        try:
            st = os.stat(path)
            out.append([str(path), st.st_size, st.st_mtime_ns])
        except OSError:
            out.append([str(path), None, None])
    return out


def _use_profile(archive, name: Optional[str]):
    """(profile or None, name): the profile ``name`` names, else the archive's.  If it
    is not the one the stored checks were made with, remember it and move the epoch
    on.  When the archive's profile's files are as they were, it is not even loaded
    (None: load it when there is work).  A bad profile raises before anything changes."""
    from archive.rules import load_profile

    conn = archive.conn
    stored = archive_profile(archive)
    wanted = name or stored
    if wanted == stored:
        seen = check_state.get_state(conn, "profile_stamp")
        if seen is not None:
            seen = json.loads(seen)
            if _stamp(wanted, seen.get("chain", [])) == seen.get("stamp"):
                return None, wanted
    profile = load_profile(wanted)
    fingerprint = _fingerprint(profile)
    chain = [str(p) for p in profile.chain]
    stamp = json.dumps({"chain": chain, "stamp": _stamp(wanted, chain)})
    with transaction(conn):
        if wanted != stored or check_state.get_state(conn, "profile_fingerprint") != fingerprint:
            check_state.set_state(conn, "profile", wanted)
            check_state.set_state(conn, "profile_fingerprint", fingerprint)
            check_state.bump_epoch(conn)
        check_state.set_state(conn, "profile_stamp", stamp)
    return profile, wanted


# ---------------------------------------------------------------- judging (workers)

@dataclass
class _Context:
    """Everything a worker needs to judge photos, made once per run."""

    db_path: str
    profile: object
    profile_name: str
    on: _dt.date
    licences: list
    leases: list
    uses: dict
    own: dict

    def __post_init__(self):
        self.by_id = {lic.id: lic for lic in self.licences}
        self.leases_by_photo: dict = {}
        for lease in self.leases:
            self.leases_by_photo.setdefault(lease.photo_id, []).append(lease)

    def lease_signature(self, photo_id) -> tuple:
        return store.lease_signature((lease.id, lease.allow, iso(lease.valid_from), iso(lease.valid_until))
                                     for lease in self.leases_by_photo.get(photo_id, ()))

    def uses_for(self, photo_id) -> dict:
        mine = self.own.get(photo_id)
        if not mine:
            return self.uses
        return {k: v - mine.get(k, 0) for k, v in self.uses.items()}


def _judge(kind: str, ctx: _Context, conn, ids: Sequence[int]) -> list:
    from archive.rules import Violation
    from archive.rules.base import worst
    from archive.rules.engine import judge_photo
    from archive.rules.facts import PhotoFacts, default_gazetteer

    gaz = default_gazetteer()
    records = check_state.check_records(conn, ids)
    kept = check_state.stored_violations(conn, ids, rules_only=True) if kind == "dates" else {}
    on_text = ctx.on.isoformat()
    out = []
    for record in records:
        pid = record["id"]
        facts = PhotoFacts(record, gaz)
        leases = ctx.leases_by_photo.get(pid, [])
        if kind == "full":          # the one way a photo is judged (archive.rules.engine)
            rule_vs, c = judge_photo(facts, ctx.profile, ctx.on, ctx.licences, leases, ctx.uses_for(pid))
        else:                       # only the date moved: the kept rule verdicts stand
            rule_vs = [Violation(*v) for v in kept.get(pid, [])]
            c = clearance(record, ctx.licences, leases, ctx.on, uses_in_period=ctx.uses_for(pid),
                          profile=ctx.profile, gazetteer=gaz, rule_violations=rule_vs, facts=facts)
        violations = [(v.rule, v.severity, v.message, v.fix, v.field) for v in (*rule_vs, *c.violations)]
        status = worst(v[1] for v in violations if v[1] in ("error", "warning")) or "ok"
        lic = ctx.by_id.get(c.licence_id)
        covering = lic if lic is not None and lic.valid_on(ctx.on) else None
        out.append(check_state.CheckResult(
            photo_id=pid, sort_key=record["sort_key"], updated_at=record["_updated_at"], violations=violations,
            rule_status=status, licence_resolved=covering.id if covering else None,
            licensor=covering.licensor if covering else None, clearance_status=c.status, clearance_on=on_text,
            clearance_from=c.stable_from.isoformat(), clearance_until=c.stable_until.isoformat(),
            clearance_json=json.dumps({"on": on_text, "status": c.status, "cost": c.cost,
                                       "licence_id": c.licence_id, "reasons": c.reasons}, ensure_ascii=False),
            never_checked=record["_never_checked"], leases=ctx.lease_signature(pid)))
    return out


def _job_init(ctx: _Context) -> _Context:
    """A worker's set-up for one check job (archive/workers.py): the context itself."""
    return ctx


def _job_task(ctx: _Context, task) -> list:
    """Runs in a worker: judge one task's photos on a read-only connection of its own
    (opened per task, so no worker holds the archive open between jobs)."""
    from archive.store.db import connect

    kind, ids = task
    conn = connect(ctx.db_path, readonly=True)
    try:
        return _judge(kind, ctx, conn, ids)
    finally:
        conn.close()


# ---------------------------------------------------------------- keeping current

@dataclass
class Refresh:
    """What :func:`keep_current` did."""

    on: _dt.date
    profile: str
    checked: int = 0            # photos checked in full (rules and clearance)
    rejudged: int = 0           # photos whose clearance alone was judged for the date
    skipped: int = 0            # changed while being checked: still stale
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return {"on": self.on.isoformat(), "profile": self.profile, "checked": self.checked,
                "rejudged": self.rejudged, "skipped": self.skipped, "seconds": round(self.seconds, 3)}


def keep_current(archive, on=None, *, photo_ids: Optional[Sequence[int]] = None, profile: Optional[str] = None,
                 processes: Optional[int] = None, progress=None, cancel=None) -> Refresh:
    """Bring the stored checks of ``photo_ids`` (default: every photo) up to date for
    publication on ``on`` (default today), with ``profile`` (default: the archive's;
    naming another makes it the archive's).  Returns what was done; with nothing stale
    it does nothing.  Cancelling keeps every batch already written."""
    import time

    started = time.perf_counter()
    progress = progress or no_progress
    on = parse_date(on, "publication date") or _dt.date.today()
    conn = archive.conn
    prof, name = _use_profile(archive, profile)
    report = Refresh(on, name)
    licences = licences_in(conn)
    uses, own = note_quota(conn, licences, on)
    epoch = check_state.epoch(conn)
    on_text = on.isoformat()
    wm = check_state.watermark(conn)
    at_mark = check_state.covers(wm, epoch, on_text)
    if photo_ids is not None:
        full, dates = check_state.stale_among(conn, photo_ids, epoch, on_text)
    elif at_mark:
        if not check_state.any_unchecked(conn):
            return report                      # the fast path: a few index probes
        full, dates = check_state.unchecked_ids(conn), []
    else:
        full, dates = check_state.scan_stale(conn, epoch, on_text)
    total = len(full) + len(dates)
    if not total:
        _after(conn, report, photo_ids, wm, at_mark, epoch, None)
        return report
    if prof is None:
        from archive.rules import load_profile

        prof = load_profile(name)
    ctx = _Context(str(archive.path), prof, name, on, licences, leases_in(conn), uses, own)
    tasks = [("full", full[i:i + CHUNK]) for i in range(0, len(full), CHUNK)]
    tasks += [("dates", dates[i:i + CHUNK]) for i in range(0, len(dates), CHUNK)]
    done = 0
    progress(0, total, "checking photos")
    pending: dict[str, list] = {"full": [], "dates": []}

    span: list = []               # [latest from, earliest until] of the verdicts written

    def write(kind: str) -> None:
        results, pending[kind] = pending[kind], []
        if results:
            lo, hi = max(r.clearance_from for r in results), min(r.clearance_until for r in results)
            span[:] = [max(span[0], lo), min(span[1], hi)] if span else [lo, hi]
        with transaction(conn):
            stats = check_state.write_results(conn, results, epoch_=epoch, profile=name)
        report.skipped += stats.skipped
        if kind == "full":
            report.checked += stats.photos
        else:
            report.rejudged += stats.photos

    for kind, results in _run(ctx, conn, tasks, total, processes):
        pending[kind].extend(results)
        done += len(results)
        if len(pending[kind]) >= WRITE_BATCH:
            write(kind)
        progress(done, total, "checking photos")
        if cancel is not None and cancel.is_set():
            for k in pending:
                if pending[k]:
                    write(k)
            check_cancel(cancel)
    for k in pending:
        if pending[k]:
            write(k)
    _after(conn, report, photo_ids, wm, at_mark, epoch, span or None)
    report.seconds = time.perf_counter() - started
    return report


def _after(conn, report: Refresh, photo_ids, wm: dict, at_mark: bool, epoch: int, span) -> None:
    """Move the watermark.  Within it, the verdicts just written narrow it to the days
    they hold on too (``span``: latest start, earliest end).  Outside it, a
    whole-archive run sets it anew (from one scan); a run over some photos breaks it
    (the next whole run scans)."""
    if report.checked or report.rejudged:
        from archive.store.bitmaps import prune_changes

        with transaction(conn):
            prune_changes(conn)
    if at_mark:
        if span is not None:
            with transaction(conn):
                check_state.narrow_watermark(conn, epoch, *span)
    elif photo_ids is None:
        with transaction(conn):
            check_state.set_watermark(conn, epoch, if_serial=wm.get("serial", 0))
    elif (report.checked or report.rejudged) and wm["complete"]:
        with transaction(conn):
            check_state.break_watermark(conn)


def _run(ctx: _Context, conn, tasks, total: int, processes: Optional[int]):
    """(kind, results) per task, in order: in this process for small runs, else on a
    pool with a few tasks in flight, so results never pile up faster than they are
    written."""
    want = processes if processes is not None else min(4, os.cpu_count() or 1)
    if want <= 1 or total < POOL_THRESHOLD:
        for kind, ids in tasks:
            yield kind, _judge(kind, ctx, conn, ids)
        return
    from contextlib import closing

    from archive import workers

    # The shared, warm pool; the context goes with the tasks under this job's id and
    # is unpacked once per worker.  A few tasks in flight, results in order.
    with closing(workers.run(_job_task, tasks, processes=want, init=_job_init, arg=ctx, ordered=True,
                             in_flight=2 * want + 1)) as results:
        for (kind, _ids), result in zip(tasks, results):
            yield kind, result


def keep_current_for_query(archive, query: str, *, facets: bool = False, today=None,
                           progress=None, cancel=None) -> Optional[Refresh]:
    """Before a search: when the query reads stored checks (``is:flagged``,
    ``is:cleared``, ``is:licensed``, ``is:unlicensed``, ``has:licence``) or facets are
    counted, bring stale photos up to date for today.  None when nothing needed it."""
    if not (facets or _reads_checks(query, today)):
        return None
    return keep_current(archive, today, progress=progress, cancel=cancel)


def _reads_checks(query: str, today=None) -> bool:
    from archive.errors import QueryError
    from archive.query import Has, Is, Or, parse_query

    try:
        parsed = parse_query(query or "", today=parse_date(today, "today"))
    except QueryError:
        return False            # the search itself reports it

    def reads(term) -> bool:
        if isinstance(term, Or):
            return any(reads(t) for t in term.terms)
        if isinstance(term, Is):
            return term.flag in STORED_FLAGS
        return isinstance(term, Has) and term.field == "licence"

    return any(reads(t) for t in parsed.terms)


# ---------------------------------------------------------------- check

@dataclass
class CheckReport:
    """The violations of the photos checked, and what was refreshed to get them."""

    photos: int
    violations: list = field(default_factory=list)   # dicts: photo_id, path, rule, severity, message, fix
    refresh: Optional[Refresh] = None

    @property
    def errors(self) -> int:
        return sum(1 for v in self.violations if v["severity"] == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for v in self.violations if v["severity"] == "warning")


def select_photos(archive, *, query: Optional[str] = None, photos: Sequence = (), article=None,
                  today=None, progress=None, cancel=None) -> Optional[list[int]]:
    """The photos ``check`` is about: those named (ids or paths), those paired with
    ``article``'s captions, and those matching ``query``, in that order; None (every
    photo) when nothing is named."""
    from archive.photo_refs import resolve_photo

    if not photos and article is None and not (query or "").strip():
        return None
    conn = archive.conn
    ids: list[int] = [resolve_photo(archive, ref) for ref in photos]
    if article is not None:
        from archive.matching.articles import resolve_article

        ids += check_state.paired_photo_ids(conn, resolve_article(archive, article))
    if (query or "").strip():
        from archive.store.search import search

        keep_current_for_query(archive, query, today=today, progress=progress, cancel=cancel)
        cursor = None
        while True:
            check_cancel(cancel)
            page = search(conn, query, limit=5000, after=cursor, count=False,
                          today=parse_date(today, "today"))
            ids += page.photo_ids
            (progress or no_progress)(len(ids), None, "selecting photos")
            cursor = page.next
            if cursor is None:
                break
    return list(dict.fromkeys(ids))


def check_photos(archive, photo_ids: Optional[Sequence[int]] = None, *, on=None, profile: Optional[str] = None,
                 processes: Optional[int] = None, progress=None, cancel=None) -> CheckReport:
    """Check ``photo_ids`` (default every photo) for publication on ``on``: stale results
    are judged again and stored, then the stored violations are returned."""
    refresh = keep_current(archive, on, photo_ids=photo_ids, profile=profile, processes=processes,
                           progress=progress, cancel=cancel)
    conn = archive.conn
    if photo_ids is None:
        rows = check_state.all_violations(conn)
        count = check_state.photo_count(conn)
    else:
        ids = list(dict.fromkeys(photo_ids))
        stored = check_state.stored_violations(conn, ids)
        paths = check_state.paths_of(conn, ids)
        rows = [(pid, paths.get(pid), *v) for pid in ids for v in stored.get(pid, [])]
        count = len(ids)
    items = [{"photo_id": pid, "path": path, "rule": rule, "severity": sev, "message": msg, "fix": fix}
             for pid, path, rule, sev, msg, fix, _ in rows]
    return CheckReport(photos=count, violations=items, refresh=refresh)


# ---------------------------------------------------------------- one photo's record

def clearance_record(archive, photo_id: int, *, on=None) -> tuple[Optional[dict], Optional[dict]]:
    """(licence, clearance) of one photo for publication on ``on`` (today), as the photo
    record shows them; the photo's stored checks are brought up to date first, so its
    stored violations are for the same date."""
    on = parse_date(on, "publication date") or _dt.date.today()
    keep_current(archive, on, photo_ids=[photo_id])
    conn = archive.conn
    st = check_state.stored_check(conn, photo_id)
    if st is None or st["clearance"] is None:
        return None, None
    c = st["clearance"]
    licence = None
    if c.get("licence_id") is not None:
        row = store.licence_row(conn, c["licence_id"])
        if row is not None:
            licence = {k: row[k] for k in ("id", "licensor", "kind", "cost", "valid_from", "valid_until",
                                           "reference")}
            licence["covers"] = st["licence_resolved"] == row["id"]
    clear = {"on": on.isoformat(), "status": c.get("status"), "cost": c.get("cost"),
             "reasons": list(c.get("reasons") or []), "licence_id": c.get("licence_id")}
    return licence, clear
