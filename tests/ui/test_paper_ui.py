"""Paper size in the desktop app: the Settings page, and PDF files laid out on the setting."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from noteapp.domain.paper import PaperSize
from noteapp.ui.views.settings_paper_page import PaperSettingsPage
from noteapp.ui.widgets.job_document import write_pdf
from tests.export.samples import job
from tests.ui.conftest import export_dialog


def test_paper_page_saves_the_choice_at_once(
    qtbot: Any, workspace: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_PAPER", raising=False)
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    page = PaperSettingsPage(workspace.settings)
    qtbot.addWidget(page)
    combo = page.paper
    assert [combo.itemData(i) for i in range(combo.count())] == ["", "letter", "a4"]
    assert combo.currentData() == ""  # automatic until chosen
    assert "A4" in combo.itemText(0)  # and it says what automatic means here
    combo.setCurrentIndex(combo.findData("letter"))
    assert workspace.settings.get().paper_size == "letter"
    assert workspace.settings.paper_size() is PaperSize.LETTER
    assert page.saved_label.isVisibleTo(page)
    again = PaperSettingsPage(workspace.settings)
    qtbot.addWidget(again)
    assert again.paper.currentData() == "letter"
    again.paper.setCurrentIndex(0)
    assert workspace.settings.get().paper_size == ""
    assert workspace.settings.paper_size() is PaperSize.A4


@pytest.mark.parametrize(
    ("paper", "points"), [(PaperSize.A4, (595, 842)), (PaperSize.LETTER, (612, 792))]
)
def test_pdf_is_laid_out_on_the_jobs_paper(
    qtbot: Any, tmp_path: Path, paper: PaperSize, points: tuple[int, int]
) -> None:
    out = write_pdf(replace(job(), paper=paper), tmp_path / "note.pdf")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)", out.read_bytes())
    assert boxes
    assert {(round(float(w)), round(float(h))) for w, h in boxes} == {points}


def test_print_starts_on_the_setting_paper(
    qtbot: Any, workspace: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtGui import QPageSize
    from PySide6.QtPrintSupport import QPrintDialog

    from noteapp.demo import fill_demo
    from tests.ui.conftest import without_open_risk_flags
    from tests.ui.test_signing_ui import complete_draft

    ws = workspace
    fill_demo(ws, clients=3, notes=12)
    without_open_risk_flags(ws)
    ws.settings.update(paper_size="a4")
    note_id = complete_draft(ws)
    dialog = export_dialog(ws, note_id=note_id)
    qtbot.addWidget(dialog)
    seen: list[QPageSize.PageSizeId] = []

    def fake_exec(self: QPrintDialog) -> int:  # the printer as the dialog would show it
        seen.append(self.printer().pageLayout().pageSize().id())
        return QPrintDialog.DialogCode.Rejected.value

    monkeypatch.setattr(QPrintDialog, "exec", fake_exec)
    assert dialog._print(ws.exports.note_job(note_id, draft=True)) is False
    assert seen == [QPageSize.PageSizeId.A4]
