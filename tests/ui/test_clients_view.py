"""Clients page: filter-as-you-type, status filter, edit, discharge, delete confirmation."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from noteapp.domain.clients import ClientStatus, Diagnosis
from noteapp.ui.dialogs.client_dialog import ClientDialog
from noteapp.ui.dialogs.delete_client_dialog import DeleteClientDialog
from noteapp.ui.dialogs.discharge_dialog import DischargeDialog
from noteapp.ui.views.client_chart_view import CHART_TABS
from noteapp.ui.views.clients_view import ClientsView


@pytest.fixture
def view(qtbot, workspace):
    ws = workspace
    ws.clients.add(name="Avery Bellweather", code="AB01", dob=date(1980, 3, 2))
    ws.clients.add(
        name="Riley Calloway",
        preferred_name="Ri",
        diagnoses=[Diagnosis.parse("F32.1", "Major depressive disorder, single episode")],
    )
    ws.clients.add(name="Quinn Delacroix", code="QD7")
    v = ClientsView(ws.clients, today=date(2026, 1, 5))
    qtbot.addWidget(v)
    v.show()
    return v


def test_filter_as_you_type(qtbot, view):
    assert len(view.visible_names()) == 3
    qtbot.keyClicks(view.filter, "cal")
    assert view.visible_names() == ["Riley Calloway"]
    view.filter.clear()
    qtbot.keyClicks(view.filter, "qd7")  # by code, any case
    assert view.visible_names() == ["Quinn Delacroix"]
    view.filter.clear()
    qtbot.keyClicks(view.filter, "1980")  # by date of birth
    assert view.visible_names() == ["Avery Bellweather"]
    view.filter.clear()
    qtbot.keyClicks(view.filter, "ri")  # preferred name too
    assert "Riley Calloway" in view.visible_names()
    view.filter.clear()
    qtbot.keyClicks(view.filter, "zzz")
    assert view.visible_names() == []
    assert view.empty.text() == "No client matches this filter."


def test_discharge_then_status_filter_and_reactivate(qtbot, view, workspace):
    view.select(workspace.clients.get("QD7").id)
    view.discharge_or_reactivate()
    dialog = view.active_dialog
    assert isinstance(dialog, DischargeDialog)
    dialog.reason.setPlainText("Goals met.")
    dialog._discharge()
    assert workspace.clients.get("QD7").status == ClientStatus.DISCHARGED
    view.status.setCurrentIndex(view.status.findData("active"))
    assert "Quinn Delacroix" not in view.visible_names()
    view.status.setCurrentIndex(view.status.findData("discharged"))
    assert view.visible_names() == ["Quinn Delacroix"]
    view.select(workspace.clients.get("QD7").id)
    assert view.discharge_button.text() == "Reactivate"
    view.discharge_or_reactivate()
    assert workspace.clients.get("QD7").status == ClientStatus.ACTIVE


def test_delete_needs_the_code(qtbot, view, workspace):
    client = workspace.clients.get("AB01")
    view.select(client.id)
    view.delete_client()
    dialog = view.active_dialog
    assert isinstance(dialog, DeleteClientDialog)
    assert not dialog.delete_button.isEnabled()
    qtbot.keyClicks(dialog.code, "AB0")
    assert not dialog.delete_button.isEnabled()
    qtbot.keyClicks(dialog.code, "2")
    assert not dialog.delete_button.isEnabled()
    dialog.code.clear()
    qtbot.keyClicks(dialog.code, "ab01")
    assert dialog.delete_button.isEnabled()
    before = len(workspace.backups.all_snapshots())
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert "Avery Bellweather" not in view.visible_names()
    after = workspace.backups.all_snapshots()
    assert len(after) == before + 1  # a backup came first, kept apart from rotation
    assert after[0].kind == "before-delete"


def test_client_dialog_shows_errors_inline(qtbot, view, workspace):
    view.add_client()
    dialog = view.active_dialog
    assert isinstance(dialog, ClientDialog)
    dialog.save()  # no name
    assert dialog.isVisible()
    assert dialog.error.text() == "A client needs a name."
    dialog.name.setText("New Person")
    dialog.code.setText("AB01")
    dialog.save()
    assert "already used" in dialog.error.text()
    dialog.code.clear()
    dialog.add_diagnosis_row("banana", "")
    dialog.save()
    assert dialog.error.text().startswith("Diagnosis 1:")
    dialog.diagnoses.removeRow(0)
    dialog.save()
    assert not dialog.isVisible()
    assert "New Person" in view.visible_names()


def test_edit_client_and_chart_overview(qtbot, view, workspace):
    client = workspace.clients.get("AB01")
    view.select(client.id)
    assert view.chart is not None
    assert view.chart.tabs.count() == len(CHART_TABS)
    assert view.chart.tabs.tabText(0) == "Overview"
    facts = view.chart.findChild(type(view.empty), "chartClientFacts")
    assert "age 45" in facts.text()
    view.edit_client()
    dialog = view.active_dialog
    assert isinstance(dialog, ClientDialog)
    assert dialog.name.text() == "Avery Bellweather"
    assert dialog.dob.value() == date(1980, 3, 2)
    dialog.preferred.setText("Ave")
    dialog.dob.clear_value()
    dialog.save()
    updated = workspace.clients.get("AB01")
    assert updated.preferred_name == "Ave"
    assert updated.dob is None
    assert view.selected().id == client.id


def test_opening_a_client_reads_the_list_again_but_resets_it_only_when_it_changed(
    qtbot, view, workspace
):
    """Opening a client refreshes the list (a client added elsewhere appears); an unchanged
    list is not reset, which made the view and its filter ask every row again (400 clients:
    a tenth of opening a chart)."""
    resets: list[int] = []
    view.model.modelReset.connect(lambda: resets.append(1))
    avery = workspace.clients.get("AB01")
    view.open_client(avery.id)
    assert resets == [] and view.selected().id == avery.id
    workspace.clients.add(name="Sasha Ellington", code="SE2")
    view.open_client(avery.id)
    assert resets == [1] and "Sasha Ellington" in view.visible_names()
    assert view.selected().id == avery.id


def test_the_list_sorts_by_any_column_keeping_the_selection(qtbot, view, workspace):
    """The client list sorts itself on keys made once per client (a sorting proxy asked the
    model twice per comparison: a tenth of a second for 2,000 clients at every read); the
    header still sorts by name, code, date of birth or status, either way, and the selected
    client stays selected."""
    for i in range(40):
        workspace.clients.add(name=f"Testperson {i:02d}", code=f"T{39 - i:02d}")
    view.refresh()
    assert view.proxy.sortColumn() == -1  # the proxy filters; it never sorts
    names = view.visible_names()
    assert names == sorted(names, key=str.casefold) and len(names) == 43
    riley = workspace.clients.get("AB01")
    view.select(riley.id)
    view.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)  # by code, Z to A
    codes = [view.proxy.index(r, 1).data() for r in range(view.proxy.rowCount())]
    assert codes == sorted(codes, key=str.casefold, reverse=True)
    assert view.selected().id == riley.id
    view.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert view.visible_names() == names and view.selected().id == riley.id
