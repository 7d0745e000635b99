"""Shared fixtures: a fresh archive per test, generated photos, the shared corpus."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus" / "real"
ARTICLES = SHARED / "articles"


@pytest.fixture
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    return CORPUS


@pytest.fixture
def articles_dir() -> Path:
    if not ARTICLES.is_dir():
        pytest.skip(f"the shared articles are not at {ARTICLES}")
    return ARTICLES


@pytest.fixture
def archive(tmp_path):
    from archive.store import open_archive

    with open_archive(tmp_path / "archive") as opened:
        yield opened


def run_cli(*args, archive_dir=None, check=False, env=None, timeout=120, input=None):
    """Run `python -m desktop ...` in a subprocess, as a user would."""
    cmd = [sys.executable, "-m", "desktop"]
    if archive_dir is not None:
        cmd += ["--archive", str(archive_dir)]
    cmd += [str(a) for a in args]
    full_env = {**os.environ, **(env or {})}
    full_env.pop("QT_QPA_PLATFORM", None) if False else None
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, env=full_env,
                            timeout=timeout, input=input)
    if check and result.returncode != 0:
        raise AssertionError(f"{cmd} failed ({result.returncode}):\n{result.stderr}")
    return result
