"""A key fingerprint shown large, in monospace groups, easy to read out by phone."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QLabel, QWidget

from noteapp.ui import theme


def grouped(fingerprint: str) -> str:
    """'7E6DA607…' or '7E6D A607 …' → '7E6D A607 19A6 D9B2' (groups of four)."""
    raw = "".join(fingerprint.split()).upper()
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def fingerprint_label(fingerprint: str, parent: QWidget, name: str) -> QLabel:
    label = QLabel(grouped(fingerprint) if fingerprint != "—" else fingerprint, parent)
    label.setObjectName(name)
    label.setAccessibleName("Key fingerprint")
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSize(QFont().pointSize() + 8)
    font.setBold(True)
    font.setLetterSpacing(QFont.SpacingType.AbsoluteSpacing, 1.5)
    label.setFont(font)
    label.setContentsMargins(14, 8, 14, 8)
    theme.set_tone(label, "code")  # a framed box in the scheme's colours
    return label
