"""Reading an article file: its title, date, plain text and picture captions.

The desk receives articles as plain text, Markdown or a saved web page.  What
matters for the pictures is the captions: in text a caption is a paragraph (or
line) that ends in a credit line, wherever it stands; in Markdown also the line
under an image; in HTML a <figure>'s <figcaption> and the caption markup of the
usual CMSs (class names with "caption" or "credit", WordPress wp-caption-text).
Paragraph numbers are 1-based and count the paragraphs of ``Article.body``
(separated by blank lines), so the window can show where a caption stands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date as Date, datetime
from html.parser import HTMLParser
from pathlib import Path

from archive.articles.agencies import lookup_agency
from archive.articles.credit import Credit, find_credit, is_credit_line, parse_credit
from archive.articles.mentions import weekday_and_date_mentions
from archive.errors import UsageError

NO_CAPTIONS = ("no captions found: a caption is a paragraph ending in a credit line "
               "such as 'Photograph: Name/Agency'")


@dataclass
class CaptionFound:
    index: int
    text: str
    credit_line: str
    credit: Credit
    paragraph: int              # 1-based, in Article.body
    image: str | None = None    # the image's src, when the markup names one

    def to_dict(self) -> dict:
        return {"index": self.index, "text": self.text, "credit_line": self.credit_line,
                "credit": self.credit.to_dict(), "paragraph": self.paragraph,
                "image": self.image}


@dataclass
class Article:
    title: str | None
    date: str | None            # ISO date, "2022-12-19"
    source_path: str
    format: str                 # "text" | "markdown" | "html"
    body: str
    captions: list[CaptionFound] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"title": self.title, "date": self.date, "source_path": self.source_path,
                "format": self.format, "captions": [c.to_dict() for c in self.captions]}


class _Collector:
    """Paragraphs and captions in reading order, as a reader finds them."""

    def __init__(self) -> None:
        self.paragraphs: list[str] = []
        self.captions: list[CaptionFound] = []
        self.title_paragraphs: set[int] = set()   # headings: never a caption
        self.images: dict[int, str] = {}          # paragraph -> the image just above it
        self.next_image: str | None = None

    def paragraph(self, text: str) -> int:
        self.paragraphs.append(text)
        if self.next_image:
            self.images[len(self.paragraphs)] = self.next_image
            self.next_image = None
        return len(self.paragraphs)

    def caption(self, text: str, credit_line: str, number: int, image: str | None = None):
        self.captions.append(CaptionFound(len(self.captions), text, credit_line,
                                          parse_credit(credit_line), number, image))

    def credit_alone(self, credit_line: str, number: int) -> None:
        """A paragraph that is only a credit line: the web's layout puts it under
        its caption, so the paragraph above is the caption when it reads as one."""
        above = number - 1
        if above >= 1 and above not in self.title_paragraphs and not any(
                c.paragraph == above for c in self.captions):
            text = self.paragraphs[above - 1]
            if _reads_as_caption(text):
                self.caption(text, credit_line, above, self.images.get(above))
                return
        self.caption("", credit_line, number)

    def plain(self, text: str) -> None:
        """A paragraph that is a caption if it ends in a credit line."""
        text = " ".join(text.split())
        if not text:
            return
        number = self.paragraph(text)
        found = find_credit(text)
        if found and not found[0]:
            self.credit_alone(found[1], number)
        elif found:
            self.caption(found[0], found[1], number)

    def heading(self, text: str) -> None:
        """A heading is a paragraph of the body but never a caption ("Photos: ...")."""
        text = " ".join(text.split())
        if text:
            self.title_paragraphs.add(self.paragraph(text))


_CAPTION_END = re.compile(r"[.!?\u2026\"'\u201d\u2019)\]]$")


def _reads_as_caption(text: str) -> bool:
    """A sentence or two that ends like one, not a headline, dateline or list."""
    return bool(_CAPTION_END.search(text)) and len(text.split()) <= 90 and find_credit(text) is None


def read_article(path, title: str | None = None, date=None) -> Article:
    """Read an article file; the explicit ``title`` and ``date`` win over the file's."""
    path = Path(path)
    text = _decode(path)
    kind = _format(path, text)
    reader = {"html": _read_html, "markdown": _read_markdown}.get(kind, _read_text)
    collector = _Collector()
    found_title, found_date = reader(text, collector)
    if not collector.captions:
        raise UsageError(f"{path}: {NO_CAPTIONS}")
    return Article(title=title or found_title, date=_iso_date(date, path) or found_date,
                   source_path=str(path), format=kind,
                   body="\n\n".join(collector.paragraphs), captions=collector.captions)


def _decode(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the article: {exc.strerror or exc}") from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # "Unicode text" as Windows saves it
        try:
            return _plain_lines(data.decode("utf-16"), path)
        except UnicodeDecodeError as exc:
            raise UsageError(f"{path}: not readable text (broken UTF-16)") from exc
    if b"\x00" in data[:8192]:
        raise UsageError(f"{path}: not a text file (binary data); an article is .txt, .md or .html")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise UsageError(f"{path}: not readable text (neither UTF-8 nor Windows-1252)") from exc
    return _plain_lines(text, path)


def _plain_lines(text: str, path: Path) -> str:
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise UsageError(f"{path}: the article is empty")
    return text


def _format(path: Path, text: str) -> str:
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm", ".xhtml"):
        return "html"
    if suffix in (".md", ".markdown", ".mdown"):
        return "markdown"
    head = text.lstrip()[:200].lower()
    if head.startswith(("<!doctype html", "<html")):
        return "html"
    return "text"


def _iso_date(value, path=None) -> str | None:
    """An ISO date from a date, a datetime, an ISO string or a written date."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, Date):
        return value.isoformat()
    text = str(value).strip()
    m = re.match(r"(\d{4}-\d{2}-\d{2})", text)
    if m:
        try:
            return Date.fromisoformat(m.group(1)).isoformat()
        except ValueError:
            pass
    for mention in weekday_and_date_mentions(text):
        if isinstance(mention.value, Date):
            return mention.value.isoformat()
    if path is not None:
        raise UsageError(f"{path}: the date {text!r} is not a date (use YYYY-MM-DD)")
    return None


def _dateline(blocks: list[str]) -> str | None:
    """A short line near the top that is a date ("Mon 19 Dec 2022 07.53 GMT",
    "Published: 2022-12-19"), not a headline that mentions one."""
    for block in blocks[:4]:
        if len(block) > 80:
            continue
        for mention in weekday_and_date_mentions(block):
            rest = block[:mention.start] + block[mention.end:]
            if isinstance(mention.value, Date) and len(rest.split()) <= 4:
                return mention.value.isoformat()
    return None


# --- plain text ---------------------------------------------------------------

def _blocks(text: str) -> list[list[str]]:
    return [[ln.strip() for ln in b.splitlines() if ln.strip()]
            for b in re.split(r"\n[ \t]*\n", text) if b.strip()]


def _read_text(text: str, out: _Collector):
    blocks = _blocks(text)
    first = " ".join(blocks[0])
    title = None
    if len(blocks) > 1 and len(blocks[0]) == 1 and len(first) <= 200 and (
            _headline(first) or not first.endswith((".", "!", "?")) and not find_credit(first)):
        title = first
    for n, lines in enumerate(blocks):
        if n == 0 and title is not None:
            out.heading(first)
        else:
            _text_block(lines, out)
    return title, _dateline([" ".join(b) for b in blocks])


_HEADLINE = re.compile(r"^(?:photos|pictures|photographs|in pictures|gallery|photo essay|"
                       r"watch|video)\s*:\s*\S", re.I)


def _headline(line: str) -> bool:
    """"Photos: Ukraine marks a year of war": a gallery's headline, not a credit
    (a credit names an agency or has a slash)."""
    if not _HEADLINE.match(line) or re.search(r"/|\svia\s", line):
        return False
    return not parse_credit(line).agencies or not any(
        lookup_agency(a) for a in parse_credit(line).agencies)


def _one_per_line(lines: list[str]) -> bool:
    """Each line a paragraph of its own (a copied web page), not wrapped text."""
    return all(_CAPTION_END.search(line) for line in lines)


def _text_block(lines: list[str], out: _Collector) -> None:
    """A block is a caption if it ends in a credit; else each line may be one.
    A line that is only a credit belongs to the line (or paragraph) above it."""
    joined = " ".join(lines)
    number = out.paragraph(joined)
    alone = [is_credit_line(line) for line in lines]
    per_line = sum(alone) > 1 or (len(lines) > 2 and alone[-1] and _one_per_line(lines[:-1]))
    if not per_line:
        found = find_credit(joined)
        if found and found[0]:
            out.caption(found[0], found[1], number)
            return
        if found:
            out.credit_alone(found[1], number)
            return
    if len(lines) < 2:
        return
    for i, line in enumerate(lines):
        found = find_credit(line)
        if not found:
            continue
        if found[0]:
            out.caption(found[0], found[1], number)
        elif i == 0:
            out.credit_alone(found[1], number)
        elif not alone[i - 1] and not find_credit(lines[i - 1]):
            out.caption(lines[i - 1], found[1], number)


# --- Markdown -----------------------------------------------------------------

_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_FRONT = re.compile(r"\A---\n(.*?)\n(?:---|\.\.\.)\n", re.S)


def _inline_md(text: str) -> str:
    text = _IMAGE.sub("", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"(\*\*|__|\*|`)", "", text)
    text = re.sub(r"(?<!\w)_(.+?)_(?!\w)", r"\1", text)
    text = re.sub(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-+*]\s+|\d+[.)]\s+)", "", text)
    return " ".join(text.split())


def _italic(line: str) -> bool:
    line = line.strip()
    return len(line) > 2 and line[0] == line[-1] and line[0] in "*_" and line[:2] not in ("**", "__")


def _read_markdown(text: str, out: _Collector):
    title = date = None
    front = _FRONT.match(text)
    if front:
        for line in front.group(1).splitlines():
            key, _, value = line.partition(":")
            value = value.strip().strip("'\"")
            if key.strip().lower() == "title" and value:
                title = value
            elif key.strip().lower() == "date" and value:
                date = _iso_date(value)
        text = text[front.end():]
    heading = re.search(r"^#\s+(.+?)\s*#*\s*$", text, re.M)
    title = title or (heading and _inline_md(heading.group(1))) or None
    pending: str | None = None  # an image waiting for its caption line
    for lines in _blocks(text):
        pending = _markdown_block(lines, out, pending)
    return title, date or _dateline(out.paragraphs)


def _markdown_block(lines: list[str], out: _Collector, pending: str | None) -> str | None:
    """Lines under an image (or, after a blank line, an italic line or one ending
    in a credit, or a caption whose credit stands on the next line) are that
    image's caption; headings are never captions; the other lines read as text."""
    run: list[str] = []

    def flush():
        if run:
            _text_block(run, out)
            run.clear()

    skip = False
    for i, line in enumerate(lines):
        if skip:
            skip = False
            continue
        image = _IMAGE.search(line)
        plain = _inline_md(line)
        if image and not plain:
            flush()
            pending = image.group(2)
            continue
        if line.lstrip().startswith("#"):
            flush()
            out.heading(plain)
            pending = None
            continue
        following = _inline_md(lines[i + 1]) if i + 1 < len(lines) else ""
        credit_below = bool(following) and is_credit_line(following)
        if pending and (i > 0 or _italic(line) or find_credit(plain) or credit_below):
            flush()
            found = find_credit(plain)
            if not found and credit_below:
                found, skip = (plain, following), True
            caption, credit_line = found if found else (plain, "")
            out.caption(caption, credit_line,
                        out.paragraph(f"{plain} {following}" if skip else plain), pending)
        elif plain:
            if pending and not run and len(lines) == 1:
                out.next_image = pending    # a caption whose credit is the next paragraph
            run.append(plain)
        pending = None
    flush()
    return pending


# --- HTML ---------------------------------------------------------------------

_MAX_DEPTH = 150
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
         "param", "source", "track", "wbr"}
_SKIP = {"script", "style", "noscript", "template", "svg", "head", "nav", "button",
         "form", "iframe", "select", "footer"}
_BLOCK = {"p", "div", "section", "article", "main", "header", "h1", "h2", "h3", "h4",
          "h5", "h6", "li", "ul", "ol", "blockquote", "pre", "table", "tr", "td", "th",
          "dl", "dt", "dd", "figure", "figcaption", "hr", "aside", "address", "body"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_DATE_META = ("article:published_time", "og:article:published_time", "datepublished",
              "date", "dc.date", "dc.date.issued", "dcterms.created", "pubdate",
              "publish-date", "parsely-pub-date", "sailthru.date", "article.published")


class _Node:
    __slots__ = ("tag", "attrs", "children", "parent")

    def __init__(self, tag: str, attrs: dict, parent: "_Node | None") -> None:
        self.tag, self.attrs, self.children, self.parent = tag, attrs, [], parent

    @property
    def cls(self) -> str:
        return (self.attrs.get("class") or "").lower()

    def elements(self):
        for child in self.children:
            if isinstance(child, _Node):
                yield child
                yield from child.elements()

    def text(self, skip: "_Node | None" = None) -> str:
        parts: list[str] = []
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
            elif child is not skip and child.tag not in _SKIP:
                parts.append(" " if child.tag == "br" else child.text(skip))
        return " ".join("".join(parts).split())


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {}, None)
        self.stack = [self.root]
        self.meta: dict[str, str] = {}
        self.title = ""

    def handle_starttag(self, tag, attrs):
        self._open(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        node = self._open(tag, attrs)
        if self.stack[-1] is node:
            self.stack.pop()

    def _open(self, tag, attrs) -> _Node:
        attrs = {k: v or "" for k, v in attrs}
        if tag == "meta":
            key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
            if key and "content" in attrs:
                self.meta.setdefault(key, attrs["content"])
        if tag in ("p", "li") and self.stack[-1].tag == tag:
            self.stack.pop()  # an unclosed <p> or <li> ends at the next one
        node = _Node(tag, attrs, self.stack[-1])
        self.stack[-1].children.append(node)
        # Pages with thousands of unclosed tags would nest past Python's recursion
        # limit; past _MAX_DEPTH their content stays in the deepest open element.
        if tag not in _VOID and len(self.stack) < _MAX_DEPTH:
            self.stack.append(node)
        return node

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if self.stack[-1].tag == "title":
            self.title += data
        self.stack[-1].children.append(data)


def _is_credit(node: _Node) -> bool:
    return "credit" in node.cls or "copyright" in node.cls


def _is_caption(node: _Node) -> bool:
    return node.tag == "figcaption" or ("caption" in node.cls and not _is_credit(node))


def _caption_units(root: _Node) -> dict[int, _Node]:
    """The elements that each hold one picture's caption: <figure>s, and CMS
    caption boxes (the innermost "caption" element, or its "caption" parent)."""
    units: dict[int, _Node] = {}
    for node in root.elements():
        if node.tag == "figure" and not _inside(node, units):
            units[id(node)] = node
    for node in root.elements():
        if not _is_caption(node) or _inside(node, units):
            continue
        if any(_is_caption(d) for d in node.elements()):
            continue
        parent = node.parent
        unit = parent if parent is not None and "caption" in parent.cls else node
        units[id(unit)] = unit
    return units


def _inside(node: _Node, units: dict[int, _Node]) -> bool:
    while node is not None:
        if id(node) in units:
            return True
        node = node.parent
    return False


def _next_element(node: _Node) -> _Node | None:
    if node.parent is None:
        return None
    siblings = node.parent.children
    for child in siblings[siblings.index(node) + 1:]:
        if isinstance(child, _Node):
            return child
        if child.strip():
            return None
    return None


def _read_unit(unit: _Node, consumed: set[int]):
    """(caption text, credit line, image src) of one caption unit."""
    caption = unit if _is_caption(unit) else next((n for n in unit.elements() if _is_caption(n)), None)
    credit = next((n for n in unit.elements() if _is_credit(n)), None)
    if credit is None:
        credit = next((n for n in unit.elements() if n.tag in ("small", "cite")), None)
    if credit is None and caption is not None:
        # "<figcaption><span>Caption.</span> <span>Heidi Levine for The Washington
        # Post</span>": the caption's last element is the credit when it is one alone.
        last = next((n for n in reversed(list(caption.elements())) if n.parent is caption), None)
        if last is not None and last.text() != caption.text() and is_credit_line(last.text()):
            credit = last
    if credit is None:
        sibling = _next_element(unit)
        if sibling is not None and (_is_credit(sibling) or sibling.tag == "small"):
            credit = sibling
            consumed.add(id(sibling))
    text = caption.text(skip=credit) if caption is not None else ""
    credit_line = credit.text() if credit is not None else ""
    if not credit_line:
        found = find_credit(text)
        if found:
            text, credit_line = found
    return text, credit_line, _image_of(unit)


def _image_of(unit: _Node) -> str | None:
    """The picture a caption unit belongs to: an <img> inside it or, for a bare
    caption element, one just before it in the same box."""
    candidates = [unit, *unit.elements()]
    if unit.parent is not None and unit.tag != "figure" and not any(
            n.tag == "img" for n in candidates):
        before = unit.parent.children[:unit.parent.children.index(unit)]
        candidates = [n for c in before if isinstance(c, _Node) for n in (c, *c.elements())]
    img = next((n for n in candidates if n.tag == "img"), None)
    if img is None:
        return None
    return img.attrs.get("src") or img.attrs.get("data-src") or None


def _read_html(text: str, out: _Collector):
    tree = _Tree()
    tree.feed(text)
    tree.close()
    units = _caption_units(tree.root)
    consumed: set[int] = set()
    buffer: list[str] = []

    def flush():
        if buffer:
            out.plain("".join(buffer))
            buffer.clear()

    def walk(node: _Node):
        for child in node.children:
            if isinstance(child, str):
                buffer.append(child)
            elif child.tag in _SKIP or id(child) in consumed:
                continue
            elif id(child) in units:
                flush()
                caption, credit_line, src = _read_unit(child, consumed)
                if caption or credit_line:
                    number = out.paragraph(" ".join(p for p in (caption, credit_line) if p))
                    out.caption(caption, credit_line, number, src)
            elif child.tag == "br":
                buffer.append(" ")
            elif child.tag in _HEADINGS:
                flush()
                out.heading(child.text())
            elif child.tag in _BLOCK:
                flush()
                walk(child)
                flush()
            else:
                walk(child)

    walk(tree.root)
    flush()
    h1 = next((n.text() for n in tree.root.elements() if n.tag == "h1"), None)
    page_title = re.split(r"\s+[|\u2013\u2014-]\s+[^|\u2013\u2014-]+$", " ".join(tree.title.split()))[0]
    title = tree.meta.get("og:title") or h1 or page_title or None
    date = next((_iso_date(tree.meta[k]) for k in _DATE_META if tree.meta.get(k)), None)
    if date is None:
        stamp = next((n.attrs.get("datetime") for n in tree.root.elements()
                      if n.tag == "time" and n.attrs.get("datetime")), None)
        date = _iso_date(stamp)
    return title, date or _dateline(out.paragraphs[:4])
