"""A header's claims do not size our allocations (issue 18: a 6 KB JPEG whose
extended XMP claimed 4 GiB took 4.1 GB; PNG text chunks that inflate to 2 GB)."""

import io
import struct
import tracemalloc
import zlib

from PIL import Image

from archive.metadata import read_metadata

GUID = b"0123456789ABCDEF0123456789ABCDEF"


def _jpeg_with_app1(payload: bytes) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), (90, 20, 20)).save(buf, "JPEG")
    jpeg = buf.getvalue()
    segment = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    return jpeg[:2] + segment + jpeg[2:]


def _peak_mb(fn) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def test_extended_xmp_claiming_4_gib_is_ignored_with_a_warning(tmp_path):
    claim = 4 * 2**30 - 1
    chunk = b"http://ns.adobe.com/xmp/extension/\0" + GUID + struct.pack(">II", claim, 0) + b"<x:xmpmeta/>"
    path = tmp_path / "claims.jpg"
    path.write_bytes(_jpeg_with_app1(chunk))
    assert path.stat().st_size < 8000
    found = {}
    peak = _peak_mb(lambda: found.setdefault("meta", read_metadata(path)))
    assert peak < 50, peak
    assert any("extended XMP" in w for w in found["meta"].warnings)


def _png_with_chunk(ctype: bytes, data: bytes) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buf, "PNG")
    png = buf.getvalue()
    chunk = struct.pack(">I", len(data)) + ctype + data + struct.pack(">I", zlib.crc32(ctype + data) & 0xFFFFFFFF)
    return png[:33] + chunk + png[33:]          # after the signature and IHDR


def test_a_zlib_bomb_in_a_png_text_chunk_is_not_inflated(tmp_path):
    bomb = zlib.compress(b"\0" * (512 * 2**20), 9)          # 512 MB of zeros in about 500 KB
    for ctype, data in ((b"zTXt", b"Comment\0\0" + bomb),
                        (b"iTXt", b"XML:com.adobe.xmp\0\1\0\0\0" + bomb)):
        path = tmp_path / f"bomb-{ctype.decode()}.png"
        path.write_bytes(_png_with_chunk(ctype, data))
        found = {}
        peak = _peak_mb(lambda: found.setdefault("meta", read_metadata(path)))
        assert peak < 120, (ctype, peak)
        assert any("expands past" in w for w in found["meta"].warnings), found["meta"].warnings


def _sparse_tiff(path, entries, size: int) -> None:
    """A classic TIFF whose IFD0 holds ``entries`` and whose file is ``size`` bytes
    (sparse: the holes cost no disk), like a big scan."""
    ifd = struct.pack("<H", len(entries)) + b"".join(struct.pack("<HHII", *e) for e in sorted(entries))
    with open(path, "wb") as f:
        f.write((b"II*\0" + struct.pack("<I", 8) + ifd + bytes(4)).ljust(200, b"\0") + b"A scan\0")
        f.truncate(size)


def test_a_tag_claiming_4_gib_in_a_big_tiff_is_not_read(tmp_path):
    """exifread reads an ASCII value as far as the data goes: in a 96 MB scan whose
    ImageDescription count says 4 GiB, that was the whole file, twice over (192 MB)."""
    from archive.metadata.blocks import MAX_BLOCK

    path = tmp_path / "scan.tif"
    _sparse_tiff(path, [(256, 3, 1, 8), (257, 3, 1, 8), (0x010E, 2, 0xFFFFFFF0, 200),
                        (273, 4, 1, 300), (279, 4, 1, 64)], 3 * MAX_BLOCK)
    found = {}
    peak = _peak_mb(lambda: found.setdefault("meta", read_metadata(path)))
    assert peak < 8, peak
    meta = found["meta"]
    assert meta.caption is None and meta.width == 8
    assert any("0x010E claims 4294967280 bytes" in w for w in meta.warnings), meta.warnings


def test_a_true_description_in_a_big_tiff_is_still_read(tmp_path):
    from archive.metadata.blocks import MAX_BLOCK

    path = tmp_path / "scan.tif"
    _sparse_tiff(path, [(256, 3, 1, 8), (257, 3, 1, 8), (0x010E, 2, 7, 200),
                        (273, 4, 1, 300), (279, 4, 1, 64)], 3 * MAX_BLOCK)
    meta = read_metadata(path)
    assert (meta.caption, meta.warnings) == ("A scan", [])


def _xmp_jpeg(description_body: str, rdf_extra: str = "") -> bytes:
    packet = ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
              'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/">'
              '<rdf:Description rdf:about="" photoshop:City="Kyiv">' + description_body + '</rdf:Description>'
              + rdf_extra + '</rdf:RDF></x:xmpmeta>')
    return _jpeg_with_app1(b"http://ns.adobe.com/xap/1.0/\0" + packet.encode())


def test_xmp_nested_a_thousand_levels_deep_is_read_without_exhausting_the_stack(tmp_path):
    """Found while fuzzing: 1,000 nested elements (25 KB, one JPEG segment) raised
    RecursionError out of the reader."""
    deep = '<dc:title rdf:parseType="Resource">' * 1000 + "</dc:title>" * 1000
    path = tmp_path / "deep.jpg"
    path.write_bytes(_xmp_jpeg(deep))
    meta = read_metadata(path)
    assert meta.city == "Kyiv"                 # the rest of the packet is read
    assert meta.title is None


def test_a_node_id_pointing_at_a_deep_node_is_dropped(tmp_path):
    deep_node = ('<rdf:Description rdf:nodeID="n1">' + "<dc:x rdf:parseType='Resource'>" * 1000
                 + "</dc:x>" * 1000 + "</rdf:Description>")
    path = tmp_path / "deep-ref.jpg"
    path.write_bytes(_xmp_jpeg('<dc:subject rdf:nodeID="n1"/>', deep_node))
    meta = read_metadata(path)
    assert meta.city == "Kyiv" and meta.keywords == []
