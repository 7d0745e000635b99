"""Agency names: which spellings mean the same supplier, and what to call it.

Credit lines and agency metadata spell one supplier many ways ("ASSOCIATED
PRESS", "AP"; "REX", "Shutterstock"; "Reutres").  The matcher, the rules and the
licence registry must agree on one name, so every comparison goes through
:func:`canonical_agency`.  The spellings live in ``resources/agencies.toml``
(data a desk edits, not code); this module only loads and looks them up.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from archive.errors import UsageError
from archive.resources import resource_path


def normalise_key(name: str) -> str:
    """The form aliases are compared in: case, dots, hyphens and spacing ignored."""
    text = name.replace("\u2019", "'").casefold()
    text = re.sub(r"[.\u00b7]", "", text)
    text = re.sub(r"[-_\u2010-\u2015]", " ", text)
    return " ".join(text.split())


@dataclass(frozen=True)
class AgencyData:
    """Everything agencies.toml says, indexed for look-up by normalised key."""

    aliases: dict[str, str]          # normalised alias -> canonical name
    spellings: dict[str, str]        # alias as written in the data -> canonical name
    house: tuple[str, ...]           # the desk's own publications (staff credits)
    truncated_house: tuple[str, ...]
    handout_tokens: frozenset[str]   # normalised
    pool_tokens: frozenset[str]
    junk_tokens: frozenset[str]
    organisation_words: frozenset[str]  # casefolded whole words
    handout_words: frozenset[str]
    kind_labels: dict[str, str | None]  # normalised label -> kind (None: plain "Credit:")


def _resource_path() -> Path:
    return resource_path("agencies.toml")


@lru_cache(maxsize=4)
def load_agency_data(path: str | None = None) -> AgencyData:
    """Read the agency table (cached); ``path`` overrides the shipped file."""
    source = Path(path) if path else _resource_path()
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"{source}: cannot read the agency table: {exc}") from exc

    aliases: dict[str, str] = {}
    spellings: dict[str, str] = {}
    for canonical, names in data.get("agencies", {}).items():
        for name in [canonical, *names]:
            aliases.setdefault(normalise_key(name), canonical)
            spellings.setdefault(name, canonical)
    house = data.get("house", {})
    tokens = data.get("tokens", {})
    words = data.get("words", {})
    kinds: dict[str, str | None] = {}
    for kind, labels in data.get("kinds", {}).items():
        for label in labels:
            kinds[normalise_key(label)] = kind or None

    def keys(items):
        return frozenset(normalise_key(t) for t in items)

    def folded(items):
        return frozenset(w.casefold() for w in items)

    return AgencyData(
        aliases=aliases,
        spellings=spellings,
        house=tuple(house.get("publications", ())),
        truncated_house=tuple(house.get("truncated", ())),
        handout_tokens=keys(tokens.get("handout", ())),
        pool_tokens=keys(tokens.get("pool", ())),
        junk_tokens=keys(tokens.get("junk", ())),
        organisation_words=folded(words.get("organisation", ())),
        handout_words=folded(words.get("handout_source", ())),
        kind_labels=kinds,
    )


def lookup_agency(name: str) -> str | None:
    """The canonical name of a known agency or publication, or None if unknown."""
    return load_agency_data().aliases.get(normalise_key(name))


@lru_cache(maxsize=4)
def slashed_names(path: str | None = None) -> re.Pattern | None:
    """A regex of the agency names that hold a slash themselves ("RFE/RL",
    "Radio Free Europe/Radio Liberty"), longest first, so that a credit line's
    slashes between names do not cut them apart.  None when there are none."""
    names = sorted({n for n in load_agency_data(path).spellings if "/" in n}, key=len, reverse=True)
    if not names:
        return None
    body = "|".join(r"\s*/\s*".join(re.escape(part.strip()) for part in n.split("/")) for n in names)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)


def agency_aliases() -> dict[str, str]:
    """Every spelling in the table (canonical names included) -> canonical name."""
    return dict(load_agency_data().spellings)


def is_house(name: str | None) -> bool:
    """True for the desk's own publications ("The Guardian", "the Observer")."""
    if not name:
        return False
    canonical = lookup_agency(name) or name
    return canonical in load_agency_data().house


def tidy_name(name: str) -> str:
    """Spacing and copyright signs out; SHOUTED names of more than five letters
    in title case (short all-caps words are acronyms: BPI, INPHO)."""
    text = " ".join(name.replace("\u00a9", " ").split()).strip(" .,;:")
    if text.isupper() and len(text.replace(" ", "")) > 5:
        text = " ".join(w.capitalize() if len(w) > 3 else w for w in text.split())
    return text


_CHAIN = re.compile(r"/|#|;|\s+[-\u2013\u2014]\s+|(?<!\w)via(?!\w)", re.IGNORECASE)


def canonical_agency(name: str) -> str:
    """The canonical form of an agency name; an unknown name comes back tidied.

    A chain ("AFP via Getty Images", "Sputnik/AFP") stands for its principal,
    last member, as in a credit line.
    """
    known = lookup_agency(name)
    if known:
        return known
    if _CHAIN.search(name):
        members = [m.strip() for m in _CHAIN.split(name) if m and m.strip()]
        if members:
            last = members[-1]
            return lookup_agency(last) or tidy_name(last)
    return tidy_name(name)


def same_agency(a: str | None, b: str | None) -> bool:
    """True when two names (or chains, by their principal, last member) are one supplier."""
    if not a or not b:
        return False
    return normalise_key(canonical_agency(a)) == normalise_key(canonical_agency(b))
