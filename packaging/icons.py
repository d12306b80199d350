"""Render the app icon (resources/icons/noteapp.svg) into what each OS wants: PNGs for the
Linux icon theme, noteapp.ico for Windows, noteapp.icns for macOS. `make bundle` runs it
before PyInstaller (the spec uses the .ico/.icns when present). Uses Qt offscreen.

    python packaging/icons.py OUT_DIR
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "icons" / "noteapp.svg"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZE = 256  # Qt writes one image per .ico; Windows scales it down
ICNS_SIZE = 512


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
    finally:
        painter.end()
    return image


def main(out: Path) -> int:
    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        print(f"icons: cannot read {SVG}", file=sys.stderr)
        return 1
    for size in PNG_SIZES:
        folder = out / "hicolor" / f"{size}x{size}" / "apps"
        folder.mkdir(parents=True, exist_ok=True)
        if not render(renderer, size).save(str(folder / "noteapp.png"), "PNG"):
            print(f"icons: could not write the {size} px PNG", file=sys.stderr)
            return 1
    scalable = out / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True, exist_ok=True)
    (scalable / "noteapp.svg").write_bytes(SVG.read_bytes())
    for name, size, fmt in (("noteapp.ico", ICO_SIZE, "ICO"), ("noteapp.icns", ICNS_SIZE, "ICNS")):
        if not render(renderer, size).save(str(out / name), fmt):
            print(f"icons: Qt could not write {name}; the app is built without it", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build" / "icons"))
