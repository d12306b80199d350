"""Review: signed notes waiting for a co-signature, and exports to verify (next issues)."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from noteapp.ui.widgets.layout import body_label, title_label


class ReviewView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewView")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(32, 28, 32, 28)
        lay.setSpacing(12)
        lay.addWidget(title_label("Review", self))
        lay.addWidget(
            body_label(
                "Nothing to review. Notes waiting for your signature or a supervisor's "
                "co-signature, and exported notes you check for authenticity, will be "
                "listed here.",
                self,
                "reviewEmptyLabel",
            )
        )
        lay.addStretch(1)
