"""Settings → Dictionary: the personal spelling dictionary (words added from the editor)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.errors import NoteappError
from noteapp.services.spelling import Speller


class DictionarySettingsPage(QWidget):
    """Kept encrypted in the vault: these words soon include clients' names."""

    def __init__(self, speller: Speller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dictionarySettingsPage")
        self._speller = speller
        lay = QVBoxLayout(self)
        intro = QLabel(
            "Words you added with “Add to dictionary” in the note editor. They are kept "
            "encrypted in your vault, because they often include clients' names.",
            self,
        )
        intro.setWordWrap(True)
        lay.addWidget(intro)
        row = QHBoxLayout()
        self.new_word = QLineEdit(self)
        self.new_word.setObjectName("dictionaryNewWord")
        self.new_word.setAccessibleName("Word to add")
        self.new_word.setPlaceholderText("Add a word…")
        self.add_button = QPushButton("Add", self)
        self.add_button.setObjectName("dictionaryAddButton")
        row.addWidget(self.new_word, 1)
        row.addWidget(self.add_button)
        lay.addLayout(row)
        self.words = QListWidget(self)
        self.words.setObjectName("dictionaryWords")
        self.words.setAccessibleName("Personal dictionary words")
        lay.addWidget(self.words, 1)
        bottom = QHBoxLayout()
        self.message = QLabel("", self)
        self.message.setObjectName("dictionaryMessage")
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.setObjectName("dictionaryRemoveButton")
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.remove_button)
        lay.addLayout(bottom)
        self.add_button.clicked.connect(self._add)
        self.new_word.returnPressed.connect(self._add)
        self.remove_button.clicked.connect(self._remove)
        self.refresh()

    def refresh(self) -> None:
        self.words.clear()
        self.words.addItems(self._speller.personal_words)
        self.remove_button.setEnabled(self.words.count() > 0)

    def _add(self) -> None:
        word = self.new_word.text().strip()
        if not word:
            return
        try:
            self._speller.add(word)
        except NoteappError as exc:
            self.message.setText(str(exc))
            return
        self.new_word.clear()
        self.message.setText(f"Added “{word}”.")
        self.refresh()

    def _remove(self) -> None:
        item = self.words.currentItem()
        if item is None:
            return
        self._speller.remove(item.text())
        self.message.setText(f"Removed “{item.text()}”.")
        self.refresh()
