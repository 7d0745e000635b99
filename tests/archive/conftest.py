"""The shipped house-style profiles, loaded once per test module (each module gets
its own objects, so the rule memos a profile keeps do not leak between modules)."""

from __future__ import annotations

import pytest

from archive.rules import load_profile
from archive.rules.profile import shipped_dir


@pytest.fixture(scope="module")
def guardian():
    return load_profile("guardian", search_dirs=[shipped_dir()])


@pytest.fixture(scope="module")
def ap():
    return load_profile("ap", search_dirs=[shipped_dir()])


@pytest.fixture(scope="module")
def reuters():
    return load_profile("reuters", search_dirs=[shipped_dir()])
