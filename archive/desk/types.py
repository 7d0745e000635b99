"""The plain values the application API hands to the window and the command line."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Optional

from archive.errors import PictureDeskError

MULTIPLE = "<multiple values>"     # what a batch shows for a field its photos disagree on


class EditConflict(PictureDeskError):
    """Somebody else (another window, the command line, a sync) changed a field after
    it was read for this edit.  Nothing was written; ``conflicts`` lists
    (photo id, field, the value expected, the value now in the archive)."""

    def __init__(self, conflicts: list[tuple[int, str, Any, Any]]):
        self.conflicts = conflicts
        first = conflicts[0]
        more = f" (and {len(conflicts) - 1} more)" if len(conflicts) > 1 else ""
        super().__init__(f"photo {first[0]}: {first[1]} was changed elsewhere since it was read; "
                         f"nothing was saved{more}")


@dataclass(frozen=True)
class Badge:
    """Clearance of one photo for the publication date, as a grid cell shows it.

    ``status``: cleared, conditional, not_cleared, or None when the stored check
    does not cover the date (``current`` False: a check job brings it up to date).
    """

    status: Optional[str]
    cost: Optional[str] = None
    reasons: tuple[str, ...] = ()
    over_quota: bool = False
    lease: Optional[str] = None            # "allow" or "deny" when a lease is in force
    current: bool = True

    @property
    def tooltip(self) -> str:
        return "\n".join(self.reasons)


@dataclass(frozen=True)
class GridRow:
    """What one contact-sheet cell shows."""

    id: int
    name: str
    path: str
    thumb_key: Optional[str]              # changes when the thumbnail does (content hash)
    creators: tuple[str, ...]
    agency: Optional[str]
    taken_at: Optional[str]
    rule_status: Optional[str]            # ok, warning, error; None unchecked
    clearance: Badge
    missing: bool = False
    edited: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()       # fields the file changed after they were edited here
    width: Optional[int] = None
    height: Optional[int] = None


@dataclass(frozen=True)
class FacetValue:
    name: str
    count: int
    term: str                              # the query term whose total is ``count``


@dataclass
class Results:
    query: str
    total: int
    offset: int
    rows: list[GridRow]
    sort: str = "taken"
    descending: bool = True
    facets: Optional[dict[str, list[FacetValue]]] = None
    checks_current: bool = True            # False: stored checks are out of date for the day


@dataclass(frozen=True)
class FieldChange:
    photo_id: int
    field: str                             # an editable field, or "licence" (hand-assigned id)
    before: Any
    after: Any
    was_edited: bool
    now_edited: bool


@dataclass
class HistoryEntry:
    """One action a person can undo: its changes, all applied in one transaction."""

    batch: int
    label: str
    changes: list[FieldChange] = field(default_factory=list)
    at: Optional[str] = None
    # the photos whose sidecar could not take this action's values (archive.writeback.Unwritten):
    # the edit is kept in the archive and the write stays queued
    unwritten: list = field(default_factory=list)

    @property
    def photo_ids(self) -> list[int]:
        return list(dict.fromkeys(c.photo_id for c in self.changes))

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class DraftViolation:
    rule: str
    severity: str
    message: str
    fix: Optional[str]
    field: Optional[str]
    span: Optional[tuple[int, int]]        # the characters of the field's text the fix changes


@dataclass
class DraftCheck:
    """The rules and clearance of a caption and credit line being typed."""

    violations: list[DraftViolation]
    clearance: Optional[dict]
    licence: Optional[dict]

    @property
    def errors(self) -> int:
        return sum(1 for v in self.violations if v.severity == "error")


@dataclass
class Staleness:
    """Whether the stored checks answer for a publication date."""

    on: str
    stale: int                             # photos whose stored check does not hold for ``on``
    current: bool
