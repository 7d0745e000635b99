"""Credit-line rules: present, in the house pattern, naming the right people and agency.

The house pattern is profile data (``Photograph: {creators}/{agency}`` at the
Guardian, ``(AP Photo/{creators})`` at AP, ``REUTERS/{creators}`` at Reuters).
It is compiled once per profile into regexes that both check a credit line and
take it apart, and it is what every fix is rebuilt in, so a suggested credit
is always in house style.

Decisions worth knowing:

- A creator differing only in letter case is a *warning* (``credit.creator_mismatch``
  capped at warning) when the credit shouts ("BRENDAN HOFFMAN") and the metadata
  does not; a credit in proper case for a shouting wire by-line is fine.
- Dropped accents ("Tomas" for "Tomás") and near misses are errors with a fix.
  A Latin transliteration of a name the metadata writes in another script is fine.
- A completely different name is an error *without* a fix: the caption may be
  paired with the wrong photo, and a person should look.
- An agency mismatch fires only when none of the credit's agencies appears in
  the photo's credit, source or copyright (through aliases and chains); agency
  chains are messy enough that partial overlap is accepted.  A credit naming
  no agency for an agency picture is a warning.
- Fixes: inside the house pattern a fix changes only the wrong name or agency;
  a credit off the pattern is rebuilt in it, with every certain correction, so
  the fixes of two rules on one credit agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from archive.people import is_person
from archive.rules.base import Memo, Param, RuleSpec, Violation, milder
from archive.rules.facts import PhotoFacts, parse_credit, same_agency
from archive.folding import fold
from archive.rules.names import compare, shouting, squash

RULES = {
    "credit.missing": RuleSpec(
        "credit.missing", "error", "Every photo needs a credit line.", fields=("credit_line",)),
    "credit.format": RuleSpec(
        "credit.format", "error", "The credit line follows the house pattern.",
        params={
            "pattern": Param("str", "Photograph: {creators}/{agency}",
                             "the house pattern; {creators} and {agency} are filled from metadata"),
            "also_accept": Param("list", [], "other patterns that are correct too "
                                 "(without {agency}: staff work; without {creators}: agency only)"),
            "house_agency": Param("str", "", "the agency a pattern without {agency} implies (AP, Reuters)"),
            "agency_names": Param("dict", {}, "how the house writes an agency: {\"Associated Press\" = \"AP\"}"),
            "creators_joiner": Param("str", ", "),
            "creators_last_joiner": Param("str", " and "),
            "agency_joiner": Param("str", "/", "between the agencies of a chain (AFP/Getty Images)"),
        },
        fields=("credit_line",)),
    "credit.creator_mismatch": RuleSpec(
        "credit.creator_mismatch", "error",
        "The photographer the credit names is the one the photo's metadata names.",
        params={"close_at": Param("int", 85, "similarity (0-100) from which a name is a misspelling, not another person")},
        fields=("credit_line",)),
    "credit.agency_mismatch": RuleSpec(
        "credit.agency_mismatch", "error",
        "The agency the credit names is one the photo's credit, source or copyright names.",
        fields=("credit_line",)),
}

NOT_AN_AGENCY = frozenset({"handout", "ho", "pool", "str", "stringer", "file", "staff", "supplied", "via"})
_CREATOR_SPLIT = re.compile(r"\s*(?:,|&|\band\b)\s*")
_CHAIN_SPLIT = re.compile(r"\s*/\s*|\s+via\s+", re.I)


# ---------------------------------------------------------------- the house pattern

@dataclass(frozen=True)
class CreditPattern:
    text: str
    regex: re.Pattern
    has_creators: bool
    has_agency: bool


def _compile_pattern(pat: str) -> CreditPattern:
    out, pos = [], 0
    for m in re.finditer(r"\{(creators|agency)\}", pat):
        out.append(re.escape(pat[pos:m.start()]))
        # Names never hold "/", so the creators stop at the first one and the
        # agency chain ("AFP/Getty Images") keeps the rest.
        # Neither part may start or end with a space: "Name / Agency" is off-pattern.
        out.append(r"(?P<creators>[^/\s](?:[^/]*?[^/\s])?)" if m.group(1) == "creators"
                   else r"(?P<agency>\S(?:.*?\S)?)")
        pos = m.end()
    out.append(re.escape(pat[pos:]))
    return CreditPattern(pat, re.compile("^" + "".join(out) + "$"),
                         "{creators}" in pat, "{agency}" in pat)


def house_patterns(profile) -> list[CreditPattern]:
    def build(p):
        conf = p["credit.format"]
        return [_compile_pattern(x) for x in [conf["pattern"], *conf["also_accept"]]]
    return profile.compiled("credit.patterns", build)


def _display_agency(profile, name: str) -> str:
    table = profile.param("credit.format", "agency_names")
    if name in table:
        return table[name]
    for k, v in table.items():
        if same_agency(name, k):
            return v
    return name


def display_chain(profile, agencies) -> str:
    joiner = profile.param("credit.format", "agency_joiner")
    out: list[str] = []
    for a in agencies:
        d = _display_agency(profile, a)
        if d not in out:
            out.append(d)
    return joiner.join(out)


def join_creators(profile, names) -> str:
    names = list(names)
    conf = profile["credit.format"]
    if len(names) <= 1:
        return "".join(names)
    return conf["creators_joiner"].join(names[:-1]) + conf["creators_last_joiner"] + names[-1]


def _is_house(profile, agencies) -> bool:
    house = profile.param("credit.format", "house_agency")
    return bool(house) and len(agencies) == 1 and same_agency(agencies[0], house)


def build_credit(profile, creators, agencies) -> Optional[str]:
    """A credit line in the house pattern, or None when no pattern fits the data."""
    creators = [c for c in creators if c]
    agencies = [a for a in agencies if a and a.lower() not in NOT_AN_AGENCY]
    named_agency = bool(agencies) and not _is_house(profile, agencies)
    for p in house_patterns(profile):
        if p.has_creators != bool(creators) or p.has_agency != named_agency:
            continue
        text = p.text
        if p.has_creators:
            text = text.replace("{creators}", join_creators(profile, creators))
        if p.has_agency:
            text = text.replace("{agency}", display_chain(profile, agencies))
        return text
    return None


# ---------------------------------------------------------------- reading a credit line

@dataclass
class CreditReading:
    text: str                                  # whitespace-folded credit line
    creators: list = field(default_factory=list)    # (name, start, end)
    agencies: tuple = ()
    agency_span: Optional[tuple] = None
    pattern: Optional[CreditPattern] = None    # the house pattern it follows, if any
    staff: bool = False
    handout: bool = False

    @property
    def names(self) -> list[str]:
        return [n for n, _, _ in self.creators]


def _split_creators(text: str, offset: int) -> list:
    out, pos = [], 0
    for m in list(_CREATOR_SPLIT.finditer(text)) + [None]:
        end = m.start() if m else len(text)
        piece = text[pos:end]
        stripped = piece.strip()
        if stripped:
            s = offset + pos + (len(piece) - len(piece.lstrip()))
            out.append((stripped, s, s + len(stripped)))
        pos = m.end() if m else len(text)
    return out


def read_credit(profile, credit_line: str) -> CreditReading:
    cache = profile.compiled("credit.readings", lambda p: {})
    text = squash(credit_line or "")
    hit = cache.get(text)
    if hit is None:
        hit = _read(profile, text)
        if len(cache) > 65536:
            cache.clear()
        cache[text] = hit
    return hit


_SPACED_SLASH = re.compile(r"\s/|/\s")
_WORDY = re.compile(r"\w")
_PLACEHOLDER = re.compile(r"\{(?:creators|agency)\}")
_PLACEHOLDER_ONLY = re.compile(r"^[^{}]*\{creators\}[\s.]*$")


def _matching_pattern(profile, text: str):
    """The house pattern a credit line follows, or (None, None).

    "Photograph: {creators}" and "Photograph: {agency}" both match "Photograph:
    Reuters"; when several patterns match, the credit parser's reading (a person
    or an organisation?) decides, then the most specific pattern.
    """
    hits = []
    for p in house_patterns(profile):
        m = p.regex.match(text)
        if m and all(_WORDY.search(g) and not _SPACED_SLASH.search(g) for g in m.groupdict().values()):
            hits.append((p, m))
    if len(hits) <= 1:
        return hits[0] if hits else (None, None)
    c = parse_credit(text)
    people = bool(getattr(c, "creators", ()))
    orgs = bool(getattr(c, "agencies", ()))
    # Ties go to the most specific pattern (the most literal text).
    return max(hits, key=lambda pm: ((pm[0].has_creators == people) + (pm[0].has_agency == orgs),
                                     len(_PLACEHOLDER.sub("", pm[0].text))))


def _read(profile, text: str) -> CreditReading:
    house = profile.param("credit.format", "house_agency")
    p, m = _matching_pattern(profile, text)
    if p is not None:
        r = CreditReading(text, pattern=p)
        if p.has_creators:
            r.creators = _split_creators(m.group("creators"), m.start("creators"))
        if p.has_agency:
            r.agency_span = (m.start("agency"), m.end("agency"))
            r.agencies = tuple(a for a in _CHAIN_SPLIT.split(m.group("agency")) if a)
        elif house:
            r.agencies = (house,)
        elif not p.has_agency and not _PLACEHOLDER_ONLY.match(p.text):
            # A pattern whose literal text names the publication ("{creators}
            # for the Guardian"): the credit parser says which.
            r.agencies = tuple(getattr(parse_credit(text), "agencies", ()) or ())
        r.handout = any(a.lower() in ("handout", "ho") for a in r.agencies) or any(
            n.lower() == "handout" for n in r.names)
        return r
    c = parse_credit(text)
    r = CreditReading(text, staff=bool(getattr(c, "staff", False)), handout=bool(getattr(c, "handout", False)))
    pos = 0
    for name in getattr(c, "creators", ()) or ():
        # The parser title-cases SHOUTED names; keep the name as the line writes it.
        m = re.compile(re.escape(name), re.I).search(text, pos) or re.compile(re.escape(name), re.I).search(text)
        if m:
            r.creators.append((m.group(0), m.start(), m.end()))
            pos = m.end()
        else:
            r.creators.append((name, -1, -1))
    agencies = tuple(getattr(c, "agencies", ()) or ()) or ((c.agency,) if getattr(c, "agency", None) else ())
    r.agencies = agencies
    return r


def _agencies(reading: CreditReading) -> list[str]:
    return [a for a in reading.agencies if a.lower() not in NOT_AN_AGENCY]


def metadata_chain(facts: PhotoFacts) -> tuple[str, ...]:
    """The agency chain a credit built from metadata names: the IPTC Credit's
    first, else the source's, else the copyright holder's."""
    for _, agencies in facts.agency_sources:
        return agencies
    return ()


def metadata_credit(profile, facts: PhotoFacts) -> Optional[str]:
    return build_credit(profile, facts.creators, metadata_chain(facts))


# ---------------------------------------------------------------- the rules

def check(facts: PhotoFacts, profile, on=None) -> list[Violation]:
    # The credit rules read nothing but what facts.credit_key holds.
    memo = profile.compiled("credit.memo", lambda p: Memo())
    hit = memo.get(facts.credit_key)
    if hit is None:
        hit = memo.put(facts.credit_key, tuple(_check(facts, profile)))
    return list(hit)


def _check(facts: PhotoFacts, profile) -> list[Violation]:
    out: list[Violation] = []
    text = facts.credit_line.strip()
    if not text:
        if profile.enabled("credit.missing"):
            fix = metadata_credit(profile, facts)
            hint = f"; from the photo's metadata it would be \u201c{fix}\u201d" if fix else ""
            out.append(Violation("credit.missing", profile.severity("credit.missing"),
                                 f"No credit line{hint}", fix, "credit_line"))
        return out
    reading = read_credit(profile, text)
    for rid, fn in (("credit.format", _format), ("credit.creator_mismatch", _creators),
                    ("credit.agency_mismatch", _agency)):
        if profile.enabled(rid):
            v = fn(reading, facts, profile)
            if v is not None:
                out.append(v)
    return out


def _format(r: CreditReading, facts: PhotoFacts, profile) -> Optional[Violation]:
    sev = profile.severity("credit.format")
    pattern = profile.param("credit.format", "pattern")
    if r.pattern is not None:
        # In the pattern; is each agency written the house's way ("AP", not "Associated Press")?
        if r.agency_span and profile.param("credit.format", "agency_names"):
            s, e = r.agency_span
            written = r.text[s:e]
            pieces = re.split(r"(\s*/\s*|\s+via\s+)", written)
            renamed = [(p, p if i % 2 or p.lower() in NOT_AN_AGENCY else _display_agency(profile, p))
                       for i, p in enumerate(pieces)]
            changed = [(a, b) for a, b in renamed if a != b]
            if changed:
                fix = r.text[:s] + "".join(b for _, b in renamed) + r.text[e:]
                said = ", ".join(f"\u201c{a}\u201d as \u201c{b}\u201d" for a, b in changed)
                return Violation("credit.format", sev, f"House style writes {said}", fix, "credit_line")
        return None
    creators = _corrected_names(r, facts, profile)
    fix = build_credit(profile, creators, _agencies(r)) if (creators or _agencies(r)) else None
    if fix is None or fix == r.text:
        fix = metadata_credit(profile, facts)
    if fix == r.text:
        fix = None
    return Violation("credit.format", sev,
                     f"Credit \u201c{r.text}\u201d is not in the house pattern \u201c{pattern}\u201d", fix, "credit_line")


_ORDER = {"same": 0, "translit": 1, "case": 2, "accents": 3, "close": 4, "different": 5}


def _best_match(name: str, meta: list[str], close_at: int) -> tuple[str, str]:
    """(kind of difference, metadata name) for the metadata name closest to ``name``."""
    return min(((compare(name, m, close_at)[0], m) for m in meta), key=lambda km: _ORDER[km[0]])


def _corrected_names(r: CreditReading, facts: PhotoFacts, profile) -> list[str]:
    """The credit's people as the metadata spells them where they are the same
    person (case, accents, a near miss), else as the credit parser reads them,
    so a credit rebuilt in house style carries every certain correction."""
    close_at = profile.param("credit.creator_mismatch", "close_at")
    out = []
    for name in (n for n in r.names if is_person(n)):
        if facts.creators:
            kind, m = _best_match(name, facts.creators, close_at)
            if kind in ("case", "accents", "close") and not (kind == "case" and shouting(m)):
                name = m
        if shouting(name):
            from archive.articles.credit import fix_name_case
            name = fix_name_case(name)
        out.append(name)
    return out


def _creators(r: CreditReading, facts: PhotoFacts, profile) -> Optional[Violation]:
    meta = facts.creators
    named = [(n, s, e) for n, s, e in r.creators if is_person(n)]
    if not meta or not named or r.handout:
        return None
    close_at = profile.param("credit.creator_mismatch", "close_at")
    sev = profile.severity("credit.creator_mismatch")
    label = "By-line"
    parts: list[tuple[str, str]] = []       # (severity, message)
    edits: list[tuple[int, int, str]] = []
    certain = True
    matched: set[str] = set()
    for name, s, e in named:
        kind, m = _best_match(name, meta, close_at)
        if kind in ("same", "translit"):
            matched.add(m)
        elif kind == "case":
            matched.add(m)
            if not shouting(m):
                parts.append((milder(sev, "warning"),
                              f"Credit writes {name} but the photo's {label} is {m} (letter case only)"))
                edits.append((s, e, m))
        elif kind in ("accents", "close"):
            matched.add(m)
            why = " (accents differ)" if kind == "accents" else ""
            parts.append((sev, f"Credit names {name} but the photo's {label} is {m}{why}"))
            edits.append((s, e, m))
        else:
            others = _and(meta)
            parts.append((sev, f"Credit names {name} but the photo's {label} is {others}: "
                               "a different photographer (is this the right photo?)"))
            certain = False
    missing = [m for m in meta if m not in matched]
    if missing and not any(k for k in parts if "different photographer" in k[1]):
        parts.append((milder(sev, "warning"), f"The photo's {label} also names {_and(missing)}, "
                                              "whom the credit leaves out"))
    if not parts:
        return None
    severity = "error" if any(p[0] == "error" for p in parts) else (
        "warning" if any(p[0] == "warning" for p in parts) else "info")
    fix = None
    if certain:
        if missing:
            fix = build_credit(profile, meta, _agencies(r) or metadata_chain(facts)) if r.pattern else None
        elif r.pattern is None:
            # Off the house pattern: the same rebuilt credit credit.format offers.
            fix = build_credit(profile, _corrected_names(r, facts, profile), _agencies(r))
        elif all(s >= 0 for s, _, _ in edits):
            fix = r.text
            for s, e, new in sorted(edits, reverse=True):
                fix = fix[:s] + new + fix[e:]
    return Violation("credit.creator_mismatch", severity, "; ".join(p[1] for p in parts), fix, "credit_line")


def _and(names) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _agency(r: CreditReading, facts: PhotoFacts, profile) -> Optional[Violation]:
    if not facts.agencies:
        return None
    sev = profile.severity("credit.agency_mismatch")
    chain = metadata_chain(facts)
    said = facts.agency_sources[0][0]
    where = f"the photo's {said.label} is \u201c{said.value}\u201d"
    named = _agencies(r)
    if not named:
        if r.handout or r.staff or not r.creators:
            return None
        # "Photograph: Brendan Hoffman" for an agency picture: the agency is left out.
        if any(fold(a) in {fold(c) for c in r.names} for a in facts.agencies):
            return None
        fix = build_credit(profile, [n for n in r.names if is_person(n)], chain)
        return Violation("credit.agency_mismatch", milder(sev, "warning"),
                         f"Credit names no agency but {where}", fix if fix != r.text else None, "credit_line")
    if any(facts.names_agency(a) for a in named):
        return None
    if any(fold(a) in {fold(c) for c in facts.creators} for a in named):
        return None     # "Photograph: Brendan Hoffman/Brendan Hoffman" style self-credit
    if r.agency_span:
        fix = r.text[:r.agency_span[0]] + display_chain(profile, chain) + r.text[r.agency_span[1]:]
    else:
        fix = build_credit(profile, [n for n in r.names if is_person(n)], chain)
    return Violation("credit.agency_mismatch", sev,
                     f"Credit names {' / '.join(named)} but {where}", fix if fix != r.text else None,
                     "credit_line")
