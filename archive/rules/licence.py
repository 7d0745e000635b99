"""Licence rules and the reading of restriction text in a photo's own metadata.

The rules themselves are judged by :func:`archive.clearance.clearance` (which
knows the desk's licences and leases); this module declares them for profiles
and reads what agencies write in the instructions and usage terms:

- embargoes: "EMBARGOED UNTIL 00:01 GMT 19 December 2022", "Embargo:
  2022-12-19 00:01", "Not for publication before 22:00 BST on 3 May 2023",
  "HOLD FOR RELEASE UNTIL 19/12/2022" (numeric dates are day/month/year);
- "no archive" terms ("NO ARCHIVES", "not to be archived");
- "editorial use only";
- territories ("UK OUT", "NO UK", "not available ... to customers located in
  Finland", "not for use in France") and media ("no online use", "print only").

An embargo is judged by date, because ``--on`` is a publication date: on an
earlier day the photo is not cleared; on the day the embargo lifts at a time
other than midnight it is cleared only conditionally (do not publish before
that time); on a later day the embargo is over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache
from typing import Optional

from archive.rules.base import Param, RuleSpec

RULES = {
    "licence.missing": RuleSpec("licence.missing", "error", "The desk holds a licence or lease covering the photo."),
    "licence.expired": RuleSpec("licence.expired", "error", "The covering licence is valid on the publication date."),
    "licence.restricted": RuleSpec(
        "licence.restricted", "error",
        "Nothing forbids use on the date: embargo, deny lease, territory, medium, no-archive term.",
        params={
            "territory": Param("str", "", "where the desk publishes, as an ISO country code (GB)"),
            "media": Param("list", [], "what the desk publishes in: print, web, social, broadcast"),
            "forbid_editorial_only": Param("bool", False, "treat 'editorial use only' as a restriction"),
            "no_archive_days": Param("int", 7, "days after capture a 'no archive' photo may still be used"),
        }),
    "licence.over_quota": RuleSpec("licence.over_quota", "warning",
                                   "The licensor's quota for the period is not used up."),
}

_MONTHS = {m: i + 1 for i, m in enumerate((
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december"))}
_MONTHS.update({k[:3]: v for k, v in list(_MONTHS.items())})
_MONTHS["sept"] = 9

_ZONES = {"gmt": "UTC", "utc": "UTC", "z": "UTC", "bst": "Europe/London", "cet": "Europe/Paris",
          "cest": "Europe/Paris", "eet": "Europe/Kyiv", "eest": "Europe/Kyiv", "est": "America/New_York",
          "edt": "America/New_York", "et": "America/New_York", "pst": "America/Los_Angeles",
          "pdt": "America/Los_Angeles", "msk": "Europe/Moscow", "jst": "Asia/Tokyo",
          "aest": "Australia/Sydney", "aedt": "Australia/Sydney"}

_EMBARGO = re.compile(
    r"\b(?:embargo(?:ed)?(?:\s+(?:until|till|to|before))?|under\s+embargo\s+until|"
    r"not\s+(?:for|to\s+be)\s+(?:publication|published|release|released|use|used|broadcast)\s+(?:before|until|prior\s+to)|"
    r"hold(?:\s+for\s+release)?\s+until|do\s+not\s+(?:publish|use)\s+(?:before|until))\b\s*[:\-]?\s*",
    re.I)
_TIME = re.compile(
    r"\b(?:(?P<h>\d{1,2})[:.](?P<m>\d{2})(?:\s*(?P<ap>[ap]\.?m\.?))?|(?P<h2>\d{1,2})\s*(?P<ap2>[ap]\.?m\.?)|"
    r"(?P<mil>[0-2]\d[0-5]\d)(?=\s*(?:hrs|h|gmt|utc|bst|cet|cest|eet|est|edt)\b)|(?P<noon>midnight|noon|midday))"
    r"(?:\s*(?:hrs|h))?(?:\s*(?P<tz>GMT|UTC|BST|CET|CEST|EET|EEST|EST|EDT|ET|PST|PDT|MSK|JST|AEST|AEDT|Z)\b)?", re.I)
_ISO_DATE = re.compile(r"\b(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})")
_NUM_DATE = re.compile(r"\b(?P<d>\d{1,2})[/.](?P<mo>\d{1,2})[/.](?P<y>\d{2,4})\b")
_DAY_MONTH = re.compile(r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mo>[A-Za-z]{3,9})\.?,?(?:\s+(?P<y>\d{4}))?")
_MONTH_DAY = re.compile(r"\b(?P<mo>[A-Za-z]{3,9})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<y>\d{4}))?")


@dataclass(frozen=True)
class Embargo:
    text: str                       # the phrase as written
    day: Optional[date]             # None: an embargo whose date could not be read
    at: Optional[time] = None       # None: the whole day (lifts at its start)
    zone: Optional[str] = None      # as written: GMT, BST...

    def describe(self) -> str:
        if self.day is None:
            return f"an embargo (\u201c{self.text}\u201d) whose date could not be read"
        t = f"{self.at.strftime('%H:%M')}{' ' + self.zone if self.zone else ''} " if self.at else ""
        return f"{t}{self.day.day} {self.day.strftime('%B %Y')}"

    def judge(self, on: date) -> str:
        """'before' (still embargoed all day), 'lifts_today', or 'over'."""
        if self.day is None:
            return "unknown"
        if on < self.day:
            return "before"
        if on == self.day and self.at is not None and self.at != time(0, 0):
            return "lifts_today"
        return "over"


def _read_date(s: str, year_hint: Optional[int]) -> Optional[date]:
    for rx in (_ISO_DATE, _NUM_DATE, _DAY_MONTH, _MONTH_DAY):
        for m in rx.finditer(s):
            mo = m.group("mo")
            month = int(mo) if mo.isdigit() else _MONTHS.get(mo.lower().rstrip("."))
            if not month:
                continue
            y = m.group("y")
            year = int(y) if y else year_hint
            if year is None:
                continue
            if year < 100:
                year += 2000
            try:
                return date(year, month, int(m.group("d")))
            except ValueError:
                continue
    return None


def _read_time(s: str) -> tuple[Optional[time], Optional[str]]:
    for m in _TIME.finditer(s):
        if m.group("noon"):
            w = m.group("noon").lower()
            return (time(0, 0) if w == "midnight" else time(12, 0)), m.group("tz")
        if m.group("mil"):
            h, mi = int(m.group("mil")[:2]), int(m.group("mil")[2:])
        else:
            h = int(m.group("h") or m.group("h2"))
            mi = int(m.group("m") or 0)
            ap = (m.group("ap") or m.group("ap2") or "").replace(".", "").lower()
            if ap == "pm" and h < 12:
                h += 12
            elif ap == "am" and h == 12:
                h = 0
        if 0 <= h <= 24 and 0 <= mi < 60:
            return time(h % 24, mi), m.group("tz")
    return None, None


def find_embargo(text: Optional[str], year_hint: Optional[int] = None) -> Optional[Embargo]:
    """The embargo a text states, if any."""
    if not text:
        return None
    m = _EMBARGO.search(text)
    if not m:
        return None
    window = text[m.end():m.end() + 90]
    # Stop at the end of the sentence, but not at the dot of "00.01" or "19.12.2022".
    stop = re.search(r"\.(?=\s+[A-Z])|[;\n]", window)
    if stop:
        window = window[:stop.start()]
    # Numeric dates first, so "19.12.2022" is not read as the time 19:12.
    day = _read_date(window, year_hint)
    timetext = _NUM_DATE.sub(" ", _ISO_DATE.sub(" ", window))
    at, zone = _read_time(timetext)
    phrase = (text[m.start():m.end()] + window).strip(" .,;")
    return Embargo(phrase, day, at, zone.upper() if zone else None)


_NO_ARCHIVE = re.compile(r"\bno\s+archiv(?:e|es|ing|al)\b|\bnot\s+(?:for|to\s+be)\s+archiv(?:ed|ing|e)\b|"
                         r"\bdo\s+not\s+archive\b|\barchiving\s+(?:is\s+)?not\s+(?:allowed|permitted)\b", re.I)
_EDITORIAL = re.compile(r"\beditorial\s+(?:use\s+)?only\b|\bfor\s+editorial\s+use\b", re.I)
_TERRITORY = re.compile(
    r"\b(?:no\s+(?:use|sales?|publication|distribution)\s+in|not\s+(?:for\s+)?(?:use|sale|publication|distribution)\s+in|"
    r"not\s+available\b[^.]{0,60}?\b(?:in|to)|excluding|except\s+in|no)\s+(?:the\s+)?"
    r"(?-i:(?P<where>[A-Z][\w.\-]*(?:(?:\s+|\s*,\s*|\s+(?:and|or)\s+)[A-Z][\w.\-]*){0,5}))", re.I)
_OUT = re.compile(r"\b(?P<where>[A-Z][A-Z.]+(?:\s*(?:,|/|AND)\s*[A-Z][A-Z.]+)*)\s+OUT\b|\bOUT\s*:\s*(?P<where2>[^.;]+)")

_MEDIA_WORDS = {"online": "web", "web": "web", "internet": "web", "digital": "web", "website": "web",
                "print": "print", "printed": "print", "newspaper": "print", "social media": "social",
                "social": "social", "broadcast": "broadcast", "tv": "broadcast", "television": "broadcast"}
_MEDIA = "|".join(sorted((re.escape(k) for k in _MEDIA_WORDS), key=len, reverse=True))
_MEDIA_NO = re.compile(rf"\b(?:no|not\s+for)\s+(?P<m>{_MEDIA})(?:\s+(?:use|publication|distribution))?\b", re.I)
_MEDIA_ONLY = re.compile(rf"\b(?P<m>{_MEDIA})\s+(?:use\s+|publication\s+)?only\b|\bfor\s+(?P<m2>{_MEDIA})\s+only\b", re.I)

# Names agencies use for the countries they exclude, when the gazetteer is not asked.
COUNTRY_WORDS = {
    "uk": "GB", "u.k": "GB", "u.k.": "GB", "gb": "GB", "britain": "GB", "great britain": "GB",
    "united kingdom": "GB", "england": "GB", "scotland": "GB", "wales": "GB", "northern ireland": "GB",
    "us": "US", "u.s": "US", "u.s.": "US", "usa": "US", "u.s.a.": "US", "united states": "US", "america": "US",
    "ireland": "IE", "france": "FR", "germany": "DE", "italy": "IT", "spain": "ES", "finland": "FI",
    "sweden": "SE", "norway": "NO", "denmark": "DK", "netherlands": "NL", "holland": "NL",
    "belgium": "BE", "switzerland": "CH", "austria": "AT", "poland": "PL", "ukraine": "UA",
    "russia": "RU", "japan": "JP", "china": "CN", "canada": "CA", "australia": "AU",
    "new zealand": "NZ", "south africa": "ZA", "india": "IN", "brazil": "BR", "mexico": "MX",
    "portugal": "PT", "greece": "GR", "turkey": "TR", "israel": "IL",
}


@dataclass(frozen=True)
class Terms:
    """What a photo's instructions and usage terms restrict."""

    embargo: Optional[Embargo] = None
    no_archive: bool = False
    editorial_only: bool = False
    territories_out: tuple = ()        # ISO codes
    media_out: tuple = ()              # media forbidden
    media_only: tuple = ()             # the only media allowed


def _country_codes(where: str, resolve) -> list[str]:
    out = []
    for part in re.split(r"\s*(?:,|/|\band\b|\bor\b|\bAND\b|\bOR\b)\s*", where):
        key = part.strip(" .").lower()
        if not key:
            continue
        code = COUNTRY_WORDS.get(key) or COUNTRY_WORDS.get(key.rstrip("."))
        if code is None and resolve is not None:
            code = resolve(part.strip(" ."))
        if code and code not in out:
            out.append(code)
    return out


@lru_cache(maxsize=16384)
def read_terms(text: str, year_hint: Optional[int] = None, resolve=None) -> Terms:
    """Read restrictions from instructions / usage terms / licence restriction text.

    ``resolve(name) -> ISO code | None`` names countries the built-in table
    does not know (the gazetteer's).
    """
    if not text or not text.strip():
        return Terms()
    out: list[str] = []
    for m in _TERRITORY.finditer(text):
        out += _country_codes(m.group("where"), resolve)
    for m in _OUT.finditer(text):
        out += _country_codes(m.group("where") or m.group("where2") or "", resolve)
    media_out = {_MEDIA_WORDS[m.group("m").lower()] for m in _MEDIA_NO.finditer(text)}
    media_only = {_MEDIA_WORDS[(m.group("m") or m.group("m2")).lower()] for m in _MEDIA_ONLY.finditer(text)}
    return Terms(
        embargo=find_embargo(text, year_hint),
        no_archive=bool(_NO_ARCHIVE.search(text)),
        editorial_only=bool(_EDITORIAL.search(text)),
        territories_out=tuple(dict.fromkeys(out)),
        media_out=tuple(sorted(media_out)),
        media_only=tuple(sorted(media_only)),
    )


def embargo_instant(e: Embargo) -> Optional[datetime]:
    """When the embargo lifts, as an aware datetime when its zone is known."""
    if e.day is None:
        return None
    at = e.at or time(0, 0)
    dt = datetime.combine(e.day, at)
    if e.zone and e.zone.lower() in _ZONES:
        from zoneinfo import ZoneInfo

        dt = dt.replace(tzinfo=ZoneInfo(_ZONES[e.zone.lower()]))
    return dt
