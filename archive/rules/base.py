"""What every rule shares: the violation it reports and the spec of its settings.

A rule family module (credit, caption, style, licence) declares its rules as
:class:`RuleSpec` values: the id DESIGN.md fixes, the severity it has when a
profile says nothing, and the parameters a profile may set, each with a type
and a default.  The profile loader validates a TOML file against these specs,
so a typo in a newsroom's profile is an error naming the line, not a rule that
silently does nothing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Optional

SEVERITIES = ("error", "warning", "info")
_RANK = {"error": 0, "warning": 1, "info": 2}

FIELDS = ("caption", "credit_line")


@dataclass(frozen=True)
class Violation:
    """One broken rule on one photo.

    ``fix`` is the whole corrected text of ``field`` when the correction is
    certain (a person applies it with one click), else ``None``.
    """

    rule: str
    severity: str
    message: str
    fix: Optional[str] = None
    field: Optional[str] = None

    def to_dict(self) -> dict:
        return asdict(self)


class Memo(dict):
    """Results of a rule family keyed by exactly the inputs it reads, kept per
    profile.  A desk's photos share credit lines (every frame of a shoot has the
    same one) and agency captions, so most photos of a long check repeat a key.
    Bounded: when full it starts again rather than growing with the archive."""

    def __init__(self, size: int = 50_000):
        super().__init__()
        self.size = size

    def put(self, key, value):
        if len(self) >= self.size:
            self.clear()
        self[key] = value
        return value


def milder(severity: str, cap: str) -> str:
    """The milder of two severities: a minor form of a problem never outranks
    what the profile set for the rule (``milder("error", "warning") == "warning"``,
    ``milder("info", "warning") == "info"``)."""
    return severity if _RANK[severity] >= _RANK[cap] else cap


def worst(severities) -> Optional[str]:
    ranked = sorted(severities, key=_RANK.__getitem__)
    return ranked[0] if ranked else None


@dataclass(frozen=True)
class Param:
    """A rule parameter: its TOML type, its default and, for strings, its choices.

    ``kind`` is one of ``str int float bool list dict`` (lists hold strings,
    dicts map strings to strings).
    """

    kind: str
    default: Any
    doc: str = ""
    choices: tuple = ()


@dataclass(frozen=True)
class RuleSpec:
    id: str
    severity: str
    doc: str
    params: dict = field(default_factory=dict)
    fields: tuple = ()   # which fields the rule looks at, for the reader
