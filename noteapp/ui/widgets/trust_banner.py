"""A warning banner for signatures from keys this vault does not trust.

A file can verify perfectly and still be a forgery under a real clinician's name: any key
makes a valid signature. So an untrusted signer is shown as a banner in the warning colour,
in bold, with a warning icon and an accessible name that says the same — never as a quiet
"no" in a table column. When a different key is trusted under the signer's name, the
banner names that key: the signature in the file is then likely an impersonation.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from noteapp.ui import theme


class UntrustedSignerBanner(QFrame):
    """`show_warnings(warnings)`: one line per `TrustWarning`; hidden when there are none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("untrustedSignerBanner")
        # The "caution" tone: bold text on amber (ui/theme.py checks its contrast).
        theme.set_tone(self, "caution")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(12, 8, 12, 8)
        icon = QLabel("⚠", self)
        icon.setObjectName("untrustedSignerBannerIcon")
        icon.setAccessibleName("Warning")
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        f = icon.font()
        f.setPointSize(f.pointSize() + 6)
        icon.setFont(f)
        lay.addWidget(icon)
        self.label = QLabel("", self)
        self.label.setObjectName("untrustedSignerBannerText")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # names come from the file
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.label, 1)
        self.warnings: list[Any] = []
        self.hide()

    def show_warnings(self, warnings: Sequence[Any]) -> None:
        self.warnings = list(warnings)
        if not self.warnings:
            self.label.clear()
            self.setAccessibleName("")
            self.hide()
            return
        impersonation = any(w.trusted_for_name for w in self.warnings)
        head = (
            "Warning: a signature may be an impersonation."
            if impersonation
            else "Warning: signed with a key you have not marked as trusted."
        )
        text = "\n".join([head, *(w.text for w in self.warnings)])
        self.label.setText(text)
        self.setAccessibleName(head)
        self.setAccessibleDescription(text)
        self.show()
