"""Who made a photo: the people its by-lines name (not a role or a house name
standing in for one), and a person its copyright notice names.

The matcher (archive/matching/) and the house-style rules (archive/rules/) ask
the same question of the same by-lines, so they ask it here: they never disagree
about who made a photo.  The list joins what each had learnt (the rules knew
"n/a" and "str/afp", the matcher "ukrinform", "tass" and "staff photographer").
"""

from __future__ import annotations

from functools import lru_cache

from anyascii import anyascii

# By-lines agencies fill with a role or a house name rather than a person.
NOT_A_PERSON = frozenset({
    "staff", "stringer", "str", "handout", "hand out", "ho", "pool", "anonymous", "unknown",
    "n/a", "na", "none", "-", "photographer", "contributor", "freelance", "file", "afp",
    "reuters", "ap", "epa", "getty images", "pa", "pa wire", "str/afp", "staff photographer",
    "ukrinform", "tass",
})


@lru_cache(maxsize=65536)
def is_person(name: str | None) -> bool:
    """A by-line that names a person (not "Staff", "AFP", "Handout", "N/A")."""
    if not name or not name.strip():
        return False
    folded = " ".join(anyascii(name).lower().replace(".", " ").split())
    return (bool(folded) and folded not in NOT_A_PERSON and name.strip().lower() not in NOT_A_PERSON
            and any(c.isalpha() for c in folded))


def credited_people(value: str) -> tuple[str, ...]:
    """People a copyright notice or credit names ("© 2022 Brendan Hoffman"): with no
    by-line, the holder of a photo's copyright is most often its photographer."""
    from archive.articles.credit import parse_credit   # the credit parser reads agencies' tables

    return tuple(n for n in parse_credit(value).creators if is_person(n))
