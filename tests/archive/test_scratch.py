"""Search's temporaries reuse freed heap memory (archive/store/scratch.py): set once per
process on Linux, where the thresholds are glibc's; a no-op elsewhere."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc thresholds")
def test_the_thresholds_are_set_once_in_a_fresh_process():
    code = "from archive.store.scratch import reuse_freed_arrays as r; print(r(), r())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "False"]
