"""docs/ui.md stays true: it lists every shortcut of the table, and shows a picture, in light
and dark, of every main screen (make screenshots)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QKeySequence

from noteapp.ui import shortcuts
from tests.ui.screens import SCREENS

ROOT = Path(__file__).resolve().parents[2]
UI_DOC = (ROOT / "docs" / "ui.md").read_text(encoding="utf-8")


def test_the_guide_lists_every_shortcut() -> None:
    missing = [
        f"{s.id}: {key}"
        for s in shortcuts.SHORTCUTS
        for key in s.keys[:1]
        if QKeySequence(key).toString(QKeySequence.SequenceFormat.PortableText) not in UI_DOC
        and key not in UI_DOC
    ]
    assert not missing


def test_every_main_screen_has_its_pictures() -> None:
    for screen in (s for s in SCREENS if s.main_screen):
        for scheme in ("light", "dark"):
            picture = f"screenshots/{screen.name}-{scheme}.png"
            assert (ROOT / "docs" / picture).is_file(), f"run make screenshots: {picture}"
            assert f"({picture})" in UI_DOC, f"docs/ui.md does not show {picture}"
