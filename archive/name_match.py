"""Is the photographer a credit line names the one the photo's metadata names?

The one judge of "same person" for the matcher (archive/matching/) and the
house-style rules (archive/rules/names.py), so they never disagree about who
made a photo.

Agencies write a photographer's name in the script and romanisation of their
desk: "Олексій Кулеба" in a Kyiv agency's IPTC By-line, "Oleksiy Kuleba" from
anyascii or a Russian-trained editor, "Oleksii Kuleba" in the Ukrainian
national romanisation a newspaper prints, "Alexei Kuleba" in an old wire
story.  Two spellings are compared through their *skeletons*: every
romanisation of the name (anyascii for any script, and both forms of the
Ukrainian KMU 2010 system for Ukrainian Cyrillic), folded so that the letters
romanisations disagree on meet (ii/iy/yi/y, kh/h, g/h, ts/tz/c, j/y, w/v, x/ks,
ph/f, doubled letters).  Given names that Ukrainian and Russian spell as
different words (Oleksii/Alexei, Serhiy/Sergei, Volodymyr/Vladimir) meet
through a small table.

    compare_names("Oleksii Kuleba", "Олексій Кулеба")  -> NameMatch("spelling", 0.97)
    compare_names("Alexei Kuleba", "Oleksiy Kuleba")   -> NameMatch("given name", 0.9)
    compare_names("B. Hoffman", "Brendan Hoffman")     -> NameMatch("initial", 0.85)
    compare_names("Laura Boushnak", "Brendan Hoffman") -> NameMatch("different", 0.0)

The results are cached: a desk's archive has a few thousand photographers and
the same pairs come up again and again.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

# Scores of the kinds of agreement (the creator part of a score uses them).
SAME, SPELLING, GIVEN_NAME, INITIAL, CLOSE = 1.0, 0.97, 0.9, 0.85, 0.8
CLOSE_RATIO = 88          # rapidfuzz ratio of two skeletons that are a near miss

# Letters romanisations disagree on, folded to one spelling (applied in order,
# on lower-case ASCII, to both sides of every comparison).
_FOLDS = (
    ("shch", "sc"), ("kh", "h"), ("ph", "f"), ("x", "ks"), ("w", "v"), ("j", "y"),
    ("ck", "k"), ("tz", "c"), ("ts", "c"), ("g", "h"), ("y", "i"),
)
_DOUBLE = re.compile(r"([a-z])\1+")
_NON_LETTER = re.compile(r"[^a-z ]+")

# Given names whose Ukrainian, Russian and English forms are different words.
_GIVEN_NAME_FORMS = (
    "oleksandr aleksandr alexander alexandr olexandr alex",
    "oleksii oleksiy aleksei alexei alexey aleksey olexiy",
    "serhii serhiy sergei sergey sergii sergiy",
    "volodymyr vladimir wolodymyr",
    "mykola nikolai nikolay mikola",
    "dmytro dmitry dmitri dmitriy",
    "andrii andriy andrei andrey andriy",
    "yevhen ievgen evgeny yevgeny evgeniy yevgeniy eugene",
    "mykhailo mikhail mykhaylo mikhailo michael",
    "petro pyotr petr",
    "vitalii vitaliy vitaly vitali",
    "yurii yuriy yuri yury iurii",
    "ihor igor",
    "hennadii hennadiy gennady gennadiy",
    "kostiantyn kostyantyn konstantin",
    "pavlo pavel",
    "anatolii anatoliy anatoly",
    "valerii valeriy valery",
    "oleh oleg",
    "hlib gleb",
    "vasyl vasily vasiliy vasilii",
    "hryhorii hryhoriy grigory grigoriy",
    "maksym maxim maksim",
    "bohdan bogdan",
    "vadym vadim",
    "denys denis",
    "kyrylo kirill",
    "yefrem efrem",
    "olha olga",
    "tetiana tetyana tatiana tatyana",
    "nataliia nataliya natalia natalya",
    "kateryna ekaterina yekaterina",
    "iryna irina",
    "olena elena yelena",
    "yuliia yuliya yulia iuliia",
    "viktoriia viktoria victoria",
    "anastasiia anastasia",
    "svitlana svetlana",
    "liudmyla lyudmyla lyudmila ludmila",
    "halyna galina",
    "mariia mariya maria",
)


@dataclass(frozen=True)
class NameMatch:
    """How two written names relate: ``kind`` in words, ``score`` 0..1."""

    kind: str        # "same", "spelling", "given name", "initial", "close", "different"
    score: float

    @property
    def agrees(self) -> bool:
        return self.score > 0


def skeleton(text: str) -> str:
    """Lower-case ASCII with the letters romanisations disagree on folded."""
    s = _NON_LETTER.sub(" ", text.lower().replace("'", "").replace("\u2019", ""))
    for old, new in _FOLDS:
        s = s.replace(old, new)
    s = _DOUBLE.sub(r"\1", s)
    return " ".join(s.split())


def _given_classes() -> dict[str, int]:
    classes: dict[str, int] = {}
    for number, forms in enumerate(_GIVEN_NAME_FORMS):
        for form in forms.split():
            classes[skeleton(form)] = number
    return classes


_GIVEN = _given_classes()


@lru_cache(maxsize=65536)
def romanisations(name: str) -> tuple[str, ...]:
    """The Latin spellings a name is known by: itself (accents off), anyascii,
    and for Ukrainian Cyrillic both KMU 2010 forms."""
    from archive.gazetteer.names import has_cyrillic, kmu_romanise

    text = unicodedata.normalize("NFKC", name).strip()
    forms = [anyascii(text)]
    if has_cyrillic(text):
        forms.append(kmu_romanise(text))
        forms.append(kmu_romanise(text, initial_forms_everywhere=True))
    return tuple(dict.fromkeys(f.lower() for f in forms if f.strip()))


@lru_cache(maxsize=65536)
def skeletons(name: str) -> tuple[str, ...]:
    """The skeleton of every romanisation of ``name``."""
    return tuple(dict.fromkeys(s for s in (skeleton(r) for r in romanisations(name)) if s))


def _words(text: str) -> list[str]:
    return text.split()


def _initial_match(a: list[str], b: list[str]) -> bool:
    """"B Hoffman" and "Brendan Hoffman": same surname, given name by its initial."""
    if len(a) < 2 or len(b) < 2 or a[-1] != b[-1]:
        return False
    short, long_ = (a, b) if len(a[0]) <= len(b[0]) else (b, a)
    return len(short[0]) == 1 and long_[0].startswith(short[0])


def _given_name_match(a: list[str], b: list[str]) -> bool:
    """Same surname; given names that are forms of one name (Oleksii / Alexei)."""
    if len(a) != len(b) or len(a) < 2 or a[:-1] == b[:-1]:
        return False
    if a[-1] != b[-1] and not (len(a[-1]) > 4 and _ratio(a[-1], b[-1]) >= CLOSE_RATIO):
        return False
    for x, y in zip(a[:-1], b[:-1]):
        if x != y and (_GIVEN.get(x) is None or _GIVEN.get(x) != _GIVEN.get(y)):
            return False
    return True


def _ratio(a: str, b: str) -> float:
    from rapidfuzz import fuzz

    return fuzz.ratio(a, b)


def _surname_first(a: list[str], b: list[str]) -> bool:
    """"Hoffman Brendan" and "Brendan Hoffman" (Eastern order, library order)."""
    return len(a) == len(b) >= 2 and sorted(a) == sorted(b)


@lru_cache(maxsize=65536)
def compare_names(credit_name: str, meta_name: str) -> NameMatch:
    """How the name a credit line gives relates to the name in the metadata."""
    a, b = " ".join(credit_name.split()), " ".join(meta_name.split())
    if not a or not b:
        return NameMatch("different", 0.0)
    if a.casefold() == b.casefold():
        return NameMatch("same", SAME)
    sa, sb = skeletons(a), skeletons(b)
    if set(sa) & set(sb):
        return NameMatch("spelling", SPELLING)
    best = NameMatch("different", 0.0)
    for x in sa:
        wx = _words(x)
        for y in sb:
            wy = _words(y)
            if _surname_first(wx, wy):
                found = NameMatch("spelling", SPELLING)
            elif _given_name_match(wx, wy):
                found = NameMatch("given name", GIVEN_NAME)
            elif _initial_match(wx, wy):
                found = NameMatch("initial", INITIAL)
            elif len(x) > 6 and _ratio(x, y) >= CLOSE_RATIO:
                found = NameMatch("close", CLOSE)
            else:
                continue
            if found.score > best.score:
                best = found
    return best


def search_keys(name: str) -> set[str]:
    """Keys a photographer is found under before the exact comparison: the
    skeleton of each romanisation's surname (last word)."""
    return {s.split()[-1] for s in skeletons(name) if s}
