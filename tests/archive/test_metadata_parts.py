"""The small parts of the reader: dates, MWG string lists, XMP shapes, the MWG rule."""

from __future__ import annotations

import pytest

from archive.metadata import xmp as X
from archive.metadata.dates import iptc_date, to_iso, with_subsec_and_offset
from archive.metadata.iptc import IimValue, Iptc
from archive.metadata.reconcile import Mwg, string_to_list


@pytest.mark.parametrize("text,iso", [
    ("2022:12:19 02:14:07", "2022-12-19T02:14:07"),
    ("2022:12:19 02:14:07.25+02:00", "2022-12-19T02:14:07.25+02:00"),
    ("2008-08-20T00:00:00 +00:00", "2008-08-20T00:00:00+00:00"),      # Getty's space before the offset
    ("2012-08-27T15:36:36Z", "2012-08-27T15:36:36+00:00"),
    ("2015-04-15T01:08:44.088", "2015-04-15T01:08:44.088"),
    ("2003-08-31", "2003-08-31"),
    ("2003-08", "2003-08"),
    ("2003", "2003"),
    ("2014-06-24T15:10+01:00", "2014-06-24T15:10+01:00"),
    ("0000:00:00 00:00:00", None),
    ("    :  :     :  :  ", None),
    ("2022:13:01 00:00:00", None),
    ("yesterday", None),
    ("", None),
])
def test_to_iso(text, iso):
    assert to_iso(text) == iso


@pytest.mark.parametrize("date,subsec,offset,out", [
    ("2008:05:30 15:56:01", "00", None, "2008:05:30 15:56:01.00"),
    ("2021:04:11 15:47:53", "054", "-05:00", "2021:04:11 15:47:53.054-05:00"),
    ("2021:04:11 15:47:53", None, "+2:00", "2021:04:11 15:47:53+02:00"),
    ("2021:04:11 15:47:53+01:00", None, "+02:00", "2021:04:11 15:47:53+01:00"),   # already has one
    ("2021:04:11 15:47:53", "  ", None, "2021:04:11 15:47:53"),
])
def test_subsec_and_offset_like_exiftool(date, subsec, offset, out):
    assert with_subsec_and_offset(date, subsec, offset) == out


def test_iptc_date_and_time():
    assert iptc_date("20221219", "021407+0200") == "2022-12-19T02:14:07+02:00"
    assert iptc_date("2022:12:19", "02:14:07+02:00") == "2022-12-19T02:14:07+02:00"
    assert iptc_date("20221219", None) == "2022-12-19"
    assert iptc_date("2022", None) is None


@pytest.mark.parametrize("text,names", [
    ("Ann Smith", ["Ann Smith"]),
    ("Ann Smith; Bob Jones", ["Ann Smith", "Bob Jones"]),
    ('"Smith; Ann"; Bob', ["Smith; Ann", "Bob"]),
    ('"He said ""hi"""; Bob', ['He said "hi"', "Bob"]),
    ("Ann;Bob", ["Ann;Bob"]),
])
def test_mwg_string_list(text, names):
    assert string_to_list(text) == names


def packet(body: str, junk_before=b"", junk_after=b"") -> bytes:
    return junk_before + f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
{body}
</rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>""".encode("utf-8") + junk_after


NS = ('xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" '
      'xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"')


def test_xmp_attribute_and_element_forms_and_junk_around_the_packet():
    props = X.parse_xmp(packet(
        f'<rdf:Description rdf:about="" {NS} photoshop:City="Kyiv"><photoshop:Credit>NYT</photoshop:Credit>'
        f'</rdf:Description>', junk_before=b"XMP\0junk\0\0", junk_after=b" " * 2000 + b"\0\0garbage"))
    assert X.text(props, "photoshop:City") == "Kyiv" and X.text(props, "photoshop:Credit") == "NYT"


def test_xmp_lang_alt_prefers_x_default_then_the_first_language():
    props = X.parse_xmp(packet(
        f'<rdf:Description {NS}><dc:description><rdf:Alt><rdf:li xml:lang="uk">Ялинка</rdf:li>'
        f'<rdf:li xml:lang="x-default">Tree</rdf:li></rdf:Alt></dc:description>'
        f'<dc:title><rdf:Alt><rdf:li xml:lang="de">Baum</rdf:li><rdf:li xml:lang="en">Tree</rdf:li></rdf:Alt></dc:title>'
        f'</rdf:Description>'))
    assert X.text(props, "dc:Description") == "Tree" and X.text(props, "dc:Title") == "Baum"


def test_xmp_structures_lists_and_sloppy_case():
    props = X.parse_xmp(packet(
        f'<rdf:Description {NS} dc:Rights="(c) AP"><Iptc4xmpExt:LocationShown><rdf:Bag>'
        f'<rdf:li rdf:parseType="Resource"><Iptc4xmpExt:City>Lviv</Iptc4xmpExt:City></rdf:li>'
        f'<rdf:li Iptc4xmpExt:City="Odesa"/></rdf:Bag></Iptc4xmpExt:LocationShown>'
        f'<dc:subject><rdf:Bag><rdf:li>a</rdf:li><rdf:li>b</rdf:li></rdf:Bag></dc:subject>'
        f'<dc:creator>Single Name</dc:creator></rdf:Description>'))
    assert X.text(props, "dc:Rights") == "(c) AP"
    assert X.struct_field(props, "Iptc4xmpExt:LocationShown", "City") == "Lviv"
    assert X.texts(props, "dc:Subject") == ["a", "b"] and X.texts(props, "dc:Creator") == ["Single Name"]


def test_xmp_later_descriptions_and_packets_override():
    first = packet(f'<rdf:Description {NS} photoshop:City="Kiev" photoshop:Source="AP"/>')
    second = packet(f'<rdf:Description {NS} photoshop:City="Kyiv"/>')
    warnings: list[str] = []
    props = X.merge_packets([first, second], warnings, "XMP")
    assert (X.text(props, "photoshop:City"), X.text(props, "photoshop:Source"), warnings) == ("Kyiv", "AP", [])


def test_xmp_utf16_packet():
    data = packet(f'<rdf:Description {NS} photoshop:City="Київ"/>').decode("utf-8").encode("utf-16-be")
    assert X.text(X.parse_xmp(data), "photoshop:City") == "Київ"


@pytest.mark.parametrize("data", [b"", b"just text", b"<x:xmpmeta><rdf:RDF>cut", packet("<unclosed>")])
def test_bad_xmp_raises_xmp_error(data):
    with pytest.raises(X.XmpError):
        X.parse_xmp(data)


def iptc_with(dataset: int, *values: tuple[str, int]) -> Iptc:
    return Iptc(values={dataset: [IimValue(t, n) for t, n in values]}, digest=b"d" * 16)


def test_mwg_rule_without_iptc_takes_xmp():
    assert Mwg(None, None).pick(120, False, "xmp") == "xmp"


def test_mwg_rule_in_sync_takes_xmp_else_iptc():
    iptc = iptc_with(120, ("iptc", 4))
    assert Mwg(iptc, b"d" * 16).pick(120, False, "xmp") == "xmp"       # digest matches
    assert Mwg(iptc, None).pick(120, False, "xmp") == "xmp"             # no digest stored
    assert Mwg(iptc, b"x" * 16).pick(120, False, "xmp") == "iptc"       # stale digest
    assert Mwg(iptc, b"d" * 16).pick(120, False, None) == "iptc"        # XMP lacks it


def test_mwg_rule_recovers_values_cut_at_the_limit():
    cut = "Alexandra Konstantinopoulou-Smit"
    iptc = iptc_with(80, (cut, 32), ("Bob", 3))
    picked = Mwg(iptc, b"x" * 16).pick(80, True, ["Alexandra Konstantinopoulou-Smithsonian", "Bob"])
    assert picked == ["Alexandra Konstantinopoulou-Smithsonian", "Bob"]
    other = Mwg(iptc, b"x" * 16).pick(80, True, ["Someone else entirely, long name"])
    assert other == [cut, "Bob"]
