"""Where the shell's plain-file resources (SVG icons) are, and loading them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QIcon

_PACKAGE = Path(__file__).resolve().parents[1]
# A source checkout keeps resources/ at the top; an installed wheel carries a copy inside.
RESOURCES = next(
    (p for p in (_PACKAGE.parent / "resources", _PACKAGE / "_resources") if p.is_dir()),
    _PACKAGE.parent / "resources",
)


def icon(name: str) -> QIcon:
    """An SVG from resources/icons, or an empty icon if the file is missing (never an error)."""
    path = RESOURCES / "icons" / f"{name}.svg"
    return QIcon(str(path)) if path.is_file() else QIcon()
