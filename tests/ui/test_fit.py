"""Every window, dialog, page and tab fits a laptop: 1280×720, 1366×768, and 2× scale.

Each size runs tests/ui/fit_check.py in a subprocess with Qt's offscreen screen set to that
size (the screen is fixed when Qt starts). 2× scale is a 2560×1440 screen with
QT_SCALE_FACTOR=2 — what a QHD laptop at 200 % gives: 1280×720 logical pixels with text
and lines drawn at twice the resolution. Checking at a "logical 640×360" instead would test
a screen no one has; this runs the real scaling path (fonts, metrics, rounding).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from tests.ui.fit_rules import window_problems
from tests.ui.screens import SCREENS

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("screen", "scale"),
    [("1280x720", 1), ("1366x768", 1), ("1280x720", 2)],
    ids=["1280x720", "1366x768", "2x-scale"],
)
def test_every_screen_fits(tmp_path: Path, screen: str, scale: int) -> None:
    out = tmp_path / "problems.json"
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "QT_SCALE_FACTOR")}
    env["NOTEAPP_HOME"] = str(tmp_path / "home")
    done = subprocess.run(
        [
            *(sys.executable, "-m", "tests.ui.fit_check"),
            *("--screen", screen, "--scale", str(scale), "--out", str(out)),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    problems = json.loads(out.read_text(encoding="utf-8"))
    listing = "\n".join(f"{name}: {p}" for name, found in problems.items() for p in found)
    assert not problems, f"on a {screen} screen at {scale}×:\n{listing}"


def test_the_list_names_every_screen_once() -> None:
    names = [s.name for s in SCREENS]
    assert len(names) == len(set(names))


# --- the rules themselves can fail ---------------------------------------------------------


def _window(qtbot, width: int, height: int, *widgets: QWidget, row: bool = False) -> QWidget:
    window = QWidget()
    qtbot.addWidget(window)
    lay = QHBoxLayout(window) if row else QVBoxLayout(window)
    for w in widgets:
        lay.addWidget(w)
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_a_clipped_button_is_reported(qtbot) -> None:
    buttons = [QPushButton(f"Add intervention {i}") for i in range(6)]
    window = _window(qtbot, 300, 80, *buttons, row=True)
    window.setFixedSize(300, 80)  # smaller than the row needs: Qt squeezes the buttons
    qtbot.wait(1)  # a layout pass
    problems = window_problems(window)
    assert any("Add intervention" in p and "needs" in p for p in problems), problems


def test_labels_and_check_boxes_that_fit_are_not_reported(qtbot) -> None:
    window = _window(qtbot, 500, 120, QLabel("Date of service"), QCheckBox("Remember"))
    assert window_problems(window) == []


def test_a_window_larger_than_the_screen_is_reported(qtbot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    avail = window.screen().availableGeometry()
    window.resize(avail.width() + 50, 200)
    window.show()
    assert any("the screen leaves" in p for p in window_problems(window))
