"""Rule profiles: the shipped ones load, a desk's own extends them, and every
kind of broken profile is an error naming the file, the line and the key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from archive.errors import UsageError
from archive.rules import RULE_IDS, builtin_profile, list_profiles, load_profile, rule_specs
from archive.rules.profile import shipped_dir

DESIGN_IDS = """credit.missing credit.format credit.creator_mismatch credit.agency_mismatch
caption.missing caption.punctuation caption.length caption.place_missing
caption.place_mismatch caption.weekday_mismatch caption.date_mismatch
style.spelling style.whitespace style.quotes
licence.missing licence.expired licence.restricted licence.over_quota""".split()


def write(dirpath: Path, name: str, text: str) -> Path:
    dirpath.mkdir(parents=True, exist_ok=True)
    p = dirpath / f"{name}.toml"
    p.write_text(text, encoding="utf-8")
    return p


def error_of(fn, *args, **kw) -> str:
    with pytest.raises(UsageError) as e:
        fn(*args, **kw)
    return str(e.value)


def test_rule_ids_are_designs():
    assert list(RULE_IDS) == DESIGN_IDS
    assert list(rule_specs()) == DESIGN_IDS


@pytest.mark.parametrize("name,pattern,quotes", [
    ("guardian", "Photograph: {creators}/{agency}", "curly"),
    ("ap", "(AP Photo/{creators})", "straight"),
    ("reuters", "REUTERS/{creators}", "straight"),
])
def test_shipped_profiles_load_with_every_rule(name, pattern, quotes):
    p = load_profile(name, search_dirs=[shipped_dir()])
    assert p.name == name
    assert set(p.rules) == set(DESIGN_IDS)
    assert p.param("credit.format", "pattern") == pattern
    assert p.param("style.quotes", "style") == quotes
    assert p.param("style.spelling", "spellings")["Kiev"] == "Kyiv"
    assert all(p.severity(r) in ("error", "warning", "info") for r in DESIGN_IDS)


def test_guardian_spellings_are_data():
    spellings = load_profile("guardian", search_dirs=[shipped_dir()]).param("style.spelling", "spellings")
    for old, new in [("Kharkov", "Kharkiv"), ("Odessa", "Odesa"), ("Lugansk", "Luhansk"),
                     ("Dnepr", "Dnipro"), ("Nikolaev", "Mykolaiv"), ("Zaporozhye", "Zaporizhzhia")]:
        assert spellings[old] == new


def test_load_by_path_and_list(tmp_path):
    p = write(tmp_path, "mydesk", 'description = "Mine"\n[rules."caption.length"]\nmax_chars = 200\n')
    prof = load_profile(str(p))
    assert prof.name == "mydesk" and prof.description == "Mine"
    assert prof.param("caption.length", "max_chars") == 200
    assert prof.param("caption.length", "min_chars") == rule_specs()["caption.length"].params["min_chars"].default
    names = [n for n, _ in list_profiles([tmp_path, shipped_dir()])]
    assert names == ["ap", "guardian", "mydesk", "reuters"]


def test_extends_overrides_and_adds_spellings(tmp_path):
    write(tmp_path, "mydesk", '''extends = "guardian"
[rules."credit.format"]
severity = "warning"
[rules."caption.place_missing"]
enabled = false
[rules."style.spelling".spellings]
"Kharkiv" = "Kharkiv"
"Artemivsk" = "Bakhmut"
''')
    p = load_profile("mydesk", search_dirs=[tmp_path, shipped_dir()])
    assert p.severity("credit.format") == "warning"
    assert p.param("credit.format", "pattern") == "Photograph: {creators}/{agency}"   # inherited
    assert not p.enabled("caption.place_missing")
    sp = p.param("style.spelling", "spellings")
    assert sp["Kiev"] == "Kyiv" and sp["Artemivsk"] == "Bakhmut"      # both layers
    assert [x.name for x in p.chain] == ["guardian.toml", "mydesk.toml"]


def test_a_desk_profile_may_shadow_guardian_and_extend_it(tmp_path):
    user = tmp_path / "user"
    write(user, "guardian", 'extends = "guardian"\n[rules."style.quotes"]\nstyle = "straight"\n')
    p = load_profile("guardian", search_dirs=[user, shipped_dir()])
    assert p.param("style.quotes", "style") == "straight"
    assert p.param("credit.format", "pattern") == "Photograph: {creators}/{agency}"


def test_builtin_profile_has_defaults():
    p = builtin_profile()
    assert p.enabled("credit.format") and p.severity("licence.missing") == "error"


# ---------------------------------------------------------------- broken profiles

def test_toml_syntax_error_names_file_and_line(tmp_path):
    write(tmp_path, "broken", '[rules."credit.format"]\nseverity = "error"\npattern = "Photograph: {creators}\n')
    msg = error_of(load_profile, "broken", search_dirs=[tmp_path])
    assert "broken.toml" in msg and "line 3" in msg and "TOML" in msg


def test_unknown_rule_suggests_the_right_one(tmp_path):
    write(tmp_path, "mydesk", '# my desk\n\n[rules."caption.length"]\nmax_chars = 300\n\n'
                              '[rules."credit.formt"]\nseverity = "error"\n')
    msg = error_of(load_profile, "mydesk", search_dirs=[tmp_path])
    assert re.search(r"mydesk\.toml, line 6: unknown rule \"credit\.formt\" \(did you mean \"credit\.format\"\?\)", msg)


def test_unknown_key_in_rule(tmp_path):
    write(tmp_path, "mydesk", '[rules."caption.length"]\nmin_chars = 10\nmax_char = 300\n')
    msg = error_of(load_profile, "mydesk", search_dirs=[tmp_path])
    assert "line 3" in msg and '"max_char"' in msg and 'did you mean "max_chars"' in msg


def test_unknown_top_level_key(tmp_path):
    write(tmp_path, "mydesk", 'description = "x"\nextend = "guardian"\n')
    msg = error_of(load_profile, "mydesk", search_dirs=[tmp_path])
    assert "line 2" in msg and 'unknown key "extend"' in msg and '"extends"' in msg


def test_wrong_type(tmp_path):
    write(tmp_path, "mydesk", '[rules."caption.length"]\nmax_chars = "three hundred"\n')
    msg = error_of(load_profile, "mydesk", search_dirs=[tmp_path])
    assert "line 2" in msg and "max_chars" in msg and "whole number" in msg


def test_wrong_type_in_spelling_table(tmp_path):
    write(tmp_path, "mydesk", '[rules."style.spelling"]\nseverity = "info"\n\n'
                              '[rules."style.spelling".spellings]\nKiev = 1\n')
    msg = error_of(load_profile, "mydesk", search_dirs=[tmp_path])
    assert "line 4" in msg and "spellings" in msg


def test_bad_severity(tmp_path):
    write(tmp_path, "mydesk", '[rules."credit.missing"]\nseverity = "fatal"\n')
    msg = error_of(load_profile, "mydesk", search_dirs=[tmp_path])
    assert "line 2" in msg and "severity" in msg and "error, warning, info" in msg


def test_bad_choice(tmp_path):
    write(tmp_path, "mydesk", '[rules."style.quotes"]\nstyle = "smart"\n')
    msg = error_of(load_profile, "mydesk", search_dirs=[tmp_path])
    assert "line 2" in msg and "curly, straight" in msg


def test_bad_placeholder(tmp_path):
    write(tmp_path, "mydesk", '[rules."credit.format"]\npattern = "Photograph: {creator}/{agency}"\n')
    msg = error_of(load_profile, "mydesk", search_dirs=[tmp_path])
    assert "line 2" in msg and "{creator}" in msg


def test_extends_cycle(tmp_path):
    write(tmp_path, "a", 'extends = "b"\n')
    write(tmp_path, "b", 'extends = "a"\n')
    msg = error_of(load_profile, "a", search_dirs=[tmp_path])
    assert "cycle" in msg and "a.toml" in msg and "b.toml" in msg


def test_extends_unknown(tmp_path):
    write(tmp_path, "a", '\nextends = "nosuch"\n')
    msg = error_of(load_profile, "a", search_dirs=[tmp_path])
    assert "a.toml, line 2" in msg and "nosuch" in msg


def test_unknown_profile_name_lists_the_known_ones(tmp_path):
    msg = error_of(load_profile, "guardain", search_dirs=[shipped_dir()])
    assert '"guardain"' in msg and 'did you mean "guardian"' in msg and "ap, guardian, reuters" in msg


def test_missing_file_path():
    msg = error_of(load_profile, "/nonexistent/desk.toml")
    assert "/nonexistent/desk.toml" in msg
