"""Fuzzing the metadata readers with damaged real files (issue 18).

Hypothesis mutates real camera and agency files (the shared corpus, when it is
there) and files made here with EXIF and XMP in every container we read (JPEG,
PNG, WebP, TIFF, BigTIFF, HEIC, CR3, DNG): bits flipped, the file cut short,
bytes inserted or removed, and above all length fields (segment, chunk, box,
IFD and dataset sizes and counts, TIFF value types) set to 0, 1, 0xFFFF,
0xFFFFFFFF and the like (tests/archive/mutations.py finds them).
Whatever the bytes, each reader entry point

- raises nothing but its own typed error (UnreadableFile; the walkers'
  NotAnImage and Truncated; XmpError), and the last-resort guards (read_exif
  turning an exifread exception into a warning, read_metadata turning a
  walker's IndexError into "damaged structure") never fire: a crash is fixed
  where it happens, not caught;
- allocates at most ALLOCATION_CAP (tracemalloc's peak) for one file.

The runs are reproducible (derandomized, no example database) and bounded:
EXAMPLES per entry point, a few seconds in all.  Set PICTUREDESK_FUZZ_EXAMPLES
for a longer hunt (the crashes fixed for issue 18 needed a few thousand; each
has its own test in test_hostile_files.py or test_metadata_bombs.py).
"""

from __future__ import annotations

import os
import random
import tempfile
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import PngImagePlugin

from archive import previews
from archive.errors import UnreadableFile
from archive.metadata import read_metadata
from archive.metadata import xmp as X
from archive.metadata.blocks import MAX_BLOCK
from archive.metadata.containers import NotAnImage, Truncated, scan
from archive.metadata.exif import read_exif
from archive.metadata.iptc import parse_iptc
from archive.metadata.source import HEAD_SIZE, Source

from . import hostile_files as H
from . import mutations as M
from .test_metadata_formats import (EXIF_CAMERA, GPS_SOUTH, IFD0_CAMERA, XMP, build_cr3, build_heic, build_tiff,
                                    camera_exif)

pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("PICTUREDESK_FUZZ_EXAMPLES", "600"))
ALLOCATION_CAP = 3 * MAX_BLOCK
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _made_seeds() -> dict[str, bytes]:
    """Small files with metadata in each container, made here (the corpus has no WebP,
    and its PNG and TIFFs carry little)."""
    exif = camera_exif()
    seeds = {"made.jpg": H.pillow_bytes("JPEG", exif=exif, xmp=XMP)}
    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", XMP.decode("utf-8"))
    seeds["made.png"] = H.pillow_bytes("PNG", pnginfo=info, exif=exif)
    seeds["made.webp"] = H.pillow_bytes("WEBP", exif=exif, xmp=XMP)
    seeds["made.tif"] = H.pillow_bytes("TIFF", tiffinfo={270: "A caption in a TIFF", 700: XMP})
    seeds["made-big.tif"] = H.pillow_bytes("TIFF", big_tiff=True, tiffinfo={270: "A caption in a BigTIFF"})
    seeds["made.heic"] = build_heic(build_tiff(IFD0_CAMERA, EXIF_CAMERA, GPS_SOUTH, order=">"), XMP)
    seeds["made.cr3"] = build_cr3(XMP)
    seeds["made.dng"] = build_tiff({0x00FE: 1, 0x0100: 160, 0x0101: 120, 0xC612: [1, 4, 0, 0], **IFD0_CAMERA},
                                   EXIF_CAMERA, GPS_SOUTH, subifds=[{0x00FE: 0, 0x0100: 6048, 0x0101: 4032}])
    seeds["runaway-ifd.jpg"] = H.jpeg_with_exif(H.tiff_with_runaway_ifd0())
    return seeds


def _corpus_seeds() -> dict[str, bytes]:
    corpus = H.corpus_dir()
    if corpus is None:
        return {}
    return {p.name: p.read_bytes() for p in sorted(corpus.iterdir())
            if p.is_file() and p.suffix.lower() in (".jpg", ".jpeg", ".tif", ".tiff", ".png", ".heic")}


SEEDS = {**_corpus_seeds(), **_made_seeds()}
NAMES = sorted(SEEDS)
# Each container as often as the others: the corpus is mostly JPEGs, but one HEIC.
BY_FORMAT: dict[str, list[str]] = {}
for _name in NAMES:
    BY_FORMAT.setdefault(_name.rsplit(".", 1)[-1].lower().replace("jpeg", "jpg").replace("tiff", "tif"),
                         []).append(_name)

seed = st.sampled_from(sorted(BY_FORMAT)).flatmap(lambda fmt: st.sampled_from(BY_FORMAT[fmt]))
mutation = st.tuples(st.sampled_from(M.KINDS), st.floats(0, 1, allow_nan=False), st.integers(0, 1 << 16),
                     st.binary(min_size=1, max_size=16))
# Mutations drawn by hypothesis, and mutations drawn by a PRNG that hypothesis seeds:
# hypothesis favours small and boundary values (0.0, 1.0, 0), which finds the edge
# cases; the PRNG spreads places and values evenly, which finds the rest.
damaged = st.one_of(st.tuples(seed, st.lists(mutation, min_size=1, max_size=3)),
                    st.tuples(seed, st.integers(0, (1 << 32) - 1)))


def _steps(draw_seed: int) -> list[tuple]:
    rnd = random.Random(draw_seed)
    return [(rnd.choice(M.KINDS), rnd.random(), rnd.randrange(1 << 16), rnd.randbytes(rnd.randint(1, 16)))
            for _ in range(rnd.randint(1, 3))]


def _bytes(case) -> tuple[str, bytes]:
    name, steps = case
    if isinstance(steps, int):
        steps = _steps(steps)
    data = SEEDS[name]
    for kind, where, value, extra in steps:
        data = M.apply(data, kind, where, value, extra)
    return name, data


@pytest.fixture(scope="module")
def workdir():
    with tempfile.TemporaryDirectory(prefix="reader-fuzz-") as folder:
        yield Path(folder)


def _peak(fn) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_seeds_cover_every_container_and_carry_metadata():
    assert {"jpg", "png", "webp", "tif", "heic", "cr3", "dng"} <= set(BY_FORMAT)
    for name in ("made.jpg", "made.png", "made.webp", "made.tif", "made-big.tif", "made.heic", "made.cr3",
                 "made.dng"):
        path_free = read_metadata_of(name)
        assert path_free.caption or path_free.creator, name      # metadata to damage, not just pixels
        assert len(M.length_fields(SEEDS[name])) >= 2, name        # and length fields to aim at


def read_metadata_of(name: str):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(SEEDS[name])
        return read_metadata(path)


@FUZZ
@given(case=damaged)
def test_read_metadata_raises_only_unreadable_file_and_stays_under_the_cap(workdir, case):
    name, data = _bytes(case)
    path = workdir / ("fuzzed" + Path(name).suffix)
    path.write_bytes(data)
    outcome = {}

    def read():
        try:
            outcome["meta"] = read_metadata(path)
        except UnreadableFile as exc:
            outcome["error"] = exc

    peak = _peak(read)
    assert peak < ALLOCATION_CAP, (name, peak)
    error = outcome.get("error")
    if error is not None:
        assert " structure (" not in error.reason, error.reason     # a walker crashed (IndexError ...)
    else:
        assert not [w for w in outcome["meta"].warnings if "damaged block (" in w]    # exifread crashed


@FUZZ
@given(case=damaged)
def test_the_container_walkers_raise_only_their_own_errors(case):
    name, data = _bytes(case)
    # Over a file on disk, so reads past the head go to the file as on import.
    with tempfile.TemporaryFile() as handle:
        handle.write(data)
        src = Source("", data[:HEAD_SIZE], len(data), handle)
        try:
            blocks = scan(src, Path(name).suffix.lower())
        except (NotAnImage, Truncated):
            return
    assert blocks.format and all(isinstance(w, str) for w in blocks.warnings)
    assert blocks.width is None or blocks.width >= 0


@FUZZ
@given(case=damaged)
def test_the_block_decoders_raise_only_their_own_errors(case):
    name, data = _bytes(case)
    try:
        blocks = scan(Source("", data, len(data)), Path(name).suffix.lower())
    except (NotAnImage, Truncated):
        return
    warnings: list[str] = []
    read_exif(blocks.exif, warnings)
    assert not [w for w in warnings if "damaged block (" in w], warnings
    if blocks.iptc:
        parse_iptc(blocks.iptc, warnings)
    for packet in blocks.xmp:
        try:
            X.parse_xmp(packet)
        except X.XmpError:
            pass


def _nest(packet: bytes, where: float, depth: int) -> bytes:
    """``depth`` nested structure elements put in after the element tag nearest ``where``."""
    at = packet.find(b">", int(where * len(packet)))
    if at < 0:
        return packet
    nest = b"<dc:n rdf:parseType='Resource'>" * depth + b"</dc:n>" * depth
    return packet[:at + 1] + nest + packet[at + 1:]


xmp_damage = st.tuples(st.lists(mutation, max_size=2), st.floats(0, 1, allow_nan=False),
                       st.sampled_from([0, 0, 50, 900, 3000]))


@FUZZ
@given(case=xmp_damage)
def test_the_xmp_parser_raises_only_xmp_error(case):
    """parse_xmp also reads sidecars, which come whole from disk: damaged and deeply nested
    packets (a stack-exhaustion attack) give a value or XmpError, nothing else."""
    steps, where, depth = case
    packet = _nest(XMP, where, depth) if depth else XMP
    for kind, at, value, extra in steps:
        packet = M.apply(packet, kind, at, value, extra)
    try:
        props = X.parse_xmp(packet)
    except X.XmpError:
        return
    assert isinstance(props, dict) and all(isinstance(k, str) and ":" in k for k in props)


@FUZZ
@given(case=damaged)
def test_the_preview_finder_never_raises_and_stays_under_the_cap(case):
    _name, data = _bytes(case)
    found = {}
    peak = _peak(lambda: found.setdefault("scan", previews.scan_file(data)))
    assert peak < ALLOCATION_CAP + len(data), peak        # (it copies the bytes it is given once)
    for preview in found["scan"].previews:
        assert 0 <= preview.offset and preview.offset + preview.length <= len(data)
