"""The caption sheet as PDF, drawn with Qt (QPdfWriter, QPainter, QTextDocument).

The core (:mod:`archive.export`) hands over a plan: pieces of HTML from the
``sheet-pdf.html`` template and the thumbnails.  Here each piece is laid out
with Qt's rich text (real text: selectable and searchable in the PDF) and put on
pages so that no photo breaks across two; every page gets a running footer with
its number.  Qt is imported only when a PDF is made, and a QGuiApplication is
made then if there is none (the command line has none): with no display it
uses the offscreen platform, so a PDF can be made on a server.
"""

from __future__ import annotations

import os
import sys

DPI = 300
MM = DPI / 25.4
MARGINS_MM = (14.0, 12.0, 14.0, 10.0)          # left, top, right, bottom
THUMB_MM = 42.0
GAP_MM = 4.0
SPACING_MM = 3.5
FOOTER_MM = 7.0
# Families tried in order for the body text; Qt falls back per character to any
# installed font that has it (fontconfig), which is what covers CJK when present.
FAMILIES = ["Noto Sans", "DejaVu Sans", "Liberation Sans", "Arial", "Helvetica", "Segoe UI",
            "Noto Sans CJK KR", "Noto Sans CJK SC", "Source Han Sans", "Malgun Gothic", "Apple SD Gothic Neo"]
SCRIPTS = (  # (name, first, last code point, QFontDatabase.WritingSystem name)
    ("Greek", 0x0370, 0x03FF, "Greek"), ("Cyrillic", 0x0400, 0x04FF, "Cyrillic"),
    ("Korean", 0xAC00, 0xD7AF, "Korean"), ("Chinese", 0x4E00, 0x9FFF, "SimplifiedChinese"),
    ("Japanese", 0x3040, 0x30FF, "Japanese"), ("Arabic", 0x0600, 0x06FF, "Arabic"),
    ("Hebrew", 0x0590, 0x05FF, "Hebrew"),
)

_APP = None


def ensure_app():
    """The running QGuiApplication, or one made now (kept for the process)."""
    global _APP
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance()
    if app is None:
        if (sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM")
                and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")):
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        argv = [sys.argv[0] if sys.argv else "picturedesk"]
        if "PySide6.QtWidgets" in sys.modules:
            # A process that uses widgets (a test run, a script) needs a QApplication:
            # one made as a QGuiApplication here would make every later widget abort.
            from PySide6.QtWidgets import QApplication

            _APP = app = QApplication(argv)
        else:
            _APP = app = QGuiApplication(argv)
    return app


def body_font():
    from PySide6.QtGui import QFont, QFontDatabase

    installed = set(QFontDatabase.families())
    font = QFont()
    families = [f for f in FAMILIES if f in installed] or [QFont().defaultFamily()]
    font.setFamilies(families)
    font.setPointSizeF(9.0)
    # No ligatures: "ff" drawn as one glyph comes out of the PDF as "ﬀ", and a search
    # for "Hoffman" in the sheet would not find it.
    for tag in ("liga", "clig", "dlig"):
        font.setFeature(QFont.Tag(tag), 0)
    return font


def missing_scripts(text: str) -> list[str]:
    """The scripts in ``text`` that no installed font can show."""
    from PySide6.QtGui import QFontDatabase

    missing = []
    for name, lo, hi, system in SCRIPTS:
        if any(lo <= ord(ch) <= hi for ch in text):
            if not QFontDatabase.families(getattr(QFontDatabase.WritingSystem, system)):
                missing.append(name)
    return missing


def render_pdf(plan, path, *, progress=None, cancel=None) -> list[str]:
    """Draw ``plan`` (an :class:`archive.export.templates.PdfPlan`) into ``path``;
    returns notes for the person (a script no installed font shows)."""
    ensure_app()
    from PySide6.QtCore import QMarginsF, QRectF
    from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument

    from archive.jobs import check_cancel

    progress = progress or (lambda *a: None)
    notes = [f"no font on this computer has {name} letters, so those names show as boxes in the PDF; "
             "install one (e.g. Noto Sans CJK) and export again" for name in missing_scripts(plan.text)]
    writer = QPdfWriter(str(path))
    writer.setResolution(DPI)
    writer.setPageSize(QPageSize(QPageSize.A4 if plan.paper == "a4" else QPageSize.Letter))
    left, top, right, bottom = MARGINS_MM
    writer.setPageMargins(QMarginsF(left, top, right, bottom), QPageLayout.Millimeter)
    writer.setTitle(plan.title)
    writer.setCreator("Picture Desk")
    area = writer.pageLayout().paintRectPixels(DPI)
    width, height = float(area.width()), float(area.height())
    usable = height - FOOTER_MM * MM
    thumb_w = THUMB_MM * MM
    text_x = thumb_w + GAP_MM * MM
    font = body_font()

    def document(html: str, text_width: float) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(font)
        doc.documentLayout().setPaintDevice(writer)
        doc.setDocumentMargin(0)
        doc.setHtml(html)
        doc.setTextWidth(text_width)
        return doc

    # Lay out every piece first: the page count is needed for "page N of M".
    total = len(plan.blocks)
    laid = []
    for n, block in enumerate(plan.blocks):
        if n % 25 == 0:
            check_cancel(cancel)
            progress(n, total * 2, "laying out the sheet")
        image = None
        if block.image:
            image = QImage.fromData(block.image)
            image = None if image.isNull() else image
        with_thumb = block.kind == "photo"
        doc = document(block.html, width - text_x if with_thumb else width)
        img_h = thumb_w * image.height() / max(1, image.width()) if image is not None else 0.0
        h = max(doc.size().height(), img_h if with_thumb else 0.0)
        laid.append((block, doc, image, with_thumb, h))
    pages = []                                 # per page: [(index in laid, y)]
    y = 0.0
    current: list = []
    for i, (block, _doc, _img, _wt, h) in enumerate(laid):
        need = h
        if block.kind == "section" and i + 1 < len(laid):
            need += SPACING_MM * MM + laid[i + 1][4]      # a heading stays with what follows it
        if current and y + min(need, usable) > usable:
            pages.append(current)
            current, y = [], 0.0
        current.append((i, y))
        y += h + SPACING_MM * MM
        while y > usable + SPACING_MM * MM:    # a piece taller than a page runs on
            pages.append(current)
            current = [(i, y - h - SPACING_MM * MM - usable)]
            h -= usable
            y = h + SPACING_MM * MM
    if current:
        pages.append(current)

    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"cannot write the PDF {path}")
    try:
        for p, items in enumerate(pages, start=1):
            check_cancel(cancel)
            if p > 1:
                writer.newPage()
            for i, y in items:
                block, doc, image, with_thumb, h = laid[i]
                painter.save()
                painter.setClipRect(QRectF(0, 0, width, usable))
                if image is not None and with_thumb:
                    target = QRectF(0, y, thumb_w, thumb_w * image.height() / max(1, image.width()))
                    painter.drawImage(target, image)
                painter.translate(text_x if with_thumb else 0.0, y)
                doc.drawContents(painter, QRectF(0, -y, doc.textWidth(), usable))
                painter.restore()
                progress(total + i, total * 2, "drawing the pages")
            foot = document(f'<p align="right" style="font-size: 7.5pt; color: #555555;">'
                            f'{plan.page_footer(p, len(pages))}</p>', width)
            painter.save()
            painter.translate(0, height - foot.size().height())
            foot.drawContents(painter)
            painter.restore()
    finally:
        painter.end()
    del writer                                   # closes the file before it is renamed
    progress(total * 2, total * 2, "drawing the pages")
    return notes


