"""A calm "working on it" line: what is happening, a bar (with a count where one is known)
and, where stopping is safe, a Cancel button. Hidden while nothing runs."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from noteapp.ui.workers import Task


class ProgressPanel(QWidget):
    """`start(task, text)` shows the panel and follows `task` until it finishes."""

    def __init__(self, parent: QWidget | None, name: str, *, cancellable: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.task: Task | None = None
        self._texts = ("", "")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel("", self)
        self.label.setObjectName(f"{name}Label")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.bar = QProgressBar(self)
        self.bar.setObjectName(f"{name}Bar")
        self.bar.setAccessibleName("Progress")
        self.bar.setRange(0, 0)
        self.bar.setTextVisible(False)
        self.bar.setMinimumWidth(160)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName(f"{name}CancelButton")
        self.cancel_button.setAccessibleName("Cancel this work")
        self.cancel_button.setAutoDefault(False)
        self._cancellable = cancellable
        self.cancel_button.clicked.connect(self.cancel)
        lay.addWidget(self.label)
        lay.addWidget(self.bar, 1)
        lay.addWidget(self.cancel_button)
        self.hide()

    def start(self, task: Task, text: str, counting_text: str = "") -> None:
        """Follow `task`: `text` while no count is known, `counting_text` (if given) once
        one is (e.g. "Checking the passphrase…", then "Opening your records…")."""
        self.task = task
        self._texts = (text, counting_text or text)
        self._say(text)
        self.set_progress(0, 0)
        self.cancel_button.setEnabled(True)
        self.cancel_button.setVisible(self._cancellable)
        task.progressed.connect(self.set_progress)
        task.finished.connect(self.stop)
        self.show()

    def show_busy(self, text: str) -> None:
        """A moving bar with no task to follow (the caller hides it)."""
        self._texts = (text, text)
        self._say(text)
        self.set_progress(0, 0)
        self.cancel_button.hide()
        self.show()

    def _say(self, text: str) -> None:
        self.label.setText(text)
        self.bar.setAccessibleDescription(text)

    def set_progress(self, done: int, total: int) -> None:
        """Determinate (a percentage) when the total is known, a moving bar when not."""
        if total <= 0:
            self.bar.setRange(0, 0)
            self.bar.setTextVisible(False)
            return
        if self.label.text() == self._texts[0]:
            self._say(self._texts[1])
        self.bar.setRange(0, total)
        self.bar.setValue(min(done, total))
        self.bar.setTextVisible(True)
        self.bar.setFormat(f"{done * 100 // total} %")

    def cancel(self) -> None:
        if self.task is not None and self.task.running:
            self.task.cancel()
            self._say("Stopping…")
            self.cancel_button.setEnabled(False)

    def stop(self) -> None:
        self.task = None
        self.hide()
