"""The look: a neutral dark grey by default (photo tools keep the chrome quiet so
pictures read true), the system palette on request, and the icons that ship in
``resources/icons``.

Icons are monochrome SVGs drawn in one stroke colour.  They are loaded as SVG
(QIcon's SVG engine renders them at the device pixel ratio, so they stay sharp at
200%), recoloured to the palette's text colour so they read on a light system
palette too.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from archive.resources import resource_path

DRAWN_IN = "#d8d8d8"                 # the stroke colour the SVGs are drawn in
THEMES = ("dark", "system")
_icon_colour = DRAWN_IN
_icons: dict[tuple[str, str], QIcon] = {}


def resource(*parts: str) -> Path:
    """A file shipped in ``resources/`` (found by archive.resources)."""
    return resource_path(*parts)


def icon_names() -> list[str]:
    return sorted(p.stem for p in resource("icons").glob("*.svg"))


def icon(name: str) -> QIcon:
    """The icon ``name`` in the current theme's colour (an empty icon if there is none)."""
    key = (name, _icon_colour)
    if key not in _icons:
        path = resource("icons", f"{name}.svg")
        if not path.exists():
            return QIcon()
        if _icon_colour != DRAWN_IN:
            path = _recoloured(path, _icon_colour)
        _icons[key] = QIcon(str(path))
    return _icons[key]


def _recoloured(path: Path, colour: str) -> Path:
    text = path.read_text(encoding="utf-8").replace(DRAWN_IN, colour)
    digest = hashlib.blake2s(text.encode(), digest_size=6).hexdigest()
    folder = Path(tempfile.gettempdir()) / "picturedesk-icons"
    folder.mkdir(exist_ok=True)
    target = folder / f"{path.stem}-{digest}.svg"
    if not target.exists():                     # atomically: other processes may be writing it too
        partial = folder / f".{target.name}.{os.getpid()}"
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, target)
    return target


def dark_palette() -> QPalette:
    p = QPalette()
    grey = lambda v: QColor(v, v, v)  # noqa: E731
    p.setColor(QPalette.Window, grey(50))
    p.setColor(QPalette.WindowText, grey(222))
    p.setColor(QPalette.Base, grey(36))
    p.setColor(QPalette.AlternateBase, grey(58))
    p.setColor(QPalette.ToolTipBase, grey(30))
    p.setColor(QPalette.ToolTipText, grey(230))
    p.setColor(QPalette.PlaceholderText, grey(150))
    p.setColor(QPalette.Text, grey(222))
    p.setColor(QPalette.Button, grey(62))
    p.setColor(QPalette.ButtonText, grey(222))
    p.setColor(QPalette.BrightText, QColor(255, 90, 80))
    p.setColor(QPalette.Light, grey(80))
    p.setColor(QPalette.Midlight, grey(66))
    p.setColor(QPalette.Mid, grey(44))
    p.setColor(QPalette.Dark, grey(30))
    p.setColor(QPalette.Shadow, grey(16))
    p.setColor(QPalette.Link, QColor(110, 160, 230))
    p.setColor(QPalette.Highlight, QColor(61, 108, 180))
    p.setColor(QPalette.HighlightedText, grey(255))
    for role in (QPalette.Text, QPalette.WindowText, QPalette.ButtonText):
        p.setColor(QPalette.Disabled, role, grey(120))
    p.setColor(QPalette.Disabled, QPalette.Button, grey(54))
    return p


def current_theme(app: QApplication | None = None) -> str:
    app = app or QApplication.instance()
    return str(app.property("pd_theme") or "dark") if app else "dark"


def apply_theme(app: QApplication, name: str = "dark") -> None:
    """``dark`` (the default) or ``system``.  Widgets that hold icons re-read them
    when the application's palette changes (:func:`icon` answers in the new colour)."""
    global _icon_colour
    name = name if name in THEMES else "dark"
    if app.property("pd_system_style") is None:
        app.setProperty("pd_system_style", app.style().name() or app.style().objectName() or "Fusion")
    app.setProperty("pd_theme", name)
    if name == "system":
        app.setStyle(app.property("pd_system_style") or "Fusion")
        app.setPalette(app.style().standardPalette())
        app.setStyleSheet("")
    else:
        app.setStyle("Fusion")
        app.setPalette(dark_palette())
        qss = resource("styles", "dark.qss")
        app.setStyleSheet(qss.read_text(encoding="utf-8") if qss.exists() else "")
    text = app.palette().color(QPalette.WindowText)
    _icon_colour = DRAWN_IN if name == "dark" else text.name()
