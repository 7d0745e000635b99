"""The command line over the application API: licence update, edit + licence in one
transaction, Ctrl-C as a cancel flag.  In-process through desktop.cli.main, except the
signal test, which needs a real process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from PIL import Image

from desktop.cli import main
from tests.conftest import REPO


@pytest.fixture
def demo(tmp_path, capsys):
    assert main(["demo", "--archive", str(tmp_path / "demo"), "--json", *(
        ["--no-window"] if "--no-window" in _demo_help() else [])]) == 0
    capsys.readouterr()
    return tmp_path / "demo" / "archive"


def _demo_help() -> str:
    from desktop.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return sub.choices["demo"].format_help()


def _run(capsys, *args):
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_licence_update_changes_only_what_is_given(demo, capsys):
    code, out, _ = _run(capsys, "licence", "add", "--archive", demo, "--licensor", "Reuters",
                        "--until", "2022-12-31", "--json")
    lid = json.loads(out)["id"]
    code, out, err = _run(capsys, "licence", "update", "--archive", demo, lid, "--until", "2023-06-30",
                          "--alias", "Thomson Reuters", "--json")
    assert code == 0, err
    row = json.loads(out)
    assert row["valid_until"] == "2023-06-30" and row["aliases"] == ["Thomson Reuters"]
    assert row["licensor"] == "Reuters"
    code, _, err = _run(capsys, "licence", "update", "--archive", demo, lid, "--cost", "cheap")
    assert code == 2 and 'cost "cheap"' in err and "Traceback" not in err


def test_edit_with_an_unknown_licence_changes_nothing(demo, capsys):
    code, before, _ = _run(capsys, "show", "--archive", demo, "1", "--json")
    code, _, err = _run(capsys, "edit", "--archive", demo, "1", "--caption", "New words.", "--licence", "99")
    assert code == 2 and "no licence with id 99" in err
    code, after, _ = _run(capsys, "show", "--archive", demo, "1", "--json")
    assert json.loads(after)["caption"] == json.loads(before)["caption"]


def test_ctrl_c_cancels_an_import_cleanly(tmp_path):
    photos = tmp_path / "photos"
    photos.mkdir()
    for i in range(1500):
        Image.new("RGB", (64, 48), (i % 255, 10, 10)).save(photos / f"p{i:04d}.jpg", quality=80)
    archive = tmp_path / "archive"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-m", "desktop", "--archive", str(archive), "import",
                             str(photos), "--jobs", "1"], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (archive / "archive.db").exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "cancelled" in err or "interrupted" in err
    assert "Traceback" not in err
    again = subprocess.run([sys.executable, "-m", "desktop", "--archive", str(archive), "import",
                            str(photos), "--no-thumbnails", "--json"], cwd=REPO, env=env,
                           capture_output=True, text=True, timeout=120)
    report = json.loads(again.stdout)
    assert report["added"] + report["unchanged"] + report.get("updated", 0) == 1500


def test_the_process_answers_help_at_once_without_qt(tmp_path):
    """`picturedesk --help` and a bad command, as processes: exit codes and no Qt import."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    probe = ("import sys, runpy; sys.argv = ['picturedesk', '--help']\n"
             "try:\n    runpy.run_module('desktop', run_name='__main__')\n"
             "except SystemExit as e:\n    code = e.code\n"
             "print('QT' if any(m.startswith('PySide6') for m in sys.modules) else 'NOQT', code)")
    out = subprocess.run([sys.executable, "-c", probe], cwd=REPO, env=env, capture_output=True, text=True,
                         timeout=60)
    assert out.stdout.strip().endswith("NOQT 0"), out.stdout + out.stderr
    bad = subprocess.run([sys.executable, "-m", "desktop", "frobnicate"], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
