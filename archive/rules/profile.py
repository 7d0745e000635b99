"""House-style profiles: which rules a desk runs, how severe, with what settings.

A profile is a TOML file, ``resources/rules/NAME.toml`` for the ones that ship
and ``<user config dir>/picturedesk/rules/NAME.toml`` for a newsroom's own, so a
desk changes its style without touching code::

    description = "Our desk"
    extends = "guardian"            # optional: start from another profile

    [rules."credit.format"]
    severity = "error"              # error | warning | info
    pattern = "Photograph: {creators}/{agency}"

    [rules."style.spelling".spellings]
    Kiev = "Kyiv"

    [rules."caption.place_missing"]
    enabled = false

Rules a profile does not name run with their built-in severity and defaults.
Everything is checked on load: a syntax error, an unknown rule or key, a value
of the wrong type, a bad severity, an ``extends`` cycle or an unknown profile
name is a :class:`~archive.errors.UsageError` naming the file, the line and the
key, because a misspelt rule that silently does nothing is worse than no rule.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Optional

from archive.errors import UsageError
from archive.rules.base import SEVERITIES, RuleSpec

DEFAULT_PROFILE = "guardian"
_TOP_KEYS = ("description", "extends", "rules")


def rule_specs() -> dict[str, RuleSpec]:
    """Every rule the core knows, by id, in DESIGN.md's order."""
    return dict(_specs())


@lru_cache(maxsize=None)
def _specs() -> tuple:
    from archive.rules import caption, credit, licence, style

    out = {}
    for family in (credit, caption, style, licence):
        out.update(family.RULES)
    return tuple(out.items())


RULE_IDS = (
    "credit.missing", "credit.format", "credit.creator_mismatch", "credit.agency_mismatch",
    "caption.missing", "caption.punctuation", "caption.length", "caption.place_missing",
    "caption.place_mismatch", "caption.weekday_mismatch", "caption.date_mismatch",
    "style.spelling", "style.whitespace", "style.quotes",
    "licence.missing", "licence.expired", "licence.restricted", "licence.over_quota",
)


@dataclass(frozen=True)
class RuleConfig:
    """One rule as a profile sets it: on or off, its severity, its parameters."""

    rule: str
    enabled: bool
    severity: str
    params: dict

    def __getitem__(self, key: str) -> Any:
        return self.params[key]


@dataclass
class Profile:
    """A loaded, validated profile with every rule filled in (defaults included)."""

    name: str
    rules: dict
    description: str = ""
    path: Optional[Path] = None
    chain: tuple = ()          # the files it was built from, base first
    _compiled: dict = field(default_factory=dict, repr=False, compare=False)

    def __getitem__(self, rule: str) -> RuleConfig:
        return self.rules[rule]

    def enabled(self, rule: str) -> bool:
        return self.rules[rule].enabled

    def severity(self, rule: str) -> str:
        return self.rules[rule].severity

    def param(self, rule: str, key: str) -> Any:
        return self.rules[rule].params[key]

    def compiled(self, key: str, build):
        """Something built once from this profile's settings (a regex, a table)
        and kept with it, so checking a million photos compiles it once."""
        try:
            return self._compiled[key]
        except KeyError:
            value = self._compiled[key] = build(self)
            return value

    def __getstate__(self):
        # Compiled helpers may hold closures; workers rebuild them.
        state = dict(self.__dict__)
        state["_compiled"] = {}
        return state


# ---------------------------------------------------------------- locating files

def shipped_dir() -> Path:
    """The profiles that ship with the app (resources/rules)."""
    from archive.resources import resource_path

    return resource_path("rules")


def user_dir() -> Path:
    """Where a newsroom keeps its own profiles."""
    import platformdirs

    return Path(platformdirs.user_config_dir("picturedesk")) / "rules"


def default_search_dirs() -> list[Path]:
    # The user's directory first, so a desk can shadow a shipped profile by
    # name (and still say ``extends = "guardian"`` to build on the shipped one).
    return [user_dir(), shipped_dir()]


def list_profiles(search_dirs: Optional[Iterable] = None) -> list[tuple[str, Path]]:
    """Profile names and the file each resolves to, first directory winning."""
    seen: dict[str, Path] = {}
    for d in _dirs(search_dirs):
        if d.is_dir():
            for p in sorted(d.glob("*.toml")):
                seen.setdefault(p.stem, p)
    return sorted(seen.items())


def _dirs(search_dirs) -> list[Path]:
    return [Path(d) for d in (default_search_dirs() if search_dirs is None else search_dirs)]


def _looks_like_path(s: str) -> bool:
    return s.endswith(".toml") or os.sep in s or (os.altsep is not None and os.altsep in s)


def _find(name: str, dirs: list[Path], skip: Optional[Path] = None) -> Optional[Path]:
    """The file for profile ``name``; with ``skip``, search only the directories
    after the one holding ``skip`` (how a shadowing profile extends its namesake)."""
    start = 0
    if skip is not None:
        for i, d in enumerate(dirs):
            if (d / f"{name}.toml").resolve() == skip:
                start = i + 1
                break
    for d in dirs[start:]:
        p = d / f"{name}.toml"
        if p.is_file():
            return p
    return None


def _show(path: Path) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel


# ---------------------------------------------------------------- loading

def load_profile(name_or_path="guardian", search_dirs: Optional[Iterable] = None) -> Profile:
    """Load and validate a profile by name (searched in ``search_dirs``, by
    default the user's rules directory then the shipped one) or by file path."""
    dirs = _dirs(search_dirs)
    s = str(name_or_path)
    if isinstance(name_or_path, Path) or _looks_like_path(s):
        path = Path(s)
        if not path.is_file():
            raise UsageError(f"{s}: no such rule profile file")
    else:
        path = _find(s, dirs)
        if path is None:
            names = ", ".join(n for n, _ in list_profiles(dirs)) or "none"
            where = ", ".join(_show(d) for d in dirs)
            hint = _did_you_mean(s, [n for n, _ in list_profiles(dirs)])
            raise UsageError(f'no rule profile "{s}"{hint} (looked in {where}; available: {names})')
    layers = _load_chain(path, dirs, [])
    return _build(layers)


def _load_chain(path: Path, dirs: list[Path], stack: list[Path]) -> list[tuple[Path, dict, str]]:
    """The profile and the ones it extends, base first, each validated."""
    real = path.resolve()
    if real in stack:
        cycle = " -> ".join(_show(p) for p in stack + [real])
        raise UsageError(f"{_show(path)}: extends cycle: {cycle}")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"{_show(path)}: cannot read rule profile: {e}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise UsageError(f"{_show(path)}, {_toml_where(str(e))}") from None
    _validate(path, text, data)
    layers: list = []
    parent = data.get("extends")
    if parent:
        ppath = Path(parent) if _looks_like_path(parent) else _find(parent, dirs, skip=real if parent == path.stem else None)
        if ppath is not None and _looks_like_path(parent) and not ppath.is_absolute():
            ppath = path.parent / ppath
        if ppath is None or not ppath.is_file():
            line = _line_of(text, r"^\s*extends\s*=")
            raise UsageError(f'{_show(path)}, line {line}: extends "{parent}": no such profile')
        layers = _load_chain(ppath, dirs, stack + [real])
    return layers + [(path, data, text)]


def _toml_where(msg: str) -> str:
    m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
    what = re.sub(r"\s*\(at line \d+, column \d+\)", "", msg)
    if m:
        return f"line {m.group(1)}, column {m.group(2)}: TOML syntax error: {what}"
    return f"TOML syntax error: {what}"


def _validate(path: Path, text: str, data: dict) -> None:
    specs = rule_specs()
    show = _show(path)

    def fail(line: int, msg: str):
        raise UsageError(f"{show}, line {line}: {msg}")

    for key in data:
        if key not in _TOP_KEYS:
            fail(_line_of(text, rf"^\s*{_key_re(key)}\s*="), f'unknown key "{key}"{_did_you_mean(key, _TOP_KEYS)}'
                 f" (a profile has {', '.join(_TOP_KEYS)})")
    for key in ("description", "extends"):
        if key in data and not isinstance(data[key], str):
            fail(_line_of(text, rf"^\s*{key}\s*="), f'"{key}" must be a string')
    rules = data.get("rules", {})
    if not isinstance(rules, dict):
        fail(_line_of(text, r"^\s*rules\s*="), '"rules" must be a table of rule ids')
    for rid, conf in rules.items():
        where = _rule_line(text, rid)
        if rid not in specs:
            fail(where, f'unknown rule "{rid}"{_did_you_mean(rid, specs)}')
        if not isinstance(conf, dict):
            fail(where, f'rule "{rid}" must be a table, e.g. [rules."{rid}"]')
        spec = specs[rid]
        for key, value in conf.items():
            kline = _key_line(text, rid, key)
            if key == "enabled":
                if not isinstance(value, bool):
                    fail(kline, f'rules."{rid}".enabled must be true or false, not {value!r}')
            elif key == "severity":
                if value not in SEVERITIES:
                    fail(kline, f'rules."{rid}".severity must be one of {", ".join(SEVERITIES)}, not {value!r}')
            elif key in spec.params:
                problem = _type_problem(spec.params[key], value)
                if problem:
                    fail(kline, f'rules."{rid}".{key} {problem}')
            else:
                known = ["enabled", "severity", *spec.params]
                fail(kline, f'unknown key "{key}" for rule "{rid}"{_did_you_mean(key, known)}'
                     f" (it takes: {', '.join(known)})")
        extra = _semantic_problem(rid, conf)
        if extra:
            key, msg = extra
            fail(_key_line(text, rid, key), f'rules."{rid}".{key} {msg}')


_TYPE_NAMES = {"str": "a string", "int": "a whole number", "float": "a number", "bool": "true or false",
               "list": "a list of strings", "dict": "a table of strings"}


def _type_problem(param, value) -> Optional[str]:
    k = param.kind
    ok = {
        "str": isinstance(value, str),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "float": isinstance(value, (int, float)) and not isinstance(value, bool),
        "bool": isinstance(value, bool),
        "list": isinstance(value, list) and all(isinstance(v, str) for v in value),
        "dict": isinstance(value, dict) and all(isinstance(v, str) for v in value.values()),
    }[k]
    if not ok:
        return f"must be {_TYPE_NAMES[k]}, not {value!r}"
    if param.choices and value not in param.choices:
        return f"must be one of {', '.join(map(str, param.choices))}, not {value!r}"
    if k in ("int", "float") and value < 0:
        return f"must not be negative, not {value!r}"
    return None


_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def _semantic_problem(rid: str, conf: dict) -> Optional[tuple[str, str]]:
    """Checks one value's type cannot express (placeholders, ranges)."""
    if rid == "credit.format":
        for key in ("pattern", "also_accept"):
            values = conf.get(key, [])
            for pat in [values] if isinstance(values, str) else values:
                bad = [p for p in _PLACEHOLDER.findall(pat) if p not in ("creators", "agency")]
                if bad:
                    return key, f'uses unknown placeholder "{{{bad[0]}}}" (use {{creators}} and {{agency}})'
                if not _PLACEHOLDER.search(pat) and key == "pattern":
                    return key, "must contain {creators} or {agency}"
    if rid == "caption.length":
        lo, hi = conf.get("min_chars"), conf.get("max_chars")
        if isinstance(lo, int) and isinstance(hi, int) and hi and lo > hi:
            return "max_chars", f"({hi}) is below min_chars ({lo})"
    return None


# ---------------------------------------------------------------- finding lines

def _key_re(key: str) -> str:
    return rf'(?:{re.escape(key)}|"{re.escape(key)}"|\'{re.escape(key)}\')'


def _line_of(text: str, pattern: str, start: int = 0, stop: Optional[int] = None) -> int:
    lines = text.splitlines()
    rx = re.compile(pattern)
    for i in range(start, len(lines) if stop is None else stop):
        if rx.search(lines[i]):
            return i + 1
    return start + 1 if start else 1


def _rule_line(text: str, rid: str) -> int:
    rx = re.compile(rf"^\s*\[\s*rules\s*\.\s*{_key_re(rid)}" + r"|^\s*rules\s*\.\s*" + _key_re(rid)
                    + r"|^\s*" + _key_re(rid) + r"\s*=")
    for i, line in enumerate(text.splitlines()):
        if rx.search(line):
            return i + 1
    for i, line in enumerate(text.splitlines()):
        if rid in line:
            return i + 1
    return 1


def _key_line(text: str, rid: str, key: str) -> int:
    """The line that sets ``key`` of rule ``rid``: in its table, in a dotted key,
    or in a sub-table header (``[rules."style.spelling".spellings]``)."""
    lines = text.splitlines()
    head = _rule_line(text, rid) - 1
    sub = re.compile(rf"^\s*\[\s*rules\s*\.\s*{_key_re(rid)}\s*\.\s*{_key_re(key)}\s*\]")
    dotted = re.compile(rf"^\s*rules\s*\.\s*{_key_re(rid)}\s*\.\s*{_key_re(key)}\s*=")
    plain = re.compile(rf"^\s*{_key_re(key)}\s*=")
    for i, line in enumerate(lines):
        if sub.search(line) or dotted.search(line):
            return i + 1
    for i in range(head, len(lines)):
        if i > head and lines[i].lstrip().startswith("["):
            break
        if plain.search(lines[i]) or re.search(rf"\b{_key_re(key)}\s*=", lines[i]):
            return i + 1
    return head + 1


def _did_you_mean(word: str, options) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


# ---------------------------------------------------------------- building

def _build(layers: list[tuple[Path, dict, str]]) -> Profile:
    specs = rule_specs()
    merged: dict[str, dict] = {}
    description = ""
    for _, data, _ in layers:
        description = data.get("description", description)
        for rid, conf in data.get("rules", {}).items():
            target = merged.setdefault(rid, {})
            for key, value in conf.items():
                if isinstance(value, dict) and isinstance(target.get(key), dict):
                    target[key] = {**target[key], **value}   # tables (spellings) add up
                else:
                    target[key] = value
    rules = {}
    for rid, spec in specs.items():
        conf = merged.get(rid, {})
        params = {k: _copy(p.default) for k, p in spec.params.items()}
        params.update({k: v for k, v in conf.items() if k not in ("enabled", "severity")})
        rules[rid] = RuleConfig(rid, conf.get("enabled", True), conf.get("severity", spec.severity), params)
    path = layers[-1][0]
    return Profile(name=path.stem, rules=rules, description=description, path=path,
                   chain=tuple(p for p, _, _ in layers))


def _copy(v):
    if isinstance(v, dict):
        return dict(v)
    if isinstance(v, list):
        return list(v)
    return v


def builtin_profile() -> Profile:
    """Every rule on with its built-in defaults: for tests and as a last resort."""
    specs = rule_specs()
    rules = {rid: RuleConfig(rid, True, s.severity, {k: _copy(p.default) for k, p in s.params.items()})
             for rid, s in specs.items()}
    return Profile(name="builtin", rules=rules, description="built-in defaults")


@lru_cache(maxsize=8)
def _cached_default(name: str) -> Profile:
    return load_profile(name)


def default_profile() -> Profile:
    """The default profile (``guardian``), loaded once."""
    return _cached_default(DEFAULT_PROFILE)
