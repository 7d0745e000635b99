"""The one folded form of a name: what two spellings of one name share.

Photographers, agencies, places, licensors and rule names are compared and looked
up by it: the house-style rules and the matcher (is this credit the metadata's
photographer?), the facet keys search finds a photographer or an agency by
(``facet_values.norm``), the licences' names.  One function, so the rules, the
matcher and search never disagree about whether two names are one.

Any script is read as ASCII (anyascii: "Київ" is "Kiiv"), case goes, and every
run of what is not a letter or a digit is one space: "Jean-Luc", "Jean Luc" and
"JEAN LUC" are one name, as are "O'Connor" and "O’Connor", "Washington, D.C."
and "Washington DC" are not.
"""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

_NOT_WORD = re.compile(r"[^0-9a-z]+")


class _AsciiTable(dict):
    """A ``str.translate`` table giving each character its anyascii reading.

    anyascii transliterates character by character, in a Python loop over
    the whole text; ``str.translate`` with this table (which asks anyascii
    once per character and remembers) gives the same text in C.
    """

    def __missing__(self, code: int) -> str:
        value = anyascii(chr(code))
        if len(self) < 100_000:      # bounded: a hostile text may use every character
            self[code] = value
        return value


ASCII_TABLE = _AsciiTable((c, c) for c in range(128))


def transliterate(text: str) -> str:
    """``anyascii(text)``, faster on long texts."""
    if text.isascii():
        return text
    return text.translate(ASCII_TABLE)


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case ASCII letters and digits with single spaces (see the module doc)."""
    return _NOT_WORD.sub(" ", transliterate(text).lower()).strip()
