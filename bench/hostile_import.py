"""An import's memory whatever it reads: a folder of metadata bombs among ordinary
photos, imported as a person runs it, with the peak memory of the whole process tree
(the command and its worker processes, summed) sampled as it runs.

Issue 18 found 60 such files at two workers taking 6.9 GB and 70 s: a 6 KB JPEG
whose extended XMP claims 4 GiB, PNG zTXt and iTXt chunks that inflate to 512 MB
each.  The target: the import stays under 1 GB.  Files are made afresh (seeded)
each run: bombs of each kind, and noisy JPEGs of random sizes.

    .venv/bin/python bench/hostile_import.py [--bombs 60] [--photos 200] [--seed 1]
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
GUID = b"0123456789ABCDEF0123456789ABCDEF"


def jpeg(size, rng) -> bytes:
    buf = io.BytesIO()
    Image.effect_noise(size, rng.randint(20, 80)).convert("RGB").save(buf, "JPEG", quality=rng.randint(70, 92))
    return buf.getvalue()


def xmp_claim_bomb(rng) -> bytes:
    claim = 4 * 2**30 - rng.randint(1, 1000)
    payload = b"http://ns.adobe.com/xmp/extension/\0" + GUID + struct.pack(">II", claim, 0) + b"<x:xmpmeta/>"
    base = jpeg((32, 24), rng)
    return base[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + base[2:]


def png_text_bomb(kind: bytes, bomb: bytes) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buf, "PNG")
    png = buf.getvalue()
    data = (b"Comment\0\0" if kind == b"zTXt" else b"XML:com.adobe.xmp\0\1\0\0\0") + bomb
    chunk = struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return png[:33] + chunk + png[33:]


def tree_rss_mb(root_pid: int) -> float:
    """Resident MB of ``root_pid`` and every process under it."""
    parents = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            parents[int(entry)] = (int(fields[1]), int(fields[21]))      # ppid, rss pages
        except (OSError, IndexError, ValueError):
            continue
    inside, total, grew = {root_pid}, 0, True
    while grew:
        grew = False
        for pid, (ppid, _rss) in parents.items():
            if ppid in inside and pid not in inside:
                inside.add(pid)
                grew = True
    for pid in inside:
        if pid in parents:
            total += parents[pid][1]
    return total * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bombs", type=int, default=60)
    ap.add_argument("--photos", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="pd-hostile-"))
    try:
        folder = work / "feed"
        folder.mkdir()
        bomb = zlib.compress(b"\0" * (512 * 2**20), 9)          # 512 MB of zeros in about 500 KB
        kinds = [lambda: xmp_claim_bomb(rng), lambda: png_text_bomb(b"zTXt", bomb),
                 lambda: png_text_bomb(b"iTXt", bomb)]
        names = []
        for i in range(args.bombs):
            k = i % 3
            name = f"bomb_{i:03d}." + ("jpg" if k == 0 else "png")
            (folder / name).write_bytes(kinds[k]())
            names.append(name)
        for i in range(args.photos):
            size = (rng.randint(800, 2400), rng.randint(600, 1600))
            (folder / f"photo_{i:04d}.jpg").write_bytes(jpeg(size, rng))
        made = sum(p.stat().st_size for p in folder.iterdir())
        print(f"{args.bombs} bombs (extended XMP claiming 4 GiB; PNG zTXt and iTXt inflating to 512 MB) among "
              f"{args.photos} photos, {made / 2**20:.0f} MB on disk; {args.jobs} worker processes")
        argv = [sys.executable, "-m", "desktop", "--archive", str(work / "archive"), "import", str(folder),
                "--jobs", str(args.jobs)]
        env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
        peak = [0.0]
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        stop = threading.Event()

        def sample():
            while not stop.is_set():
                peak[0] = max(peak[0], tree_rss_mb(proc.pid))
                time.sleep(0.02)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        out, err = proc.communicate()
        stop.set()
        sampler.join()
        wall = time.perf_counter() - started
        verdict = "met" if peak[0] < 1024 else "NOT met"
        print(f"import (thumbnails included): {wall:.1f} s, exit {proc.returncode}; peak memory of the command "
              f"and its workers together {peak[0]:.0f} MB (target 1 GB: {verdict})")
        warned = sum(1 for line in err.splitlines() if "bomb_" in line)
        print(f"lines of the report naming a bomb: {warned}")
        if proc.returncode not in (0, 1):
            print(err[-2000:])
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
