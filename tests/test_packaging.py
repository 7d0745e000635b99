"""Packaging: the wheel carries everything the app reads, and works outside the source tree.

The shipped files live in ``resources/`` at the top of the repository and are installed
as the package ``picturedesk_resources``; ``archive.resources`` is the only place that
finds them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

from archive.resources import PACKAGE, files, resource_path

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def _packages_in_tree() -> set[str]:
    found = set()
    for top in ("archive", "desktop"):
        for init in (REPO / top).rglob("__init__.py"):
            found.add(".".join(init.parent.relative_to(REPO).parts))
    return found


def _resource_files() -> set[str]:
    return {p.relative_to(REPO / "resources").as_posix() for p in (REPO / "resources").rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}


def test_every_package_is_listed_in_pyproject():
    setuptools = PYPROJECT["tool"]["setuptools"]
    listed = set(setuptools["packages"])
    missing = _packages_in_tree() - listed
    assert not missing, f"add {sorted(missing)} to [tool.setuptools] packages in pyproject.toml"
    assert PACKAGE in listed
    assert setuptools["package-dir"][PACKAGE] == "resources"
    assert setuptools["package-data"][PACKAGE] == ["**/*"]


def test_the_locator_finds_this_trees_resources():
    assert files() == REPO / "resources"
    for parts in [("agencies.toml",), ("rules", "guardian.toml"), ("rules", "ap.toml"),
                  ("demo", "kyiv-drone-attack.txt"), ("styles", "dark.qss"), ("icons", "app.svg")]:
        assert resource_path(*parts).is_file(), parts


def test_no_module_works_out_a_resource_path_of_its_own():
    offenders = []
    for top in ("archive", "desktop"):
        for source in (REPO / top).rglob("*.py"):
            if source.name == "resources.py" and source.parent.name == "archive":
                continue
            text = source.read_text(encoding="utf-8")
            if "_MEIPASS" in text or ('"resources"' in text and "__file__" in text):
                offenders.append(str(source.relative_to(REPO)))
    assert not offenders, f"find shipped files with archive.resources.resource_path: {offenders}"


def _copy_source(target: Path) -> Path:
    """What a clean clone has (no build/, no egg-info, no caches)."""
    target.mkdir()
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build", "dist", ".venv")
    for name in ("archive", "desktop", "resources"):
        shutil.copytree(REPO / name, target / name, ignore=skip)
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(REPO / name, target / name)
    return target


@pytest.mark.slow
def test_wheel_installed_in_a_fresh_venv_runs_demo_and_check_outside_the_tree(tmp_path):
    source = _copy_source(tmp_path / "src")
    wheels = tmp_path / "wheels"
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q",
                            "-w", str(wheels)], capture_output=True, text=True, timeout=180)
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("picturedesk-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    shipped = {n.removeprefix(PACKAGE + "/") for n in names if n.startswith(PACKAGE + "/")}
    assert _resource_files() <= shipped, sorted(_resource_files() - shipped)
    assert not any("__pycache__" in n or n.startswith("resources/") for n in names)

    # A fresh venv with the wheel alone; its dependencies come from the venv running
    # the tests, added at the end of sys.path (a .pth line adds the folder only, so
    # that venv's own editable install of this tree is not loaded).
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PICTUREDESK_ARCHIVE")}
    env.update(QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"),
               PYTHONDONTWRITEBYTECODE="1")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60)
    scripts = venv / ("Scripts" if os.name == "nt" else "bin")
    python = scripts / ("python.exe" if os.name == "nt" else "python")
    installed = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install",
                                "--no-deps", "--no-index", "-q", str(wheel)],
                               capture_output=True, text=True, timeout=120, env=env)
    assert installed.returncode == 0, installed.stderr
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True, env=env).stdout.strip())
    assert (site / PACKAGE / "rules" / "ap.toml").is_file()
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "_picturedesk_test_deps.pth").write_text("\n".join(sorted(deps)) + "\n", encoding="utf-8")

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    def run(*args, **kw):
        return subprocess.run(args, capture_output=True, text=True, cwd=elsewhere, env=env, timeout=120, **kw)

    where = run(str(python), "-c", "import archive, archive.resources as r; print(archive.__file__); "
                                   "print(r.files()); print(r.resource_path('icons', 'app.svg').is_file())")
    assert where.returncode == 0, where.stderr
    module, root, icon = where.stdout.split("\n")[:3]
    assert Path(module).is_relative_to(site) and Path(root) == site / PACKAGE and icon == "True"

    picturedesk = scripts / ("picturedesk.exe" if os.name == "nt" else "picturedesk")
    demo = run(str(picturedesk), "demo", "--json", "--archive", str(tmp_path / "demo"))
    assert demo.returncode == 0, demo.stderr
    summary = json.loads(demo.stdout)
    assert summary["photos"] >= 10 and summary["article"]["match"]["pairs"]

    checked = run(str(picturedesk), "--archive", summary["archive"], "check", "--profile", "ap", "--json")
    assert checked.returncode in (0, 1), checked.stderr        # 1: the demo has rule errors on purpose
    assert "no rule profile" not in checked.stderr
    violations = json.loads(checked.stdout)
    assert violations and {v["rule"] for v in violations} & {"credit.format", "style.spelling", "licence.missing"}
