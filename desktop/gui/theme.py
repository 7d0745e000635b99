"""The look: a neutral dark grey by default (photo tools keep the chrome quiet so
pictures read true), the system palette on request, and the icons that ship in
``resources/icons`` (SVG, so they are sharp at any scale)."""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory


def resource(*parts: str) -> Path:
    """A file shipped in ``resources/`` (the source tree, or a PyInstaller bundle)."""
    bundle = getattr(sys, "_MEIPASS", None)
    root = Path(bundle) if bundle else Path(__file__).resolve().parents[2]
    return root.joinpath("resources", *parts)


@lru_cache(maxsize=64)
def icon(name: str) -> QIcon:
    path = resource("icons", f"{name}.svg")
    return QIcon(str(path)) if path.exists() else QIcon()


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
    p.setColor(QPalette.Link, QColor(110, 160, 230))
    p.setColor(QPalette.Highlight, QColor(61, 108, 180))
    p.setColor(QPalette.HighlightedText, grey(255))
    for role in (QPalette.Text, QPalette.WindowText, QPalette.ButtonText):
        p.setColor(QPalette.Disabled, role, grey(120))
    return p


def apply_theme(app: QApplication, name: str = "dark") -> None:
    """``dark`` (the default) or ``system``."""
    if name == "system":
        app.setStyle(QStyleFactory.create(app.property("pd_system_style") or "Fusion"))
        app.setPalette(app.style().standardPalette())
        app.setStyleSheet("")
        return
    if app.property("pd_system_style") is None:
        app.setProperty("pd_system_style", app.style().objectName())
    app.setStyle(QStyleFactory.create("Fusion"))
    app.setPalette(dark_palette())
    qss = resource("styles", "dark.qss")
    app.setStyleSheet(qss.read_text(encoding="utf-8") if qss.exists() else "")
