"""Export a note or a client's chart: Word (.docx), PDF or print; psychotherapy notes only
when ticked; an optional file password; drafts only when explicitly exported as a draft."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.clock import Clock
from noteapp.domain.errors import RecordIntegrityError
from noteapp.domain.export_model import ExportJob
from noteapp.domain.progress import Cancelled, Progress, part
from noteapp.services.audit import AuditService
from noteapp.services.clients import ClientService
from noteapp.services.exports import MIN_EXPORT_PASSWORD, ExportService
from noteapp.services.notes import NoteService
from noteapp.ui import theme
from noteapp.ui.errors import message_for
from noteapp.ui.screen_fit import fit_to_content, fit_to_screen
from noteapp.ui.service_bundles import NoteServices
from noteapp.ui.widgets.job_document import page_size, paint_job, write_pdf
from noteapp.ui.widgets.layout import body_label, error_label, show_error
from noteapp.ui.widgets.progress_panel import ProgressPanel
from noteapp.ui.workers import run_with_progress

FORMATS = (("word", "Word (.docx)"), ("pdf", "PDF"), ("print", "Print"))
PSYCHOTHERAPY_WARNING = (
    "⚠ Psychotherapy notes are the clinician's private process notes. HIPAA keeps them out "
    "of the record; include them only when you are sure this recipient may see them."
)


def documents_dir() -> Path:
    where = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(where) if where else Path.home()


def _radio(text: str, name: str, parent: QWidget) -> QRadioButton:
    b = QRadioButton(text, parent)
    b.setObjectName(name)
    b.setAccessibleName(text)
    return b


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _date(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class ExportDialog(QDialog):
    """Opened from a note (`note_id`) or a chart (`client_id`)."""

    def __init__(
        self,
        *,
        exports: ExportService,
        notes: NoteService,
        clients: ClientService,
        audit: AuditService,
        clock: Clock,
        note_id: str | None = None,
        client_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export")
        self._exports = exports
        self._audit_log = audit
        self.note = notes.get(note_id) if note_id else None
        self.client_id = self.note.client_id if self.note is not None else client_id
        self.exported: Path | None = None
        self._name_touched = False
        lay = QVBoxLayout(self)
        lay.setSpacing(10)

        what = QGroupBox("What", self)
        wl = QFormLayout(what)
        self.what_form = wl
        self.scope_note = _radio("This note", "exportScopeNote", what)
        self.scope_chart = _radio(
            "The client's chart (signed notes in a date range)", "exportScopeChart", what
        )
        self.scope_group = QButtonGroup(self)
        self.scope_group.addButton(self.scope_note, 0)
        self.scope_group.addButton(self.scope_chart, 1)
        wl.addRow(self.scope_note)
        wl.addRow(self.scope_chart)
        self.client_combo = QComboBox(what)
        self.client_combo.setObjectName("exportClientCombo")
        self.client_combo.setAccessibleName("Client")
        for c in clients.list():
            self.client_combo.addItem(f"{c.name} ({c.code})", c.id)
        if self.client_id:
            self.client_combo.setCurrentIndex(max(self.client_combo.findData(self.client_id), 0))
        wl.addRow("Client", self.client_combo)
        today = clock.now().astimezone().date()
        range_row = QHBoxLayout()
        self.range_row = range_row
        self.date_from = QDateEdit(_qdate(today - timedelta(days=365)), what)
        self.date_from.setObjectName("exportDateFrom")
        self.date_from.setAccessibleName("From date")
        self.date_to = QDateEdit(_qdate(today), what)
        self.date_to.setObjectName("exportDateTo")
        self.date_to.setAccessibleName("To date")
        for d in (self.date_from, self.date_to):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
        range_row.addWidget(self.date_from)
        range_row.addWidget(QLabel("to", what))
        range_row.addWidget(self.date_to)
        range_row.addStretch(1)
        wl.addRow("Dates of service", range_row)
        self.draft_check = QCheckBox("Export as draft (clearly marked DRAFT, not signed)", what)
        self.draft_check.setObjectName("exportAsDraftCheck")
        self.draft_check.setAccessibleName("Export as draft")
        wl.addRow(self.draft_check)
        lay.addWidget(what)

        how = QGroupBox("How", self)
        hl = QFormLayout(how)
        fmt_row = QHBoxLayout()
        self.format_group = QButtonGroup(self)
        self.format_buttons: dict[str, QRadioButton] = {}
        for i, (key, label) in enumerate(FORMATS):
            b = _radio(label, f"exportFormat_{key}", how)
            self.format_group.addButton(b, i)
            self.format_buttons[key] = b
            fmt_row.addWidget(b)
        fmt_row.addStretch(1)
        hl.addRow("Format", fmt_row)
        self.psy_check = QCheckBox("Include psychotherapy notes", how)
        self.psy_check.setObjectName("exportIncludePsychotherapyCheck")
        self.psy_check.setAccessibleName("Include psychotherapy notes")
        hl.addRow(self.psy_check)
        self.psy_warning = body_label(PSYCHOTHERAPY_WARNING, how, "exportPsychotherapyWarning")
        theme.set_tone(self.psy_warning, "warning")
        self.psy_warning.hide()
        hl.addRow(self.psy_warning)
        self.password_check = QCheckBox("Protect with a password (Word opens it with it)", how)
        self.password_check.setObjectName("exportPasswordCheck")
        self.password_check.setAccessibleName("Protect with a password")
        hl.addRow(self.password_check)
        self.password = QLineEdit(how)
        self.password.setObjectName("exportPasswordEdit")
        self.password.setAccessibleName("File password")
        self.password2 = QLineEdit(how)
        self.password2.setObjectName("exportPasswordRepeatEdit")
        self.password2.setAccessibleName("File password again")
        for p in (self.password, self.password2):
            p.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(f"At least {MIN_EXPORT_PASSWORD} characters")
        self.password_label = QLabel("Password", how)
        self.password2_label = QLabel("Again", how)
        hl.addRow(self.password_label, self.password)
        hl.addRow(self.password2_label, self.password2)
        file_row = QHBoxLayout()
        self.path_edit = QLineEdit(how)
        self.path_edit.setObjectName("exportPathEdit")
        self.path_edit.setAccessibleName("Save as")
        self.path_edit.textEdited.connect(self._touched)
        self.browse_button = QPushButton("Change…", how)
        self.browse_button.setObjectName("exportBrowseButton")
        self.browse_button.setAccessibleName("Choose where to save")
        self.browse_button.clicked.connect(self._browse)
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(self.browse_button)
        self.path_label = QLabel("Save as", how)
        hl.addRow(self.path_label, file_row)
        lay.addWidget(how)

        self.error = error_label(self, "exportError")
        lay.addWidget(self.error)
        # Writing runs on a worker: a bar (counted for charts) and Cancel until the file
        # is written.
        self.busy = ProgressPanel(self, "exportBusy", cancellable=True)
        lay.addWidget(self.busy)
        done_row = QHBoxLayout()
        self.done_label = body_label("", self, "exportDoneLabel")
        self.done_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.show_folder_button = QPushButton("Show in folder", self)
        self.show_folder_button.setObjectName("exportShowInFolderButton")
        self.show_folder_button.setAccessibleName("Show in folder")
        self.show_folder_button.clicked.connect(self.show_in_folder)
        done_row.addWidget(self.done_label, 1)
        done_row.addWidget(self.show_folder_button)
        self.done_label.hide()
        self.show_folder_button.hide()
        lay.addLayout(done_row)
        self.buttons = QDialogButtonBox(self)
        self.export_button = QPushButton("Export", self)
        self.export_button.setObjectName("exportButton")
        self.export_button.setAccessibleName("Export")
        self.export_button.setDefault(True)
        self.close_button = QPushButton("Cancel", self)
        self.close_button.setObjectName("exportCloseButton")
        self.close_button.setAccessibleName("Close")
        # Shown when a chart would miss damaged records: the clinician may still export it,
        # and then it says INCOMPLETE on its first page and lists what is missing.
        self.anyway_button = QPushButton("Export anyway, marked incomplete", self)
        self.anyway_button.setObjectName("exportAnywayButton")
        self.anyway_button.setAccessibleName("Export anyway, marked incomplete")
        self.anyway_button.clicked.connect(self.export_anyway)
        self.anyway_button.hide()
        self.allow_incomplete = False
        self.incomplete = False
        self.buttons.addButton(self.anyway_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.export_button.clicked.connect(self.submit)
        self.close_button.clicked.connect(self.reject)
        lay.addWidget(self.buttons)

        if self.note is None:
            self.scope_note.setEnabled(False)
            self.scope_chart.setChecked(True)
        else:
            self.scope_note.setChecked(True)
            self.psy_check.setChecked(False)
        self.format_buttons["word"].setChecked(True)
        self.scope_group.idToggled.connect(lambda _i, _on: self._update())
        self.format_group.idToggled.connect(lambda _i, _on: self._update())
        self.client_combo.currentIndexChanged.connect(lambda _i: self._update())
        self.date_from.dateChanged.connect(lambda _d: self._update())
        self.date_to.dateChanged.connect(lambda _d: self._update())
        self.draft_check.toggled.connect(lambda _on: self._update())
        self.psy_check.toggled.connect(lambda _on: self._update())
        self.password_check.toggled.connect(lambda _on: self._update())
        self._update()
        fit_to_content(self, 640)

    @classmethod
    def of(
        cls,
        services: NoteServices,
        *,
        note_id: str | None = None,
        client_id: str | None = None,
        parent: QWidget | None = None,
    ) -> ExportDialog:
        """The dialog with the services of a note window or a Notes tab."""
        s = services
        return cls(
            exports=s.exports,
            notes=s.notes,
            clients=s.clients,
            audit=s.audit,
            clock=s.clock,
            note_id=note_id,
            client_id=client_id,
            parent=parent,
        )

    # --- state -------------------------------------------------------------------------

    def scope(self) -> str:
        return "chart" if self.scope_chart.isChecked() else "note"

    def format(self) -> str:
        return FORMATS[max(self.format_group.checkedId(), 0)][0]

    def _touched(self, _text: str) -> None:
        self._name_touched = True

    def _update(self) -> None:
        chart = self.scope() == "chart"
        self.what_form.setRowVisible(self.client_combo, chart)
        self.what_form.setRowVisible(self.range_row, chart)
        draft_note = self.note is not None and not self.note.is_signed and not chart
        self.what_form.setRowVisible(self.draft_check, draft_note)
        psy_relevant = chart or (self.note is not None and self.note.psychotherapy)
        self.psy_check.setVisible(psy_relevant)
        self.psy_warning.setVisible(psy_relevant and self.psy_check.isChecked())
        fmt = self.format()
        word = fmt == "word"
        self.password_check.setEnabled(word)
        if not word:
            self.password_check.setChecked(False)
        self.password_check.setToolTip("" if word else "Password protection is for Word files.")
        pw = word and self.password_check.isChecked()
        for w in (self.password, self.password2, self.password_label, self.password2_label):
            w.setVisible(pw)
        for widget in (self.path_edit, self.browse_button, self.path_label):
            widget.setVisible(fmt != "print")
        self.export_button.setText("Print…" if fmt == "print" else "Export")
        if not self._name_touched:
            self.path_edit.setText(str(self.default_path()))
        if self.isVisible():  # rows came and went: keep every line readable
            fit_to_screen(self, self.width(), self.sizeHint().height())

    def default_path(self) -> Path:
        ext = ".pdf" if self.format() == "pdf" else ".docx"
        try:
            if self.scope() == "note" and self.note is not None:
                name = self._exports.default_name(note_id=self.note.id)
            else:
                name = self._exports.default_name(
                    client_id=self.client_combo.currentData(),
                    date_from=_date(self.date_from.date()),
                    date_to=_date(self.date_to.date()),
                )
        except Exception:  # no client chosen yet
            name = "export.docx"
        return documents_dir() / (Path(name).stem + ext)

    def _browse(self) -> None:
        pdf = self.format() == "pdf"
        chosen, _ = QFileDialog.getSaveFileName(
            self,
            "Save the export as",
            self.path_edit.text(),
            "PDF (*.pdf)" if pdf else "Word document (*.docx)",
        )
        if chosen:
            self._name_touched = True
            self.path_edit.setText(chosen)

    # --- running -----------------------------------------------------------------------

    def _problem(self) -> str:
        unsigned = self.note is not None and not self.note.is_signed
        if self.scope() == "note" and unsigned and not self.draft_check.isChecked():
            return (
                "This note is not signed. Sign it first, or tick “Export as draft” to "
                "export it marked DRAFT."
            )
        if self.scope() == "chart" and not self.client_combo.currentData():
            return "Choose the client."
        if self.scope() == "chart" and self.date_from.date() > self.date_to.date():
            return "The start date is after the end date."
        if self.password_check.isChecked():
            if len(self.password.text()) < MIN_EXPORT_PASSWORD:
                return f"Choose a file password of at least {MIN_EXPORT_PASSWORD} characters."
            if self.password.text() != self.password2.text():
                return "The two passwords are not the same."
        if self.format() != "print":
            path = Path(self.path_edit.text().strip())
            if not self.path_edit.text().strip():
                return "Choose where to save the file."
            if path.exists():
                return "A file with that name already exists; choose another name."
            if not path.parent.is_dir():
                return "That folder does not exist."
        return ""

    def submit(self) -> None:
        problem = self._problem()
        show_error(self.error, problem)
        if problem:
            return
        fmt = self.format()
        out = Path(self.path_edit.text().strip())
        if fmt != "word" and not out.suffix:
            out = out.with_suffix(".pdf")
        if fmt == "word" and out.suffix.lower() != ".docx":
            out = out.with_suffix(".docx")
        exports = self._exports
        psy = self.psy_check.isVisible() and self.psy_check.isChecked()
        password = self.password.text() if self.password_check.isChecked() else None
        draft = self.draft_check.isVisible() and self.draft_check.isChecked()
        note, scope = self.note, self.scope()
        client_id = self.client_combo.currentData()
        dfrom, dto = _date(self.date_from.date()), _date(self.date_to.date())
        anyway, self.allow_incomplete = self.allow_incomplete, False  # for this export only
        self.incomplete = anyway
        audit = self._auditor()

        def job(progress: Progress | None = None) -> ExportJob:
            if scope == "note" and note is not None:
                return exports.note_job(note.id, draft=draft, include_psychotherapy=psy)
            return exports.chart_job(
                client_id,
                date_from=dfrom,
                date_to=dto,
                include_psychotherapy=psy,
                allow_incomplete=anyway,
                progress=progress,
            )

        def work(progress: Progress) -> Any:
            if fmt == "print":
                return job()  # painted after the print dialog (on the GUI thread) says where
            if fmt == "pdf":
                built = job(part(progress, start=0, size=20, total=100))
                write_pdf(built, out, progress=part(progress, start=20, size=80, total=100))
                audit(fmt, len(built.notes))
                return out
            if scope == "note" and note is not None:
                return exports.export_note(
                    note.id, out, draft=draft, include_psychotherapy=psy, password=password
                )
            return exports.export_chart(
                client_id,
                out,
                date_from=dfrom,
                date_to=dto,
                include_psychotherapy=psy,
                password=password,
                allow_incomplete=anyway,
                progress=progress,
            )

        self._start(
            work,
            "Preparing…" if fmt == "print" else "Writing the export…",
            lambda result: self._done(result, fmt, out),
        )

    def _start(self, work: Any, text: str, on_done: Any) -> None:
        self.export_button.setEnabled(False)
        task = run_with_progress(work, on_done=on_done, on_error=self._failed, parent=self)
        self.busy.start(task, text)

    def _auditor(self) -> Any:
        """Records a paper or PDF copy (a disclosure too) in the audit log, ids only. Read
        from the widgets here, on the GUI thread; the worker calls what this returns."""
        what = self.scope()
        record = self.note.id if self.note is not None and what == "note" else ""
        log = self._audit_log

        def audit(fmt: str, count: int) -> None:
            log.record(
                "print" if fmt == "print" else "export",
                kind="note",
                record_id=record,
                detail={"what": what, "format": fmt, "notes": count},
            )

        return audit

    def _done(self, result: Any, fmt: str, out: Path) -> None:
        self.export_button.setEnabled(True)
        if fmt == "print":
            self._print(result)
            return
        self.exported = Path(result) if fmt == "word" else out
        marked = " (marked INCOMPLETE: damaged records are missing)" if self.incomplete else ""
        self.done_label.setText(f"Saved{marked}: {self.exported}")
        self.done_label.show()
        self.show_folder_button.show()
        self._finished()

    def _finished(self) -> None:
        self.export_button.hide()
        self.close_button.setText("Close")
        self.close_button.setFocus()

    def _print(self, job: ExportJob) -> bool:
        """Ask where to print (on the paper of the setting), then paint on a worker."""
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageSize(page_size(job.paper))  # the setting; the dialog may still change it
        dialog = QPrintDialog(printer, self)
        dialog.setObjectName("exportPrintDialog")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        self._printer = printer  # alive until painted
        audit = self._auditor()

        def paint(progress: Progress) -> int:
            pages = paint_job(job, printer, progress=progress)
            audit("print", len(job.notes))
            return pages

        self._start(paint, "Printing…", lambda _pages: self._printed())
        return True

    def _printed(self) -> None:
        self.export_button.setEnabled(True)
        self.done_label.setText("Sent to the printer.")
        self.done_label.show()
        self._finished()

    def _failed(self, exc: BaseException) -> None:
        self.export_button.setEnabled(True)
        if isinstance(exc, Cancelled):
            show_error(self.error, "Export cancelled; no file was written.")
            return
        show_error(self.error, message_for(exc))
        incomplete = isinstance(exc, RecordIntegrityError) and self.scope() == "chart"
        self.anyway_button.setVisible(incomplete and not self.incomplete)

    def export_anyway(self) -> None:
        self.allow_incomplete = True
        self.anyway_button.hide()
        self.submit()

    def show_in_folder(self) -> None:
        if self.exported is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.exported.parent)))
