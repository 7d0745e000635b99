"""An XMP packet as a tree that can be changed and written back without losing anything.

The reader (:mod:`archive.metadata.xmp`) flattens a packet into the properties
Picture Desk uses and drops the rest; a writer cannot.  A sidecar made by
Lightroom, Photo Mechanic or digiKam holds develop settings, hierarchical
keywords, ratings and vendor namespaces that must come out of our rewrite as
they went in.  So this module keeps the whole tree, and with it:

- the text around the root element (the ``<?xpacket?>`` wrapper, an XML
  declaration, a byte-order mark), written back verbatim;
- each element's own namespace declarations with the prefixes the file used
  (ElementTree forgets them and would write ``ns0:``), so a written file
  still names ``crs:``, ``lr:`` and ``digiKam:`` as its maker did;
- comments and processing instructions inside the packet.

:func:`leaves` reduces a tree to what it says, property by property, so a
writer can prove that a rewrite kept every property it did not mean to
change (:func:`lost_properties`).

A packet with a document type declaration is refused rather than parsed:
no XMP writer makes one, and expanding its entities is how XML bombs work.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Optional

from .xmp import RDF, XML_LANG, XmpError

XML_NS = "http://www.w3.org/XML/1998/namespace"
X_NS = "adobe:ns:meta/"
RDF_DESC = "{%s}Description" % RDF
RDF_LI = "{%s}li" % RDF
RDF_ALT = "{%s}Alt" % RDF
RDF_BAG = "{%s}Bag" % RDF
RDF_SEQ = "{%s}Seq" % RDF
RDF_ABOUT = "{%s}about" % RDF
RDF_RESOURCE = "{%s}resource" % RDF
RDF_PARSETYPE = "{%s}parseType" % RDF
RDF_RDF = "{%s}RDF" % RDF
CONTAINERS = (RDF_ALT, RDF_BAG, RDF_SEQ)

_ROOT_START = re.compile(r"<(?:[\w.-]+:)?x[ma]pmeta\b|<(?:[\w.-]+:)?RDF\b")
_ROOT_END = {"xmpmeta": re.compile(r"</(?:[\w.-]+:)?xmpmeta\s*>"),
             "xapmeta": re.compile(r"</(?:[\w.-]+:)?xapmeta\s*>"),
             "RDF": re.compile(r"</(?:[\w.-]+:)?RDF\s*>")}
_XML_DECL_ENCODING = re.compile(r"""(<\?xml[^>]*?encoding\s*=\s*)(["'])[^"']*\2""")
_BAD_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# Prefixes for namespaces a packet does not declare yet: the ones every XMP
# writer uses, so other tools (and people reading the file) know them.
PREFERRED_PREFIXES = {
    RDF: "rdf", X_NS: "x",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://ns.adobe.com/photoshop/1.0/": "photoshop",
    "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/": "Iptc4xmpCore",
    "http://iptc.org/std/Iptc4xmpExt/2008-02-29/": "Iptc4xmpExt",
    "http://ns.adobe.com/xap/1.0/rights/": "xmpRights",
    "http://ns.adobe.com/xap/1.0/": "xmp",
    "http://ns.camerabits.com/photomechanic/1.0/": "photomechanic",
}

NEW_PACKET = ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
              '<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Picture Desk">\n'
              ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
              '  <rdf:Description rdf:about=""/>\n'
              ' </rdf:RDF>\n'
              '</x:xmpmeta>\n'
              '<?xpacket end="w"?>\n')


def clean_text(value: str) -> str:
    """Text as XML 1.0 can carry it: control characters other than tab and newline
    cannot be written at all (not even escaped), so they are left out."""
    return _BAD_XML_CHARS.sub("", value)


@dataclass
class XmpDocument:
    """One packet's tree, the text around it, and each element's own namespace declarations."""

    root: ET.Element
    prolog: str = ""
    epilogue: str = ""
    declarations: dict = field(default_factory=dict)     # element -> [(prefix, uri)] as written

    # -------------------------------------------------------------- reading

    @classmethod
    def parse(cls, data: bytes, where: str = "XMP packet") -> "XmpDocument":
        """The packet in ``data`` (UTF-8, as sidecars are); XmpError says why not."""
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise XmpError(f"{where} is not UTF-8 text") from None
        if "<!DOCTYPE" in text or "<!ENTITY" in text:
            raise XmpError(f"{where} has a document type declaration, which no XMP writer makes")
        start = _ROOT_START.search(text)
        if start is None:
            raise XmpError(f"{where} has no <x:xmpmeta> or <rdf:RDF> element")
        name = start.group(0).rpartition(":")[2].lstrip("<")
        ends = list(_ROOT_END[name].finditer(text, start.start()))
        if not ends:
            raise XmpError(f"{where} is cut short (no closing </{name}>)")
        body = text[start.start():ends[0].end()]
        root, declarations = _parse_tree(body, where)
        if root.tag != RDF_RDF and root.find(RDF_RDF) is None:
            raise XmpError(f"{where} has no rdf:RDF element")
        return cls(root, text[:start.start()], text[ends[0].end():], declarations)

    @classmethod
    def new(cls) -> "XmpDocument":
        """An empty packet with the xpacket wrapper Adobe's toolkit writes."""
        return cls.parse(NEW_PACKET.encode("utf-8"), "new packet")

    @property
    def rdf(self) -> ET.Element:
        return self.root if self.root.tag == RDF_RDF else self.root.find(RDF_RDF)

    def nodes(self) -> list[ET.Element]:
        """The top-level nodes that describe the photo (rdf:Description and typed nodes)."""
        return [n for n in self.rdf if isinstance(n.tag, str)]

    # -------------------------------------------------------------- writing

    def to_bytes(self, prefixes: Optional[dict] = None) -> bytes:
        """The packet as UTF-8; ``prefixes`` (uri -> prefix) names namespaces it must
        declare anew (else PREFERRED_PREFIXES, else ``ns``)."""
        prolog = _XML_DECL_ENCODING.sub(r"\1\2UTF-8\2", self.prolog)
        out: list[str] = [prolog]
        preferred = {**PREFERRED_PREFIXES, **(prefixes or {})}
        _serialize(self.root, {XML_NS: "xml"}, {"xml": XML_NS}, self.declarations, out, preferred)
        out.append(self.epilogue)
        return "".join(out).encode("utf-8")


def _parse_tree(body: str, where: str) -> tuple[ET.Element, dict]:
    """The tree of ``body`` and, for each element, the namespaces it declared."""
    builder = ET.TreeBuilder(insert_comments=True, insert_pis=True)
    parser = ET.XMLPullParser(events=("start-ns", "start"), _parser=ET.XMLParser(target=builder))
    declarations: dict = {}
    pending: list[tuple[str, str]] = []
    root = None
    try:
        parser.feed(body)
        parser.close()
    except ET.ParseError as exc:
        raise XmpError(f"{where} is not well-formed XML ({exc})") from None
    for event, item in parser.read_events():
        if event == "start-ns":
            pending.append(item)
        elif event == "start":
            if root is None:
                root = item
            if pending:
                declarations[item] = pending
                pending = []
    if root is None:
        raise XmpError(f"{where} is empty")
    return root, declarations


# ------------------------------------------------------------------ serializing


def _split(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        uri, _, local = tag[1:].partition("}")
        return uri, local
    return "", tag


def _pick_prefix(uri: str, p2u: dict, preferred: dict, *, attribute: bool) -> str:
    base = preferred.get(uri) or "ns"
    prefix, n = base, 1
    while p2u.get(prefix) not in (None, uri) or (attribute and prefix == ""):
        prefix, n = f"{base}{n}", n + 1
    return prefix


def _serialize(el, u2p: dict, p2u: dict, declarations: dict, out: list, preferred: dict) -> None:
    tag = el.tag
    if tag is ET.Comment:
        out.append(f"<!--{el.text or ''}-->{_text(el.tail)}")
        return
    if tag is ET.ProcessingInstruction:
        out.append(f"<?{el.text or ''}?>{_text(el.tail)}")
        return
    own = list(declarations.get(el, ()))
    u2p, p2u = dict(u2p), dict(p2u)
    for prefix, uri in own:
        p2u[prefix] = uri
        u2p[uri] = prefix

    def name_of(qname: str, attribute: bool) -> str:
        uri, local = _split(qname)
        if not uri:
            return local
        prefix = u2p.get(uri)
        if prefix is None or p2u.get(prefix) != uri or (attribute and prefix == ""):
            prefix = _pick_prefix(uri, p2u, preferred, attribute=attribute)
            own.append((prefix, uri))
            p2u[prefix] = uri
            u2p[uri] = prefix
        return f"{prefix}:{local}" if prefix else local

    name = name_of(tag, False)
    attrs = [(name_of(k, True), v) for k, v in el.attrib.items()]
    parts = [f"<{name}"]
    for prefix, uri in own:
        parts.append(f' xmlns:{prefix}="{_attr(uri)}"' if prefix else f' xmlns="{_attr(uri)}"')
    for k, v in attrs:
        parts.append(f' {k}="{_attr(v)}"')
    if len(el) == 0 and not el.text:
        out.append("".join(parts) + "/>" + _text(el.tail))
        return
    out.append("".join(parts) + ">" + _text(el.text))
    for child in el:
        _serialize(child, u2p, p2u, declarations, out, preferred)
    out.append(f"</{name}>{_text(el.tail)}")


def _text(value: Optional[str]) -> str:
    if not value:
        return ""
    # "\r" as a reference: a parser turns a literal one into "\n"
    return (clean_text(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))


def _attr(value: str) -> str:
    return _text(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


# ------------------------------------------------------------------ what a tree says


def leaves(doc: XmpDocument) -> dict[str, set[str]]:
    """Each top-level property ("{uri}name") -> its leaves as "path=value" texts.

    Independent of prefixes and of the attribute or element form, so two trees
    that say the same thing give the same leaves.  Bag items are unordered,
    Seq items numbered, Alt items keyed by language."""
    out: dict[str, set[str]] = {}
    for node in doc.nodes():
        for key, value in node.attrib.items():
            if not key.startswith("{%s}" % RDF) and not key.startswith("{%s}" % XML_NS):
                out.setdefault(key, set()).add("=" + value)
        for child in node:
            if isinstance(child.tag, str):
                _leaves_of(child, "", out.setdefault(child.tag, set()))
    return out


def _leaves_of(el: ET.Element, path: str, acc: set) -> None:
    lang = el.get(XML_LANG)
    if lang is not None:
        path += f"[{lang}]"
    resource = el.get(RDF_RESOURCE)
    if resource is not None:
        acc.add(f"{path}=@{resource}")
    for key, value in el.attrib.items():
        if not key.startswith("{%s}" % RDF) and not key.startswith("{%s}" % XML_NS):
            acc.add(f"{path}/{key}={value}")
    children = [c for c in el if isinstance(c.tag, str)]
    if not children:
        if resource is None and not any(not k.startswith(("{%s}" % RDF, "{%s}" % XML_NS)) for k in el.attrib):
            acc.add(f"{path}={el.text or ''}")
        return
    for child in children:
        if child.tag in CONTAINERS:
            items = [li for li in child if isinstance(li.tag, str)]
            for i, li in enumerate(items):
                index = "" if child.tag == RDF_BAG else (str(i) if child.tag == RDF_SEQ else "")
                _leaves_of(li, f"{path}/[{index}]", acc)
        elif child.tag == RDF_DESC:
            _leaves_of(child, path, acc)
        else:
            _leaves_of(child, f"{path}/{child.tag}", acc)


def lost_properties(before: XmpDocument, after: XmpDocument, changed: set[str]) -> list[str]:
    """The properties ("{uri}name") of ``before`` that ``after`` no longer says in full,
    leaving out those in ``changed`` (the ones the writer was asked to set)."""
    old, new = leaves(before), leaves(after)
    return sorted(k for k, values in old.items() if k not in changed and not values <= new.get(k, set()))
