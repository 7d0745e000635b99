"""The desk's licences and leases, kept in the archive: add, change, remove, list,
show (with the photos each covers and its quota use), and a licence assigned to
a photo by hand.  Input goes through the licence model
(:mod:`archive.licence_model`) first, so a bad date, an ``until`` before
``from`` or an unknown photo is a :class:`~archive.errors.UsageError` or
:class:`~archive.errors.NotFound` before anything is written.  Quota use (the
accepted pairings of a period) is counted here too; the checks
(:mod:`archive.checking`) read it."""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
from typing import Iterable, Optional, Sequence

from archive.errors import NotFound, UsageError
from archive.clearance import licence_for, quota_period
from archive.licence_model import COSTS, CREATOR_KINDS, Lease, Licence, parse_creator_cover, parse_date
from archive.store import check_state
from archive.store import licences as store
from archive.store.db import transaction


# ---------------------------------------------------------------- input

def _id(value, what: str) -> int:
    text = str(value).strip()
    if not text.isdigit():
        raise UsageError(f'{what} "{value}": not an id (a whole number)')
    return int(text)


def iso(d: Optional[_dt.date]) -> Optional[str]:
    return d.isoformat() if d else None


MEDIA = {"print": "print", "web": "web", "online": "web", "digital": "web", "internet": "web",
         "social": "social", "social media": "social", "broadcast": "broadcast", "tv": "broadcast"}


def _territory(text: str) -> str:
    """An ISO country code (GB), or a country name the agencies' terms use (UK, France)."""
    from archive.rules.licence import COUNTRY_WORDS

    t = str(text).strip()
    code = t.upper() if len(t) == 2 and t.isalpha() else COUNTRY_WORDS.get(t.lower().rstrip("."))
    if not code:
        raise UsageError(f'territory "{text}": use an ISO country code such as GB or FR')
    return code


def _medium(text: str) -> str:
    m = MEDIA.get(str(text).strip().lower())
    if m is None:
        raise UsageError(f'medium "{text}": use print, web, social or broadcast')
    return m


def _strict_creator(text: str):
    """NAME[@FROM..UNTIL] with dates checked strictly, then the model's reading."""
    name, at, span = str(text).partition("@")
    if at:
        lo, dots, hi = span.partition("..")
        if dots:
            parse_date(lo.strip() or None, f"photographer {text}: from")
            parse_date(hi.strip() or None, f"photographer {text}: until")
    return parse_creator_cover(text)


# ---------------------------------------------------------------- licences

def _licence_model(licensor: str, aliases=(), valid_from=None, valid_until=None, kind=None, cost=None,
                   quota=None, creators=(), territories=(), media=(), reference=None,
                   restrictions=None, licence_id=None) -> Licence:
    """A licence from typed values, every one validated (errors name the field, not a flag)."""
    if cost is not None and cost not in COSTS:
        raise UsageError(f'cost "{cost}": use one of {", ".join(COSTS)}')
    if not str(licensor or "").strip():
        raise UsageError("a licence needs a licensor (the agency or owner licensing the photos)")
    lic = Licence(licence_id, str(licensor).strip(), aliases=tuple(a for a in aliases if str(a).strip()),
                  kind=kind or "subscription", cost=cost, quota=quota,
                  reference=reference or None, valid_from=parse_date(valid_from, "valid from"),
                  valid_until=parse_date(valid_until, "valid until"),
                  territories=tuple(_territory(t) for t in territories),
                  media=tuple(_medium(m) for m in media), restrictions=restrictions or None,
                  creators=tuple(_strict_creator(c) for c in creators))
    if lic.creators and lic.kind not in CREATOR_KINDS:
        raise UsageError(f"photographers: a {lic.kind} licence covers its licensor's photos; only staff, "
                         "contract and commissioned licences list photographers")
    return lic


def add_licence(archive, *, licensor: str, aliases: Iterable[str] = (), valid_from=None, valid_until=None,
                kind: Optional[str] = None, cost: Optional[str] = None, quota=None,
                creators: Iterable[str] = (), territories: Iterable[str] = (), media: Iterable[str] = (),
                reference: Optional[str] = None, restrictions: Optional[str] = None) -> dict:
    """Add a licence and return it as stored.  Everything is validated first."""
    lic = _licence_model(licensor, aliases, valid_from, valid_until, kind, cost, quota, creators,
                         territories, media, reference, restrictions)
    conn = archive.conn
    with transaction(conn):
        licence_id = store.insert_licence(conn, lic.to_dict())
    return store.licence_row(conn, licence_id)


def update_licence(archive, licence_id, **terms) -> dict:
    """Change a licence's terms (any of add_licence's keywords); the others stay.
    Every photo's stored checks become stale (the licences' epoch moves on)."""
    conn = archive.conn
    lid = _id(licence_id, "licence")
    row = store.licence_row(conn, lid)
    if row is None:
        raise NotFound(f"no licence with id {licence_id}")
    unknown = set(terms) - {"licensor", "aliases", "valid_from", "valid_until", "kind", "cost", "quota",
                            "creators", "territories", "media", "reference", "restrictions"}
    if unknown:
        raise UsageError(f"a licence has no {', '.join(sorted(unknown))}")
    merged = {**row, **terms}
    lic = _licence_model(merged["licensor"], merged.get("aliases") or (), merged.get("valid_from"),
                         merged.get("valid_until"), merged.get("kind"), merged.get("cost"), merged.get("quota"),
                         merged.get("creators") or (), merged.get("territories") or (),
                         merged.get("media") or (), merged.get("reference"), merged.get("restrictions"),
                         licence_id=lid)
    with transaction(conn):
        store.update_licence(conn, lid, lic.to_dict())
    return store.licence_row(conn, lid)


def list_licences(archive) -> list[dict]:
    return store.licence_rows(archive.conn)


def get_licence(archive, licence_id, *, on=None) -> dict:
    """A licence with how many photos it covers, how many were assigned to it by
    hand, and its quota use in the period containing ``on`` (today)."""
    conn = archive.conn
    row = store.licence_row(conn, _id(licence_id, "licence"))
    if row is None:
        raise NotFound(f"no licence with id {licence_id}")
    row["photos"] = store.licence_photo_counts(conn, row["id"])
    if row["quota"]:
        on = parse_date(on, "publication date") or _dt.date.today()
        licences = licences_in(conn)
        uses, _ = quota_uses(conn, licences, on)
        count, period = row["quota"].split("/")
        start, end = quota_period(on, period)
        row["quota_used"] = {"used": uses.get(row["id"], 0), "of": int(count), "period": period,
                             "from": start.isoformat(), "until": end.isoformat()}
    return row


def remove_licence(archive, licence_id) -> dict:
    """Remove a licence; photos assigned to it by hand lose the assignment (``unassigned``)."""
    conn = archive.conn
    lid = _id(licence_id, "licence")
    row = store.licence_row(conn, lid)
    if row is None:
        raise NotFound(f"no licence with id {licence_id}")
    with transaction(conn):
        row["unassigned"] = store.delete_licence(conn, lid)
    return row


def licence_ref(archive, value) -> Optional[int]:
    """The licence id ``value`` names (None for "none" or nothing); NotFound when
    there is no such licence.  For checking a request before changing anything."""
    if value is None or str(value).strip().lower() in ("none", ""):
        return None
    licence_id = _id(value, "licence")
    if store.licence_row(archive.conn, licence_id) is None:
        raise NotFound(f"no licence with id {value}")
    return licence_id


def assign_licence(archive, photo_id: int, licence_id) -> Optional[dict]:
    """Assign a licence to a photo by hand (it then covers the photo before any
    other); ``None`` (or "none") removes the assignment.  Returns the licence."""
    conn = archive.conn
    if not check_state.existing_ids(conn, [photo_id]):
        raise NotFound(f"no photo with id {photo_id} in the archive")
    lid = licence_ref(archive, licence_id)
    with transaction(conn):
        store.set_hand_licence(conn, photo_id, lid)
    return store.licence_row(conn, lid) if lid is not None else None


# ---------------------------------------------------------------- leases

def add_lease(archive, photo_id: int, *, allow: bool, valid_from=None, valid_until=None,
              note: Optional[str] = None) -> dict:
    """Allow or deny one photo between two dates (either open); deny wins over allow."""
    conn = archive.conn
    start, end = parse_date(valid_from, "valid from"), parse_date(valid_until, "valid until")
    Lease(None, photo_id, bool(allow), start, end, note)      # validates the span
    if not check_state.existing_ids(conn, [photo_id]):
        raise NotFound(f"no photo with id {photo_id} in the archive")
    with transaction(conn):
        lease_id = store.insert_lease(conn, photo_id, allow, iso(start), iso(end), note or None)
    return store.lease_row(conn, lease_id)


def list_leases(archive, photo_id: Optional[int] = None) -> list[dict]:
    return store.lease_rows(archive.conn, photo_id)


def remove_lease(archive, lease_id) -> dict:
    conn = archive.conn
    lid = _id(lease_id, "lease")
    row = store.lease_row(conn, lid)
    if row is None:
        raise NotFound(f"no lease with id {lease_id}")
    with transaction(conn):
        store.delete_lease(conn, lid)
    return row


def licences_in(conn) -> list[Licence]:
    return [Licence.from_dict(r) for r in store.licence_rows(conn)]


def leases_in(conn) -> list[Lease]:
    return [Lease.from_dict(r) for r in store.lease_rows(conn)]


# ---------------------------------------------------------------- quota uses

def quota_uses(conn, licences: Sequence[Licence], on: _dt.date, used=None) -> tuple[dict, dict]:
    """(licence id -> uses in the quota period containing ``on``, photo id -> {licence id:
    its own uses}).  A use is an accepted or confirmed pairing in an article dated in the
    period, counted against the licence that covered the photo on the article's date."""
    quota = [lic for lic in licences if lic.quota]
    if not quota:
        return {}, {}
    spans = {lic.id: quota_period(on, lic.quota.period) for lic in quota}
    if used is None:
        used = _settled(conn, spans)
    if not used:
        return {}, {}
    records = {r["id"]: r for r in check_state.check_records(conn, sorted({pid for pid, _ in used}))}
    uses: dict = {}
    own: dict = {}
    for photo_id, day_text in used:
        record = records.get(photo_id)
        day = parse_date(str(day_text)[:10], "article date") if day_text else None
        if record is None or day is None:
            continue
        lic = licence_for(record, licences, day)
        if lic is None or lic.id not in spans or not lic.valid_on(day):
            continue
        lo, hi = spans[lic.id]
        if lo <= day <= hi:
            uses[lic.id] = uses.get(lic.id, 0) + 1
            mine = own.setdefault(photo_id, {})
            mine[lic.id] = mine.get(lic.id, 0) + 1
    return uses, own


def _settled(conn, spans: dict) -> list:
    start = min(s for s, _ in spans.values())
    end = max(e for _, e in spans.values())
    return [(pid, str(day)) for pid, day in check_state.settled_uses(conn, start.isoformat(), end.isoformat())]


def note_quota(conn, licences, on: _dt.date) -> tuple[dict, dict]:
    """The quota uses for ``on``; photos whose stored clearance holds on ``on`` but was
    judged with other counts become stale.

    Uses are counted over whole quota periods, so the counts are kept per set of
    periods (the last few), with a key made of their inputs (the settled pairings of
    the periods, when their photos last changed, the licences' epoch), so that a
    search with nothing changed does not count them again, and a new day in the same
    month re-judges nothing."""
    quota_ids = sorted(lic.id for lic in licences if lic.quota)
    saved = check_state.get_state(conn, "quota")
    if not quota_ids and saved is None:
        return {}, {}
    spans = {lic.id: quota_period(on, lic.quota.period) for lic in licences if lic.quota}
    used = _settled(conn, spans) if spans else []
    stamps = check_state.photo_stamps(conn, sorted({pid for pid, _ in used}))
    key = hashlib.blake2b(json.dumps([check_state.epoch(conn), quota_ids, used, sorted(stamps.items())]).encode(),
                          digest_size=12).hexdigest()
    day = on.isoformat()
    periods = ",".join(f"{lid}:{spans[lid][0].isoformat()}" for lid in sorted(spans))
    snaps = json.loads(saved) if saved else {}
    before = snaps.get(periods)
    if before is not None and before.get("key") == key:
        return ({int(k): v for k, v in before["uses"].items()},
                {int(p): {int(k): v for k, v in d.items()} for p, d in before["own"].items()})
    uses, own = quota_uses(conn, licences, on, used)
    now = {"key": key, "uses": {str(k): v for k, v in uses.items()},
           "own": {str(p): {str(k): v for k, v in d.items()} for p, d in own.items()}, "licences": quota_ids}
    if before is not None and before.get("licences") == quota_ids:
        moved = [int(k) for k in set(before["uses"]) | set(now["uses"])
                 if before["uses"].get(k) != now["uses"].get(k)]
        photos = [int(p) for p in set(before["own"]) | set(now["own"]) if before["own"].get(p) != now["own"].get(p)]
    else:
        moved = quota_ids
        photos = [int(p) for p in set((before or {}).get("own", {})) | set(now["own"])]
    snaps.pop(periods, None)
    snaps[periods] = now
    while len(snaps) > 8:                       # the periods most recently judged
        snaps.pop(next(iter(snaps)))
    with transaction(conn):
        check_state.mark_stale_for_licences(conn, moved, day)
        check_state.mark_stale(conn, photos)
        check_state.set_state(conn, "quota", json.dumps(snaps))
    return uses, own
