"""Where a photo file keeps its length fields, and the ways files get damaged.

Random bit flips seldom hit what a parser trusts; a length field set to
0xFFFFFFFF does.  ``length_fields`` walks a file's structures (JPEG segments,
the EXIF IFDs inside them, IPTC datasets, PNG and RIFF chunks, ISO-BMFF
boxes, TIFF IFDs) loosely and without trusting them, and lists the offset and
width of each count, size and TIFF value type it meets, for the fuzzer to overwrite.
``apply`` performs one mutation on a file's bytes.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

_LIMIT = 400            # fields listed per file: plenty to choose from, quick to find
# Values a damaged field takes: zero and tiny sizes, TIFF types that are signed (9, 10)
# or float (11, 12) or none at all (14), and sizes that fill the field's width.
HUGE = (0, 1, 2, 3, 7, 8, 9, 11, 12, 14, 0x7F, 0xFF, 0x7FFF, 0xFFFF, 0x10000, 0x7FFFFFFF,
        0xFFFFFFCC, 0xFFFFFFFF)


@dataclass(frozen=True)
class Field:
    offset: int
    width: int           # 2, 4 or 8 bytes
    order: str           # "big" or "little"


def length_fields(data: bytes) -> list[Field]:
    out: list[Field] = []
    if data[:2] == b"\xff\xd8":
        _jpeg(data, out)
    elif data[:4] in (b"II*\0", b"MM\0*"):
        _tiff(data, 0, out)
    elif data[:4] in (b"II+\0", b"MM\0+"):           # BigTIFF: the IFD0 offset and its count
        order = "little" if data[:2] == b"II" else "big"
        out += [Field(8, 8, order), Field(int.from_bytes(data[8:16], order), 8, order)]
    elif data[:8] == b"\x89PNG\r\n\x1a\n":
        _chunks(data, 8, len(data), out, "big", png=True)
    elif data[:4] == b"RIFF":
        out.append(Field(4, 4, "little"))
        _chunks(data, 12, len(data), out, "little", png=False)
    elif data[4:8] == b"ftyp":
        _boxes(data, 0, len(data), out, depth=0)
    return out[:_LIMIT]


def _jpeg(data: bytes, out: list[Field]) -> None:
    pos = 2
    while pos + 4 <= len(data) and len(out) < _LIMIT:
        if data[pos] != 0xFF:
            return
        marker = data[pos + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7 or marker == 0xFF:
            pos += 1 if marker == 0xFF else 2
            continue
        length = int.from_bytes(data[pos + 2:pos + 4], "big")
        out.append(Field(pos + 2, 2, "big"))
        body = data[pos + 4:pos + 2 + length]
        if marker == 0xE1 and body[:6] == b"Exif\0\0":
            _tiff(body[6:], pos + 10, out)
        elif marker == 0xED:
            _iptc(body, pos + 4, out)
        if marker == 0xDA or length < 2:
            return
        pos += 2 + length


def _tiff(data: bytes, base: int, out: list[Field]) -> None:
    """IFD counts, entry counts and value offsets of the IFDs reachable from the header."""
    if data[:2] not in (b"II", b"MM") or len(data) < 8:
        return
    order = "little" if data[:2] == b"II" else "big"
    e = "<" if order == "little" else ">"
    out.append(Field(base + 4, 4, order))
    todo, seen = [struct.unpack(e + "I", data[4:8])[0]], set()
    while todo and len(out) < _LIMIT:
        ifd = todo.pop()
        if ifd in seen or ifd + 2 > len(data):
            continue
        seen.add(ifd)
        count = struct.unpack(e + "H", data[ifd:ifd + 2])[0]
        out.append(Field(base + ifd, 2, order))
        for i in range(min(count, 64)):
            at = ifd + 2 + 12 * i
            if at + 12 > len(data):
                break
            tag, _typ, _n, value = struct.unpack(e + "HHII", data[at:at + 12])
            out.append(Field(base + at + 2, 2, order))       # the value type
            out.append(Field(base + at + 4, 4, order))       # the value count
            out.append(Field(base + at + 8, 4, order))       # the value or its offset
            if tag in (0x8769, 0x8825, 0xA005):              # EXIF, GPS, interoperability IFDs
                todo.append(value)
        nxt = ifd + 2 + 12 * count
        if nxt + 4 <= len(data):
            out.append(Field(base + nxt, 4, order))
            todo.append(struct.unpack(e + "I", data[nxt:nxt + 4])[0])


def _iptc(body: bytes, base: int, out: list[Field]) -> None:
    """The Photoshop resource sizes and the IIM dataset lengths in an APP13 segment."""
    at = body.find(b"8BIM")
    while 0 <= at and at + 12 <= len(body) and len(out) < _LIMIT:
        name_len = body[at + 6] + 1
        name_len += name_len & 1
        size_at = at + 6 + name_len
        if size_at + 4 > len(body):
            return
        out.append(Field(base + size_at, 4, "big"))
        size = int.from_bytes(body[size_at:size_at + 4], "big")
        start = size_at + 4
        if body[at + 4:at + 6] == b"\x04\x04":
            p = start
            while p + 5 <= min(len(body), start + size) and body[p] == 0x1C:
                out.append(Field(base + p + 3, 2, "big"))
                p += 5 + int.from_bytes(body[p + 3:p + 5], "big")
        at = body.find(b"8BIM", start + size)


def _chunks(data: bytes, pos: int, end: int, out: list[Field], order: str, png: bool) -> None:
    while pos + 8 <= end and len(out) < _LIMIT:
        at = pos if png else pos + 4
        out.append(Field(at, 4, order))
        length = int.from_bytes(data[at:at + 4], order)
        if png:
            pos += 12 + length
        else:
            pos += 8 + length + (length & 1)


_CONTAINERS = {b"meta": 4, b"iprp": 0, b"ipco": 0, b"moov": 0, b"dinf": 0, b"iinf": 6,
               b"uuid": 16}       # Canon's CR3 uuid box holds the CMT boxes after its 16-byte id


def _boxes(data: bytes, pos: int, end: int, out: list[Field], depth: int) -> None:
    while pos + 8 <= end and len(out) < _LIMIT and depth < 4:
        size = int.from_bytes(data[pos:pos + 4], "big")
        btype = data[pos + 4:pos + 8]
        out.append(Field(pos, 4, "big"))
        if size == 1 and pos + 16 <= end:
            out.append(Field(pos + 8, 8, "big"))
            size = int.from_bytes(data[pos + 8:pos + 16], "big")
        if size < 8:
            return
        if btype in _CONTAINERS:
            _boxes(data, pos + 8 + _CONTAINERS[btype], min(end, pos + size), out, depth + 1)
        elif btype in (b"iloc", b"ipma", b"pitm", b"ispe", b"infe"):
            for at in range(pos + 8, min(end, pos + size, pos + 8 + 64) - 3, 2):
                out.append(Field(at, 4, "big"))           # versions, counts, offsets, lengths
        pos += size


# --- mutations ------------------------------------------------------------------------

def apply(data: bytes, kind: str, where: float, value: int, extra: bytes) -> bytes:
    """One mutation of ``data``: ``where`` (0..1) picks the place, ``value`` and
    ``extra`` what goes there.  Kinds: flip (a bit), truncate, insert (bytes),
    delete (a run), length (a length field set to value)."""
    if not data:
        return data
    d = bytearray(data)
    head = min(len(d), 70_000)          # metadata lives near the start: most places there
    at = int(where * head) if where < 0.9 else int((where - 0.9) * 10 * (len(d) - 1))
    at = min(at, len(d) - 1)
    if kind == "flip":
        d[at] ^= 1 << (value % 8)
    elif kind == "truncate":
        del d[at:]
    elif kind == "insert":
        d[at:at] = extra
    elif kind == "delete":
        del d[at:at + 1 + value % 64]
    elif kind == "length":
        fields = length_fields(bytes(d))
        if not fields:
            d[at] ^= 0xFF
        else:
            f = fields[int(where * len(fields)) % len(fields)]
            v = HUGE[value % len(HUGE)] & ((1 << 8 * f.width) - 1)
            d[f.offset:f.offset + f.width] = v.to_bytes(f.width, f.order)
    else:
        raise ValueError(kind)
    return bytes(d)


KINDS = ("flip", "truncate", "insert", "delete", "length", "length")   # length fields twice as often
