"""Where the files that ship with Picture Desk are: the one place that knows.

``resources/`` at the top of the repository (rule profiles, the agency table, demo
content, icons, Qt style sheets, caption-sheet templates) is installed as the
package ``picturedesk_resources`` (pyproject.toml maps it), so an installed wheel
finds it with :mod:`importlib.resources` wherever it lives.  Two other places are
looked at first:

- a source checkout (``PYTHONPATH`` or an editable install): this tree's own
  ``resources/``, so each worktree reads its own files even when the venv's
  editable install points at another one;
- a PyInstaller bundle: ``picturedesk_resources/`` in the folder it unpacks to.

Every caller asks here (:func:`resource_path`); none works out a path from its
own ``__file__``.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

PACKAGE = "picturedesk_resources"


@lru_cache(maxsize=1)
def files() -> Path:
    """The directory of shipped resources (a real directory on disk)."""
    checkout = Path(__file__).resolve().parents[1]
    if (checkout / "pyproject.toml").is_file() and (checkout / "resources").is_dir():
        return checkout / "resources"
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle and (Path(bundle) / PACKAGE).is_dir():
        return Path(bundle) / PACKAGE
    import importlib.resources

    root = importlib.resources.files(PACKAGE)
    if isinstance(root, Path):
        return root
    # Not a plain directory (a zipped install): unpack it once for this process.
    import atexit
    import contextlib

    stack = contextlib.ExitStack()
    atexit.register(stack.close)
    return Path(stack.enter_context(importlib.resources.as_file(root)))


def resource_path(*parts: str) -> Path:
    """A shipped file or folder, e.g. ``resource_path("rules", "ap.toml")`` (it may not exist)."""
    return files().joinpath(*parts)
