"""The check-state store: what the checks of photos left in the archive, and when
it is current.  The SQL of it:

- the epoch that stored checks are current for, the watermark of the last whole
  run, the archive's rule profile and its fingerprint, and the quota uses the
  last runs saw;
- which photos' stored checks are stale for a date, and the records and kept
  violations a check reads;
- writing a batch of check results: violations, the photo's rule status,
  covering licence and clearance, and the facets of kinds ``licence``,
  ``clearance`` and ``rules`` (only what changed is rewritten, so re-judging an
  archive whose verdicts mostly stand costs reads, not writes).

What makes a photo stale is decided by the schema (triggers of version 4, see
schema.py); :func:`mark_stale` is there for a writer that wants to say so.
Callers own transactions (:func:`archive.store.db.transaction`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterable, NamedTuple, Sequence

from archive.store.photos import LIST_FIELDS, RECORD_KEYS
from archive.store.licences import CLEARANCE_NAMES, FACET_KINDS, NO_LICENCE, chunks, current_leases, marks


# ---------------------------------------------------------------- check state

def get_state(conn, key: str, default=None):
    row = conn.execute("SELECT value FROM check_state WHERE key = ?", (key,)).fetchone()
    return default if row is None else row[0]


def set_state(conn, key: str, value) -> None:
    conn.execute("INSERT INTO check_state(key, value) VALUES (?, ?) "
                 "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))


def epoch(conn) -> int:
    return int(get_state(conn, "epoch", 1))


def bump_epoch(conn) -> int:
    """Every photo's stored checks become stale (a profile or the licences changed)."""
    conn.execute("UPDATE check_state SET value = value + 1 WHERE key = 'epoch'")
    return epoch(conn)


def mark_stale(conn, photo_ids: Iterable[int]) -> None:
    """These photos' stored checks are out of date (the schema's triggers already
    do this for changes to the fields rules read, to leases and to licences)."""
    conn.executemany("UPDATE photos SET checked_epoch = NULL WHERE id = ?", [(i,) for i in photo_ids])


def mark_stale_for_licences(conn, licence_ids: Iterable[int], on: str) -> int:
    """Photos whose stored clearance holds on ``on`` and that a licence among
    ``licence_ids`` covers become stale (their quota uses changed; rare enough for a scan)."""
    ids = list(licence_ids)
    if not ids:
        return 0
    return conn.execute(
        f"UPDATE photos SET checked_epoch = NULL WHERE licence_resolved IN ({marks(len(ids))}) "
        "AND clearance_from <= ? AND clearance_until >= ?", (*ids, on, on)).rowcount


# ---------------------------------------------------------------- what is stale
#
# A photo's stored checks were made at its checked_epoch for its clearance_on.  The
# archive-wide watermark (check_state "watermark": epoch, on, complete) says that
# every photo with a checked_epoch was judged at that epoch for that day; while it
# holds, the stale photos are exactly those with checked_epoch NULL, found through a
# partial index.  When it does not hold (the licences, the profile or the day moved
# on, or some photos were judged for another day), one scan of the table sorts out
# which photos need a full check and which only their clearance for the day.  An
# index on (checked_epoch, clearance_on) would save that scan but cost every write
# of results two index updates; the scan happens once per such change.

# Named, because after ANALYZE of a fresh archive (every photo unchecked) the planner
# would rather scan the table, which at a million photos is the whole cost of a search.
_UNCHECKED = "photos INDEXED BY photos_unchecked WHERE checked_epoch IS NULL"


def any_unchecked(conn) -> bool:
    return conn.execute(f"SELECT 1 FROM {_UNCHECKED} LIMIT 1").fetchone() is not None


def unchecked_ids(conn) -> list[int]:
    """Photos whose stored checks are stale (or missing), newest first."""
    return [r[0] for r in conn.execute(f"SELECT id FROM {_UNCHECKED} ORDER BY sort_key")]


def scan_stale(conn, epoch_: int, on: str) -> tuple[list[int], list[int]]:
    """(photos to check in full, photos whose rules stand but whose clearance must be
    judged for ``on``), newest first, by one scan of the photos table."""
    full, dates = [], []
    for id_, checked, start, end in conn.execute(
            "SELECT id, checked_epoch, clearance_from, clearance_until FROM photos ORDER BY sort_key"):
        need = _needs(checked, start, end, epoch_, on)
        if need:
            (full if need == "full" else dates).append(id_)
    return full, dates


def _needs(checked, start, end, epoch_: int, on: str):
    """"full" (rules and clearance), "dates" (the clearance for ``on``) or None."""
    if checked is None or checked < epoch_:
        return "full"
    if start is None or not (start <= on <= end):
        return "dates"
    return None


def stale_among(conn, ids: Sequence[int], epoch_: int, on: str) -> tuple[list[int], list[int]]:
    """:func:`scan_stale` for the photos ``ids`` only."""
    full, dates = [], []
    for chunk in chunks(list(ids)):
        for sort_key, id_, checked, start, end in conn.execute(
                f"SELECT sort_key, id, checked_epoch, clearance_from, clearance_until FROM photos "
                f"WHERE id IN ({marks(len(chunk))})", chunk):
            need = _needs(checked, start, end, epoch_, on)
            if need:
                (full if need == "full" else dates).append((sort_key, id_))
    return [i for _, i in sorted(full)], [i for _, i in sorted(dates)]


def watermark(conn) -> dict:
    """{"epoch", "from", "until", "complete", "serial"} of the last whole-archive
    refresh: every photo was judged at ``epoch`` with a clearance that holds on every
    day from ``from`` to ``until``."""
    text = get_state(conn, "watermark")
    wm = json.loads(text) if text else {}
    if "from" not in wm:                       # none yet, or one written before spans
        wm = {"epoch": None, "from": None, "until": None, "complete": False, "serial": wm.get("serial", 0)}
    return wm


def covers(wm: dict, epoch_: int, on: str) -> bool:
    return bool(wm["complete"]) and wm["epoch"] == epoch_ and wm["from"] <= on <= wm["until"]


def common_span(conn) -> tuple[str, str] | None:
    """The days on which every photo's stored clearance holds (one scan)."""
    row = conn.execute("SELECT max(clearance_from), min(clearance_until), count(*), count(clearance_from) "
                       "FROM photos").fetchone()
    if row[2] != row[3] or row[0] is None or row[0] > row[1]:
        return None
    return row[0], row[1]


def set_watermark(conn, epoch_: int, *, if_serial: int) -> bool:
    """Every photo is now judged at ``epoch_`` (unless someone judged some for another
    day meanwhile, which moved the serial on); the watermark spans the days all their
    clearances hold on."""
    wm = watermark(conn)
    if wm.get("serial", 0) != if_serial:
        return False
    span = common_span(conn)
    if span is None:
        return False
    set_state(conn, "watermark", json.dumps({"epoch": epoch_, "from": span[0], "until": span[1],
                                             "complete": True, "serial": if_serial}))
    return True


def narrow_watermark(conn, epoch_: int, start: str, end: str) -> None:
    """Verdicts holding from ``start`` to ``end`` were written at ``epoch_`` within the
    watermark: it now spans only the days they hold on too."""
    wm = watermark(conn)
    if not wm["complete"] or wm["epoch"] != epoch_:
        return
    wm["from"], wm["until"] = max(wm["from"], start), min(wm["until"], end)
    if wm["from"] > wm["until"]:
        wm["complete"] = False
        wm["serial"] = wm.get("serial", 0) + 1
    set_state(conn, "watermark", json.dumps(wm))


def break_watermark(conn) -> None:
    """Some photos were judged for another day or epoch than the watermark's."""
    wm = watermark(conn)
    wm["complete"] = False
    wm["serial"] = wm.get("serial", 0) + 1
    set_state(conn, "watermark", json.dumps(wm))


def photo_count(conn) -> int:
    return conn.execute("SELECT count(*) FROM photos").fetchone()[0]


def existing_ids(conn, ids: Sequence[int]) -> set[int]:
    out = set()
    for chunk in chunks(list(ids)):
        out.update(r[0] for r in conn.execute(f"SELECT id FROM photos WHERE id IN ({marks(len(chunk))})", chunk))
    return out


# ---------------------------------------------------------------- what a check reads

_RECORD_COLUMNS = tuple(k for k in RECORD_KEYS if k != "gps") + (
    "gps_lat", "gps_lon", "gps_alt", "edited", "embedded", "sort_key", "licence_id", "updated_at", "clearance_on")


def check_records(conn, ids: Sequence[int]) -> list[dict]:
    """Photo records for the rules, in the shape of ``photos.get_records`` (working
    values, ``embedded`` holding the file's value wherever an edit differs from it)
    plus the hand-assigned ``licence_id``, the ``_updated_at`` the results are written
    against and ``_never_checked``.  Leaner than ``get_records``: the file's metadata
    is parsed only for photos with edits, which a check of a million photos notices."""
    out = []
    names = _RECORD_COLUMNS
    for chunk in chunks(list(ids)):
        for row in conn.execute(f"SELECT {', '.join(names)} FROM photos WHERE id IN ({marks(len(chunk))})",
                                chunk):
            r = dict(zip(names, row))
            lat, lon, alt = r.pop("gps_lat"), r.pop("gps_lon"), r.pop("gps_alt")
            r["gps"] = {"lat": lat, "lon": lon, "alt": alt} if lat is not None else None
            for k in LIST_FIELDS:
                r[k] = json.loads(r[k]) if r[k] else []
            edited = json.loads(r["edited"] or "[]")
            own = json.loads(r.pop("embedded") or "{}") if edited else {}
            r["embedded"] = {k: own.get(k) for k in edited if (own.get(k) or None) != (r.get(k) or None)}
            r["edited"] = edited
            r["_updated_at"] = r.pop("updated_at")
            r["_never_checked"] = r.pop("clearance_on") is None
            out.append(r)
    return out


def stored_violations(conn, ids: Sequence[int], *, rules_only: bool = False) -> dict[int, list[tuple]]:
    """photo id -> [(rule, severity, message, fix, field)] in stored order; with
    ``rules_only``, without the licence rules (which depend on the date)."""
    out: dict[int, list[tuple]] = {}
    extra = " AND rule NOT LIKE 'licence.%'" if rules_only else ""
    for chunk in chunks(list(ids)):
        for pid, *v in conn.execute(
                f"SELECT photo_id, rule, severity, message, fix, field FROM violations "
                f"WHERE photo_id IN ({marks(len(chunk))}){extra} ORDER BY photo_id, rowid", chunk):
            out.setdefault(pid, []).append(tuple(v))
    return out


def all_violations(conn) -> list[tuple]:
    """(photo id, path, rule, severity, message, fix, field) of every stored violation, newest photo first."""
    return conn.execute("SELECT v.photo_id, p.path, v.rule, v.severity, v.message, v.fix, v.field "
                        "FROM violations v JOIN photos p ON p.id = v.photo_id "
                        "ORDER BY p.sort_key, v.rowid").fetchall()


def stored_check(conn, photo_id: int) -> dict | None:
    """What the last check stored for one photo: rule status, clearance (dict), its date, the
    covering licence id, the profile; None for an unknown photo."""
    row = conn.execute("SELECT rule_status, clearance_status, clearance_on, clearance, licence_resolved, "
                       "checked_profile, checked_epoch FROM photos WHERE id = ?", (photo_id,)).fetchone()
    if row is None:
        return None
    status, cstatus, con, cjson, resolved, profile, checked = row
    return {"rule_status": status, "clearance_status": cstatus, "clearance_on": con,
            "clearance": json.loads(cjson) if cjson else None, "licence_resolved": resolved,
            "checked_profile": profile, "checked_epoch": checked}


def settled_uses(conn, start: str, end: str) -> list[tuple[int, str]]:
    """(photo id, article date) of every accepted or confirmed pairing in an article
    dated between ``start`` and ``end`` (ISO dates, inclusive): the uses quotas count."""
    return conn.execute(
        "SELECT p.photo_id, a.date FROM pairs p JOIN articles a ON a.id = p.article_id "
        "WHERE p.photo_id IS NOT NULL AND p.decision IN ('accepted', 'confirmed') "
        "AND substr(a.date, 1, 10) BETWEEN ? AND ? ORDER BY a.date, p.article_id, p.idx",
        (start, end)).fetchall()


def photo_stamps(conn, ids: Sequence[int]) -> dict[int, str]:
    """photo id -> updated_at: whether a photo changed since a result was computed from it."""
    out = {}
    for chunk in chunks(list(ids)):
        out.update(conn.execute(f"SELECT id, updated_at FROM photos WHERE id IN ({marks(len(chunk))})", chunk))
    return out


def paired_photo_ids(conn, article_id: int) -> list[int]:
    """The photos an article's captions are paired with (proposed or settled, not rejected)."""
    return [r[0] for r in conn.execute(
        "SELECT photo_id FROM pairs WHERE article_id = ? AND photo_id IS NOT NULL "
        "AND coalesce(decision, '') <> 'rejected' ORDER BY idx", (article_id,))]


def paths_of(conn, ids: Sequence[int]) -> dict[int, str]:
    out = {}
    for chunk in chunks(list(ids)):
        out.update(conn.execute(f"SELECT id, path FROM photos WHERE id IN ({marks(len(chunk))})", chunk))
    return out


# ---------------------------------------------------------------- writing results

class CheckResult(NamedTuple):
    """One photo's judged state, as the store keeps it (a tuple: workers send thousands)."""

    photo_id: int
    sort_key: int
    updated_at: str | None              # the photo row's updated_at the check read
    violations: list                    # [(rule, severity, message, fix, field)]
    rule_status: str                    # ok | warning | error
    licence_resolved: int | None        # the licence covering the photo on the date
    licensor: str | None                # its licensor, for the facet
    clearance_status: str
    clearance_on: str
    clearance_json: str                 # on, status, cost, licence_id, reasons (made by the worker)
    clearance_from: str                 # the days the verdict holds on (Clearance.stable_*)
    clearance_until: str
    never_checked: bool = False         # nothing stored for it yet: nothing old to compare
    leases: tuple = ()                  # the photo's leases the check read: lease_signature()

    def facets(self) -> list[tuple[str, str]]:
        out = [("licence", self.licensor or NO_LICENCE),
               ("clearance", CLEARANCE_NAMES.get(self.clearance_status, self.clearance_status))]
        for rule, severity, *_ in self.violations:
            if severity in ("error", "warning"):
                out.append(("rules", f"{rule} ({severity})"))
        return list(dict.fromkeys(out))


@dataclass
class WriteStats:
    photos: int = 0
    skipped: int = 0                   # changed by someone else while being checked: left stale
    violation_rows: int = 0
    facet_rows: int = 0


class _FacetIds:
    """Facet value ids of the check kinds, made on first use."""

    def __init__(self, conn):
        from archive.folding import fold

        self.fold = fold
        self.conn = conn
        self.ids: dict[tuple[str, str], int] = {}
        self.by_name: dict[tuple[str, str], int] = {}
        for vid, kind, norm in conn.execute(
                f"SELECT id, kind, norm FROM facet_values WHERE kind IN ({marks(len(FACET_KINDS))})", FACET_KINDS):
            self.ids[(kind, norm)] = vid

    def id(self, kind: str, name: str) -> int:
        vid = self.by_name.get((kind, name))
        if vid is not None:
            return vid
        key = (kind, self.fold(name))
        vid = self.ids.get(key)
        if vid is None:
            self.conn.execute("INSERT INTO facet_values(kind, name, norm, count) VALUES (?,?,?,0) "
                              "ON CONFLICT(kind, norm) DO NOTHING", (kind, name, key[1]))
            vid = self.conn.execute("SELECT id FROM facet_values WHERE kind=? AND norm=?", key).fetchone()[0]
            self.ids[key] = vid
        self.by_name[(kind, name)] = vid
        return vid


def write_results(conn, results: Sequence[CheckResult], *, epoch_: int, profile: str) -> WriteStats:
    """Store a batch of check results (inside the caller's transaction).

    A photo whose row changed after the check read it is skipped and stays stale.
    Violations and facets are rewritten only for photos whose values changed.
    """
    stats = WriteStats()
    if not results:
        return stats
    ids = [r.photo_id for r in results]
    current = {}
    for chunk in chunks(ids):
        current.update(conn.execute(f"SELECT id, updated_at FROM photos WHERE id IN ({marks(len(chunk))})", chunk))
    fresh = [r for r in results if r.photo_id in current and current[r.photo_id] == r.updated_at]
    # A lease added, changed or removed meanwhile (by another process) does not
    # touch the photo's row; its stale mark would be lost, so compare the leases.
    leases = current_leases(conn, [r.photo_id for r in fresh])
    fresh = [r for r in fresh if leases.get(r.photo_id, ()) == r.leases]
    stats.skipped = len(results) - len(fresh)
    if not fresh:
        return stats
    ids = [r.photo_id for r in fresh]
    stats.photos = len(fresh)

    # Violations: rewrite the photos whose list changed.
    old = stored_violations(conn, [r.photo_id for r in fresh if not r.never_checked])
    changed = [r for r in fresh if old.get(r.photo_id, []) != [tuple(v) for v in r.violations]]
    for chunk in chunks([r.photo_id for r in changed if not r.never_checked]):
        conn.execute(f"DELETE FROM violations WHERE photo_id IN ({marks(len(chunk))})", chunk)
    rows = [(r.photo_id, *v) for r in changed for v in r.violations]
    conn.executemany("INSERT INTO violations(photo_id, rule, severity, message, fix, field) VALUES (?,?,?,?,?,?)",
                     rows)
    stats.violation_rows = len(rows)

    conn.executemany(
        "UPDATE photos SET licence_resolved=?, clearance_status=?, clearance_on=?, clearance_from=?, "
        "clearance_until=?, clearance=?, rule_status=?, checked_profile=?, checked_epoch=? WHERE id=?",
        [(r.licence_resolved, r.clearance_status, r.clearance_on, r.clearance_from, r.clearance_until,
          r.clearance_json, r.rule_status, profile, epoch_, r.photo_id) for r in fresh])

    stats.facet_rows = _write_facets(conn, fresh)
    return stats


def _write_facets(conn, results: Sequence[CheckResult]) -> int:
    facet_ids = _FacetIds(conn)
    # Photos share a few hundred combinations of licensor, clearance and rules broken.
    sets: dict[tuple, frozenset] = {}
    wanted = {}
    for r in results:
        key = (r.licensor, r.clearance_status, tuple((v[0], v[1]) for v in r.violations))
        values = sets.get(key)
        if values is None:
            values = sets[key] = frozenset(facet_ids.id(k, n) for k, n in r.facets())
        wanted[r.sort_key] = (r.photo_id, values)
    have: dict[int, set] = {}
    keys = [r.sort_key for r in results if not r.never_checked]
    marks_kinds = marks(len(FACET_KINDS))
    for chunk in chunks(keys):
        for sort_key, vid in conn.execute(
                f"SELECT sort_key, value_id FROM photo_facets WHERE sort_key IN ({marks(len(chunk))}) "
                f"AND value_id IN (SELECT id FROM facet_values WHERE kind IN ({marks_kinds}))",
                (*chunk, *FACET_KINDS)):
            have.setdefault(sort_key, set()).add(vid)
    delta: dict[int, int] = {}
    gone, new = [], []
    for sort_key, (photo_id, values) in wanted.items():
        before = have.get(sort_key, set())
        for vid in before - values:
            gone.append((vid, sort_key))
            delta[vid] = delta.get(vid, 0) - 1
        for vid in values - before:
            new.append((vid, sort_key, photo_id))
            delta[vid] = delta.get(vid, 0) + 1
    conn.executemany("DELETE FROM photo_facets WHERE value_id = ? AND sort_key = ?", sorted(gone))
    conn.executemany("INSERT OR IGNORE INTO photo_facets(value_id, sort_key, photo_id) VALUES (?,?,?)", sorted(new))
    conn.executemany("UPDATE facet_values SET count = count + ? WHERE id = ?",
                     [(d, vid) for vid, d in delta.items() if d])
    return len(gone) + len(new)
