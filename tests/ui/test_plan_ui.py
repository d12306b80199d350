"""Treatment plans in the UI: the Plan tab (edit, sign, revise, compare, acknowledge, review),
rating objectives in the note editor, the progress chart's data, Today's plan sections."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from noteapp.demo import fill_demo
from noteapp.domain.notes import NoteStatus
from noteapp.domain.plans import AckMethod, PlanStatus
from noteapp.domain.signatures import ItemType
from noteapp.services.worklist import SectionKey
from noteapp.ui.dialogs.plan_ack_dialog import PlanAckDialog
from noteapp.ui.dialogs.plan_compare_dialog import PlanCompareDialog
from noteapp.ui.dialogs.plan_review_dialog import PlanReviewDialog
from noteapp.ui.dialogs.plan_sign_dialog import PlanSignDialog
from noteapp.ui.service_bundles import NoteServices, PlanServices
from noteapp.ui.views.note_editor_view import NoteEditorView
from noteapp.ui.views.plan_tab import PlanTab
from noteapp.ui.widgets.objectives_panel import NO_PLAN_TEXT
from tests.conftest import PASSPHRASE
from tests.ui.conftest import without_open_risk_flags
from tests.ui.test_signing_ui import sign_in_editor

DAY = 24 * 3600


def realistic_plan() -> dict[str, Any]:
    """Depression and anxiety, with measurable objectives (synthetic)."""
    therapist = "Treating clinician"
    return {
        "service_type": "individual",
        "session_minutes": 53,
        "frequency": "weekly",
        "valid_from": "2025-06-01",
        "valid_until": "2026-05-31",
        "diagnoses": [
            {"code": "F32.1", "description": "Major depressive disorder, single episode, moderate"},
            {"code": "F41.1", "description": "Generalized anxiety disorder"},
        ],
        "problems": [
            {
                "id": "p-dep",
                "statement": "Depressed mood, loss of interest and withdrawal from activities "
                "since the job loss in early 2025.",
                "goals": [
                    {
                        "id": "g-mood",
                        "statement": "Improve mood and return to valued daily activities.",
                        "client_words": "I want to feel like myself again and enjoy things.",
                        "objectives": [
                            {
                                "id": "o-phq",
                                "description": "Reduce depressive symptoms (PHQ-9) from "
                                "moderate to mild.",
                                "baseline": "PHQ-9 = 16",
                                "target": "PHQ-9 below 10 on two consecutive administrations",
                                "target_date": "2025-11-30",
                                "measured_by": "PHQ-9 every four weeks",
                                "interventions": [
                                    {
                                        "description": "Cognitive restructuring of "
                                        "self-critical thoughts",
                                        "modality": "CBT",
                                        "frequency": "weekly",
                                        "provider": therapist,
                                    }
                                ],
                            },
                            {
                                "id": "o-act",
                                "description": "Schedule and complete three pleasant or "
                                "mastery activities a week.",
                                "baseline": "about 1 a week",
                                "target": "3 a week for 4 consecutive weeks",
                                "target_date": "2025-10-31",
                                "measured_by": "weekly activity log",
                                "interventions": [
                                    {
                                        "description": "Behavioural activation planning",
                                        "modality": "BA",
                                        "frequency": "weekly",
                                        "provider": therapist,
                                    }
                                ],
                            },
                        ],
                    }
                ],
            },
            {
                "id": "p-anx",
                "statement": "Excessive worry about finances and health, with poor sleep.",
                "goals": [
                    {
                        "id": "g-worry",
                        "statement": "Manage worry so it no longer disrupts sleep and work.",
                        "client_words": "I want to stop lying awake worrying every night.",
                        "objectives": [
                            {
                                "id": "o-gad",
                                "description": "Reduce anxiety (GAD-7) from moderate to mild.",
                                "baseline": "GAD-7 = 13",
                                "target": "GAD-7 below 8",
                                "target_date": "2025-12-31",
                                "measured_by": "GAD-7 every four weeks",
                                "interventions": [
                                    {
                                        "description": "Worry postponement and relaxation training",
                                        "modality": "CBT",
                                        "frequency": "weekly",
                                        "provider": therapist,
                                    }
                                ],
                            },
                            {
                                "id": "o-sleep",
                                "description": "Fall asleep within 30 minutes on five nights "
                                "a week.",
                                "baseline": "2 nights a week",
                                "target": "5 nights a week",
                                "target_date": "2025-12-31",
                                "measured_by": "sleep diary",
                                "interventions": [
                                    {
                                        "description": "Sleep hygiene and stimulus control",
                                        "modality": "CBT-I",
                                        "frequency": "biweekly",
                                        "provider": therapist,
                                    }
                                ],
                            },
                        ],
                    }
                ],
            },
        ],
    }


@pytest.fixture
def ws(workspace):
    fill_demo(workspace, clients=3, notes=12)
    without_open_risk_flags(workspace)
    workspace.settings.update(confirm_passphrase_to_sign=True)
    return workspace


def complete_draft(ws) -> Any:
    return next(
        n
        for n in ws.notes.list(status=NoteStatus.DRAFT)
        if n.template_id == "soap" and ws.notes.check(n).can_sign
    )


def plan_tab(qtbot, ws, client_id: str) -> PlanTab:
    tab = PlanTab(PlanServices.of(ws), client_id)
    qtbot.addWidget(tab)
    tab.resize(1200, 900)
    tab.show()
    qtbot.waitExposed(tab)
    return tab


def sign_plan_in_tab(qtbot, tab: PlanTab) -> None:
    qtbot.mouseClick(tab.sign_button, Qt.MouseButton.LeftButton)
    dialog = tab.active_dialog
    assert isinstance(dialog, PlanSignDialog) and dialog.isVisible()
    assert dialog.sign_button.isEnabled(), dialog.problems
    dialog.passphrase.setText(PASSPHRASE)
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=15000)


def signed_plan(qtbot, ws, client_id: str) -> PlanTab:
    ws.plans.import_json(client_id, realistic_plan())
    tab = plan_tab(qtbot, ws, client_id)
    sign_plan_in_tab(qtbot, tab)
    return tab


def fresh_client_note(ws) -> Any:
    """A complete draft for a new client with no plan (the demo may give its clients plans)."""
    source = complete_draft(ws)
    donor = ws.clients.get(source.client_id)
    client = ws.clients.add(name="Jordan Planless", dob=donor.dob, diagnoses=donor.diagnoses)
    note = ws.notes.new(
        client_id=client.id, template_id="soap", session=source.session, fields=source.fields
    )
    assert ws.notes.check(note).can_sign or not ws.notes.check(note).blocking
    return note


def test_create_sign_rate_and_see_progress(qtbot, ws) -> None:
    note = fresh_client_note(ws)
    client_id = note.client_id
    tab = plan_tab(qtbot, ws, client_id)
    assert tab.new_button.isVisible() and tab.stack.currentWidget() is tab.empty
    qtbot.mouseClick(tab.new_button, Qt.MouseButton.LeftButton)
    assert tab.plan is not None and tab.plan.status == PlanStatus.DRAFT
    assert tab.stack.currentWidget() is tab.editor
    ed = tab.editor

    # An incomplete plan lists what stops signing.
    qtbot.mouseClick(tab.sign_button, Qt.MouseButton.LeftButton)
    dialog = tab.active_dialog
    assert isinstance(dialog, PlanSignDialog)
    assert not dialog.sign_button.isEnabled() and dialog.problem_list.count() > 0
    dialog.reject()

    # Build the plan in the editor: facts, then problem → goal → two objectives.
    ed.valid_until.set_value(ed.valid_from.value().replace(year=2027))
    ed.valid_from.set_value(ed.valid_from.value().replace(year=2025))
    ed.diagnoses.setPlainText("F32.1 Major depressive disorder, single episode, moderate")
    for level in range(3):
        qtbot.mouseClick(ed.add_buttons[level], Qt.MouseButton.LeftButton)
    objective_path = ed.current_path()
    ed.tree.setCurrentItem(ed.tree.topLevelItem(0))
    ed.inputs[0]["statement"].setPlainText("Depressed mood since the job loss.")
    assert ed.tree.topLevelItem(0).text(0) == "Problem: Depressed mood since the job loss."
    ed.tree.setCurrentItem(ed._item_for(objective_path))
    assert tab.dirty
    tab.flush()
    objectives = []
    for i, (desc, target) in enumerate(
        [("Reduce PHQ-9 from 16 to below 10.", "PHQ-9 < 10"), ("Three activities a week.", "3")]
    ):
        if i:
            ed.tree.setCurrentItem(ed.tree.topLevelItem(0).child(0))
            qtbot.mouseClick(ed.add_buttons[2], Qt.MouseButton.LeftButton)
        form = ed.inputs[2]
        form["description"].setPlainText(desc)
        form["target"].setText(target)
        form["measured_by"].setText("PHQ-9 monthly")
        form["target_date"].set_value(ed.valid_from.value().replace(year=2026))
        objectives.append(ed.current_path())
    assert ed.tree.topLevelItem(0).child(0).childCount() == 2
    assert tab.flush()
    stored = ws.plans.get(tab.plan.id)
    assert [o.description for _p, _g, o in stored.objectives()] == [
        "Reduce PHQ-9 from 16 to below 10.",
        "Three activities a week.",
    ]
    assert stored.problems[0].statement == "Depressed mood since the job loss."

    sign_plan_in_tab(qtbot, tab)
    plan = ws.plans.current_signed(client_id)
    assert plan is not None and plan.id == tab.plan.id
    assert tab.status_chip.text() == "Signed"
    assert tab.stack.currentWidget() is tab.signed_box
    assert "Reduce PHQ-9" in tab.preview.toPlainText()
    assert tab.chart.is_empty()

    # Write the note: rate both objectives in the editor's panel, then sign it.
    editor = NoteEditorView(NoteServices.of(ws), note.id)
    qtbot.addWidget(editor)
    editor.resize(1366, 850)
    editor.show()
    qtbot.waitExposed(editor)
    panel = editor.objectives
    assert panel is not None
    ids = [o.id for o in plan.active_objectives()]
    assert sorted(panel.combos) == sorted(ids)
    before = ws.notes.check(editor.draft())
    assert any("Rate progress" in i.message for i in before.warnings)
    panel.set_rating(ids[0], "some progress", "Two activities this week.")
    combo = panel.combos[ids[1]]
    combo.setCurrentIndex(combo.findData("significant progress"))
    assert editor.flush()  # ratings share the note's save queue (off the GUI thread)
    stored_note = ws.notes.get(note.id)
    assert {r["objective_id"]: r["rating"] for r in stored_note.goal_progress} == {
        ids[0]: "some progress",
        ids[1]: "significant progress",
    }
    after = ws.notes.check(editor.draft())
    assert not any("Rate progress" in i.message for i in after.warnings)
    sign_in_editor(qtbot, editor)
    assert ws.notes.get(note.id).status == NoteStatus.SIGNED
    assert not panel.combos[ids[0]].isEnabled()

    # The Plan tab's chart has a point for each of the two objectives.
    tab.refresh()
    rated = {s.objective_id: s.points for s in tab.chart.series}
    assert [p[2] for p in rated[ids[0]]] == ["some progress"]
    assert [p[1] for p in rated[ids[1]]] == [2]
    assert not tab.chart.is_empty()


def test_editor_reorders_and_removes(qtbot, ws) -> None:
    client_id = ws.clients.list()[0].id
    ws.plans.import_json(client_id, realistic_plan())
    tab = plan_tab(qtbot, ws, client_id)
    ed = tab.editor
    ed.tree.setCurrentItem(ed.tree.topLevelItem(1))
    qtbot.mouseClick(ed.up_button, Qt.MouseButton.LeftButton)
    assert ed.tree.topLevelItem(0).text(0).startswith("Problem: Excessive worry")
    ed.tree.setCurrentItem(ed.tree.topLevelItem(1))
    qtbot.mouseClick(ed.remove_button, Qt.MouseButton.LeftButton)
    assert tab.flush()
    plan = ws.plans.get(tab.plan.id)
    assert [p.id for p in plan.problems] == ["p-anx"]
    # Statuses per goal and objective.
    ed.tree.setCurrentItem(ed.tree.topLevelItem(0).child(0).child(1))
    status = ed.inputs[2]["status"]
    status.setCurrentIndex(status.findData("deferred"))
    assert tab.flush()
    assert ws.plans.get(tab.plan.id).problems[0].goals[0].objectives[1].status == "deferred"


def test_revise_creates_v2_and_compare_shows_the_change(qtbot, ws) -> None:
    client_id = ws.clients.list()[0].id
    tab = signed_plan(qtbot, ws, client_id)
    v1 = ws.plans.current_signed(client_id)
    assert not tab.compare_button.isEnabled() or ws.plans.previous_version(v1) is not None
    qtbot.mouseClick(tab.revise_button, Qt.MouseButton.LeftButton)
    draft = ws.plans.latest(client_id)
    assert draft.version == v1.version + 1 and draft.status == PlanStatus.DRAFT
    assert tab.plan.id == draft.id and tab.stack.currentWidget() is tab.editor
    assert tab.versions.count() >= 2
    ed = tab.editor
    ed.tree.setCurrentItem(ed.tree.topLevelItem(0).child(0).child(0))
    ed.inputs[2]["target"].setText("PHQ-9 below 5")
    assert tab.compare_button.isEnabled()
    qtbot.mouseClick(tab.compare_button, Qt.MouseButton.LeftButton)
    dialog = tab.active_dialog
    assert isinstance(dialog, PlanCompareDialog)
    changed = dialog.changed_rows()
    assert any(k == "+" and "PHQ-9 below 5" in t for k, t in changed)
    assert any(k == "-" and "PHQ-9 below 10" in t for k, t in changed)
    assert "PHQ-9 below 5" in dialog.view.toPlainText()
    dialog.reject()
    assert ws.plans.get(v1.id).status == PlanStatus.SIGNED  # v1 untouched until v2 is signed


def test_acknowledgement_is_recorded(qtbot, ws) -> None:
    client_id = ws.clients.list()[0].id
    tab = signed_plan(qtbot, ws, client_id)
    plan_id = tab.plan.id
    qtbot.mouseClick(tab.ack_button, Qt.MouseButton.LeftButton)
    dialog = tab.active_dialog
    assert isinstance(dialog, PlanAckDialog)
    dialog.method.setCurrentIndex(dialog.method.findData(AckMethod.VERBAL.value))
    dialog.note.setPlainText("Reviewed together by phone.")
    dialog.passphrase.setText(PASSPHRASE)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=15000)
    items = [i for i in ws.signing.items(plan_id) if i.type == ItemType.ADDENDUM]
    assert items and "verbal" in items[-1].payload.get("text", str(items[-1].payload))
    assert "Reviewed together by phone." in tab.record.toPlainText()


def test_review_dialog_signs_and_moves_next_review(qtbot, ws, clock) -> None:
    client_id = ws.clients.list()[0].id
    tab = signed_plan(qtbot, ws, client_id)
    plan = ws.plans.current_signed(client_id)
    due_before = ws.plans.next_review(plan)
    clock.advance(80 * DAY)
    tab.refresh()
    assert tab.review_state == "soon"
    clock.advance(20 * DAY)
    tab.refresh()
    assert tab.review_state == "overdue" and "overdue" in tab.review_label.text()
    qtbot.mouseClick(tab.review_button, Qt.MouseButton.LeftButton)
    dialog = tab.active_dialog
    assert isinstance(dialog, PlanReviewDialog)
    assert dialog.summary.toPlainText().startswith("Plan review for the period since")
    dialog.summary.setPlainText(dialog.summary.toPlainText() + "\nContinue as written.")
    dialog.passphrase.setText(PASSPHRASE)
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=15000)
    due_after = ws.plans.next_review(ws.plans.get(plan.id))
    assert due_after is not None and due_before is not None and due_after > due_before
    assert tab.review_state == ""
    assert due_after.isoformat() in tab.review_label.text()


def test_today_lists_a_due_review_and_opens_the_plan_tab(qtbot, controller, clock) -> None:
    from tests.ui.conftest import create_vault_through_ui

    main = create_vault_through_ui(qtbot, controller)
    controller._set_auto_lock(0)  # the clock jumps months: no auto-lock meanwhile
    ws = controller.ws
    client = ws.clients.add(name="Alex Demo")
    ws.settings.update(confirm_passphrase_to_sign=False)
    ws.plans.import_json(client.id, realistic_plan() | {"valid_until": "2027-12-31"})
    ws.plans.sign(ws.plans.latest(client.id).id)
    today = main.pages.today

    def reviews():
        today.refresh()
        qtbot.waitUntil(lambda: today.ready, timeout=10000)
        return today.sections[SectionKey.PLAN_REVIEWS]

    assert reviews().section.count == 0 and reviews().empty.isVisible()
    clock.advance(85 * DAY)
    card = reviews()
    assert card.section.count == 1
    assert "Alex Demo" in card.rows[0].full_text and "review due" in card.rows[0].full_text
    clock.advance(10 * DAY)
    card = reviews()
    assert "overdue" in card.rows[0].full_text and card.rows[0].item.urgent
    # Clicking opens the client's chart on the Plan tab.
    qtbot.mouseClick(card.rows[0], Qt.MouseButton.LeftButton)
    assert main.current_page() == "clients"
    chart = main.pages.clients.chart
    assert chart is not None and chart.tabs.tabText(chart.tabs.currentIndex()) == "Plan"


def test_note_without_plan_shows_hint(qtbot, ws) -> None:
    note = fresh_client_note(ws)
    editor = NoteEditorView(NoteServices.of(ws), note.id)
    qtbot.addWidget(editor)
    assert editor.objectives is not None
    assert editor.objectives.hint.text() == NO_PLAN_TEXT
    assert not editor.objectives.combos
