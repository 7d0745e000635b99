"""The caption sheet's layout: Jinja2 templates (autoescaped) a newsroom can change.

Templates are looked up in ``<user config dir>/picturedesk/templates/`` first (on
Linux ``~/.config/picturedesk/templates``), then in the shipped
``resources/templates/``, so a desk copies ``sheet.html``, ``sheet-pdf.html`` or
``_fields.html`` there and edits it without touching the app.

``sheet.html`` makes the HTML file; ``sheet-pdf.html`` holds the pieces of the
PDF (header, one per photo, sections, totals, the running page footer) that
the PDF writer lays out and places on pages; both take the photo fields from
``_fields.html``.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from archive.errors import UsageError
from archive.export.sheet import Sheet

HTML_TEMPLATE = "sheet.html"
PDF_TEMPLATE = "sheet-pdf.html"


def user_dir() -> Path:
    """Where a newsroom keeps its own templates."""
    import platformdirs

    return Path(platformdirs.user_config_dir("picturedesk")) / "templates"


def search_dirs() -> list[Path]:
    from archive.resources import resource_path

    return [user_dir(), resource_path("templates")]


_ENVS: dict = {}


def environment(dirs: Optional[list] = None):
    """A Jinja2 environment over ``dirs`` (default: the newsroom's, then the shipped)."""
    import jinja2

    dirs = [str(d) for d in (dirs or search_dirs())]
    key = tuple(dirs)
    env = _ENVS.get(key)
    if env is None:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(dirs), autoescape=True,
                                 undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        _ENVS[key] = env
    return env


def _template(name: str, dirs=None):
    """A template, or a UsageError naming the file and line of a template that is wrong
    (a newsroom's own copy, most likely)."""
    import jinja2

    try:
        return environment(dirs).get_template(name)
    except jinja2.TemplateSyntaxError as exc:
        raise UsageError(f"the caption-sheet template {exc.filename or name}, line {exc.lineno}: {exc.message}") from None
    except jinja2.TemplateNotFound as exc:
        raise UsageError(f"no caption-sheet template {exc.name} in {', '.join(map(str, dirs or search_dirs()))}") from None


def _rendering(name: str, call):
    import jinja2

    try:
        return call()
    except jinja2.TemplateError as exc:
        raise UsageError(f"the caption-sheet template {name} failed: {exc}") from None


def data_uri(jpeg: Optional[bytes]) -> Optional[str]:
    if not jpeg:
        return None
    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")


def render_html(sheet: Sheet, thumbnails: dict[int, bytes], *, paper: str = "a4", dirs=None) -> str:
    template = _template(HTML_TEMPLATE, dirs)
    thumbs = {pid: data_uri(data) for pid, data in thumbnails.items()}
    return _rendering(HTML_TEMPLATE, lambda: template.render(
        sheet=sheet, counts=sheet.counts, body=sheet.body, left_out=sheet.left_out, thumbs=thumbs, paper=paper))


@dataclass
class Block:
    """One piece of a PDF page: HTML for Qt's rich text and, beside it, a thumbnail."""

    html: str
    image: Optional[bytes] = None
    kind: str = "photo"                    # header, section, photo, left_out, footer


@dataclass
class PdfPlan:
    """What the PDF writer lays out: the pieces in order and the running page footer."""

    title: str
    paper: str
    blocks: list[Block] = field(default_factory=list)
    page_footer: Callable[[int, int], str] = lambda page, pages: f"page {page} of {pages}"
    text: str = ""                         # every piece's text, for choosing fonts


def pdf_plan(sheet: Sheet, thumbnails: dict[int, bytes], *, paper: str = "a4", dirs=None) -> PdfPlan:
    template = _template(PDF_TEMPLATE, dirs)
    return _rendering(PDF_TEMPLATE, lambda: _plan(template.module, sheet, thumbnails, paper))


def _plan(module, sheet: Sheet, thumbnails: dict[int, bytes], paper: str) -> PdfPlan:
    counts = sheet.counts
    blocks = [Block(str(module.header(sheet, counts)), kind="header")]
    if sheet.include_uncleared and counts["not_cleared"]:
        blocks.append(Block(str(module.section(
            "Photos", f"Not-cleared photos are included and marked: they must not be published on {sheet.on}.")),
            kind="section"))
    for n, p in enumerate(sheet.body, start=1):
        blocks.append(Block(str(module.photo(p, n, sheet.on)), thumbnails.get(p.id), kind="photo"))
    if not sheet.body:
        blocks.append(Block(str(module.section("No photo on this sheet is cleared for " + sheet.on, "")),
                            kind="section"))
    if sheet.left_out:
        blocks.append(Block(str(module.section(
            f"Not cleared for {sheet.on} ({len(sheet.left_out)})",
            "These photos are not on the sheet. Each is listed with the reason.")), kind="section"))
        blocks += [Block(str(module.left_out_item(p)), kind="left_out") for p in sheet.left_out]
    blocks.append(Block(str(module.footer(counts)), kind="footer"))
    text = " ".join(" ".join(filter(None, [p.caption, p.credit_line, p.place, *p.creator])) for p in sheet.photos)
    return PdfPlan(title=sheet.title, paper=paper, blocks=blocks,
                   page_footer=lambda page, pages: str(module.page_footer(sheet, page, pages)).strip(),
                   text=sheet.title + " " + text)
