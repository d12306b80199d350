"""Accessible: every control of every window has a name a screen reader can say, and risk
alerts and the measure form announce what changed (nothing takes the focus there)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QVBoxLayout, QWidget

from noteapp.ui import a11y
from noteapp.ui.dialogs.give_measure_dialog import GiveMeasureWindow, MeasureOutcome
from noteapp.ui.widgets.risk_assessment_panel import RiskAssessmentPanel
from noteapp.ui.widgets.risk_flag_banner import RiskFlagBanner
from tests.ui.a11y_rules import accessible_name, unnamed
from tests.ui.screens import SCREENS, opened_screen


@pytest.mark.parametrize("screen", [s.name for s in SCREENS])
def test_every_control_has_a_name(screens_session, screen: str) -> None:
    with opened_screen(screens_session, screen) as window:
        missing = unnamed(window)
    assert not missing, f"{screen}:\n" + "\n".join(missing)


def test_the_name_rules_can_fail(qtbot) -> None:
    box = QWidget()
    qtbot.addWidget(box)
    lay = QVBoxLayout(box)
    arrow = QPushButton("↑")  # a glyph is not a name
    combo = QComboBox()  # reports its value, not what it is
    combo.addItem("Denied")
    labelled = QComboBox()
    label = QLabel("&Suicidal ideation")
    label.setBuddy(labelled)
    for w in (arrow, combo, label, labelled):
        lay.addWidget(w)
    box.show()
    missing = unnamed(box)
    assert len(missing) == 2
    assert accessible_name(labelled) == "Suicidal ideation"


# --- announcements -------------------------------------------------------------------------


class _Recorder:
    """Stands in for QAccessible in noteapp.ui.a11y and keeps the events sent."""

    Event = QAccessible.Event
    AnnouncementPoliteness = QAccessible.AnnouncementPoliteness

    def __init__(self) -> None:
        self.events: list[tuple[Any, str, Any]] = []

    def updateAccessibility(self, event: Any) -> None:  # Qt's name
        message = event.message() if hasattr(event, "message") else ""
        politeness = event.politeness() if hasattr(event, "politeness") else None
        self.events.append((event.type(), message, politeness))

    def said(self) -> list[str]:
        return [m for t, m, _p in self.events if t == QAccessible.Event.Announcement]

    def alerted(self) -> bool:
        assertive = QAccessible.AnnouncementPoliteness.Assertive
        return any(
            t == QAccessible.Event.Announcement and p == assertive for t, _m, p in self.events
        ) and any(t == QAccessible.Event.Alert for t, _m, _p in self.events)


@pytest.fixture
def spoken(monkeypatch) -> _Recorder:
    recorder = _Recorder()
    monkeypatch.setattr(a11y, "QAccessible", recorder)
    return recorder


class _Flag:
    name = "PHQ-9"
    flag_labels = ("Item 9 (thoughts of death or self-harm) above 0",)

    class on:  # a date stand-in
        @staticmethod
        def isoformat() -> str:
            return "2026-03-09"


def test_a_risk_flag_appearing_is_announced_assertively(qtbot, spoken) -> None:
    flags: list[Any] = []
    banner = RiskFlagBanner(lambda: flags)
    qtbot.addWidget(banner)
    assert spoken.events == []  # nothing to say
    flags.append(_Flag())
    banner.refresh()
    assert any("Risk flag: PHQ-9 on 2026-03-09" in s for s in spoken.said())
    assert spoken.alerted()
    spoken.events.clear()
    banner.refresh()  # the same flag again: said once, not on every refresh
    assert spoken.said() == []


def test_the_risk_assessment_alert_is_announced_when_shown(qtbot, spoken) -> None:
    panel = RiskAssessmentPanel(alert="A measure raised a risk flag: assess risk first.")
    qtbot.addWidget(panel)
    panel.show()
    assert spoken.said() == ["A measure raised a risk flag: assess risk first."]
    assert spoken.alerted()


class _Instrument:
    id = "phq2"
    name = "PHQ-2"
    stem = "Over the last two weeks, how often have you been bothered by…"
    items = ("Little interest or pleasure in doing things", "Feeling down or hopeless")
    answers = (((0, "Not at all"), (1, "Several days"), (2, "More than half the days")),) * 2


def test_the_measure_form_says_each_question_and_the_result(qtbot, spoken) -> None:
    def save(answers: list[int], difficulty: str = "") -> MeasureOutcome:
        return MeasureOutcome("PHQ-2", sum(answers), "positive screen", True, ("Item 2",))

    form = GiveMeasureWindow(_Instrument(), save)
    qtbot.addWidget(form)
    form.show()
    assert any("Little interest or pleasure" in s and "0, Not at all" in s for s in spoken.said())
    form.answer(1)
    assert any("Feeling down or hopeless" in s for s in spoken.said())
    form.answer(2)
    assert any("hand the laptop back" in s for s in spoken.said())
    spoken.events.clear()
    form.confirm()
    said = " ".join(spoken.said())
    assert "Total 3" in said and "Risk alert" in said
    assert spoken.alerted()


def test_announce_sends_qt_announcement_events(qtbot) -> None:
    """The real QAccessible path runs (no AT attached offscreen: nothing to observe but
    that it does not fail) and leaves the text as the widget's accessible name."""
    label = QLabel("")
    qtbot.addWidget(label)
    label.show()
    a11y.announce(label, "Risk flag: PHQ-9", alert=True)
    assert label.accessibleName() == "Risk flag: PHQ-9"
