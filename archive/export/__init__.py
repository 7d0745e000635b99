"""Caption sheets: the photos an article, a search or a selection uses, each with its
caption, credit line and the licence that allows it on the publication date.

:func:`export_sheet` (what :meth:`archive.desk.Desk.export` calls) gathers the sheet
(:mod:`archive.export.sheet`), then writes it in one format: CSV and JSON
(:mod:`archive.export.text`), HTML from a template (:mod:`archive.export.templates`),
or PDF, which needs Qt and so is drawn by a renderer the front end passes in
(``renderers={"pdf": desktop.pdf_sheet.render_pdf}``): the core never imports Qt.
The file is written beside the target and renamed at the end
(:mod:`archive.export.target`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, Optional, Sequence

from archive.errors import UsageError
from archive.export.sheet import Sheet, SheetPhoto, gather
from archive.export.target import TargetError, check_target, written_aside
from archive.jobs import check_cancel

FORMATS = ("pdf", "html", "csv", "json")
PAPERS = ("a4", "letter")

__all__ = ["FORMATS", "PAPERS", "ExportResult", "Sheet", "SheetPhoto", "TargetError", "export_sheet",
           "check_target"]


@dataclass
class ExportResult:
    path: str
    format: str
    counts: dict
    title: str
    on: str
    notes: list                            # things a person should know (a font missing for some names)

    def to_dict(self) -> dict:
        return {"path": self.path, "format": self.format, "title": self.title, "on": self.on,
                "counts": self.counts, "notes": list(self.notes)}


def check_options(fmt: str, paper: str) -> tuple[str, str]:
    fmt = (fmt or "").lower()
    paper = (paper or "a4").lower()
    if fmt not in FORMATS:
        raise UsageError(f"cannot export a sheet as {fmt!r}: choose one of {', '.join(FORMATS)}")
    if paper not in PAPERS:
        raise UsageError(f"paper {paper!r}: choose a4 or letter")
    return fmt, paper


def export_sheet(desk, target, *, format: str, on, article=None, query: Optional[str] = None,
                 photo_ids: Optional[Sequence] = None, paper: str = "a4", include_uncleared: bool = False,
                 force: bool = False, renderers: Optional[Mapping[str, Callable]] = None,
                 progress=None, cancel=None) -> ExportResult:
    fmt, paper = check_options(format, paper)
    renderer = (renderers or {}).get(fmt)
    if fmt == "pdf" and renderer is None:
        raise UsageError("a PDF sheet is drawn by the desktop's renderer; this caller passed none")
    path = check_target(target, force=force)          # before any work: a wrong path fails at once
    progress = progress or (lambda *a: None)
    sheet = gather(desk, article=article, query=query, photo_ids=photo_ids, on=on,
                   include_uncleared=include_uncleared, progress=progress, cancel=cancel)
    check_cancel(cancel)
    notes: list = []
    with written_aside(path) as tmp:
        if fmt == "csv":
            from archive.export.text import write_csv

            write_csv(sheet, tmp)
        elif fmt == "json":
            from archive.export.text import write_json

            write_json(sheet, tmp)
        else:
            progress(0, None, "reading thumbnails")
            thumbs = desk.thumbnails([p.id for p in sheet.photos])
            check_cancel(cancel)
            if fmt == "html":
                from archive.export.templates import render_html

                tmp.write_text(render_html(sheet, thumbs, paper=paper), encoding="utf-8")
            else:
                from archive.export.templates import pdf_plan

                notes += renderer(pdf_plan(sheet, thumbs, paper=paper), tmp, progress=progress,
                                  cancel=cancel) or []
        check_cancel(cancel)                # a cancel during the last step still leaves nothing
    return ExportResult(path=str(path), format=fmt, counts=sheet.counts, title=sheet.title, on=sheet.on,
                        notes=notes)
