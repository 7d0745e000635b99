"""Where search's temporary arrays come from: memory freed by the last one.

A query over a million photos makes a few arrays of a million flags (1 MB each) and
lets them go.  By default glibc hands out every block over 128 KiB-32 MiB as fresh
pages from the kernel and gives them back on free, so each array pays about a
thousand page faults again: measured here, 1 ms per array, half of a cold
query's time.  Blocks under 8 MiB are instead taken from the heap, where a freed
one is reused without faults, and up to 32 MiB of freed heap is kept rather than
given back.  Linux with glibc only; elsewhere nothing changes.
"""

from __future__ import annotations

import sys

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
REUSE_BELOW = 8 << 20
KEEP_FREED = 32 << 20
_done = False


def reuse_freed_arrays() -> bool:
    """Set glibc's thresholds once per process; whether they were set."""
    global _done
    if _done:
        return False
    _done = True
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    return bool(mallopt(_M_MMAP_THRESHOLD, REUSE_BELOW)) and bool(mallopt(_M_TRIM_THRESHOLD, KEEP_FREED))
