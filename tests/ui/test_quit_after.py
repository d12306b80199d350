"""NOTEAPP_QUIT_AFTER: how the packaging smoke test and the start-up benchmark run the real
app and close it the way a user would."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QLabel, QWidget

from noteapp.ui.quit_after import QUIT_AFTER_ENV, quit_after_if_asked


def test_closes_the_window_and_names_the_screen(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    page = QLabel("locked", window)
    page.setObjectName("unlockView")
    window.show()
    monkeypatch.setenv(QUIT_AFTER_ENV, "0.2")
    assert quit_after_if_asked(window, lambda: page)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)
    err = capsys.readouterr().err
    assert "screen: unlockView" in err
    assert "event loop running at monotonic" in err


@pytest.mark.parametrize("value", ["soon", "-1", "99999", "nan"])
def test_a_bad_value_is_ignored_with_a_sentence(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    monkeypatch.setenv(QUIT_AFTER_ENV, value)
    assert not quit_after_if_asked(window, lambda: None)
    assert "is a number of seconds" in capsys.readouterr().err


def test_unset_does_nothing(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(QUIT_AFTER_ENV, raising=False)
    window = QWidget()
    qtbot.addWidget(window)
    assert not quit_after_if_asked(window, lambda: None)
