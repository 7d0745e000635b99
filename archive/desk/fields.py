"""The fields a person edits, with the words a front end shows for them.

Both the window's editor and the command line's ``edit`` options are made from
this one list, so a new editable field appears in both."""

from __future__ import annotations

from dataclasses import dataclass

from archive.edit import EDITABLE, LIST_FIELDS


@dataclass(frozen=True)
class FieldInfo:
    name: str            # the record's key
    label: str           # as a form shows it
    help: str            # one line for a tooltip or --help
    is_list: bool        # several values (photographers, keywords)
    singular: str        # one value of a list field ("keyword"), else the label
    option: str          # the command line's option (DESIGN: --creator, --keyword, --credit-line)


_WORDS = {
    "caption": ("Caption", "the caption"),
    "credit_line": ("Credit line", 'the credit line, e.g. "Photograph: Name/Agency"'),
    "creator": ("Photographer", "a photographer (repeat for several)"),
    "creator_title": ("Photographer's title", "the photographer's job title"),
    "credit": ("Credit (agency)", "IPTC Credit (the agency)"),
    "source": ("Source", "IPTC Source"),
    "copyright": ("Copyright", "the copyright notice"),
    "headline": ("Headline", "the headline"),
    "title": ("Title", "the title"),
    "keywords": ("Keywords", "a keyword (repeat for several)"),
    "city": ("City", "the city"),
    "sublocation": ("Sublocation", "the sublocation"),
    "state": ("State / province", "the state or province"),
    "country": ("Country", "the country"),
    "country_code": ("Country code", "the ISO country code"),
    "instructions": ("Instructions", "special instructions (embargoes, restrictions)"),
    "usage_terms": ("Usage terms", "rights usage terms"),
}
_ORDER = ("caption", "credit_line", "creator", "creator_title", "credit", "source", "copyright", "headline",
          "title", "keywords", "city", "sublocation", "state", "country", "country_code", "instructions",
          "usage_terms")

FIELDS: tuple[FieldInfo, ...] = tuple(
    FieldInfo(name, _WORDS[name][0], _WORDS[name][1], name in LIST_FIELDS,
              {"creator": "photographer", "keywords": "keyword"}.get(name, _WORDS[name][0].lower()),
              "--" + {"keywords": "keyword"}.get(name, name).replace("_", "-"))
    for name in _ORDER)

assert {f.name for f in FIELDS} == set(EDITABLE), "every editable field has its words"
BY_NAME = {f.name: f for f in FIELDS}
