"""What a first start on an empty archive shows: add a folder, or open the demo."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget


class Welcome(QWidget):
    addFolder = Signal()
    openDemo = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        title = QLabel("<h2>Picture Desk</h2>", self)
        title.setAlignment(Qt.AlignCenter)
        text = QLabel("This archive has no photos yet. Add the folders your agency and staff pictures "
                      "arrive in, or open the demo to see an article paired with its photos.", self)
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignCenter)
        text.setMaximumWidth(460)
        self.add_button = QPushButton("Add folder…", self)
        self.demo_button = QPushButton("Open the demo", self)
        self.add_button.setMinimumWidth(220)
        self.demo_button.setMinimumWidth(220)
        self.add_button.clicked.connect(self.addFolder)
        self.demo_button.clicked.connect(self.openDemo)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(title, 0, Qt.AlignCenter)
        layout.addWidget(text, 0, Qt.AlignCenter)
        layout.addSpacing(16)
        layout.addWidget(self.add_button, 0, Qt.AlignCenter)
        layout.addWidget(self.demo_button, 0, Qt.AlignCenter)
        layout.addStretch(3)
