"""Finding the places a caption names.

A caption names places as capitalised words ("in central Kyiv, Ukraine"), but
so it does people, papers, weekdays and the first word of every sentence, and
GeoNames has a village for most of them (Laura, Hoffman, West, Christmas).
The rules, each cheap:

- Capitalised words are grouped into *runs* (words joined only by spaces, or
  by particles such as "de" or "upon" between two of them).  Punctuation,
  a possessive ("Kyiv's") and stop words (weekdays, months, holidays, titles,
  sentence starters: :data:`STOP`) end a run.
- A run is read left to right, longest name first (up to four words).  Every
  capitalised word of the run must belong to a place name, except direction
  words in front ("Eastern Ukraine") and kind words behind ("Kyiv Oblast"),
  and two places side by side must be a place and its country or state:
  so "Brendan Hoffman", "Vladimir Putin", "Irving Berlin" and "The New York
  Times" name no place.  A run that fails is read again in its parts between
  particles ("Greg Abbott of Texas" → Texas).
- A place must be big enough for its name to be taken at face value:
  countries and US states always; a city by its preferred name from 10,000
  people (1,000 for a name of two or more words), by another name from 50,000
  (10,000); a single word opening a sentence from 100,000, and never when it
  is also an ordinary word (:data:`COMMON_WORDS`: "Reading", "Nice"); a
  district whenever its city is named in the same text.
- Among places of one name, a district of a city named in the text wins, and
  "Paris, Texas" picks the Paris in the state or country named after the comma.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archive.gazetteer.names import TEXT_CODES, normalise_place_name

MAX_WORDS = 4

STOP = frozenset("""
Monday Tuesday Wednesday Thursday Friday Saturday Sunday Mon Tue Tues Wed Thu Thur Thurs Fri Sat Sun
January February March April May June July August September October November December
Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec
Christmas Xmas Easter Eid Ramadan Hanukkah Diwali Passover Thanksgiving Halloween Lent Advent
Year Years Day Eve Holiday Holidays Independence Victory Remembrance Memorial Labor Labour
The A An In On At From To For By With Without Of Off Into Onto Over Under After Before During Since Until
As But And Or Nor If When While Where Whereas Though Although Because This That These Those
It Its He She They We I You His Her Hers Their Theirs Our My Your Him Them Us Me Who Whom Whose Which What
There Here Then Now Today Tonight Yesterday Tomorrow Meanwhile However Also Still Yet So Thus
According Earlier Later Last Next First Second Third Some Many Most More Few All Both Each Every
No Not Yes Please Thank Thanks Dear Hello
Mr Mrs Ms Miss Mx Dr Prof Professor Sir Dame Lord Lady King Queen Prince Princess Pope
President Vice Prime Minister Ministry Secretary Chancellor Governor Mayor Senator Sen Rep
Representative Congressman Congresswoman Judge Justice General Gen Colonel Col Lt Lieutenant
Captain Capt Sgt Sergeant Major Commander Admiral Marshal Ambassador Envoy Spokesman
Spokeswoman Spokesperson Chief Head Leader Deputy Premier Speaker Chairman Chairwoman Chair
Bishop Archbishop Patriarch Father Rev Reverend Imam Rabbi Sheikh Emir Sultan Coach Officer Gov
Photograph Photographs Photo Photos Photographer Picture Pictures Pic Image Images Illustration
Video Credit Credits Source Caption Handout Pool Getty Reuters AFP EPA AP Shutterstock Alamy
Composite File Archive Courtesy
Government Parliament Congress Senate Council Court Army Navy Police Forces Force Military""".split())

# Ordinary words that are also names of big places: not a place at the start of a sentence.
COMMON_WORDS = frozenset("""reading nice mobile split bath deal hope orange independence liberty
concord union commerce temple victoria florence marathon eagle sale wells""".split())

# Words that may stand before a place in its run without being part of it.
MODIFIERS = frozenset("""North South East West Northern Southern Eastern Western Central
Greater Upper Lower Inner Outer Old Downtown Metropolitan Metro Occupied Rural""".split())
# Words that may stand after a place in its run: the kind of division it heads.
KIND_WORDS = frozenset("""Oblast Region Province District Raion Rayon County Governorate
Prefecture Municipality City Area Airport""".split())
# Lower-case words that may join two capitalised words of one name.
PARTICLES = frozenset("""de da do dos das del della delle di du des la le les el al am an im
der den het upon on sur sous en y e i and of the von van aan op bei ob nad pod na""".split())
# "St. Petersburg": these abbreviations keep their full stop and do not end a sentence.
ABBREVIATIONS = frozenset({"St", "Ste", "Mt", "Ft", "Pt", "Mr", "Mrs", "Ms", "Dr", "Prof", "Gen",
                           "Col", "Lt", "Capt", "Sgt", "Rev", "Sen", "Rep", "Gov"})

_WORD = re.compile(r"(?:[A-Z]\.){2,}|[^\W\d_][\w'\u2019\u02bc\-]*(?<![\-'\u2019\u02bc])")
_APOSTROPHES = "'\u2019\u02bc"
# The particles and their possessives: the only words not capitalised that a run can hold.
_PARTICLE_FORMS = PARTICLES | {p + a + "s" for p in PARTICLES for a in _APOSTROPHES}
_SENTENCE_END = re.compile(r"[.!?:;\u2026]|\n\s*\n")


@dataclass(slots=True)
class _Word:
    start: int
    end: int            # end of the part that can be a name (no possessive, no "-based")
    core: str
    capitalised: bool
    particle: bool
    stop: bool
    closes: bool        # a possessive or a "Kyiv-based" ends the run after this word
    sentence_start: bool


@dataclass
class _Match:
    start: int
    end: int
    words: int
    sentence_start: bool
    candidates: tuple
    key: str


def _words(text: str) -> list[_Word | None]:
    """The words of ``text``; None stands for punctuation that breaks a run.

    A lower-case word that is no particle ends a run just as punctuation
    does, so it is given as None too (no _Word is made for it: most words
    of a caption are such words).
    """
    out: list[_Word | None] = []
    append = out.append
    previous_end = 0
    previous_abbrev = False
    for m in _WORD.finditer(text):
        core = m.group(0)
        if not core[0].isupper() and core not in _PARTICLE_FORMS:
            append(None)                     # "install", "drone-attack": ends a run
            previous_end = m.end()
            previous_abbrev = False
            continue
        start, end = m.span()
        if previous_end and text[previous_end:start] == " ":       # the usual gap
            sentence_start = False
        else:
            gap = text[previous_end:start]
            sentence_start = previous_end == 0 or (_SENTENCE_END.search(gap) is not None
                                                   and not previous_abbrev)
            if previous_abbrev and gap.startswith("."):
                gap = gap[1:]
            if gap.strip() or "\n\n" in gap:
                append(None)
        previous_end = end
        previous_abbrev = False
        closes = False
        if core[-1] == "s" and len(core) > 1 and core[-2] in _APOSTROPHES:    # possessive
            core, closes = core[:-2], True
        if not core[:1].isupper() and core not in PARTICLES:
            append(None)                     # "the's"
            continue
        if "-" in core:
            parts = core.split("-")
            last_cap = max((i for i, p in enumerate(parts) if p[:1].isupper()), default=-1)
            if 0 <= last_cap < len(parts) - 1:         # "Kyiv-based", "Russian-occupied"
                core, closes = "-".join(parts[:last_cap + 1]), True
        short_caps = core.isupper() and len(core.replace(".", "")) <= 3
        stop = core in STOP or core.rstrip(".") in STOP or (short_caps and core.replace(".", "") not in TEXT_CODES)
        append(_Word(start, start + len(core), core, core[:1].isupper(), core in PARTICLES, stop, closes,
                     sentence_start))
        if core in ABBREVIATIONS and text[end:end + 1] == ".":
            previous_abbrev = True
            previous_end += 1
    return out


def _runs(words: list[_Word | None]) -> list[list[_Word]]:
    runs: list[list[_Word]] = []
    run: list[_Word] = []

    def flush():
        while run and run[-1].particle:
            run.pop()
        if run:
            runs.append(list(run))
        run.clear()

    for w in words:
        if w is None or w.stop:
            flush()
        elif w.capitalised and not w.particle:
            run.append(w)
            if w.closes:
                flush()
        elif w.particle and run:
            run.append(w)
        else:
            flush()
    flush()
    return runs


def _acceptable(place, quality: int, words: int, sentence_start: bool, key: str,
                named_cities: set[int], parent_id) -> bool:
    if place.kind in ("country", "state"):
        return True
    if place.kind == "district" and parent_id in named_cities:
        return True
    if quality and len(key) < 4:        # "Ko", "IEV": abbreviations are not for text
        return False
    if sentence_start and words == 1 and (place.population < 100_000 or key in COMMON_WORDS):
        return False
    if quality == 0:
        return place.population >= (10_000 if words == 1 else 1_000)
    return place.population >= (50_000 if words == 1 else 10_000)


_NORMALISED: dict[str, str] = {}


def _normalise(name: str) -> str:
    """normalise_place_name, remembered: a caption's names recur photo after photo."""
    key = _NORMALISED.get(name)
    if key is None:
        key = normalise_place_name(name)
        if len(_NORMALISED) >= 20000:
            _NORMALISED.clear()
        _NORMALISED[name] = key
    return key


def _greedy(gazetteer, text: str, run: list[_Word], named: set[int],
            districts: list | None = None) -> list[tuple[_Match, list]]:
    """The longest place names in a run, left to right, each with the readings
    of it that are acceptable (words that start no such name are skipped).

    ``districts``, if given, gets an item when a district was among the places
    looked at: only then can ``named`` change the outcome.
    """
    out = []
    i = 0
    while i < len(run):
        if run[i].particle:
            i += 1
            continue
        for n in range(min(MAX_WORDS, len(run) - i), 0, -1):
            if run[i + n - 1].particle:
                continue
            start, end = run[i].start, run[i + n - 1].end
            key = _normalise(text[start:end])
            candidates = gazetteer._candidates(key)
            if not candidates:
                continue
            words = n if n == 1 else sum(not w.particle for w in run[i:i + n])
            sentence_start = run[i].sentence_start
            fits = [(p, parent_id) for p, q, parent_id in candidates
                    if _acceptable(p, q, words, sentence_start, key, named, parent_id)]
            if districts is not None and not districts and any(p.kind == "district" for p, _q, _i in candidates):
                districts.append(key)
            if fits:
                out.append((_Match(start, end, words, sentence_start, candidates, key), fits))
                i += n
                break
        else:
            i += 1
    return out


def _resolve(gazetteer, text: str, run: list[_Word], named: set[int],
             districts: list | None = None) -> list[tuple[_Match, list]] | None:
    """The places a run names, or None when it is not made of place names.

    Every capitalised word must belong to a name read as a place (direction
    words in front and kind words behind excepted), and two places side by side
    must be a place and its country or state ("Irving Berlin" is a person).
    """
    found = _greedy(gazetteer, text, run, named, districts)
    if not found:
        return None
    for (a, _), (b, fits) in zip(found, found[1:]):
        if not text[a.end:b.start].strip() and fits[0][0].kind not in ("country", "state"):
            return None
    covered = {k for k, w in enumerate(run) for m, _ in found if m.start <= w.start < m.end}
    first, last = min(covered), max(covered)
    for k, w in enumerate(run):
        if k in covered or w.particle:
            continue
        if not ((k < first and w.core in MODIFIERS) or (k > last and w.core in KIND_WORDS)):
            return None
    return found


def _read(gazetteer, text: str, runs: list[list[_Word]], named: set[int],
          memo: dict | None = None) -> list[tuple[_Match, list]]:
    """The places the runs name.  ``memo`` (run index -> its places) carries
    from the first reading to the second the runs where no district was
    looked at, whose reading ``named`` cannot change."""
    found = []
    first_pass = memo is not None and not named
    for index, run in enumerate(runs):
        if memo is not None and not first_pass and index in memo:
            found += memo[index]
            continue
        districts: list | None = [] if first_pass else None
        resolved = _resolve(gazetteer, text, run, named, districts)
        if resolved is None and any(w.particle for w in run):
            # "Greg Abbott of Texas", "Residents of Bucha": read the parts between particles.
            resolved, piece = [], []
            for w in run + [None]:
                if w is None or w.particle:
                    if piece:
                        resolved += _resolve(gazetteer, text, piece, named, districts) or []
                    piece = []
                else:
                    piece.append(w)
        found += resolved or []
        if first_pass and not districts:
            memo[index] = resolved or []
    return found


def find_places(gazetteer, text: str) -> list[tuple[int, int, object]]:
    runs = _runs(_words(text))
    # First the context-free reading, to learn which cities the text is about;
    # then again with them, so their districts are read as theirs.
    memo: dict = {}
    found = _read(gazetteer, text, runs, set(), memo)
    named = {fits[0][0].id for _, fits in found if fits[0][0].kind == "city"}
    if named:
        found = _read(gazetteer, text, runs, named, memo)
    out = []
    for index, (m, fits) in enumerate(found):
        choice = fits[0][0]
        if choice.id not in named and choice.kind != "country":
            in_city = [p for p, parent_id in fits if parent_id in named]
            if in_city:
                choice = in_city[0]
        if index + 1 < len(found) and choice.kind != "country":
            after, after_fits = found[index + 1]
            region = after_fits[0][0]
            if text[m.end:after.start].strip() == "," and region.kind in ("country", "state"):
                same = [p for p, _ in fits if p.country_code == region.country_code and
                        (region.kind == "country" or p.admin1 == region.admin1)]
                if same:
                    choice = same[0]      # "Paris, Texas"
        out.append((m.start, m.end, choice))
    return out
