"""Damaged photo files, made the way damage happens (issue 18).

Each maker takes a good file's bytes (a real one from the shared corpus, or
one Pillow writes) and damages one structure in it: a length field
overwritten, a checksum that no longer matches, the end of the file gone.
The tests of the readers, of the import and of the fuzzer build on these.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

from PIL import Image

def corpus_dir() -> Path | None:
    """The real corpus beside the repository (tests/conftest.py), if it is there."""
    from tests.conftest import CORPUS

    return CORPUS if CORPUS.is_dir() else None


def pillow_bytes(fmt: str, size=(64, 48), colour="teal", **save) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, fmt, **save)
    return buf.getvalue()


# --- EXIF -------------------------------------------------------------------------

GARBAGE_TEXT = b"\x93\xfa\x11Q\x8e garbage after the directory \x07"


def tiff_with_runaway_ifd0() -> bytes:
    """A little-endian EXIF block whose IFD0 (Make, Model) claims 65,535 entries.

    After the real entries and the next-IFD pointer come other bytes, as they
    do in every file; here one 12-byte run of them happens to read as an
    ImageDescription entry pointing at binary junk.  Read as far as the data
    goes, the directory would give that junk as the photo's caption.
    """
    make, model = b"Canon\0", b"Canon EOS R5\0"
    entries_end = 8 + 2 + 12 * 2
    filler = bytes(8)                       # after the next-IFD pointer: index 3 is aligned
    fake_at = entries_end + 4 + len(filler)
    values_at = fake_at + 12
    make_at, model_at = values_at, values_at + len(make)
    junk_at = model_at + len(model)
    ifd = struct.pack("<H", 0xFFFF)
    ifd += struct.pack("<HHII", 0x010F, 2, len(make), make_at)
    ifd += struct.pack("<HHII", 0x0110, 2, len(model), model_at)
    block = b"II*\0" + struct.pack("<I", 8) + ifd + struct.pack("<I", 0) + filler
    block += struct.pack("<HHII", 0x010E, 2, len(GARBAGE_TEXT), junk_at)
    assert len(block) == values_at
    return block + make + model + GARBAGE_TEXT


def jpeg_with_exif(exif_block: bytes, size=(64, 48)) -> bytes:
    """A Pillow JPEG with ``exif_block`` as its APP1 Exif segment."""
    jpeg = pillow_bytes("JPEG", size)
    payload = b"Exif\0\0" + exif_block
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + jpeg[2:]


def set_ifd0_count(jpeg: bytes, count: int) -> bytes:
    """A real camera JPEG with its IFD0 entry count overwritten."""
    data = bytearray(jpeg)
    tiff = data.find(b"Exif\0\0") + 6
    endian = "<" if data[tiff:tiff + 2] == b"II" else ">"
    ifd0 = struct.unpack(endian + "I", data[tiff + 4:tiff + 8])[0]
    data[tiff + ifd0:tiff + ifd0 + 2] = struct.pack(endian + "H", count)
    return bytes(data)


# --- PNG, WebP, TIFF ----------------------------------------------------------------

def png_chunks(png: bytes):
    """(offset, type, data start, length) of each chunk."""
    pos = 8
    while pos + 8 <= len(png):
        length = int.from_bytes(png[pos:pos + 4], "big")
        yield pos, png[pos + 4:pos + 8], pos + 8, length
        pos += 12 + length


def png_with_bad_crc(chunk=b"IDAT") -> bytes:
    """A Pillow PNG with one bit of ``chunk``'s data flipped (its CRC no longer matches)."""
    png = bytearray(pillow_bytes("PNG", colour="maroon", pnginfo=_text_info()))
    for _pos, ctype, start, length in png_chunks(bytes(png)):
        if ctype == chunk and length:
            png[start + length // 2] ^= 0x10
            return bytes(png)
    raise AssertionError(f"no {chunk!r} chunk")


def _text_info():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "made for a test")
    return info


def png_crc(ctype: bytes, data: bytes) -> bytes:
    return struct.pack(">I", zlib.crc32(ctype + data) & 0xFFFFFFFF)


def webp_with_riff_size(size: int) -> bytes:
    """A Pillow WebP whose RIFF header states ``size`` (the real one: len - 8)."""
    webp = bytearray(pillow_bytes("WEBP", colour="navy"))
    webp[4:8] = struct.pack("<I", size)
    return bytes(webp)


def webp_with_huge_chunk() -> bytes:
    """A Pillow WebP whose image chunk claims 1 GB."""
    webp = bytearray(pillow_bytes("WEBP", colour="navy"))
    webp[16:20] = struct.pack("<I", 1 << 30)
    return bytes(webp)


def truncated_tiff() -> bytes:
    """A Pillow TIFF (IFD0 before the pixels) cut in the middle of its strips."""
    tiff = pillow_bytes("TIFF", size=(200, 150), colour="olive")
    return tiff[: len(tiff) // 2]


# --- JPEG cut mid-scan ----------------------------------------------------------------

def jpeg_cut_mid_scan(jpeg: bytes, keep: float = 0.6) -> bytes:
    """A JPEG cut inside its entropy-coded data (a copy interrupted, a card pulled)."""
    cut = int(len(jpeg) * keep)
    assert jpeg.rfind(b"\xff\xda", 0, cut) > 0, "the cut must fall after the (main) scan header"
    return jpeg[:cut]


def noisy_jpeg(size=(320, 240), quality=92) -> bytes:
    """A Pillow JPEG of noise: big enough scan data that a cut lands in it."""
    image = Image.effect_noise(size, 60).convert("RGB")
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


# --- HEIC -------------------------------------------------------------------------------

def bmff_boxes(data: bytes, start: int = 0, end: int | None = None):
    """(offset, type, size) of the boxes between start and end."""
    end = len(data) if end is None else end
    pos = start
    while pos + 8 <= end:
        size = int.from_bytes(data[pos:pos + 4], "big")
        btype = data[pos + 4:pos + 8]
        if size == 1:
            size = int.from_bytes(data[pos + 8:pos + 16], "big")
        elif size == 0:
            size = end - pos
        yield pos, btype, size
        if size < 8:
            return
        pos += size


def heic_with_box_size(heic: bytes, box: bytes, size: int) -> bytes:
    """A real HEIC with the size of ``box`` (in meta) overwritten."""
    data = bytearray(heic)
    for pos, btype, bsize in bmff_boxes(heic):
        if btype == b"meta":
            for cpos, ctype, _ in bmff_boxes(heic, pos + 12, pos + bsize):
                if ctype == box:
                    data[cpos:cpos + 4] = struct.pack(">I", size)
                    return bytes(data)
    raise AssertionError(f"no {box!r} box in meta")


def heic_with_first_infe_size(heic: bytes, size: int) -> bytes:
    """A real HEIC whose first item entry (infe, in iinf) has its size overwritten."""
    data = bytearray(heic)
    for pos, btype, bsize in bmff_boxes(heic):
        if btype == b"meta":
            for cpos, ctype, _ in bmff_boxes(heic, pos + 12, pos + bsize):
                if ctype == b"iinf":
                    first = cpos + 8 + (6 if heic[cpos + 8] == 0 else 8)
                    assert heic[first + 4:first + 8] == b"infe"
                    data[first:first + 4] = struct.pack(">I", size)
                    return bytes(data)
    raise AssertionError("no iinf box in meta")


def tiff_block(entries: list[tuple[int, int, int, bytes]], values: bytes = b"") -> bytes:
    """A little-endian TIFF block: IFD0 of (tag, type, count, 4-byte field) entries, then
    ``values`` (which the fields may point into, at 8 + 2 + 12 * len(entries) + 4)."""
    ifd = struct.pack("<H", len(entries)) + b"".join(struct.pack("<HHI", t, ty, n) + f for t, ty, n, f in entries)
    return b"II*\0" + struct.pack("<I", 8) + ifd + bytes(4) + values


def values_at(entries_count: int) -> int:
    """Where tiff_block puts its values."""
    return 8 + 2 + 12 * entries_count + 4
