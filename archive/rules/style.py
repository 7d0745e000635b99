"""Style rules: the house's spellings, clean whitespace and the house's quotes.

Each rule reports at most one violation per field, whose fix is the whole
field with every correction applied, so fixes never fight each other.

Spellings are profile data (``Kiev = "Kyiv"``), compiled once per profile into
one regex.  A match keeps the case it was written in ("KIEV" becomes "KYIV"),
and ``exceptions`` protect names that keep the old spelling ("Chicken Kiev").
"""

from __future__ import annotations

import re
from typing import Optional

from archive.rules.base import Memo, Param, RuleSpec, Violation

RULES = {
    "style.spelling": RuleSpec(
        "style.spelling", "warning", "Names and words are spelt the house's way.",
        params={"spellings": Param("dict", {}, "wrong = \"right\""),
                "exceptions": Param("list", [], "phrases left alone (\"Chicken Kiev\")"),
                "fields": Param("list", ["caption"], "fields checked")},
        fields=("caption",)),
    "style.whitespace": RuleSpec(
        "style.whitespace", "warning", "No doubled, leading, trailing or odd spaces and no line breaks.",
        params={"fields": Param("list", ["caption", "credit_line"])},
        fields=("caption", "credit_line")),
    "style.quotes": RuleSpec(
        "style.quotes", "info", "Quotation marks and apostrophes in the house style.",
        params={"style": Param("str", "curly", choices=("curly", "straight")),
                "fields": Param("list", ["caption", "credit_line"])},
        fields=("caption", "credit_line")),
}

_FIELD_NAMES = {"caption": "Caption", "credit_line": "Credit"}


def check(facts, profile, on=None) -> list[Violation]:
    # Each rule reads one field's text and the profile, nothing else, so the
    # verdicts on a field's text are kept (agency captions and credit lines
    # repeat across a shoot).
    plan = profile.compiled("style.plan", _Plan)
    memo = profile.compiled("style.memo", lambda p: Memo())
    verdicts = {}
    for fld, rules in plan.by_field.items():
        text = facts.record.get(fld) or ""
        if not text.strip():
            continue
        key = (fld, text)
        hit = memo.get(key)
        if hit is None:
            hit = memo.put(key, {rid: fn(text, fld, profile) for rid, fn in rules})
        verdicts[fld] = hit
    return [v for rid, fld in plan.order if (v := verdicts.get(fld, {}).get(rid)) is not None]


class _Plan:
    """The profile's enabled style rules: which run on each field, and the order
    their violations are reported in (rule by rule, field by field)."""

    def __init__(self, profile):
        self.order: list[tuple[str, str]] = []
        self.by_field: dict[str, list] = {}
        for rid, fn in _RULES:
            if profile.enabled(rid):
                for fld in profile.param(rid, "fields"):
                    self.order.append((rid, fld))
                    self.by_field.setdefault(fld, []).append((rid, fn))


# ---------------------------------------------------------------- spelling

class _Speller:
    def __init__(self, spellings: dict, exceptions: list):
        self.table = {k.casefold(): v for k, v in spellings.items() if k and v and k != v}
        words = sorted(self.table, key=len, reverse=True)
        self.rx = re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in words) + r")(?![\w-])",
                             re.I) if words else None
        self.exceptions = [re.compile(re.escape(e), re.I) for e in exceptions if e]

    def correct(self, text: str) -> tuple[str, list[tuple[str, str]]]:
        if self.rx is None or not self.rx.search(text):
            return text, []
        protected = [m.span() for e in self.exceptions for m in e.finditer(text)]
        changes: list[tuple[str, str]] = []

        def repl(m):
            if any(s <= m.start() and m.end() <= e for s, e in protected):
                return m.group(0)
            wrong = m.group(0)
            right = _same_case(wrong, self.table[wrong.casefold()])
            if right != wrong and (wrong, right) not in changes:
                changes.append((wrong, right))
            return right
        return self.rx.sub(repl, text), changes


def _same_case(model: str, word: str) -> str:
    # "KIEV" -> "KYIV"; otherwise the house spelling decides the case.
    if model.isupper() and len(model) > 1:
        return word.upper()
    return word


def _spelling(text: str, fld: str, profile) -> Optional[Violation]:
    sp = profile.compiled("style.speller", lambda p: _Speller(p.param("style.spelling", "spellings"),
                                                             p.param("style.spelling", "exceptions")))
    fixed, changes = sp.correct(text)
    if not changes:
        return None
    said = ", ".join(f"\u201c{w}\u201d as \u201c{r}\u201d" for w, r in changes)
    return Violation("style.spelling", profile.severity("style.spelling"),
                     f"House style spells {said}", fixed, fld)


# ---------------------------------------------------------------- whitespace

_ODD_SPACE = re.compile(r"[\t\r\n\u00a0\u2000-\u200b\u202f\u205f\u3000]")
_DOUBLE = re.compile(r" {2,}")
_BEFORE_PUNCT = re.compile(r"(?<=\w) +(?=[,.;:!?](?:\s|$))")


def fold_whitespace(text: str) -> str:
    t = _ODD_SPACE.sub(" ", text)
    t = _DOUBLE.sub(" ", t).strip()
    return _BEFORE_PUNCT.sub("", t)


_ANY_BAD = re.compile(r"[\t\r\n\u00a0\u2000-\u200b\u202f\u205f\u3000]|  |^\s|\s$|\w +[,.;:!?](?:\s|$)")


def _whitespace(text: str, fld: str, profile) -> Optional[Violation]:
    if not _ANY_BAD.search(text):
        return None
    fixed = fold_whitespace(text)
    if fixed == text:
        return None
    what = []
    if _ODD_SPACE.search(text):
        what.append("line breaks, tabs or special spaces" if re.search(r"[\r\n\t]", text) else "special spaces")
    if _DOUBLE.search(_ODD_SPACE.sub(" ", text).strip()):
        what.append("doubled spaces")
    if text != text.strip():
        what.append("leading or trailing space")
    if _BEFORE_PUNCT.search(_DOUBLE.sub(" ", _ODD_SPACE.sub(" ", text))):
        what.append("a space before punctuation")
    return Violation("style.whitespace", profile.severity("style.whitespace"),
                     f"{_FIELD_NAMES[fld]} has {', '.join(what) or 'stray whitespace'}", fixed, fld)


# ---------------------------------------------------------------- quotes

_OPENERS = " \t\n([{\u2014\u2013-/"


def curl(text: str) -> str:
    """Straight quotes and apostrophes to typographic ones."""
    out = []
    for i, c in enumerate(text):
        prev = text[i - 1] if i else ""
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if c == '"':
            out.append("\u201c" if (not prev or prev in _OPENERS or prev in "\u2018\u201c") else "\u201d")
        elif c == "'":
            if prev and (prev.isalnum() or prev in ".,!?") and not (nxt.isalnum() and not prev.isalnum()):
                out.append("\u2019")            # apostrophe or closing: England's, players'
            elif (not prev or prev in _OPENERS or prev in "\u201c") and re.match(r"\d\ds\b|\d\d\b", text[i + 1:i + 4]):
                out.append("\u2019")            # '90s, '22
            elif not prev or prev in _OPENERS or prev in "\u201c":
                out.append("\u2018")
            else:
                out.append("\u2019")
        else:
            out.append(c)
    return "".join(out)


def straighten(text: str) -> str:
    return text.translate({0x201C: '"', 0x201D: '"', 0x2018: "'", 0x2019: "'"})


def _quotes(text: str, fld: str, profile) -> Optional[Violation]:
    style = profile.param("style.quotes", "style")
    if style == "curly":
        if '"' not in text and "'" not in text:
            return None
        fixed = curl(text)
        what = "straight quotes or apostrophes; house style curls them"
    else:
        fixed = straighten(text)
        what = "curly quotes or apostrophes; house style keeps them straight"
    if fixed == text:
        return None
    return Violation("style.quotes", profile.severity("style.quotes"), f"{_FIELD_NAMES[fld]} has {what}",
                     fixed, fld)


_RULES = (("style.spelling", _spelling), ("style.whitespace", _whitespace), ("style.quotes", _quotes))
