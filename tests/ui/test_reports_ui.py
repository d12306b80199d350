"""The Reports view: the figures of the outcome report for the demo caseload (the same as
the service's), a selected outcome's groups and charts, saving the CSV and the Word report,
accessible names on every control, the view reachable from the main window, and a window of
1280×720 that holds it without clipping the controls."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from PySide6.QtWidgets import QComboBox, QDateEdit, QPushButton, QTableWidget

from noteapp.demo import fill_demo
from noteapp.ui.views.reports_view import ReportsView, theme_from


@pytest.fixture
def ws(workspace):
    fill_demo(workspace, clients=6, notes=6)
    return workspace


def make_view(qtbot, ws) -> ReportsView:
    view = ReportsView(
        report=ws.outcomes.report,
        charts=ws.outcomes.charts,
        outcomes=lambda: [(o.id, o.name) for o, _v in ws.outcomes.outcomes()],
        save_csv=ws.outcomes.write_csv,
        save_docx=ws.outcomes.write_docx,
        today=ws.clock.now().date(),
    )
    qtbot.addWidget(view)
    view.resize(1100, 680)
    view.show()
    return view


def cell(table: QTableWidget, row: int, col: int) -> str:
    item = table.item(row, col)
    return item.text() if item else ""


def test_summary_matches_the_service_and_selection_shows_charts(qtbot, ws) -> None:
    view = make_view(qtbot, ws)
    start, end = view.current.start, view.current.end
    expected = ws.outcomes.report(start=start, end=end)
    names = [cell(view.summary, r, 0) for r in range(view.summary.rowCount())]
    assert names == [r.outcome.name for r in expected.rows] and "PHQ-9" in names
    phq = next(r for r in expected.rows if r.outcome.id == "phq9")
    row = names.index("PHQ-9")
    assert cell(view.summary, row, 1) == str(phq.figures.clients_measured)
    assert cell(view.summary, row, 6) == f"{phq.figures.response_rate * 100:.0f}%"
    view.summary.selectRow(row)
    assert view.groups_title.text().startswith("PHQ-9 by diagnosis group")
    assert view.groups.rowCount() == len(phq.by_diagnosis_group)
    for chart in (view.change_chart, view.time_chart, view.rate_chart):
        pixmap = chart.pixmap()
        assert pixmap is not None and not pixmap.isNull() and chart.accessibleName()
    assert view.change_chart.accessibleName() == "PHQ-9 change"


def test_one_instrument_and_a_bad_range(qtbot, ws) -> None:
    view = make_view(qtbot, ws)
    view.instrument.setCurrentIndex(view.instrument.findData("gad7"))
    view.show_button.click()
    assert [cell(view.summary, r, 0) for r in range(view.summary.rowCount())] == ["GAD-7"]
    before = view.current
    view.end.setDate(view.start.date().addDays(-1))
    view.refresh()
    assert "after its end" in view.error.text() and view.current is before


def test_saving_the_csv_and_the_word_report(qtbot, ws, tmp_path) -> None:
    view = make_view(qtbot, ws)
    view.save_csv(tmp_path / "out.csv")
    text = (tmp_path / "out.csv").read_text("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and all(r["report_key"].startswith("C-") for r in rows)
    for client in ws.clients.list():
        assert client.name not in text and client.code not in text
    assert "de-identified rows" in view.status.text()
    view.save_docx(tmp_path / "out.docx")
    with zipfile.ZipFile(tmp_path / "out.docx") as z:
        assert any(n.startswith("word/media/") for n in z.namelist())
    view.save_csv(tmp_path / "missing-folder" / "x.csv")
    assert "Not saved" in view.error.text()


def test_every_control_is_named_and_fits_1280_by_720(qtbot, ws) -> None:
    view = make_view(qtbot, ws)
    for kind in (QPushButton, QComboBox, QDateEdit, QTableWidget):
        for w in view.findChildren(kind):
            assert w.objectName() and w.accessibleName(), w
    # The main window gives the page about 1280 − 170 (navigation) wide, 720 − header tall.
    hint = view.minimumSizeHint()
    assert hint.width() <= 1100 and hint.height() <= 640
    theme = theme_from(view.palette())
    assert theme.background.startswith("#") and theme.text != theme.background


def test_reachable_from_the_main_window(qtbot, controller) -> None:
    from tests.ui.conftest import create_vault_through_ui

    main = create_vault_through_ui(qtbot, controller)
    ws = controller.ws
    client = ws.clients.add(name="Robin Example")
    ws.measures.add(client_id=client.id, instrument="gad7", answers=[2] * 7)
    assert "reports" in main.page_keys
    main.show_page("reports")
    assert main.current_page() == "reports" and main.pages.reports.isVisible()
    main.pages.reports.refresh()
    assert main.pages.reports.summary.rowCount() == 1
    assert main.pages.reports.summary.item(0, 0).text() == "GAD-7"
