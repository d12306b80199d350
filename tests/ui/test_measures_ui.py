"""Measures and risk in the UI: a PHQ-9 given in session with the keyboard (full-screen form,
no client data), paper entry (answers or a total only), the trend chart with its bands, the
risk flag on the chart header and the Today page, the risk assessment panel in the note
editor, and signing past the risk rule only with an override reason."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from noteapp.demo import fill_demo
from noteapp.domain.measures import MeasureMode
from noteapp.domain.notes import (
    NoteStatus,
    RiskArea,
    RiskAssessment,
    note_to_dict,
    risk_assessment_to_dict,
)
from noteapp.services.notes import NOTE_KIND
from noteapp.services.worklist import SectionKey
from noteapp.ui.dialogs.give_measure_dialog import GiveMeasureWindow
from noteapp.ui.dialogs.paper_measure_dialog import PaperMeasureDialog
from noteapp.ui.dialogs.sign_dialog import SignDialog
from noteapp.ui.service_bundles import MeasureServices, NoteServices
from noteapp.ui.views.measures_tab import MeasuresTab
from noteapp.ui.views.note_editor_view import NoteEditorView
from noteapp.ui.widgets.risk_flag_banner import RiskFlagBanner
from tests.conftest import PASSPHRASE

CLIENT = "Morgan Testcase"


@pytest.fixture
def ws(workspace):
    fill_demo(workspace, clients=2, notes=8)
    workspace.settings.update(confirm_passphrase_to_sign=True)
    return workspace


def fresh_client_note(ws) -> Any:
    """A complete draft for a new client (the demo gives its clients measures and plans)."""
    source = next(
        n
        for n in ws.notes.list(status=NoteStatus.DRAFT)
        if n.template_id in ("soap", "birp", "dap", "girp") and ws.notes.check(n).can_sign
    )
    donor = ws.clients.get(source.client_id)
    client = ws.clients.add(name=CLIENT, dob=donor.dob, diagnoses=donor.diagnoses)
    return ws.notes.new(
        client_id=client.id,
        template_id=source.template_id,
        session=source.session,
        fields=source.fields,
    )


def measures_tab(qtbot, ws, client_id: str) -> MeasuresTab:
    tab = MeasuresTab(MeasureServices.of(ws), client_id)
    qtbot.addWidget(tab)
    tab.resize(1200, 850)
    tab.show()
    qtbot.waitExposed(tab)
    return tab


def open_form(qtbot, tab: MeasuresTab, instrument: str = "phq9") -> GiveMeasureWindow:
    tab.give_instrument.setCurrentIndex(tab.give_instrument.findData(instrument))
    qtbot.mouseClick(tab.give_button, Qt.MouseButton.LeftButton)
    form = tab.form
    assert isinstance(form, GiveMeasureWindow)
    qtbot.waitExposed(form)
    return form


def test_phq9_in_session_with_digit_keys_saves_and_alerts(qtbot, ws) -> None:
    client = ws.clients.add(name=CLIENT)
    tab = measures_tab(qtbot, ws, client.id)
    form = open_form(qtbot, tab)
    # A window of its own, frameless and full screen, showing no client data at all.
    assert form.isWindow() and form.windowFlags() & Qt.WindowType.FramelessWindowHint
    assert form.isFullScreen()
    texts = [w.text() for w in form.findChildren(QLabel)]
    texts += [b.text() for b in form.findChildren(QPushButton)]
    assert not any(CLIENT in t or "Morgan" in t for t in [*texts, form.windowTitle()])
    assert form.intro.text() == "Please answer each question. There are no right or wrong answers."
    assert "two weeks" not in form.intro.text()  # PCL-5 asks about a month, the AUDIT a year
    assert form.progress_label.text() == "Question 1 of 9"

    qtbot.keyClicks(form, "1")
    assert form.progress_label.text() == "Question 2 of 9"
    qtbot.keyClicks(form, "7")  # not an answer: ignored
    assert form.index == 1
    qtbot.keyClicks(form, "0213")
    assert form.index == 5
    qtbot.keyClick(form, Qt.Key.Key_Backspace)  # back to question 5, answer it again
    assert form.index == 4 and form.answers[4] == 3
    qtbot.keyClicks(form, "1230")
    assert form.index == 8
    qtbot.mouseClick(form.answer_buttons[2], Qt.MouseButton.LeftButton)  # item 9: 2
    # PHQ-9's unscored follow-up comes last: how difficult have these problems made things?
    assert form.progress_label.text() == "One last question"
    assert "how difficult" in form.question.text()
    qtbot.keyClicks(form, "1")  # "Somewhat difficult"
    assert form.stack.currentWidget() is form.hand_back_page
    assert ws.measures.list(client.id) == []  # the clinician confirms the save

    qtbot.mouseClick(form.confirm_button, Qt.MouseButton.LeftButton)
    saved = ws.measures.list(client.id)
    assert len(saved) == 1
    m = saved[0]
    assert m.answers == (1, 0, 2, 1, 1, 2, 3, 0, 2) and m.total == 12
    assert m.severity == "moderate" and m.mode == MeasureMode.IN_SESSION and m.risk
    assert m.difficulty == "Somewhat difficult"
    assert form.stack.currentWidget() is form.result_page
    assert form.result_total.text() == "12 — moderate"
    assert form.risk_alert.isVisible() and "Item 9" in form.risk_text.text()
    # The tab shows it, in red, with its open flag.
    assert tab.table.rowCount() == 1
    assert tab.table.item(0, 2).text() == "12"
    assert tab.table.item(0, 4).text().startswith("open")
    assert "RISK FLAG" in tab.result_label.text()
    qtbot.mouseClick(form.close_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.form is None)


def test_form_closes_with_its_tab(qtbot, ws) -> None:
    """Locking or leaving the chart must never leave the client's form on screen."""
    client = ws.clients.add(name=CLIENT)
    tab = measures_tab(qtbot, ws, client.id)
    form = open_form(qtbot, tab)
    assert form.isWindow() and form.isVisible()
    tab.deleteLater()
    qtbot.waitUntil(
        lambda: not any(isinstance(w, GiveMeasureWindow) for w in QApplication.topLevelWidgets())
    )


def test_no_risk_alert_and_escape_asks_before_stopping(qtbot, ws) -> None:
    client = ws.clients.add(name=CLIENT)
    tab = measures_tab(qtbot, ws, client.id)
    form = open_form(qtbot, tab, "gad7")
    qtbot.keyClicks(form, "12")
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    assert form.stack.currentWidget() is form.cancel_page
    qtbot.keyClick(form, Qt.Key.Key_Escape)  # Esc again: keep going
    assert form.stack.currentWidget() is form.question_page and form.index == 2
    qtbot.keyClicks(form, "33333")
    qtbot.mouseClick(form.confirm_button, Qt.MouseButton.LeftButton)
    (m,) = ws.measures.list(client.id)
    assert m.total == 18 and m.severity == "severe" and not m.risk
    assert not form.risk_alert.isVisible()
    qtbot.keyClick(form, Qt.Key.Key_Escape)  # Esc on the result closes it
    qtbot.waitUntil(lambda: tab.form is None)

    form = open_form(qtbot, tab, "phq9")
    qtbot.keyClicks(form, "3")
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    qtbot.mouseClick(form.discard_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.form is None)
    assert len(ws.measures.list(client.id)) == 1


def test_paper_total_only_and_answers(qtbot, ws) -> None:
    client = ws.clients.add(name=CLIENT)
    tab = measures_tab(qtbot, ws, client.id)
    qtbot.mouseClick(tab.paper_button, Qt.MouseButton.LeftButton)
    dialog = tab.active_dialog
    assert isinstance(dialog, PaperMeasureDialog)
    assert len(dialog.combos) == 9
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "Answer every item" in dialog.error.text()
    dialog.total_radio.setChecked(True)
    dialog.total.setValue(14)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    (m,) = ws.measures.list(client.id)
    assert m.total_only and m.total == 14 and m.mode == MeasureMode.PAPER and not m.risk
    assert tab.table.item(0, 5).text() == "paper (total only)"
    assert tab.chart.series.points[-1].total_only

    qtbot.mouseClick(tab.paper_button, Qt.MouseButton.LeftButton)
    dialog = tab.active_dialog
    dialog.instrument.setCurrentIndex(dialog.instrument.findData("gad7"))
    assert len(dialog.combos) == 7
    dialog.set_answers([1, 1, 1, 1, 1, 1, 1])
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    gad = ws.measures.list(client.id, "gad7")
    assert gad[0].answers == (1,) * 7 and gad[0].severity == "mild"


def test_trend_chart_has_data_bands_and_renders(qtbot, ws, clock) -> None:
    client = ws.clients.add(name=CLIENT)
    today = clock.now().date()
    for weeks, total in ((20, 18), (16, 15), (12, 12), (8, 9), (4, 8), (0, 6)):
        ws.measures.add(
            client_id=client.id,
            instrument="phq9",
            total=total,
            on=today - timedelta(weeks=weeks),
            mode="paper",
        )
    tab = measures_tab(qtbot, ws, client.id)
    chart = tab.chart
    assert not chart.is_empty()
    assert [p.total for p in chart.series.points] == [18, 15, 12, 9, 8, 6]
    assert chart.series.bands[0].label == "minimal" and len(chart.series.bands) == 5
    image = chart.grab().toImage()
    assert not image.isNull() and image.width() > 300
    # The top of the plot is the "severe" band: a red tint, not the plain background.
    top: QColor = image.pixelColor(chart.width() - 40, 24)
    assert top.red() > top.blue() + 15
    summary = tab.summary.text()
    assert "change since baseline −12" in summary and "since last −2" in summary
    assert "response (≥ 50% reduction): yes" in summary
    assert "remission (below 5): no" in summary


def test_risk_banner_assessment_panel_and_override(qtbot, ws, controller) -> None:
    note = fresh_client_note(ws)
    client_id = note.client_id
    ws.measures.add(
        client_id=client_id,
        instrument="phq9",
        answers=[2, 2, 1, 1, 1, 1, 1, 0, 1],
        on=min(note.session.date, ws.clock.now().date()),
    )
    banner = RiskFlagBanner(lambda: ws.measures.open_risk_flags(client_id))
    qtbot.addWidget(banner)
    banner.show()
    assert banner.isVisible() and "Risk flag: PHQ-9" in banner.label.text()

    editor = NoteEditorView(NoteServices.of(ws), note.id)
    qtbot.addWidget(editor)
    editor.resize(1366, 900)
    editor.show()
    qtbot.waitExposed(editor)
    panel = editor.risk_panel
    assert panel is not None and panel.alert.isVisible()
    assert "PHQ-9 10 (moderate)" in editor.same_day_label.text()
    blocking = [i.rule for i in ws.notes.check(editor.draft()).blocking]
    assert "risk_flag_followup" in blocking

    # The sign dialog requires a reason before it lets the note through.
    qtbot.mouseClick(editor.sign_button, Qt.MouseButton.LeftButton)
    dialog = editor.sign_dialog
    assert isinstance(dialog, SignDialog) and dialog.overridable
    assert not dialog.sign_button.isEnabled() and dialog.override_check.isVisible()
    dialog.override_check.setChecked(True)
    assert not dialog.sign_button.isEnabled()
    dialog.override_reason.setPlainText("Assessed by phone with the on-call team today.")
    assert dialog.sign_button.isEnabled()
    dialog.passphrase.setText(PASSPHRASE)
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible() or dialog.error.isVisible(), timeout=15000)
    assert not dialog.isVisible(), dialog.error.text()
    signed = ws.notes.get(note.id)
    assert signed.status == NoteStatus.SIGNED
    assert signed.overrides[0]["reason"] == "Assessed by phone with the on-call team today."
    assert ws.measures.open_risk_flags(client_id) == []
    banner.refresh()
    assert not banner.isVisible()


def test_risk_assessment_panel_saves_into_the_note(qtbot, ws) -> None:
    note = fresh_client_note(ws)
    editor = NoteEditorView(NoteServices.of(ws), note.id)
    qtbot.addWidget(editor)
    editor.show()
    panel = editor.risk_panel
    assert panel is not None and not panel.alert.isVisible()
    # Suicidal and homicidal ideation come from the risk screen in the session details.
    for combo in (editor.metadata.si_combo, editor.metadata.hi_combo):
        combo.setCurrentIndex(combo.findData("denied"))
    combo = panel.combos[("self_harm", "present")]
    combo.setCurrentIndex(combo.findData(False))
    history = panel.combos[("self_harm", "history")]
    history.setCurrentIndex(history.findData(True))
    panel.level.setCurrentIndex(panel.level.findData("low"))
    panel.protective.setPlainText("Engaged in treatment; close to her sister.")
    panel.actions_edit.setPlainText("Safety plan reviewed; 988 given.")
    assert panel.missing_label.text() == "✓ Complete."
    assert editor.flush()
    stored = ws.notes.get(note.id).risk_assessment
    assert stored is not None and stored.is_complete()
    assert stored.self_harm.history is True and stored.risk_level == "low"
    editor.refresh_preview()
    assert "Risk assessment" in editor.preview.toPlainText()


def test_chart_header_banner_and_today_risk_flag(qtbot, controller) -> None:
    from tests.ui.conftest import create_vault_through_ui

    main = create_vault_through_ui(qtbot, controller)
    ws = controller.ws
    client = ws.clients.add(name=CLIENT)
    ws.measures.add(client_id=client.id, instrument="phq9", answers=[1] * 9)
    main.show_page("clients")
    main.pages.clients.refresh(select_id=client.id)
    chart = main.pages.clients.chart
    banner = chart.findChild(RiskFlagBanner, "riskFlagBanner")
    assert banner is not None and banner.isVisible()
    titles = [chart.tabs.tabText(i) for i in range(chart.tabs.count())]
    assert "Measures" in titles and "Safety plan" in titles
    main.show_page("today")
    today = main.pages.today
    qtbot.waitUntil(lambda: today.ready, timeout=10000)
    risk = today.sections[SectionKey.RISK_FLAGS]
    assert risk.isVisible() and risk.section.count == 1 and len(risk.rows) == 1
    assert CLIENT in risk.rows[0].full_text
    qtbot.mouseClick(risk.rows[0], Qt.MouseButton.LeftButton)
    chart = main.pages.clients.chart
    assert chart.tabs.tabText(chart.tabs.currentIndex()) == "Measures"
    assert QApplication.activeModalWidget() is None


def test_auditc_takes_zero_to_four(qtbot, ws) -> None:
    client = ws.clients.add(name=CLIENT)
    tab = measures_tab(qtbot, ws, client.id)
    form = open_form(qtbot, tab, "auditc")
    assert len(form.answer_buttons) == 5
    qtbot.keyClicks(form, "421")
    assert form.stack.currentWidget() is form.hand_back_page
    qtbot.mouseClick(form.confirm_button, Qt.MouseButton.LeftButton)
    (m,) = ws.measures.list(client.id)
    assert m.answers == (4, 2, 1) and m.total == 7
    assert form.result_total.text().startswith("7 — positive screen")
    qtbot.mouseClick(form.close_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.form is None)


def _editor(qtbot, ws, note_id: str) -> NoteEditorView:
    editor = NoteEditorView(NoteServices.of(ws), note_id)
    qtbot.addWidget(editor)
    editor.resize(1366, 900)
    editor.show()
    qtbot.waitExposed(editor)
    return editor


def test_one_risk_screen_the_assessment_shows_the_session_answers(qtbot, ws) -> None:
    note = fresh_client_note(ws)
    editor = _editor(qtbot, ws, note.id)
    panel, meta = editor.risk_panel, editor.metadata
    si = panel.combos[("suicidal_ideation", "present")]
    hi = panel.combos[("homicidal_ideation", "present")]
    assert not si.isEnabled() and not hi.isEnabled()  # answered once, in the session details
    assert panel.combos[("self_harm", "present")].isEnabled()
    meta.si_combo.setCurrentIndex(meta.si_combo.findData("present"))
    assert si.currentData() is True and panel.is_empty()  # a mirror alone adds no section
    assert "risk_assessment" in [i.rule for i in ws.notes.check(editor.draft()).blocking]
    plan = panel.combos[("suicidal_ideation", "plan")]
    plan.setCurrentIndex(plan.findData(False))
    assert editor.flush()
    stored = ws.notes.get(note.id)
    assert stored.session.risk.suicidal_ideation.value == "present"
    assert stored.risk_assessment is not None
    assert stored.risk_assessment.suicidal_ideation.present is True
    meta.si_combo.setCurrentIndex(meta.si_combo.findData("denied"))
    assert si.currentData() is False
    assert editor.flush()
    assert ws.notes.get(note.id).risk_assessment.suicidal_ideation.present is False
    assert "risk_consistent" not in [i.rule for i in ws.notes.check(ws.notes.get(note.id)).items]


def test_an_older_draft_that_said_two_things_opens_with_the_safer_answer(qtbot, ws) -> None:
    note = fresh_client_note(ws)
    stored = note_to_dict(ws.notes.get(note.id))
    stored["session"]["risk"]["suicidal_ideation"] = "denied"  # the session details said no
    stored["risk_assessment"] = risk_assessment_to_dict(
        RiskAssessment(suicidal_ideation=RiskArea(present=True, plan=False))  # ... this: yes
    )
    ws._vault.put(NOTE_KIND, note.id, stored, expected_version=note.version)
    ws.notes.reload()
    assert "risk_consistent" in [i.rule for i in ws.notes.check(ws.notes.get(note.id)).blocking]

    editor = _editor(qtbot, ws, note.id)
    banner = editor.risk_conflict_banner
    assert banner.isVisible()
    assert "Suicidal ideation is “denied” in the session details but “yes”" in banner.label.text()
    assert editor.metadata.si_combo.currentData() == "present"
    qtbot.waitUntil(lambda: not editor.dirty, timeout=5000)  # saved at once, consistently
    saved = ws.notes.get(note.id)
    assert saved.session.risk.suicidal_ideation.value == "present"
    assert saved.risk_assessment.suicidal_ideation.present is True
    rules = [i.rule for i in ws.notes.check(saved).items]
    assert "risk_consistent" not in rules and "risk_assessment" in rules


def test_audit_form_skips_the_questions_not_asked(qtbot, ws) -> None:
    """AUDIT: "Never" to question 1 goes straight to questions 9 and 10; Backspace comes back
    to question 1, and answering it otherwise asks 2 and 3 again."""
    client = ws.clients.add(name=CLIENT)
    tab = measures_tab(qtbot, ws, client.id)
    form = open_form(qtbot, tab, "audit")
    qtbot.keyClicks(form, "0")
    assert form.index == 8 and form.skipped == {1, 2, 3, 4, 5, 6, 7}
    assert [b.objectName() for b in form.answer_buttons] == [
        "giveMeasureAnswer0",
        "giveMeasureAnswer2",
        "giveMeasureAnswer4",
    ]
    qtbot.keyClick(form, Qt.Key.Key_Backspace)
    assert form.index == 0
    qtbot.keyClicks(form, "100")  # monthly, 1–2 drinks, never six: 4–8 are skipped
    assert form.index == 8 and form.skipped == {3, 4, 5, 6, 7}
    qtbot.keyClicks(form, "24")
    assert form.stack.currentWidget() is form.hand_back_page
    qtbot.mouseClick(form.confirm_button, Qt.MouseButton.LeftButton)
    (m,) = ws.measures.list(client.id)
    assert m.answers == (1, 0, 0, None, None, None, None, None, 2, 4) and m.total == 7
    assert form.result_total.text().startswith("7 — zone I")


def test_a_custom_instrument_can_be_given(qtbot, ws) -> None:
    from tests.core.test_instruments import EPDS_SHAPED, raw

    ws.instruments.add(raw(EPDS_SHAPED))
    client = ws.clients.add(name=CLIENT)
    tab = measures_tab(qtbot, ws, client.id)
    assert tab.give_instrument.findData("postnatal-test") >= 0
    form = open_form(qtbot, tab, "postnatal-test")
    qtbot.keyClicks(form, "0000000000")
    qtbot.mouseClick(form.confirm_button, Qt.MouseButton.LeftButton)
    (m,) = ws.measures.list(client.id)
    assert m.total == 21 and m.risk and form.risk_alert.isVisibleTo(form)
