"""What the note editor's side panels that write into the note share — goal-progress ratings
(objectives_panel) and medication adherence (adherence_panel): a bold heading, then per row
a choice and a short text, saved through the editor's save queue (in order with the
autosaves, never racing them for the next version) at once when a choice changes and after
a pause when text is typed; read-only once the note is signed."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.notes import Note
from noteapp.ui.errors import message_for
from noteapp.ui.widgets.layout import body_label, error_label, show_error

OnError = Callable[[BaseException], None]
Submit = Callable[[Callable[[], Note], Callable[[Note], None], OnError], None]


def at_once(work: Callable[[], Note], done: Callable[[Note], None], failed: OnError) -> None:
    """A panel used outside the editor saves on the spot."""
    try:
        note = work()
    except Exception as exc:
        failed(exc)
        return
    done(note)


class NoteEntryPanel(QWidget):
    """A subclass adds its rows (`add_row`), then `finish()`; `write()` returns the service
    call that saves what is on screen, `announce(note)` emits the panel's own signal."""

    SAVE_DELAY_MS = 600  # text is typed: save once the typing pauses

    def __init__(
        self,
        note: Note,
        parent: QWidget | None,
        *,
        name: str,
        heading: str,
        submit: Submit | None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        # The note editor passes its save queue; alone, the panel saves at once.
        self._submit: Submit = submit or at_once
        self._failed = False
        self.note = note
        self.read_only = note.is_signed
        self.combos: dict[str, QComboBox] = {}
        self.texts: dict[str, QLineEdit] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.SAVE_DELAY_MS)
        self._timer.timeout.connect(self.save)
        self.lay = QVBoxLayout(self)
        self.lay.setContentsMargins(0, 8, 0, 0)
        head = QLabel(heading, self)
        bold = QFont(head.font())
        bold.setBold(True)
        head.setFont(bold)
        self.lay.addWidget(head)
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)

    def add_row(self, key: str, label: str, combo: QComboBox, text: QLineEdit) -> None:
        """One row: its label, the choice (saved when changed), the text (saved after a
        pause); disabled or read-only once signed."""
        combo.setEnabled(not self.read_only)
        text.setReadOnly(self.read_only)
        combo.currentIndexChanged.connect(lambda _i: self.save())
        text.textEdited.connect(lambda _t: self._timer.start())
        self.form.addRow(body_label(label, self))
        self.form.addRow(combo)
        self.form.addRow(text)
        self.combos[key] = combo
        self.texts[key] = text

    def finish(self, error_name: str) -> None:
        self.lay.addLayout(self.form)
        self.error = error_label(self, error_name)
        self.lay.addWidget(self.error)

    def write(self) -> Callable[[], Note]:
        raise NotImplementedError

    def announce(self, note: Note) -> None:
        raise NotImplementedError

    def save(self) -> bool:
        """Save (through the editor's queue, or at once). False when a save that ran at
        once failed (the message is shown)."""
        self._timer.stop()
        if self.read_only:
            return True
        self._failed = False
        self._submit(self.write(), self._saved, self._save_failed)
        return not self._failed

    def _saved(self, note: Note) -> None:
        show_error(self.error, "")
        self.note = note
        self.announce(note)

    def _save_failed(self, exc: BaseException) -> None:
        self._failed = True
        show_error(self.error, message_for(exc))

    def flush(self) -> bool:
        """Save text still waiting on its typing pause."""
        return self.save() if self._timer.isActive() else True

    def set_read_only(self) -> None:
        self._timer.stop()
        self.read_only = True
        for key, combo in self.combos.items():
            combo.setEnabled(False)
            self.texts[key].setReadOnly(True)
