"""The licence model: what a licence and a lease say, and the words they are made of.

A :class:`Licence` belongs to a licensor (with aliases, so "AFP via Getty
Images" resolves to a Getty Images licence that lists AFP) and says how the
desk may use its pictures: kind, cost, quota, dates, territories, media.
Staff, contract and commissioned licences list the photographers they cover,
each with dates, because a photographer can move from one paper's contract to
another's on a given day.  A :class:`Lease` allows or denies one photo between
two dates and overrides the licence; deny wins.  Parsing of what a person types
(dates, kinds, quotas, "Name@FROM..UNTIL") lives here too.

Plain dataclasses, no database: the store keeps them as rows and hands them in.
Whether a photo may run on a date is :mod:`archive.clearance`.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Mapping, Optional

from archive.errors import UsageError

KINDS = ("subscription", "single-use", "staff", "contract", "commissioned", "handout", "pool", "pr",
         "social-media", "screengrab", "creative-commons", "public-domain")
COSTS = ("free", "conditional", "pay")
PERIODS = ("month", "year")
CREATOR_KINDS = frozenset({"staff", "contract", "commissioned"})

# What a kind costs when the licence does not say.
DEFAULT_COST = {"single-use": "pay", "social-media": "conditional", "screengrab": "conditional",
                "creative-commons": "conditional"}

_KIND_SPELLINGS = {k.replace("-", ""): k for k in KINDS} | {k.replace("-", " "): k for k in KINDS} | {
    "single use": "single-use", "singleuse": "single-use", "public domain": "public-domain",
    "cc": "creative-commons", "social": "social-media", "press release": "pr"}


def parse_date(value, what: str) -> Optional[date]:
    """A date from YYYY-MM-DD (or a date); a UsageError naming ``what`` otherwise.

    The one parser of dates a person types (options, licence and lease fields)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise UsageError(f'{what} "{value}": not a date (use YYYY-MM-DD)') from None


def parse_kind(value: str) -> str:
    k = str(value).strip().lower()
    k = _KIND_SPELLINGS.get(k, _KIND_SPELLINGS.get(k.replace("_", "-"), k))
    if k not in KINDS:
        raise UsageError(f"licence kind {value!r} is not one of: {', '.join(KINDS)}")
    return k


@dataclass(frozen=True)
class Quota:
    count: int
    period: str        # "month" | "year"

    def __str__(self) -> str:
        return f"{self.count}/{self.period}"


_QUOTA = re.compile(r"^\s*(\d+)\s*(?:/|per|a|an)\s*(month|year|mo|yr|m|y)s?\s*$", re.I)


def parse_quota(value) -> Optional[Quota]:
    """'100/month', '1200/year', (100, 'month') or a Quota; None for none."""
    if value is None or value == "":
        return None
    if isinstance(value, Quota):
        return value
    if isinstance(value, (tuple, list)) and len(value) == 2:
        count, period = value
        return parse_quota(f"{count}/{period}")
    if isinstance(value, dict):
        return parse_quota(f"{value.get('count')}/{value.get('period')}")
    m = _QUOTA.match(str(value))
    if not m:
        raise UsageError(f"quota {value!r}: write N/month or N/year (e.g. 100/month)")
    period = {"mo": "month", "m": "month", "yr": "year", "y": "year"}.get(m.group(2).lower(), m.group(2).lower())
    count = int(m.group(1))
    if count <= 0:
        raise UsageError(f"quota {value!r}: the count must be at least 1")
    return Quota(count, period)


@dataclass(frozen=True)
class CreatorCover:
    """A photographer a staff/contract/commissioned licence covers, and when."""

    name: str
    valid_from: Optional[date] = None
    valid_until: Optional[date] = None

    def __post_init__(self):
        object.__setattr__(self, "valid_from", parse_date(self.valid_from, f"creator {self.name} from"))
        object.__setattr__(self, "valid_until", parse_date(self.valid_until, f"creator {self.name} until"))
        if not self.name or not self.name.strip():
            raise UsageError("a covered creator needs a name")
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise UsageError(f"creator {self.name}: until {self.valid_until} is before from {self.valid_from}")

    def covers(self, day: Optional[date]) -> bool:
        if day is None:
            return self.valid_from is None and self.valid_until is None
        return (self.valid_from is None or self.valid_from <= day) and \
            (self.valid_until is None or day <= self.valid_until)

    def __str__(self) -> str:
        if not self.valid_from and not self.valid_until:
            return self.name
        return f"{self.name}@{self.valid_from or ''}..{self.valid_until or ''}"


def parse_creator_cover(text) -> CreatorCover:
    """'Name', 'Name@2022-01-01..2022-06-30', 'Name@2022-01-01..' or 'Name@..2022-06-30'."""
    if isinstance(text, CreatorCover):
        return text
    if isinstance(text, dict):
        return CreatorCover(text.get("name", ""), text.get("valid_from") or text.get("from"),
                            text.get("valid_until") or text.get("until"))
    s = str(text).strip()
    name, at, span = s.partition("@")
    if not at:
        return CreatorCover(name.strip())
    lo, dots, hi = span.partition("..")
    if not dots:
        raise UsageError(f"creator {s!r}: write NAME@FROM..UNTIL (either date may be left out)")
    return CreatorCover(name.strip(), lo.strip() or None, hi.strip() or None)


@dataclass(frozen=True)
class Licence:
    id: object
    licensor: str
    aliases: tuple = ()
    kind: str = "subscription"
    cost: Optional[str] = None
    quota: Optional[Quota] = None
    reference: Optional[str] = None
    valid_from: Optional[date] = None
    valid_until: Optional[date] = None
    territories: tuple = ()
    media: tuple = ()
    restrictions: Optional[str] = None
    creators: tuple = ()

    def __post_init__(self):
        if not self.licensor or not str(self.licensor).strip():
            raise UsageError("a licence needs a licensor")
        kind = parse_kind(self.kind or "subscription")
        cost = self.cost or DEFAULT_COST.get(kind, "free")
        if cost not in COSTS:
            raise UsageError(f"licence {self.licensor}: cost {cost!r} is not one of {', '.join(COSTS)}")
        set_ = object.__setattr__
        set_(self, "licensor", str(self.licensor).strip())
        set_(self, "kind", kind)
        set_(self, "cost", cost)
        set_(self, "aliases", tuple(a.strip() for a in (self.aliases or ()) if a and a.strip()))
        set_(self, "quota", parse_quota(self.quota))
        set_(self, "valid_from", parse_date(self.valid_from, f"licence {self.licensor} from"))
        set_(self, "valid_until", parse_date(self.valid_until, f"licence {self.licensor} until"))
        set_(self, "territories", tuple(t.strip().upper() for t in (self.territories or ()) if t and t.strip()))
        set_(self, "media", tuple(m.strip().lower() for m in (self.media or ()) if m and m.strip()))
        set_(self, "creators", tuple(parse_creator_cover(c) for c in (self.creators or ())))
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise UsageError(f"licence {self.licensor}: until {self.valid_until} is before from {self.valid_from}")

    @property
    def names(self) -> tuple:
        return (self.licensor, *self.aliases)

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and \
            (self.valid_until is None or day <= self.valid_until)

    def label(self) -> str:
        return f"licence {self.id} ({self.licensor})"

    def to_dict(self) -> dict:
        d = asdict(self)
        d["quota"] = str(self.quota) if self.quota else None
        d["creators"] = [str(c) for c in self.creators]
        for k in ("valid_from", "valid_until"):
            d[k] = d[k].isoformat() if d[k] else None
        d["aliases"], d["territories"], d["media"] = list(self.aliases), list(self.territories), list(self.media)
        return d

    @classmethod
    def from_dict(cls, d: Mapping) -> "Licence":
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in d.items() if k in known})


@dataclass(frozen=True)
class Lease:
    """Per-photo permission or refusal between two dates (either open)."""

    id: object
    photo_id: object
    allow: bool
    valid_from: Optional[date] = None
    valid_until: Optional[date] = None
    note: Optional[str] = None

    def __post_init__(self):
        # A lease being made has no id yet: messages name its photo instead.
        name = f"lease {self.id}" if self.id is not None else f"the lease for photo #{self.photo_id}"
        object.__setattr__(self, "valid_from", parse_date(self.valid_from, f"{name}: from"))
        object.__setattr__(self, "valid_until", parse_date(self.valid_until, f"{name}: until"))
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise UsageError(f"{name}: until {self.valid_until} is before from {self.valid_from}")

    def covers(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and \
            (self.valid_until is None or day <= self.valid_until)

    def span(self) -> str:
        if self.valid_from and self.valid_until:
            return f"from {self.valid_from} until {self.valid_until}"
        if self.valid_from:
            return f"from {self.valid_from}"
        if self.valid_until:
            return f"until {self.valid_until}"
        return "with no end date"

    def to_dict(self) -> dict:
        d = asdict(self)
        for k in ("valid_from", "valid_until"):
            d[k] = d[k].isoformat() if d[k] else None
        return d

    @classmethod
    def from_dict(cls, d: Mapping) -> "Lease":
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in d.items() if k in known})
