"""Photographers' names across scripts, romanisations, accents and case."""

from __future__ import annotations

import pytest

from archive.name_match import compare_names, romanisations, skeleton
from archive.people import is_person

# (as the credit line writes it, as the metadata writes it, kind of agreement)
CASES = [
    ("Laura Boushnak", "Laura Boushnak", "same"),
    ("Brendan Hoffman", "BRENDAN HOFFMAN", "same"),
    ("Oleksii Kuleba", "Oleksiy Kuleba", "spelling"),       # KMU 2010 / older romanisation
    ("Oleksii Kuleba", "Олексій Кулеба", "spelling"),       # Ukrainian Cyrillic
    ("Oleksiy Kuleba", "Олексій Кулеба", "spelling"),
    ("Valerii Zaluzhnyi", "Валерій Залужний", "spelling"),
    ("Valery Zaluzhny", "Valerii Zaluzhnyi", "spelling"),   # -y / -yi / -ii endings
    ("Serhii Nuzhnenko", "Sergii Nuzhnenko", "spelling"),   # h / g
    ("Mykhailo Palinchak", "Mykhaylo Palinchak", "spelling"),
    ("Tomás Munita", "Tomas Munita", "spelling"),           # accents
    ("Hoffman Brendan", "Brendan Hoffman", "spelling"),     # surname first
    ("Alexei Kuleba", "Oleksii Kuleba", "given name"),      # Russian / Ukrainian form
    ("Oleksii Chumachenko", "Алексей Чумаченко", "given name"),
    ("Sergei Supinsky", "Сергій Супінський", "given name"),
    ("Volodymyr Tarasov", "Vladimir Tarasov", "given name"),
    ("B. Hoffman", "Brendan Hoffman", "initial"),
    ("Brendan Hofman", "Brendan Hoffmann", "spelling"),     # doubled letters
    ("Laura Bushnak", "Laura Boushnak", "close"),
    ("Laura Boushnak", "Brendan Hoffman", "different"),
    ("Efrem Lukatsky", "Andriy Lukatsky", "different"),     # same family name, another person
    ("Laura Boushnak", "Laura Bouchard", "different"),
]


@pytest.mark.parametrize("credit, meta, kind", CASES)
def test_name_comparison(credit, meta, kind):
    found = compare_names(credit, meta)
    assert found.kind == kind, (credit, meta, found)
    assert (found.score > 0) == (kind != "different")


def test_agreement_ranks_by_certainty():
    same = compare_names("Oleksii Kuleba", "Oleksii Kuleba").score
    spelling = compare_names("Oleksii Kuleba", "Олексій Кулеба").score
    given = compare_names("Alexei Kuleba", "Oleksii Kuleba").score
    initial = compare_names("O. Kuleba", "Oleksii Kuleba").score
    assert same > spelling > given > initial > 0


def test_oleksii_oleksiy_and_cyrillic_share_a_skeleton():
    forms = {skeleton(r) for name in ("Oleksii", "Oleksiy", "Олексій") for r in romanisations(name)}
    assert forms == {"oleksi"}


def test_ukrainian_cyrillic_has_more_than_one_romanisation():
    forms = romanisations("Юлія Кочетова")
    assert len(forms) >= 2
    assert any(f.startswith("yuliia") for f in forms)       # KMU 2010
    assert any(f.startswith("yuliya") for f in forms)       # anyascii


@pytest.mark.parametrize("name, person", [
    ("Brendan Hoffman", True), ("Сергій Супінський", True), ("STRINGER", False),
    ("Staff", False), ("AFP", False), ("", False), (None, False), ("Handout", False)])
def test_by_lines_that_are_not_people(name, person):
    assert is_person(name) is person
