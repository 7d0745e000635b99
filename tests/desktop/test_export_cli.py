"""`picturedesk export` as a user runs it: the PDF read back with pdftotext and pdfinfo
(poppler-utils), made in a process with no display; CSV without Qt; paths checked."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from tests.archive.export_data import MARKUP, build
from tests.conftest import REPO, run_cli

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) is not installed")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build(tmp_path_factory.mktemp("sheet-cli"))


def _headless_env():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PYTHONPATH"] = str(REPO)
    return env


def _pdf(path) -> tuple[str, dict]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    return text, {k.strip(): v.strip() for k, v in fields.items()}


def _korean_font() -> bool:
    out = subprocess.run(["fc-list", ":lang=ko"], capture_output=True, text=True).stdout if shutil.which("fc-list") else ""
    return bool(out.strip())


@pytest.mark.slow
def test_pdf_from_a_process_without_a_display(built, tmp_path):
    target = tmp_path / "sheet.pdf"
    argv = [sys.executable, "-m", "desktop", "--archive", str(built["archive"]), "export", "--article",
            str(built["article"]), "--format", "pdf", "-o", str(target), "--on", "2022-12-19"]
    done = subprocess.run(argv, capture_output=True, text=True, env=_headless_env(), cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"wrote {target}" in done.stderr
    text, info = _pdf(target)
    assert info["Pages"] == "1" and info["Page size"].startswith("595")       # A4
    flat = re.sub(r"\s+", " ", text)
    assert "Caption sheet: Winter across Europe" in flat
    assert "Publication date 2022-12-19" in flat and "house style guardian" in flat
    for name in ("Київ", "Jørgensen", "Tomás"):
        assert name in flat
    assert MARKUP in flat                       # shown as written, not read as markup
    assert "CONDITIONAL" in flat and "PAY" in flat
    assert "Not cleared for 2022-12-19 (4)" in flat
    assert "Lease 1 denies use" in flat and "Embargoed until" in flat and "ended on 2022-06-30" in flat
    assert "1 cleared" in flat and "1 conditional" in flat and "4 not cleared" in flat and "1 to pay for" in flat
    assert "page 1 of 1" in flat
    if _korean_font():
        assert "김홍지" in flat
    else:                                       # the person is told, not left with boxes unexplained
        assert "no font on this computer has Korean letters" in done.stderr
    if shutil.which("pdfimages"):                # the two thumbnails of the sheet are in the file
        images = subprocess.run(["pdfimages", "-list", str(target)], capture_output=True, text=True).stdout
        assert len([line for line in images.splitlines()[2:] if " image " in line]) == 2
    assert [p.name for p in tmp_path.iterdir()] == ["sheet.pdf"]


def test_pdf_on_letter_with_the_uncleared_marked(qapp, built, tmp_path):
    # qapp: made in this process, the PDF writer would otherwise start a QGuiApplication
    target = tmp_path / "sheet.pdf"
    run_cli("export", "--article", built["article"], "-o", target, "--on", "2022-12-19", "--paper", "letter",
            "--include-uncleared", archive_dir=built["archive"], check=True)
    text, info = _pdf(target)
    assert info["Page size"].startswith("612 x 792")
    flat = re.sub(r"\s+", " ", text)
    assert flat.count("NOT CLEARED FOR 2022-12-19: DO NOT PUBLISH") == 4
    assert "Not cleared for 2022-12-19 (4)" not in flat
    pages = int(info["Pages"])
    assert pages >= 2 and f"page {pages} of {pages}" in flat


def test_csv_export_does_not_load_qt(built, tmp_path):
    target = tmp_path / "sheet.csv"
    code = ("import sys; from desktop.cli import main; rc = main(sys.argv[1:]); "
            "print('qt' if any(m.startswith('PySide6') for m in sys.modules) else 'no qt'); sys.exit(rc)")
    done = subprocess.run([sys.executable, "-c", code, "--archive", str(built["archive"]), "export",
                           "by:Jørgensen", "-o", str(target), "--on", "2022-12-19", "--json"],
                          capture_output=True, text=True, env=_headless_env(), timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("no qt")
    assert '"format": "csv"' in done.stdout
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")


def test_paths_are_checked_before_any_work(built, tmp_path):
    target = tmp_path / "sheet.json"
    target.write_text("{}", encoding="utf-8")
    r = run_cli("export", "--article", built["article"], "-o", target, archive_dir=built["archive"])
    assert r.returncode == 2 and f"{target} already exists" in r.stderr and "--force" in r.stderr
    assert target.read_text(encoding="utf-8") == "{}"
    r = run_cli("export", "--article", built["article"], "-o", target, "--force", archive_dir=built["archive"])
    assert r.returncode == 0 and target.read_text(encoding="utf-8").startswith("{")
    missing = tmp_path / "no" / "such" / "sheet.pdf"
    r = run_cli("export", "--article", built["article"], "-o", missing, archive_dir=built["archive"])
    assert r.returncode == 2 and f"the folder {missing.parent} does not exist" in r.stderr
    r = run_cli("export", "--article", built["article"], "-o", tmp_path / "sheet.txt", archive_dir=built["archive"])
    assert r.returncode == 2 and "--format" in r.stderr
    r = run_cli("export", "-o", tmp_path / "x.csv", archive_dir=built["archive"])
    assert r.returncode == 2 and "--article ID or of a QUERY" in r.stderr
    r = run_cli("export", "--article", "99", "-o", tmp_path / "x.csv", archive_dir=built["archive"])
    assert r.returncode == 2 and "99" in r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sheet.json"]


def test_an_unwritable_folder_is_named(built, tmp_path, monkeypatch):
    folder = tmp_path / "locked"
    folder.mkdir()
    real = os.access
    # chmod does not stop root (tests may run as root): the folder is made unwritable to os.access.
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: False if str(path) == str(folder) else real(path, mode, **kw))
    r = run_cli("export", "--article", built["article"], "-o", folder / "s.csv", archive_dir=built["archive"])
    assert r.returncode == 2 and f"the folder {folder} cannot be written to" in r.stderr
    assert list(folder.iterdir()) == []
