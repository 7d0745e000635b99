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


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    """The demo archive, built once per session (tests copy it before changing it)."""
    from archive.demo import build_demo

    root = tmp_path_factory.mktemp("demo-template")
    build_demo(root)
    return root


@pytest.fixture
def demo_dir(demo_template, tmp_path):
    """A copy of the demo archive of one's own."""
    import shutil

    root = tmp_path / "demo"
    shutil.copytree(demo_template, root)
    return root


@pytest.fixture
def archive(tmp_path):
    from archive.store import open_archive

    with open_archive(tmp_path / "archive") as opened:
        yield opened


class CliResult:
    """What a command printed and returned, like subprocess.CompletedProcess."""

    def __init__(self, args, returncode: int, stdout: str, stderr: str):
        self.args, self.returncode, self.stdout, self.stderr = args, returncode, stdout, stderr


def run_cli(*args, archive_dir=None, check=False, env=None, timeout=120, input=None, process=False):
    """Run the `picturedesk` command line with ``args`` as a user would, and capture
    what it prints.  In this process through ``desktop.cli.main`` (fast), unless
    ``process`` is set or the test feeds stdin: then `python -m desktop` in a subprocess."""
    argv = []
    if archive_dir is not None:
        argv += ["--archive", str(archive_dir)]
    argv += [str(a) for a in args]
    if process or input is not None:
        cmd = [sys.executable, "-m", "desktop", *argv]
        full_env = {**os.environ, **(env or {})}
        result = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, env=full_env,
                                timeout=timeout, input=input)
    else:
        result = _run_in_process(argv, env or {})
    if check and result.returncode != 0:
        raise AssertionError(f"picturedesk {argv} failed ({result.returncode}):\n{result.stderr}")
    return result


def _run_in_process(argv, env):
    import contextlib
    import io

    from desktop.cli import main

    saved = {k: os.environ.get(k) for k in env}
    out, err = io.StringIO(), io.StringIO()
    try:
        os.environ.update({k: str(v) for k, v in env.items()})
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as exc:          # argparse: bad usage
                code = exc.code if isinstance(exc.code, int) else 2
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return CliResult(argv, code, out.getvalue(), err.getvalue())
