"""Writing a photo's fields into its XMP sidecar, where other tools read them.

One job: given a photo and field values, put each value at the XMP property
the IPTC Photo Metadata Standard names for it (the same property our reader,
:mod:`archive.metadata.reconcile`, takes it from), in the sidecar that
exists (``NAME.EXT.xmp``, else ``NAME.xmp``), else in a new ``NAME.xmp``:
the name Photo Mechanic, Lightroom and Bridge read.  ``None`` or an empty
value removes the property.

What the sidecar held before stays: its other properties, namespaces and
prefixes, the packet wrapper (see :mod:`archive.metadata.xmp_doc`).  Two
guards stand before anything is replaced: a sidecar that cannot be parsed is
never overwritten (it may be a newer tool's file we do not understand), and a
result that no longer says every property the old file said (other than those
being set) is refused (Photini lost titles that way).  The new text is written
to a hidden temporary file in the same folder, flushed to disk, and renamed
over the old one, and the folder is flushed, so a crash or a full disk leaves
the old sidecar or the new one, never half of either.

The property table is data: ratings (``xmp:Rating``), labels (``xmp:Label``)
and Photo Mechanic's colour classes and tags join with one line each.
"""

from __future__ import annotations

import datetime as _dt
import errno
import glob
import os
import stat
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from archive.durable import sync_folder

from .sidecar import MAX_SIDECAR_BYTES
from .xmp import XML_LANG, XmpError, parse_xmp
from .xmp_doc import (CONTAINERS, RDF_ABOUT, RDF_ALT, RDF_BAG, RDF_DESC, RDF_LI, RDF_PARSETYPE,
                      RDF_SEQ, XmpDocument, clean_text, lost_properties)

NAMESPACES = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "Iptc4xmpCore": "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/",
    "Iptc4xmpExt": "http://iptc.org/std/Iptc4xmpExt/2008-02-29/",
    "xmpRights": "http://ns.adobe.com/xap/1.0/rights/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "photomechanic": "http://ns.camerabits.com/photomechanic/1.0/",
    # Picture Desk's own: the printed credit line has no IPTC property of its own
    # (IPTC's "Credit Line", photoshop:Credit, is the provider credit our `credit` holds).
    "picturedesk": "http://ns.picturedesk.app/xmp/1.0/",
}

TEMP_SUFFIX = ".picturedesk-tmp"
STALE_AFTER = 60            # seconds
_PREFIXES = {uri: prefix for prefix, uri in NAMESPACES.items()}
TEXT, LANG, SEQ, BAG = "text", "lang-alt", "seq", "bag"


@dataclass(frozen=True)
class Prop:
    """Where one field lives in XMP: ``prefix:Name`` and its form."""

    name: str
    form: str = TEXT

    @property
    def tag(self) -> str:
        prefix, _, local = self.name.partition(":")
        return "{%s}%s" % (NAMESPACES[prefix], local)


# field -> property, as the IPTC Photo Metadata Standard (2023.1) names it.
PROPERTIES: dict[str, Prop] = {
    "caption": Prop("dc:description", LANG),             # Description
    "creator": Prop("dc:creator", SEQ),                  # Creator
    "creator_title": Prop("photoshop:AuthorsPosition"),  # Creator's Jobtitle
    "credit": Prop("photoshop:Credit"),                  # Credit Line (the provider credit)
    "source": Prop("photoshop:Source"),                  # Source
    "copyright": Prop("dc:rights", LANG),                # Copyright Notice
    "headline": Prop("photoshop:Headline"),              # Headline
    "title": Prop("dc:title", LANG),                     # Title
    "keywords": Prop("dc:subject", BAG),                 # Keywords
    "city": Prop("photoshop:City"),                      # City (legacy)
    "sublocation": Prop("Iptc4xmpCore:Location"),        # Sublocation (legacy)
    "state": Prop("photoshop:State"),                    # Province or State (legacy)
    "country": Prop("photoshop:Country"),                # Country (legacy)
    "country_code": Prop("Iptc4xmpCore:CountryCode"),    # Country Code (legacy)
    "instructions": Prop("photoshop:Instructions"),      # Instructions
    "usage_terms": Prop("xmpRights:UsageTerms", LANG),   # Rights Usage Terms
    "credit_line": Prop("picturedesk:CreditLine"),       # no IPTC property: see NAMESPACES
    # Culling, when the window gains it (Photo Mechanic's and Lightroom's places):
    "rating": Prop("xmp:Rating"),
    "label": Prop("xmp:Label"),
    "color_class": Prop("photomechanic:ColorClass"),
    "tagged": Prop("photomechanic:Tagged"),
}

# A place field also lives in the first Iptc4xmpExt:LocationShown, which readers
# (ours included) prefer to the legacy property: when the sidecar has one, it is
# kept in step, or our value would be hidden behind the old one.
LOCATION_SHOWN = "{%s}LocationShown" % NAMESPACES["Iptc4xmpExt"]
SHOWN_PARTS = {"city": "City", "state": "ProvinceState", "country": "CountryName",
               "sublocation": "Sublocation"}
METADATA_DATE = "{%s}MetadataDate" % NAMESPACES["xmp"]


class SidecarError(OSError):
    """A sidecar could not be written; ``path`` names it, ``reason`` says why in words."""

    def __init__(self, path, reason: str, err: int = 0):
        super().__init__(err, f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass(frozen=True)
class Written:
    """A sidecar as written: its path, whether it is new, and its size and mtime."""

    path: str
    created: bool
    size: int
    mtime_ns: int


def target_sidecar(image) -> Path:
    """The sidecar an edit goes to: ``NAME.EXT.xmp`` if it exists (it names this photo
    alone, and the reader lets it win), else an existing ``NAME.xmp``, else ``NAME.xmp``.
    Either extension case is found (Photo Mechanic on Windows writes ``.XMP``)."""
    name = os.fspath(image)
    stem = os.path.splitext(name)[0]
    for candidate in (name + ".xmp", name + ".XMP", stem + ".xmp", stem + ".XMP"):
        if candidate != name and os.path.isfile(candidate):
            return Path(candidate)
    return Path(stem + ".xmp")


def write_sidecar(image, values: dict, *, now: Optional[_dt.datetime] = None) -> Written:
    """Set ``values`` (field -> text, list, or None/empty to remove) in ``image``'s sidecar.

    Raises :class:`SidecarError` naming the sidecar when it is damaged, when the
    rewrite would lose a property, or when the disk refuses (full, read-only)."""
    unknown = [f for f in values if f not in PROPERTIES]
    if unknown:
        raise ValueError(f"no XMP property for {', '.join(unknown)}")
    target = target_sidecar(image)
    for _attempt in range(3):
        before, old, doc = _load(target)
        if old is None and not any(_items(v) for v in values.values()):
            return Written(str(target), False, 0, 0)     # no sidecar is made to say nothing
        changed = _apply(doc, values, now or _dt.datetime.now().astimezone())
        lost = lost_properties(old, doc, changed) if old is not None else []
        if lost:
            raise SidecarError(target, "rewriting it would drop " + ", ".join(_shown(k, old) for k in lost)
                               + "; the sidecar was left as it was")
        data = doc.to_bytes(_PREFIXES)
        _check_reads_back(target, data, values)
        if _state(target) != before:
            continue            # another program wrote it meanwhile: merge with that
        return _replace(target, data, before is None)
    raise SidecarError(target, "another program keeps changing it; try again")


# ------------------------------------------------------------------ reading the old one


def _state(path: Path):
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SidecarError(path, f"cannot read it: {_reason(exc)}", exc.errno or 0) from None
    return st.st_size, st.st_mtime_ns, st.st_ino


def _load(target: Path):
    """(state, the old tree or None, the tree to change)."""
    before = _state(target)
    if before is None:
        return None, None, XmpDocument.new()
    if before[0] > MAX_SIDECAR_BYTES:
        raise SidecarError(target, "it is larger than a sidecar can be; it was left as it was")
    try:
        data = target.read_bytes()
    except OSError as exc:
        raise SidecarError(target, f"cannot read it: {_reason(exc)}", exc.errno or 0) from None
    try:
        old = XmpDocument.parse(data, "the sidecar")
        doc = XmpDocument.parse(data, "the sidecar")
    except XmpError as exc:
        raise SidecarError(target, f"{exc}; a damaged sidecar is never overwritten") from None
    return before, old, doc


# ------------------------------------------------------------------ changing the tree


def _apply(doc: XmpDocument, values: dict, now: _dt.datetime) -> set[str]:
    """Set every value in ``doc``; returns the properties ("{uri}name") it changed."""
    changed = set()
    for field, value in values.items():
        prop = PROPERTIES[field]
        items = _items(value)
        home = _remove(doc, prop.tag)
        changed.add(prop.tag)
        if items:
            _add(doc, home if home is not None else _first_description(doc), _element(prop, items))
        if field in SHOWN_PARTS and _set_shown(doc, SHOWN_PARTS[field], items[0] if items else None):
            changed.add(LOCATION_SHOWN)
    if changed:
        _remove(doc, METADATA_DATE)
        changed.add(METADATA_DATE)
        _add(doc, _first_description(doc), _simple(METADATA_DATE, now.isoformat(timespec="seconds")))
    return changed


def _items(value) -> list[str]:
    """The value as a list of texts, blanks left out ([] = remove)."""
    if value is None:
        return []
    if isinstance(value, bool):
        value = "True" if value else "False"
    raw = value if isinstance(value, (list, tuple)) else [value]
    out = []
    for item in raw:
        text = clean_text(str(item))
        if text.strip():
            out.append(text)
    return out


def _first_description(doc: XmpDocument) -> ET.Element:
    for node in doc.nodes():
        if node.tag == RDF_DESC:
            return node
    node = ET.Element(RDF_DESC, {RDF_ABOUT: ""})
    _add(doc, doc.rdf, node)
    return node


def _remove(doc: XmpDocument, tag: str) -> Optional[ET.Element]:
    """Take the property out of every top-level node; returns the node it was in first."""
    home = None
    for node in doc.nodes():
        if tag in node.attrib:
            del node.attrib[tag]
            home = home if home is not None else node
        for child in list(node):
            if child.tag == tag:
                home = home if home is not None else node
                _drop(node, child)
    return home


def _drop(parent: ET.Element, child: ET.Element) -> None:
    """Remove ``child`` keeping the indentation of what follows it."""
    children = list(parent)
    i = children.index(child)
    if i > 0:
        children[i - 1].tail = child.tail
    parent.remove(child)
    if len(parent) == 0 and parent.text is not None and not parent.text.strip():
        parent.text = None


def _element(prop: Prop, items: list[str]) -> ET.Element:
    """The property element; a lang-alt is written as x-default alone (translations
    of the old text no longer translate the new one)."""
    if prop.form == TEXT:
        return _simple(prop.tag, items[0])
    el = ET.Element(prop.tag)
    container = ET.SubElement(el, {SEQ: RDF_SEQ, BAG: RDF_BAG, LANG: RDF_ALT}[prop.form])
    if prop.form == LANG:
        li = ET.SubElement(container, RDF_LI, {XML_LANG: "x-default"})
        li.text = items[0]
    else:
        for item in items:
            ET.SubElement(container, RDF_LI).text = item
    return el


def _simple(tag: str, text: str) -> ET.Element:
    el = ET.Element(tag)
    el.text = text
    return el


def _add(doc: XmpDocument, parent: ET.Element, child: ET.Element) -> None:
    """Append ``child`` indented as its siblings are (or one step in from ``parent``)."""
    kids = list(parent)
    if kids:
        inner = parent.text if parent.text and not parent.text.strip() else "\n" + " " * (_depth(doc, parent) + 1)
        closing = kids[-1].tail if kids[-1].tail is not None else ""
        kids[-1].tail = inner
    else:
        closing = "\n" + " " * _depth(doc, parent)
        inner = closing + " "
        parent.text = inner
    child.tail = closing
    _indent(child, inner)
    parent.append(child)


def _depth(doc: XmpDocument, element: ET.Element) -> int:
    """How deep ``element`` is in the packet (the root is 0)."""
    parents = {c: p for p in doc.root.iter() for c in p}
    depth = 0
    while element in parents:
        element, depth = parents[element], depth + 1
    return depth


def _indent(el: ET.Element, at: str) -> None:
    """Indent a new element's inside one space a level, as Adobe's toolkit does."""
    kids = [c for c in el if isinstance(c.tag, str)]
    if not kids:
        return
    el.text = at + " "
    for kid in kids:
        kid.tail = at + " "
        _indent(kid, at + " ")
    kids[-1].tail = at


def _set_shown(doc: XmpDocument, part: str, value: Optional[str]) -> bool:
    """Put ``value`` in the first LocationShown's ``part``; False when there is none."""
    struct = _first_shown(doc)
    if struct is None:
        return False
    tag = "{%s}%s" % (NAMESPACES["Iptc4xmpExt"], part)
    struct.attrib.pop(tag, None)
    for child in list(struct):
        if child.tag == tag:
            _drop(struct, child)
    if not value:
        return True
    if struct.tag == RDF_LI and struct.get(RDF_PARSETYPE) != "Resource" and not len(struct):
        struct.set(tag, value)     # the attribute shorthand: RDF allows no element content beside it
    else:
        _add(doc, struct, _simple(tag, value))
    return True


def _first_shown(doc: XmpDocument) -> Optional[ET.Element]:
    """The element holding the first LocationShown structure's fields, if any."""
    for node in doc.nodes():
        for child in node:
            if child.tag != LOCATION_SHOWN:
                continue
            container = next((c for c in child if c.tag in CONTAINERS), None)
            item = next((li for li in container if li.tag == RDF_LI), None) if container is not None else None
            if item is None:
                return None
            desc = next((c for c in item if c.tag == RDF_DESC), None)
            if desc is not None:
                return desc
            if item.get(RDF_PARSETYPE) == "Resource" or len(item) or item.attrib:
                return item
            return None
    return None


# ------------------------------------------------------------------ checking and writing


def _check_reads_back(target: Path, data: bytes, values: dict) -> None:
    """Refuse a result our own reader would not read the values back from."""
    from .reconcile import xmp_fields

    try:
        fields = xmp_fields(parse_xmp(data))
    except XmpError as exc:
        raise SidecarError(target, f"the rewritten sidecar would not parse ({exc}); it was left as it was") from None
    for field, value in values.items():
        if field not in fields:
            continue            # a property our reader does not take a field from
        want = _items(value)
        got = fields[field]
        got = [] if got is None else (list(got) if isinstance(got, list) else [got])
        if got != (want if PROPERTIES[field].form in (SEQ, BAG) else want[:1]):
            raise SidecarError(target, f"the rewritten sidecar would not say the {field} written; "
                                       "it was left as it was")


def _replace(target: Path, data: bytes, created: bool) -> Written:
    """Write ``data`` to a temporary file beside ``target``, flush it, rename it over
    ``target`` and flush the folder.  A failure removes the temporary file."""
    real = Path(os.path.realpath(target))
    folder = real.parent
    mode = _mode(real)
    _remove_stale_temporaries(real)
    tmp = folder / f".{real.name}.{os.getpid()}{TEMP_SUFFIX}"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), mode)
    except OSError as exc:
        raise SidecarError(target, f"cannot write in {folder}: {_reason(exc)}", exc.errno or 0) from None
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, real)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise SidecarError(target, f"cannot write it: {_reason(exc)}; the old sidecar is unchanged",
                           exc.errno or 0) from None
    sync_folder(folder)
    st = os.stat(real)
    return Written(str(target), created, st.st_size, st.st_mtime_ns)


def _remove_stale_temporaries(real: Path) -> None:
    """Delete what a writer killed mid-write left beside this sidecar (its hidden
    temporary file; the sidecar itself was never touched): those of a process that is
    gone, and any older than a minute (a younger one of a live process, here or on
    another machine sharing the folder, may be a write in progress)."""
    limit = time.time() - STALE_AFTER
    for tmp in real.parent.glob(f".{glob.escape(real.name)}.*{TEMP_SUFFIX}"):
        pid = tmp.name[len(real.name) + 2:-len(TEMP_SUFFIX)]
        try:
            if tmp.stat().st_mtime < limit or (pid.isdigit() and not _alive(int(pid))):
                tmp.unlink()
        except OSError:
            pass


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, ValueError, OverflowError):
        return True              # not ours to signal, or not knowable: assume it runs
    return True


def _mode(real: Path) -> int:
    try:
        return stat.S_IMODE(os.stat(real).st_mode)
    except OSError:
        return 0o666                 # the umask applies, as for any new file


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC or exc.errno == getattr(errno, "EDQUOT", None):
        return "the disk is full"
    if exc.errno == errno.EROFS:
        return "the disk is read-only"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied (the folder or the sidecar is read-only)"
    if exc.errno == errno.ENOENT:
        return "the folder is gone"
    return exc.strerror or str(exc)


def _shown(tag: str, doc: XmpDocument) -> str:
    """"{uri}Name" as "prefix:Name" for a message, with the prefix the sidecar uses."""
    uri, _, local = tag[1:].partition("}")
    used = {u: p for decls in doc.declarations.values() for p, u in decls if p}
    prefix = used.get(uri) or _PREFIXES.get(uri)
    return f"{prefix}:{local}" if prefix else f"{local} ({uri})"
