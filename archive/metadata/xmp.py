"""Parse XMP packets (embedded or sidecar) into a flat property dictionary.

Keys are ``prefix:Name`` with the standard prefix for the namespace URI and
the first letter of the name upper-cased, the way exiftool names XMP tags
(so ``dc:rights`` and a sloppy ``dc:Rights`` are the same property, as they
are to exiftool).  Values are:

- ``str`` for simple properties (attribute or element form),
- ``list`` for rdf:Bag / rdf:Seq,
- ``LangAlt`` (a dict language -> text) for rdf:Alt,
- ``dict`` for structures (rdf:parseType="Resource", nested rdf:Description,
  or the attribute shorthand).

Parsing is done by defusedxml (no entity expansion, no external DTDs), or,
for a packet without a document type declaration (where there is nothing
to expand or fetch), by ElementTree's faster C parser: see _fast_parse.
Packets come wrapped in junk in the wild (padding, NULs, a second packet,
Photoshop's "XMP\\0" header); we cut out the <x:xmpmeta> or <rdf:RDF>
element before parsing.  Later packets and later rdf:Description blocks
override earlier ones property by property, as exiftool does.
"""

from __future__ import annotations

import re
from copy import deepcopy
from typing import Optional, Union
import xml.etree.ElementTree as _C_ET
from xml.etree.ElementTree import Element, ParseError

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_RDF_DESC = "{%s}Description" % RDF
_RDF_LI = "{%s}li" % RDF
_RDF_CONTAINERS = {"{%s}Bag" % RDF, "{%s}Seq" % RDF}
_RDF_ALT = "{%s}Alt" % RDF
_RDF_RESOURCE = "{%s}resource" % RDF
_RDF_PARSETYPE = "{%s}parseType" % RDF
_RDF_NODEID = "{%s}nodeID" % RDF
# Node elements (the subject or object of properties) as opposed to property elements.
_RDF_NODES = {_RDF_DESC, _RDF_ALT} | _RDF_CONTAINERS
# rdf:nodeID references resolved per packet at most: a hostile packet whose
# blank nodes refer to each other many times over cannot make us copy forever.
MAX_NODE_REFS = 2000
MAX_NODE_DEPTH = 8
# Elements nested deeper than this hold no value we read (real packets nest a dozen
# levels at most: a structure in a list in a description): a packet of 1,000 nested
# elements, 25 KB in a JPEG segment, must not exhaust the stack of a recursive reader.
MAX_VALUE_DEPTH = 40

# The namespaces whose properties we use; everything else (Camera Raw
# settings, xmpMM history, vendor schemas) is skipped while collecting.
NAMESPACES = {
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://ns.adobe.com/photoshop/1.0/": "photoshop",
    "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/": "Iptc4xmpCore",
    "http://iptc.org/std/Iptc4xmpExt/2008-02-29/": "Iptc4xmpExt",
    "http://ns.adobe.com/xap/1.0/rights/": "xmpRights",
    "http://ns.adobe.com/exif/1.0/": "exif",
    "http://cipa.jp/exif/1.0/": "exifEX",
    "http://ns.adobe.com/tiff/1.0/": "tiff",
    "http://ns.adobe.com/exif/1.0/aux/": "aux",
    "http://ns.adobe.com/xmp/note/": "xmpNote",
    "http://ns.picturedesk.app/xmp/1.0/": "picturedesk",    # the credit line we write back
}
_NS_LOOKUP = dict(NAMESPACES)
_NS_LOOKUP.update({uri.rstrip("/"): p for uri, p in NAMESPACES.items()})   # writers that drop the "/"

_START = re.compile(rb"<(?:[\w.-]+:)?x[ma]pmeta\b|<(?:[\w.-]+:)?RDF\b")
_END = {b"xmpmeta": re.compile(rb"</(?:[\w.-]+:)?xmpmeta\s*>"),
        b"xapmeta": re.compile(rb"</(?:[\w.-]+:)?xapmeta\s*>"),
        b"RDF": re.compile(rb"</(?:[\w.-]+:)?RDF\s*>")}
_BAD_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")

Value = Union[str, list, dict]


class LangAlt(dict):
    """rdf:Alt text: language -> text, in document order."""

    def best(self) -> str:
        if "x-default" in self:
            return self["x-default"]
        return next(iter(self.values()), "")


class XmpError(ValueError):
    pass


def parse_xmp(packet: bytes) -> dict[str, Value]:
    """Properties of one packet; raises XmpError when it cannot be parsed."""
    text = _packet_text(packet)
    root = _fast_parse(text)
    if root is None:
        try:
            root = SafeET.fromstring(text)
        except (ParseError, DefusedXmlException) as exc:
            cleaned = _BAD_XML_CHARS.sub("", text)
            try:
                root = SafeET.fromstring(cleaned)
            except (ParseError, DefusedXmlException):
                raise XmpError(f"XMP packet is not well-formed XML ({exc})") from None
    props: dict[str, Value] = {}
    rdf = root if root.tag == "{%s}RDF" % RDF else root.find(".//{%s}RDF" % RDF)
    if rdf is None:
        raise XmpError("XMP packet has no rdf:RDF element")
    referenced: set[str] = set()
    if "nodeID" in text:
        referenced = _resolve_node_ids(rdf)
    for node in rdf:
        if referenced and node.get(_RDF_NODEID) in referenced:
            continue            # a blank node some property points to: its values are there
        _collect(node, props)
    return props


def _resolve_node_ids(rdf: Element) -> set[str]:
    """Put a copy of each blank node where a property points to it by rdf:nodeID.

    RDF writers other than Adobe's (f-spot, SemWeb, some DAM exports) write
    ``<dc:subject rdf:nodeID="anon2"/>`` and, elsewhere in the packet,
    ``<rdf:Bag rdf:nodeID="anon2"><rdf:li>...`` (or an ``rdf:Description``
    for a structure).  After this the tree reads as if the node had been
    written inline, which the rest of the parser understands; a reference to
    no node is dropped (no value, as exiftool has it).  Returns the ids that
    are referred to: those top-level nodes describe a value, not the photo.
    """
    nodes: dict[str, Element] = {}
    referenced: set[str] = set()
    for node in rdf:                                # top-level nodes, of any type
        nid = node.get(_RDF_NODEID)
        if nid is not None:
            nodes.setdefault(nid, node)
    for el in rdf.iter():
        nid = el.get(_RDF_NODEID)
        if nid is None or nodes.get(nid) is el:
            continue
        if el.tag in _RDF_NODES:
            nodes.setdefault(nid, el)               # a node written inline
        else:
            referenced.add(nid)                     # a property pointing at a node
    if not referenced:
        return referenced
    # Copies come from the nodes as written, not as expanded so far.
    pristine = {nid: deepcopy(node) for nid, node in nodes.items()
                if nid in referenced and not _deeper_than(node, MAX_VALUE_DEPTH)}
    budget = MAX_NODE_REFS
    stack = [(node, 0) for node in rdf if node.get(_RDF_NODEID) not in referenced]
    while stack:
        parent, depth = stack.pop()
        for el in list(parent):
            nid = el.get(_RDF_NODEID)
            if nid is None or el.tag in _RDF_NODES or len(el):
                stack.append((el, depth))
                continue
            target = pristine.get(nid)
            if target is None or depth >= MAX_NODE_DEPTH or budget <= 0:
                parent.remove(el)
                continue
            budget -= 1
            copy = deepcopy(target)
            copy.attrib.pop(_RDF_NODEID, None)
            del el.attrib[_RDF_NODEID]
            el.append(copy)
            stack.append((el, depth + 1))
    return referenced


def _fast_parse(text: str) -> Optional[Element]:
    """The packet's tree by the C parser, when that is as safe as defusedxml's.

    defusedxml's parser is ElementTree's pure-Python one (it must subclass
    it), twice as slow as the C one.  What it guards against (entity
    expansion, external entities and DTDs) can only come in a document type
    declaration; a packet without one gives the C parser nothing to expand
    or fetch.  Packets with one, and packets that do not parse, go the
    defusedxml way, which decides (and words the errors) as before.
    """
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        return None
    try:
        return _C_ET.fromstring(text)
    except Exception:  # noqa: BLE001 - whatever it is, the defusedxml path decides
        return None


def _packet_text(packet: bytes) -> str:
    data = bytes(packet)
    codec = _wide_codec(data[:4])
    if codec:
        data = data.decode(codec, errors="replace").encode("utf-8")
    m = _START.search(data)
    if not m:
        raise XmpError("no <x:xmpmeta> or <rdf:RDF> element in the XMP packet")
    kind = b"RDF" if m.group(0).endswith(b"RDF") else (b"xapmeta" if b"xap" in m.group(0) else b"xmpmeta")
    ends = list(_END[kind].finditer(data, m.start()))
    if not ends:
        raise XmpError("XMP packet is cut short (no closing element)")
    body = data[m.start():ends[0].end()]
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("cp1252", errors="replace")


def _wide_codec(first4: bytes) -> Optional[str]:
    """XMP may be UTF-16 or UTF-32 (the xpacket BOM says which); tell by the NULs."""
    if len(first4) < 4:
        return None
    if first4[:2] in (b"\xff\xfe", b"\xfe\xff") and first4[2:] != b"\0\0":
        return "utf-16"
    nul = [b == 0 for b in first4]
    if nul == [True, True, True, False]:
        return "utf-32-be"
    if nul == [False, True, True, True]:
        return "utf-32-le"
    if nul == [True, False, True, False]:
        return "utf-16-be"
    if nul == [False, True, False, True]:
        return "utf-16-le"
    return None


_KEYS: dict[str, str] = {}


def _key(tag: str) -> str:
    """"{uri}name" -> "prefix:Name" (memoised: the same few hundred names recur)."""
    key = _KEYS.get(tag)
    if key is None:
        key = _make_key(tag)
        if len(_KEYS) < 10000:       # bounded: hostile files may invent names
            _KEYS[tag] = key
    return key


def _make_key(tag: str) -> str:
    """"prefix:Name" for a namespace we use, "" for one we skip."""
    if not tag.startswith("{"):
        return ""
    uri, _, local = tag[1:].partition("}")
    prefix = _NS_LOOKUP.get(uri) or _NS_LOOKUP.get(uri.rstrip("/"))
    if prefix is None or not local:
        return ""
    return f"{prefix}:{local[:1].upper()}{local[1:]}"


def _deeper_than(el: Element, limit: int) -> bool:
    """Whether elements nest more than ``limit`` levels below ``el`` (walked without recursion)."""
    stack = [(el, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in node)
    return False


def _collect(node: Element, props: dict, depth: int = 0) -> None:
    """Properties of one rdf:Description (or typed node) into ``props``."""
    for name, value in node.attrib.items():
        key = _key(name)
        if key:
            props[key] = value
    for child in node:
        key = _key(child.tag)
        if key:
            props[key] = _value(child, depth + 1)


def _value(el: Element, depth: int = 0) -> Value:
    if depth > MAX_VALUE_DEPTH:
        return ""                   # nested past any real packet: no value (see MAX_VALUE_DEPTH)
    attrib = el.attrib
    if attrib:
        resource = attrib.get(_RDF_RESOURCE)
        if resource is not None:
            return resource
        if attrib.get(_RDF_PARSETYPE) == "Resource":
            struct: dict = {}
            _collect(el, struct, depth + 1)
            return struct
    if len(el):
        first = el[0]
        tag = first.tag
        if tag in _RDF_CONTAINERS:
            return [_value(li, depth + 2) for li in first if li.tag == _RDF_LI]
        if tag == _RDF_ALT:
            alt = LangAlt()
            for li in first:
                if li.tag == _RDF_LI:
                    alt.setdefault(li.get(XML_LANG, "x-default"), _text_of(_value(li, depth + 2)))
            return alt
        struct = {}
        if tag == _RDF_DESC:
            _collect(first, struct, depth + 1)
        else:
            _collect(el, struct, depth + 1)
        return struct
    if attrib and any(_key(k) for k in attrib):
        struct = {}
        _collect(el, struct, depth + 1)
        return struct
    return el.text or ""


def _text_of(value: Value) -> str:
    return value if isinstance(value, str) else ""


# --- reading values -------------------------------------------------------------


def text(props: dict, key: str) -> Optional[str]:
    """A property as one text: lang-alt x-default first, a list's first item."""
    value = props.get(key)
    if value is None or value.__class__ is str:
        return value
    if isinstance(value, LangAlt):
        return value.best()
    if isinstance(value, list):
        items = [v for v in value if isinstance(v, str)]
        return items[0] if items else None
    if isinstance(value, dict):
        return None
    return value


def texts(props: dict, key: str) -> Optional[list[str]]:
    """A property as a list of texts (a simple value becomes a one-item list)."""
    value = props.get(key)
    if value is None:
        return None
    if isinstance(value, LangAlt):
        return [value.best()]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    if isinstance(value, dict):
        return None
    return [value]


def struct_field(props: dict, key: str, field: str) -> Optional[str]:
    """A field of a structure, or of the first structure in a list (LocationShown)."""
    value = props.get(key)
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, dict)), None)
    if not isinstance(value, dict):
        return None
    for k, v in value.items():
        if k.rpartition(":")[2] == field:
            return v.best() if isinstance(v, LangAlt) else (v if isinstance(v, str) else None)
    return None


def merge_packets(packets: list[bytes], warnings: list[str], where: str) -> dict[str, Value]:
    """All packets' properties, later packets overriding earlier ones."""
    merged: dict[str, Value] = {}
    for packet in packets:
        try:
            merged.update(parse_xmp(packet))
        except XmpError as exc:
            warnings.append(f"{where}: {exc}")
    return merged
