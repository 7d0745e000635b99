"""What a caption sheet holds, gathered from the application API.

:func:`gather` asks the :class:`~archive.desk.Desk` for the photos (of an
article, a query or a list of ids), brings their stored checks up to date for
the publication date, and turns each record into a :class:`SheetPhoto`: the
plain values every writer (CSV, JSON, the templates of HTML and PDF) shows.
Licence and clearance logic stays behind the Desk; this only reads its answers.
"""

from __future__ import annotations

import datetime as _dt
import getpass
from dataclasses import asdict, dataclass, field
from typing import Optional, Sequence

from archive.errors import UsageError
from archive.jobs import check_cancel

STATUSES = ("cleared", "conditional", "not_cleared")
STATUS_LABELS = {"cleared": "Cleared", "conditional": "Conditional", "not_cleared": "Not cleared"}


@dataclass
class SheetPhoto:
    """One photo as the sheet shows it (the JSON ``photos`` items have these keys)."""

    id: int
    file_name: str
    path: str
    status: str                            # cleared, conditional, not_cleared
    in_body: bool                          # on the sheet proper (False: listed apart as not cleared)
    caption: Optional[str]
    credit_line: Optional[str]
    creator: list[str]
    agency: Optional[str]                  # the agency chain as the photo credits it
    source: Optional[str]
    taken_at: Optional[str]
    place: Optional[str]
    licence: Optional[dict]                # id, licensor, kind, reference, valid_until
    cost: Optional[str]                    # free, conditional, pay
    quota: Optional[dict]                  # used, of, period, from, until (the licence's, for the period)
    conditions: list[str]                  # what a conditional or not-cleared photo is subject to / why
    reasons: list[str]                     # every reason the clearance gives
    restrictions: list[str]                # licence restrictions, territories, media, usage terms, instructions
    leases: list[str]                      # leases allowing or denying use on the publication date
    embargo: Optional[str]
    rule_errors: list[dict]                # rule, message, fix
    caption_index: Optional[int] = None    # the article caption it is paired with

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def quota_text(self) -> Optional[str]:
        q = self.quota
        if not q:
            return None
        return f"{q['used']} of {q['of']} used this {q['period']} ({q['from']} to {q['until']})"

    @property
    def other_errors(self) -> list[dict]:
        """Rule errors the conditions do not already say (a caption or credit error)."""
        said = set(self.conditions)
        return [e for e in self.rule_errors if e["message"] not in said]

    @property
    def taken_text(self) -> str:
        return (self.taken_at or "").replace("T", " ")[:16]

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Sheet:
    """A whole caption sheet: its header, its photos and its counts."""

    title: str
    article: Optional[dict]                # id, title, date
    query: Optional[str]
    on: str                                # the publication date, ISO
    profile: str
    exported_at: str                       # ISO, local time with offset
    exported_by: str
    include_uncleared: bool
    photos: list[SheetPhoto] = field(default_factory=list)

    @property
    def body(self) -> list[SheetPhoto]:
        return [p for p in self.photos if p.in_body]

    @property
    def left_out(self) -> list[SheetPhoto]:
        return [p for p in self.photos if not p.in_body]

    @property
    def counts(self) -> dict:
        by = {s: sum(1 for p in self.photos if p.status == s) for s in STATUSES}
        return {"photos": len(self.photos), **by, "pay": sum(1 for p in self.photos if p.cost == "pay"),
                "on_sheet": len(self.body), "left_out": len(self.left_out)}

    def header(self) -> dict:
        return {"title": self.title, "article": self.article, "query": self.query, "on": self.on,
                "profile": self.profile, "exported_at": self.exported_at, "exported_by": self.exported_by,
                "include_uncleared": self.include_uncleared}


def _place(record: dict) -> Optional[str]:
    parts = [record.get(k) for k in ("sublocation", "city", "state", "country")]
    seen = []
    for part in parts:
        if part and part not in seen:
            seen.append(part)
    return ", ".join(seen) or None


def _embargo(record: dict, reasons: Sequence[str]) -> Optional[str]:
    for reason in reasons:
        if "embargo" in reason.lower():
            return reason
    text = record.get("instructions") or ""
    return text if "embargo" in text.lower() else None


def _restrictions(record: dict, licence_row: Optional[dict]) -> list[str]:
    out = []
    if licence_row:
        if licence_row.get("restrictions"):
            out.append(f"Licence: {licence_row['restrictions']}")
        if licence_row.get("territories"):
            out.append("Territories: " + ", ".join(licence_row["territories"]))
        if licence_row.get("media"):
            out.append("Media: " + ", ".join(licence_row["media"]))
    if record.get("usage_terms"):
        out.append(f"Usage terms: {record['usage_terms']}")
    instructions = record.get("instructions")
    if instructions and "embargo" not in instructions.lower():
        out.append(f"Instructions: {instructions}")
    return out


def _leases(record: dict, on: str) -> list[str]:
    out = []
    for lease in record.get("leases") or []:
        lo, hi = lease.get("valid_from"), lease.get("valid_until")
        if (lo and lo > on) or (hi and hi < on):
            continue
        span = " ".join(x for x in (f"from {lo}" if lo else "", f"until {hi}" if hi else "") if x)
        what = "Allows" if lease.get("allow") else "Denies"
        note = f": {lease['note']}" if lease.get("note") else ""
        out.append(f"{what} use{' ' + span if span else ''} (lease {lease['id']}){note}")
    return out


def _conditions(status: str, reasons: Sequence[str]) -> list[str]:
    """The reasons that are more than "covered by licence N": what a conditional photo
    depends on, or why a photo is not cleared."""
    if status == "cleared":
        return []
    # The covering licence, its quota and its restrictions text are shown in their own fields.
    rest = [r for r in reasons if not r.startswith(("covered by licence", "quota ", "licence restrictions:"))]
    return rest or list(reasons)


def select_ids(desk, *, article=None, query: Optional[str] = None, photo_ids: Optional[Sequence] = None,
               on=None, cancel=None) -> tuple[list[int], Optional[dict]]:
    """(photo ids in sheet order, the article) of what the sheet is about."""
    if article is not None:
        detail = desk.article(article)
        ids = desk.select(article=detail["id"], cancel=cancel) or []
        return ids, {"id": detail["id"], "title": detail.get("title"), "date": detail.get("date")}
    if photo_ids is not None:
        return list(dict.fromkeys(desk.resolve(p) for p in photo_ids)), None
    if query is not None and query.strip():
        return desk.select(query=query, on=on, cancel=cancel) or [], None
    raise UsageError("a caption sheet needs an article, a search or some photos")


def gather(desk, *, article=None, query: Optional[str] = None, photo_ids: Optional[Sequence] = None,
           on: _dt.date, include_uncleared: bool = False, progress=None, cancel=None) -> Sheet:
    """The sheet of an article's photos, a query's or the ids given, judged for ``on``."""
    progress = progress or (lambda *a: None)
    progress(0, None, "choosing the photos")
    ids, art = select_ids(desk, article=article, query=query, photo_ids=photo_ids, on=on, cancel=cancel)
    check_cancel(cancel)
    if ids:
        progress(0, len(ids), "bringing checks up to date")
        desk.bring_checks_current(on=on, photo_ids=ids, cancel=cancel)
    caption_of = {}
    if art is not None:
        for cap in desk.article(art["id"]).get("captions") or []:
            pair = cap.get("pair") or {}
            if pair.get("photo_id") is not None:
                caption_of.setdefault(pair["photo_id"], cap.get("index"))
    licences = {row["id"]: row for row in desk.licences()}
    quota_of: dict = {}
    day = on.isoformat()
    photos = []
    for n, pid in enumerate(ids):
        if n % 50 == 0:
            check_cancel(cancel)
            progress(n, len(ids), "reading the photos")
        record = desk.record(pid, on=on)
        clearance = record.get("clearance") or {}
        status = clearance.get("status") or "not_cleared"
        reasons = list(clearance.get("reasons") or [])
        lic = record.get("licence")
        row = licences.get(lic["id"]) if lic else None
        quota = None
        if row and row.get("quota"):
            if row["id"] not in quota_of:
                quota_of[row["id"]] = desk.licence(row["id"], on=on).get("quota_used")
            quota = quota_of[row["id"]]
        photos.append(SheetPhoto(
            id=pid, file_name=record["path"].replace("\\", "/").rsplit("/", 1)[-1], path=record["path"],
            status=status, in_body=status != "not_cleared" or include_uncleared,
            caption=record.get("caption"), credit_line=record.get("credit_line"),
            creator=list(record.get("creator") or []), agency=record.get("credit"), source=record.get("source"),
            taken_at=record.get("taken_at"), place=_place(record),
            licence={k: lic.get(k) for k in ("id", "licensor", "kind", "reference", "valid_until")} if lic else None,
            cost=clearance.get("cost"), quota=quota, conditions=_conditions(status, reasons), reasons=reasons,
            restrictions=_restrictions(record, row), leases=_leases(record, day), embargo=_embargo(record, reasons),
            rule_errors=[{"rule": v["rule"], "message": v["message"], "fix": v.get("fix")}
                         for v in record.get("violations") or [] if v.get("severity") == "error"],
            caption_index=caption_of.get(pid)))
    progress(len(ids), len(ids), "reading the photos")
    if art is not None:
        title = art.get("title") or f"Article {art['id']}"
    elif photo_ids is not None:
        title = f"Selection of {len(ids)} photo{'s' if len(ids) != 1 else ''}"
    else:
        title = f"Search “{query}”"
    return Sheet(title=title, article=art, query=query if art is None and photo_ids is None else None,
                 on=day, profile=desk.profile_name(),
                 exported_at=_dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                 exported_by=_user(), include_uncleared=include_uncleared, photos=photos)


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:          # no login name (a container without a passwd entry)
        return "unknown"
