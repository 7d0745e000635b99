"""Credit lines: who made a picture and who supplies it.

A caption ends in a credit line ("Photograph: Laura Boushnak/The New York
Times"); agencies write their own ("(AP Photo/Efrem Lukatsky)", "REUTERS/Gleb
Garanich", "Mandatory Credit: Photo by Jose Breton/NurPhoto/Shutterstock
(16507315bs)").  The matcher compares the creators with the photo's by-line and
the rules compare the agency with its credit field, so both must come out
clean: person names in a person's case, agencies in their canonical form.

How a line is read: an optional label gives the kind; the rest splits into
segments at "/", " via ", "#", " - ", ";" and ","; each segment is a person, an
organisation (known agency, publication or any name with an organisation word
such as "Ministry", "Press", "Images") or a token with no name in it (Handout,
Pool, Stringer...).  Persons become ``creators``; organisations, in order, the
``agencies`` (canonical names, originator first, the principal last); ``agency``
is the chain as the line credits it ("Pool/AFP via Getty Images", "PA Wire").

Decisions worth knowing:
 - An organisation that made the picture ("Photograph: Ministry of Defence/PA")
   is not a creator: creators are empty and the chain is ("Ministry of
   Defence", "PA").  ``handout`` is set when a handout token appears or an
   organisation carries a handout-issuer word (Ministry, Police, Presidential...).
 - A single word is taken as an organisation ("Photograph: Netflix"); bylines
   of one name are rare and organisations of one word are not.  After the
   agency of "AP Photo/" or "AFP PHOTO /" a word is a name ("AP Photo/LIBKOS").
 - After a person, a name after "/", "via" or " - " is an agency, known to the
   table or not: "Mette Jørgensen/Ritzau Scanpix" credits one photographer.
 - A wire that credits itself first ("EPA-EFE/UKRAINIAN PRESIDENTIAL PRESS
   SERVICE") distributes what follows: it is the last member.
 - "Name for the Guardian" and "Name/The Guardian" are staff; "Name for <known
   publication>" puts that publication in the chain; "Getty Images for <brand>"
   drops the brand (a client, not a supplier).
 - SHOUTED and lowercase person names are title-cased (McX, O'X, D'X, hyphens,
   lowercase van/de/der particles); "Mac" names cannot be told from "Mack" and
   are left as "Macleod".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archive.articles.agencies import (
    is_house, load_agency_data, lookup_agency, normalise_key, slashed_names, tidy_name)

KINDS = ("Photograph", "Photo", "Picture", "Composite", "Illustration",
         "Video still", "Screengrab", "Handout")


@dataclass(frozen=True)
class Credit:
    """One credit line, read.  ``agency`` is the agency chain as the line credits
    it ("Pool/AFP via Getty Images", "PA Wire") or None; ``agencies`` its
    members, each resolved to its canonical name, originator first."""

    kind: str | None = None
    creators: tuple[str, ...] = ()
    agency: str | None = None
    agencies: tuple[str, ...] = ()
    staff: bool = False
    handout: bool = False
    raw: str = ""
    pool: bool = False                # a pool picture ("Pool/Getty Images")
    reference: str | None = None      # supplier's reference: "(16507315bs)"
    see_caption: bool = False         # "(Credit too long, see caption)"

    def to_dict(self) -> dict:
        return {"kind": self.kind, "creators": list(self.creators), "agency": self.agency,
                "agencies": list(self.agencies), "pool": self.pool, "handout": self.handout,
                "staff": self.staff}

    @property
    def empty(self) -> bool:
        return not (self.creators or self.agencies or self.handout or self.see_caption)


# --- cleaning a segment -----------------------------------------------------

_SEE_CAPTION = re.compile(r"\(?\s*credit too long,?\s*see caption\s*\)?\.?", re.I)
_REFERENCE = re.compile(r"\s*\((\d{5,}[a-z]{0,3})\)\s*$", re.I)
_COPYRIGHT = re.compile(
    r"^(?:(?:\u00a9|\(c\)|copyright(?:\s+of)?|\d{4}(?:\s*[-\u2013]\s*\d{4})?)\s*[:.,]?\s*)+",
    re.I)
_RESERVED = re.compile(r"[\s.,]*all rights reserved\.?\s*$", re.I)
_COURTESY = re.compile(
    r"^(?:((?:photo|photograph|image|picture)s?)\s+)?(?:courtesy(?:\s+of)?|provided\s+by|supplied\s+by)"
    r"(\s+the)?\s+", re.I)
_SLASH = re.compile(r"\s*/\s*")
_KEPT_SLASH = "\u2215"      # stands in for the slash inside an agency's own name while splitting
_SEPARATORS = re.compile(
    r"(\s*(?:/|#|;|,|\s[-\u2013\u2014]\s|(?<![\w])via(?![\w])|\|)\s*)", re.I)
# Secondary credits after the picture's own: ". Food styling: Aya Nishimura".
# What a copied web page leaves after the credit ("Purchase Licensing Rights" at Reuters).
_PAGE_JUNK = re.compile(r"\s*\bPurchase Licensing Rights\b(?:,? opens new tab)?\s*$", re.I)
# Use terms an agency appends: EPA's "HANDOUT EDITORIAL USE ONLY/NO SALES".
_RESTRICTIONS = re.compile(
    r"(?:[\s/,;.-]*\b(?:editorial use only|no sales|no archives?|no resales|not for sale)\b)+[\s/,;.-]*$",
    re.I)
_HANDOUT_SUFFIX = re.compile(r"(?:\s+(?:handout|ho))+$", re.I)
_ROLES = re.compile(r"(?:\.\s+[A-Z][A-Za-z]*(?: (?:and )?[a-z]+){0,3}:\s+[^.:/]+)+\.?$")
_SEGMENT_PUNCTUATION = " \t!?*|:;,.~_-\u2013\u2014"
_FOR = re.compile(r"^(.+?)\s+for\s+(.+)$", re.I)
_AND = re.compile(r"\s+(?:and|&)\s+", re.I)
_NAME_WORD = re.compile(r"^(?:[^\W\d_]\.?|[^\W\d_][^\W\d_'\u2019\-.]*(?:['\u2019\-][^\W\d_]+)*\.?)$")
PARTICLES = {"van", "von", "der", "den", "de", "del", "della", "la", "le", "du", "da",
             "di", "dos", "das", "ter", "ten", "bin", "al", "el"}


def _strip_copyright(text: str) -> str:
    text = _RESERVED.sub("", text.replace("\u00a9", " \u00a9 ").strip())
    return _COPYRIGHT.sub("", text.strip()).strip(" .,:;")


def fix_name_case(name: str) -> str:
    """Title-case a SHOUTED or lowercase person name; leave mixed case alone."""
    letters = [c for c in name if c.isalpha()]
    if not letters or not (name.isupper() or name.islower()):
        return name
    words = name.split()
    out = []
    for i, word in enumerate(words):
        if 0 < i < len(words) - 1 and word.lower() in PARTICLES:
            out.append(word.lower())
        else:
            out.append("-".join(_cap_part(p) for p in word.split("-")))
    return " ".join(out)


def _cap_part(part: str) -> str:
    low = part.lower()
    m = re.match(r"^([a-z])['\u2019](\w+)$", low)
    if m:  # O'Reilly, D'Alessandro
        return f"{m.group(1).upper()}{part[1]}{m.group(2).capitalize()}"
    if low.startswith("mc") and len(low) > 3:
        return "Mc" + low[2:].capitalize()
    return low[:1].upper() + low[1:]


def _is_organisation(seg: str) -> bool:
    data = load_agency_data()
    words = [w.strip(".,()'\u2019").casefold() for w in seg.split()]
    if any(w in data.organisation_words for w in words):
        return True
    if len(words) == 1 or words[0] == "the":
        return True
    return bool(re.search(r"\d|&|@|\.com|\.\w{2,}", seg))


def _is_person(seg: str) -> bool:
    words = seg.split()
    if not 2 <= len(words) <= 6 or not all(_NAME_WORD.match(w) for w in words):
        return False
    if seg.islower() or seg.isupper():
        return True
    return all(w[0].isupper() or w.lower() in PARTICLES for w in words)


# --- reading a whole line ---------------------------------------------------

@dataclass
class _Item:
    """One name in a credit line: its role, as written, as resolved, and the
    separator written before it ("/", " via ", " for "...)."""

    role: str          # "person" | "agency" | "handout" | "pool" | "junk"
    written: str
    name: str
    sep: str = ""


_CHAIN_ROLES = ("agency", "handout", "pool")
_NAME_AGENCY_SEPS = ("/", " via ", " - ")


def _sep(text: str) -> str:
    """A separator as the chain shows it: "/", " via ", ", "..."""
    s = text.strip().casefold()
    if "via" in s:
        return " via "
    if "/" in s or "#" in s:
        return "/"
    for mark, shown in ((";", "; "), (",", ", "), ("|", " | ")):
        if mark in s:
            return shown
    return " - " if s else " "


_WIRES = frozenset({"Reuters", "EPA", "AP", "AFP"})
_DISTRIBUTORS = frozenset({"Getty Images", "Shutterstock", "Alamy", "ZUMA Press", "Sipa", "Abaca",
                           "Polaris", "Redux", "Eyevine", "Camera Press", "NurPhoto", "Anadolu"})


def _shouted(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


class _Reading:
    """The parts of one credit line as segments are read, in order."""

    def __init__(self) -> None:
        self.kind: str | None = None
        self.items: list[_Item] = []
        self.handout = False
        self.pool = False
        self.sep = ""
        self.ap_style = False     # "AP Photo/Name": what follows the agency is a person
        self.wire_last = False    # "EPA-EFE/PRESS SERVICE": the wire distributes, goes last

    def _add(self, role: str, written: str, name: str) -> None:
        self.items.append(_Item(role, " ".join(written.split()), name, self.sep))
        self.sep = " "

    def add_agency(self, name: str, written: str | None = None) -> None:
        data = load_agency_data()
        words = {w.strip(".,").casefold() for w in name.split()}
        if words & data.handout_words:
            self.handout = True
        if "pool" in words:
            self.pool = True
        self._add("agency", written or name, name)

    def add_creator(self, name: str) -> None:
        self._add("person", name, fix_name_case(name))

    def read(self, seg: str, sep: str = "") -> None:
        self.sep = sep
        seg = _strip_copyright(seg)
        m = _COURTESY.match(seg)
        if m:
            self.handout = True
            if m.group(1) and self.kind is None:
                self.kind = "Photo"
            seg = seg[m.end():]
            if m.group(2) and seg:        # "Courtesy of the White House": an organisation
                self.add_agency(lookup_agency(seg) or tidy_name(seg), seg)
                return
        if not seg:
            return
        data = load_agency_data()
        key = normalise_key(seg)
        if key in data.handout_tokens:
            self.handout = True
            self._add("handout", seg, seg)
            return
        if key in data.pool_tokens:
            self.pool = True
            self._add("pool", seg, seg)
            return
        if key in data.junk_tokens:
            self._add("junk", seg, seg)
            return
        suffix = _HANDOUT_SUFFIX.search(seg)
        if suffix and suffix.start() > 0:
            # "UKRAINIAN PRESIDENTIAL PRESS SERVICE HANDOUT" (EPA)
            self.handout = True
            seg, key = seg[:suffix.start()], normalise_key(seg[:suffix.start()])
        known = lookup_agency(seg)
        if known:
            if key == normalise_key(known) + " photo":
                # "AP Photo/Name": the kind, the agency, and a person after it
                self.kind = self.kind or "Photo"
                self.ap_style = not self.items
                self.add_agency(known, seg[:-len("photo")].strip())
                return
            self.add_agency(known, seg)
            return
        if self._read_for(seg) or self._read_trailing_agency(seg):
            return
        parts = _AND.split(seg)
        if len(parts) > 1 and all(_is_person(p) for p in parts):
            for i, part in enumerate(parts):
                if i:
                    self.sep = " and "
                self.add_creator(part)
        elif self.ap_style and _NAME_WORD.match(seg.split()[0]) and len(seg.split()) <= 4 \
                and not any(i.role == "person" for i in self.items):
            self.add_creator(seg)       # "AP Photo/LIBKOS": one word is a name here
        elif not _is_organisation(seg) and _is_person(seg):
            self.add_creator(seg)
        else:
            self.add_agency(tidy_name(seg), seg)

    def _read_for(self, seg: str) -> bool:
        """"Name for the Guardian", "Name for The New York Times",
        "Getty Images for Brand"."""
        m = _FOR.match(seg)
        if not m:
            return False
        left, right = m.group(1), m.group(2).strip(" .")
        bare = re.sub(r"^the\s+", "", right, flags=re.I)
        publication = (lookup_agency(right) or lookup_agency(bare) or lookup_agency("The " + bare)
                       or _truncated_house(bare))
        if publication:
            self.read(left, self.sep)
            self.sep = " for "
            self.add_agency(publication, right)
            return True
        supplier = lookup_agency(left)
        if supplier:
            self.add_agency(supplier, seg)
            return True
        return False

    def _read_trailing_agency(self, seg: str) -> bool:
        """"Gleb Garanich REUTERS": an agency written after a name, no separator."""
        head, _, last = seg.rpartition(" ")
        if not head:
            return False
        known = lookup_agency(last)
        if not known or not (last.isupper() or known == "Reuters"):
            return False
        self.read(head, self.sep)
        self.sep = " "
        self.add_agency(known, last)
        return True

    def settle(self) -> None:
        """After a person, a name after "/" (or "via") is an agency, known or
        not: "Mette Jørgensen/Ritzau Scanpix" names one photographer."""
        seen_person = False
        for item in self.items:
            if item.role != "person":
                continue
            if seen_person and item.sep in _NAME_AGENCY_SEPS:
                item.role, item.name = "agency", tidy_name(item.written)
            else:
                seen_person = True

    def wire_first(self) -> None:
        """"EPA-EFE/UKRAINIAN PRESIDENTIAL PRESS SERVICE": a wire that credits
        itself first distributes what follows; the members list the originator
        first, so the wire goes last."""
        agencies = [i for i in self.items if i.role == "agency"]
        if len(agencies) < 2 or self.items[0] is not agencies[0]:
            return
        wire, rest = agencies[0], agencies[1:]
        if wire.name not in _WIRES or not (self.ap_style or _shouted(wire.written)):
            return
        self.wire_last = all(_shouted(a.written) and a.name not in _DISTRIBUTORS for a in rest)

    @property
    def creators(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(i.name for i in self.items if i.role == "person"))

    @property
    def agencies(self) -> tuple[str, ...]:
        names = list(dict.fromkeys(i.name for i in self.items if i.role == "agency"))
        if self.wire_last:
            names.append(names.pop(0))
        return tuple(names)

    def chain(self) -> str | None:
        """The agency chain as the line credits it ("Pool/AFP via Getty Images")."""
        last = max((n for n, i in enumerate(self.items) if i.role == "agency"), default=None)
        if last is None:
            return None
        first = next(n for n, i in enumerate(self.items) if i.role in _CHAIN_ROLES)
        out: list[str] = []
        seen: set[str] = set()
        for item in self.items[first:last + 1]:
            key = normalise_key(item.written)
            if item.role not in _CHAIN_ROLES or key in seen:
                continue
            seen.add(key)
            sep = item.sep if item.sep in (" for ", " ") else _sep(item.sep)
            out.append((sep if out else "") + item.written)
        return "".join(out)


def _truncated_house(text: str) -> str | None:
    """"the Gua" -> The Guardian: old cameras cut the by-line field short."""
    word = text.strip(" .").casefold()
    if not word:
        return None
    for name in load_agency_data().truncated_house:
        bare = name.casefold().removeprefix("the ")
        if bare.startswith(word):
            return name
    return None


_LABEL = re.compile(r"^\(?\s*([A-Za-z][A-Za-z ]{0,24}?)\s*:\s*|^\(?\s*([A-Za-z][A-Za-z ]{0,24}?\bby)\s+")


def _take_label(text: str) -> tuple[str | None, str, bool]:
    """Strip the leading labels ("Mandatory Credit: Photo by"); return the kind."""
    kind, found = None, False
    labels = load_agency_data().kind_labels
    for _ in range(3):
        m = _LABEL.match(text)
        if not m:
            break
        key = normalise_key(m.group(1) or m.group(2))
        if key not in labels:
            break
        found = True
        kind = kind or labels[key]
        text = text[m.end():]
    return kind, text, found


def parse_credit(text: str | None) -> Credit:
    """Read one credit line into kind, creators and the agency chain."""
    raw = text or ""
    line = " ".join(raw.split()).strip()
    if _SEE_CAPTION.fullmatch(line):
        return Credit(raw=raw, see_caption=True)
    line = _RESTRICTIONS.sub("", _PAGE_JUNK.sub("", line))
    line, reference = _split_reference(line)
    if line.startswith("(") and line.endswith(")"):
        line = line[1:-1].strip()
    kind, line, _ = _take_label(line)
    line = _ROLES.sub("", line)
    reading = _Reading()
    reading.kind = kind
    slashed = slashed_names()
    if slashed is not None:
        # "Serhii Nuzhnenko/RFE/RL": the agency's own slash is not a separator.
        line = slashed.sub(lambda m: _SLASH.sub(_KEPT_SLASH, m.group(0)), line)
    parts = _SEPARATORS.split(line.rstrip(" ."))
    sep = ""
    for i, seg in enumerate(parts):
        if i % 2:
            sep += seg
            continue
        seg = (seg or "").strip(_SEGMENT_PUNCTUATION).replace(_KEPT_SLASH, "/")
        if seg:
            reading.read(seg, sep)
            sep = ""
    reading.settle()
    reading.wire_first()
    agencies = reading.agencies
    return Credit(
        kind=reading.kind, creators=reading.creators,
        agency=reading.chain(), agencies=agencies,
        staff=any(is_house(a) for a in agencies), handout=reading.handout,
        raw=raw, pool=reading.pool, reference=reference)


def _split_reference(line: str) -> tuple[str, str | None]:
    m = _REFERENCE.search(line)
    if not m:
        return line, None
    return line[:m.start()].rstrip(), m.group(1)


# --- finding the credit at the end of a caption ------------------------------

_LABEL_AT = re.compile(
    r"(?:^|(?<=[\s(\[]))\(?(?:Mandatory [Cc]redit|MANDATORY CREDIT|Photograph(?:s|y)?|"
    r"PHOTOGRAPH|Photo(?:s)?|PHOTO|Picture(?:s)?|PICTURE|Pic|Composite|COMPOSITE|"
    r"Illustration(?:s)?|ILLUSTRATION|Video (?:still|grab)s?|VIDEO STILL|Screen ?(?:grab|shot)s?|"
    r"Screengrab|SCREENGRAB|Handout(?: photo)?|HANDOUT|Graphic|Credit|CREDIT|"
    r"(?:Photo|Picture|Image) credit|Image)(?:\s*:|\s+by\s)")
_PAREN_END = re.compile(r"\(([^()]{2,200})\)\s*[.\]]?\s*$")
_SENTENCE_BREAK = re.compile(r"[.!?\u2026][\"'\u201d\u2019]?\s+\S+\s+[a-z]")
_MAX_CREDIT = 220


def _credible(credit_text: str) -> bool:
    if len(credit_text) > _MAX_CREDIT or "\n\n" in credit_text:
        return False
    credit = parse_credit(credit_text)
    if credit.creators or credit.handout or credit.see_caption:
        return True
    # an organisation must at least be written as a name ("Photo: none" is prose,
    # and so is the headline "Photos: Ukraine marks a year of war")
    return any(lookup_agency(a) or (a[:1].isupper() or a[:1].isdigit()) and _written_as_name(a)
               for a in credit.agencies)


_CONNECTORS = PARTICLES | {"of", "the", "and", "for", "y", "et", "und", "&", "on", "du"}


def _written_as_name(name: str) -> bool:
    """"Ministry of Defence of Ukraine", "Sky News": a name's words are
    capitalised but for its connectors; a sentence's are not."""
    words = name.split()
    return len(words) <= 8 and all(
        w[:1].isupper() or w[:1].isdigit() or w.casefold() in _CONNECTORS or not w[:1].isalpha()
        for w in words)


def find_credit(paragraph: str) -> tuple[str, str] | None:
    """Split a caption paragraph into (caption_text, credit_line) when it ends in
    a credit line; None for an ordinary paragraph.  A paragraph that is only a
    credit line comes back as ("", credit_line)."""
    text = _PAGE_JUNK.sub("", paragraph.rstrip())
    if not text:
        return None
    for finder in (_parenthesised, _labelled, _agency_style, _for_style, _standalone):
        start = finder(text)
        if start is not None:
            return _without_second_credit(text[:start].rstrip()), text[start:].strip()
    return None


def _without_second_credit(caption: str) -> str:
    """Getty's captions of agency pictures keep the agency's own credit before
    theirs: "... (Photo by Sergei SUPINSKY / AFP) (Photo by SERGEI SUPINSKY/AFP
    via Getty Images)"; the caption is the text before both."""
    for _ in range(3):
        start = _parenthesised(caption)
        if start is None or start == 0:
            break
        caption = caption[:start].rstrip()
    return caption


def is_credit_line(line: str) -> bool:
    """True when a line holds a credit and nothing else (the web's layout: the
    credit on its own line under the caption)."""
    found = find_credit(line)
    return found is not None and not found[0]


def _for_style(text: str) -> int | None:
    """"... on Oct. 12. Heidi Levine for The Washington Post": a photographer
    for a known publication as the caption's last sentence."""
    starts = [m.end() for m in _BOUNDARY.finditer(text)]
    start = starts[-1] if starts else 0
    tail = text[start:].strip().strip("()")
    m = _FOR.match(tail)
    if not m or len(tail) > 120 or tail.startswith(("By ", "by ")):
        return None
    credit = parse_credit(tail)
    if credit.creators and credit.agencies and all(_is_person(c) for c in m.group(1).split(" and ")) \
            and lookup_agency(credit.agencies[-1]):
        return start + (len(text[start:]) - len(text[start:].lstrip()))
    return None


def _standalone(text: str) -> int | None:
    """A whole line that is "Name/Agency" (the agency known or not), e.g.
    "Mette Jørgensen/Ritzau Scanpix" standing alone under its caption."""
    line = text.strip()
    if len(line) > 120 or "/" not in line or _BOUNDARY.search(line) or line.startswith(("By ", "by ")):
        return None
    if not re.fullmatch(r"[\w\s/.'\u2019&,\-\u2013()]+", line):
        return None
    for word in re.split(r"[\s/]+", line.strip("()")):
        if word and not (word[:1].isupper() or word[:1].isdigit() or word in _CONNECTORS | {"via"}):
            return None
    credit = parse_credit(line)
    if credit.creators and credit.agencies:
        return 0
    return None


def _labelled(text: str) -> int | None:
    """"... on Saturday. Photograph: Name/Agency"; the earliest label whose
    tail is a credit and no more sentences."""
    window = max(0, len(text) - _MAX_CREDIT - 30)
    for m in _LABEL_AT.finditer(text, window):
        tail = text[m.start():]
        after = _ROLES.sub("", tail[m.end() - m.start():])
        if "\n" in after.strip() or _SENTENCE_BREAK.search(after):
            continue
        if _credible(tail):
            return m.start()
    return None


def _parenthesised(text: str) -> int | None:
    """"(AP Photo/Name)", "(Reuters/Name)", "(Name/AFP via Getty Images)"."""
    m = _PAREN_END.search(text)
    if not m:
        return None
    inner = m.group(1).strip()
    if re.match(r"^[A-Z][\w.\- ]{0,30} Photo\b", inner) or _agency_tail(inner) \
            or _for_style(inner) == 0 or _labelled(inner) == 0:
        return m.start()
    return None


def _agency_tail(tail: str) -> bool:
    """A bare chain such as "REUTERS/Gleb Garanich" or "Name/AFP via Getty Images":
    short, only names, separated by "/" or " via ", and naming a known agency."""
    if len(tail) > 120 or not re.search(r"/|\svia\s", tail):
        return False
    if not re.fullmatch(r"[\w\s/.'\u2019&,\-\u2013]+", tail):
        return False
    for word in re.split(r"[\s/]+", tail):
        if word and word[0].islower() and word not in PARTICLES | {"via", "for", "the"}:
            return False
    credit = parse_credit(tail)
    return any(lookup_agency(a) for a in credit.agencies)


_BOUNDARY = re.compile(r"(?:[.!?\u2026][\"'\u201d\u2019)]?\s+|\n)")
_CAPS_AGENCY = re.compile(r"\b[A-Z]{2,}(?:[ -][A-Z]{2,})*/")


def _agency_style(text: str) -> int | None:
    starts = [m.end() for m in _BOUNDARY.finditer(text)]
    last = starts[-1] if starts else 0
    candidates = [last] + [m.start() for m in _CAPS_AGENCY.finditer(text, last)]
    for start in candidates:
        if _agency_tail(text[start:].strip()):
            return start
    return None
