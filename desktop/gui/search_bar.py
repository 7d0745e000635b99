"""The search bar: the whole query language, checked and run as you type.

Typing runs the search after a short pause (the debounce); a query that cannot
be understood shows its message beside the bar, with the cursor moved to the
column the message names, and the sheet keeps the last good result.  Completion
offers the field names and the archive's own photographers, places and
agencies for the word at the cursor, quoted when they hold a space.  Recent
searches (the last 20) and saved searches live in QSettings and in the bar's
menu.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (QCompleter, QHBoxLayout, QInputDialog, QLabel, QLineEdit, QMenu,
                               QToolButton, QWidget)

from archive.errors import PictureDeskError, QueryError

FIELDS = ("by:", "place:", "city:", "country:", "credit:", "taken:", "article:", "is:", "has:",
          "agency:", "licence:", "rules:", "clearance:", "folder:",
          "is:cleared", "is:flagged", "is:licensed", "is:unlicensed", "is:matched", "is:missing",
          "has:gps", "has:caption", "-has:caption", "has:credit", "has:warnings")
PREFIX = {"creator": "by:", "place": "place:", "agency": "agency:"}
DEBOUNCE_MS = 200
RECENT = 20


def quoted(value: str) -> str:
    return f'"{value}"' if any(c.isspace() for c in value) else value


class SearchBar(QWidget):
    searched = Signal(str)          # a query ran (after the debounce)

    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText('Search: words, "a phrase", by:Name, place:Kyiv, taken:2022-12, is:cleared …')
        self.edit.setClearButtonEnabled(True)
        self.edit.setMinimumWidth(360)
        self.error = QLabel("", self)
        self.error.setStyleSheet("color: #f07060;")
        self.error.setVisible(False)
        self.error.setMaximumWidth(420)        # the toolbar keeps its room; the whole text is the tooltip
        self.menu_button = QToolButton(self)
        self.menu_button.setText("▾")
        self.menu_button.setToolTip("Recent and saved searches")
        self.menu_button.setPopupMode(QToolButton.InstantPopup)
        self.menu = QMenu(self)
        self.menu.aboutToShow.connect(self._fill_menu)
        self.menu_button.setMenu(self.menu)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.menu_button)
        layout.addWidget(self.error)

        self.words = QStringListModel(self)
        self.completer = QCompleter(self.words, self)
        self.completer.setCaseSensitivity(Qt.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchContains)
        self.completer.setWidget(self.edit)
        self.completer.activated.connect(self._complete)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.run)
        self.edit.textEdited.connect(self._edited)
        self.edit.returnPressed.connect(self.run)
        context.queryRequested.connect(self.set_query)
        context.deskChanged.connect(self._load_words)
        self._load_words()

    # -- completion

    def _load_words(self) -> None:
        items = list(FIELDS)
        desk = self.context.desk
        if desk is not None:
            try:
                for kind, names in desk.completions().items():
                    prefix = PREFIX.get(kind)
                    if prefix:
                        items += [prefix + quoted(n) for n in names]
            except PictureDeskError:
                pass
        self.words.setStringList(items)

    def _word_at_cursor(self) -> tuple[int, int]:
        text, pos = self.edit.text(), self.edit.cursorPosition()
        start = text.rfind(" ", 0, pos) + 1
        end = text.find(" ", pos)
        return start, len(text) if end < 0 else end

    def _edited(self, _text: str) -> None:
        start, end = self._word_at_cursor()
        word = self.edit.text()[start:end].lstrip("-")
        if len(word) >= 2:
            self.completer.setCompletionPrefix(word)
            if self.completer.completionCount():
                self.completer.complete()
            else:
                self.completer.popup().hide()
        else:
            self.completer.popup().hide()
        self.timer.start()

    def _complete(self, value: str) -> None:
        text = self.edit.text()
        start, end = self._word_at_cursor()
        neg = "-" if text[start:start + 1] == "-" else ""
        new = text[:start] + neg + value + (" " if not value.endswith(":") else "")
        self.edit.setText(new + text[end:].lstrip())
        self.edit.setCursorPosition(len(new))
        if not value.endswith(":"):
            self.timer.start()

    # -- running

    def text(self) -> str:
        return self.edit.text()

    def set_query(self, text: str) -> None:
        self.edit.setText(text)
        self.run()

    def run(self) -> None:
        self.timer.stop()
        text = self.edit.text().strip()
        desk = self.context.desk
        if desk is None:
            return
        try:
            desk.check_query(text, on=self.context.on)
            self.context.set_query(text)
        except QueryError as exc:
            self.show_error(str(exc), getattr(exc, "column", None))
            return
        except PictureDeskError as exc:
            self.show_error(str(exc), None)
            return
        self.error.setVisible(False)
        self.edit.setToolTip("")
        if text:
            self._remember(text)
        self.searched.emit(text)

    def show_error(self, message: str, column) -> None:
        fm = self.error.fontMetrics()
        self.error.setText(fm.elidedText(message, Qt.ElideRight, self.error.maximumWidth()))
        self.error.setToolTip(message)
        self.error.setVisible(True)
        self.edit.setToolTip(message)
        if isinstance(column, int) and column >= 1:
            self.edit.setCursorPosition(min(len(self.edit.text()), column - 1))

    # -- recent and saved

    def _settings(self) -> QSettings:
        return QSettings()

    def recent(self) -> list[str]:
        return [q for q in (self._settings().value("search/recent", []) or []) if q]

    def saved(self) -> dict[str, str]:
        value = self._settings().value("search/saved", {}) or {}
        return dict(value) if isinstance(value, dict) else {}

    def _remember(self, text: str) -> None:
        recent = [text] + [q for q in self.recent() if q != text]
        self._settings().setValue("search/recent", recent[:RECENT])

    def save_current(self, name: str | None = None) -> None:
        text = self.edit.text().strip()
        if not text:
            return
        if name is None:
            name, ok = QInputDialog.getText(self, "Save search", "Name:", text=text)
            if not ok or not name.strip():
                return
        saved = self.saved()
        saved[name.strip()] = text
        self._settings().setValue("search/saved", saved)

    def _fill_menu(self) -> None:
        self.menu.clear()
        self.menu.addAction("Save this search…", self.save_current).setEnabled(bool(self.edit.text().strip()))
        saved = self.saved()
        if saved:
            self.menu.addSection("Saved")
            for name, q in sorted(saved.items()):
                self.menu.addAction(name, lambda q=q: self.set_query(q)).setToolTip(q)
        recent = self.recent()
        if recent:
            self.menu.addSection("Recent")
            for q in recent:
                self.menu.addAction(q, lambda q=q: self.set_query(q))
