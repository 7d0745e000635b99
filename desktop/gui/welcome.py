"""What a first start on an empty archive shows: add a folder, or open the demo."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.gui.theme import icon


class Welcome(QWidget):
    addFolder = Signal()
    openDemo = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        logo = QLabel(self)
        logo.setPixmap(icon("app").pixmap(QSize(72, 72)))
        logo.setAlignment(Qt.AlignCenter)
        title = QLabel("Picture Desk", self)
        title.setObjectName("welcomeTitle")
        title.setAlignment(Qt.AlignCenter)
        text = QLabel("This archive has no photos yet. Add the folders your agency and staff pictures "
                      "arrive in, or open the demo to see an article paired with its photos.", self)
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignCenter)
        hint = QLabel("You can also drop folders or photos anywhere on this window.", self)
        hint.setObjectName("hint")
        hint.setAlignment(Qt.AlignCenter)
        hint.setWordWrap(True)
        self.add_button = QPushButton(icon("import"), "Add folder…", self)
        self.demo_button = QPushButton(icon("demo"), "Open the demo", self)
        for button in (self.add_button, self.demo_button):
            button.setMinimumWidth(180)
            button.setMinimumHeight(32)
            button.setIconSize(QSize(18, 18))
        self.add_button.setDefault(True)
        self.add_button.clicked.connect(self.addFolder)
        self.demo_button.clicked.connect(self.openDemo)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.demo_button)
        buttons.addStretch(1)
        # A column of fixed width, centred: word-wrapped labels get their true height.
        column = QWidget(self)
        column.setFixedWidth(460)
        inner = QVBoxLayout(column)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.setSpacing(12)
        inner.addWidget(logo)
        inner.addWidget(title)
        inner.addWidget(text)
        inner.addSpacing(8)
        inner.addLayout(buttons)
        inner.addWidget(hint)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(column, 0, Qt.AlignHCenter)
        layout.addStretch(3)
