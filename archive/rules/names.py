"""Comparing a photographer's name as a credit writes it with the metadata's.

The comparison sorts a difference into kinds because they deserve different
answers:

``same``      identical (spacing aside).
``case``      only letter case differs ("BRENDAN HOFFMAN" / "Brendan Hoffman").
``accents``   the credit dropped or changed diacritics of a Latin-script name
              ("Tomas Munita" for "Tomás Munita"): a real misspelling.
``translit``  the metadata is in another script and the credit is a Latin
              transliteration of it ("Yevhen Maloletka" for "Євген Малолєтка"):
              what a newspaper should print, so not a problem.
``close``     a near miss ("Brendan Hofman"), or the same words in another order.
``different`` another person.

Folding goes through anyascii (any script to ASCII) and rapidfuzz scores the
folded forms; both are cached because the same few hundred names recur across
millions of photos.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from archive.folding import fold

_SPACES = re.compile(r"\s+")
_APOSTROPHES = {0x2019: "'", 0x2018: "'", 0x02BC: "'", 0x0060: "'", 0x00B4: "'"}

def squash(s: str) -> str:
    return _SPACES.sub(" ", s).strip()


def _is_latin_with_marks(s: str) -> bool:
    return any(ord(c) > 127 and c.isalpha() and "LATIN" in unicodedata.name(c, "") for c in s)


def _is_other_script(s: str) -> bool:
    return any(c.isalpha() and ord(c) > 127 and "LATIN" not in unicodedata.name(c, "") for c in s)


@lru_cache(maxsize=65536)
def compare(credit_name: str, meta_name: str, close_at: int = 85) -> tuple[str, float]:
    """Kind of difference (see module doc) and a 0-100 similarity."""
    from rapidfuzz import fuzz

    # Typographic and straight apostrophes are one letter in a name (O’Connor).
    a, b = squash(credit_name.translate(_APOSTROPHES)), squash(meta_name.translate(_APOSTROPHES))
    if a == b:
        return "same", 100.0
    if a.casefold() == b.casefold():
        return "case", 100.0
    fa, fb = fold(a), fold(b)
    if fa == fb:
        if _is_other_script(b):
            return "translit", 100.0
        if _is_latin_with_marks(a) or _is_latin_with_marks(b):
            return "accents", 100.0
        return "close", 100.0           # a hyphen or an apostrophe: "Jean Luc" for "Jean-Luc"
    score = fuzz.ratio(fa, fb)
    if _is_other_script(b) and score >= close_at - 10:
        # "Ievgen" (anyascii) and "Yevhen" (BGN/PCGN) both transliterate Євген.
        return "translit", score
    if score >= close_at or fuzz.token_sort_ratio(fa, fb) >= 97:
        return "close", score
    # The matcher's judge of "same person" has the last word, so the rules never call a
    # photographer the matcher pairs by name a different one: another romanisation
    # ("Oleksii"/"Oleksiy") is a transliteration; another form of the given name
    # ("Alexei"/"Oleksiy", "Evgeniy"/"Yevhen") or an initial ("B. Hoffman") the same
    # person written otherwise, which the credit should write as the metadata does.
    from archive.name_match import compare_names

    same = compare_names(a, b).kind
    if same == "spelling":
        return "translit", score
    if same in ("given name", "initial"):
        return "close", score
    return "different", score


def shouting(name: str) -> bool:
    """All capitals (or all lower case): how wires write by-lines, not how a
    paper prints a name."""
    letters = [c for c in name if c.isalpha()]
    return bool(letters) and (all(c.isupper() for c in letters) or all(c.islower() for c in letters))
