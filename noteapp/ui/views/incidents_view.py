"""The Incidents view (a page of the main window): every incident report, newest first,
with those whose notifications are overdue marked; write, edit, sign, record a notification
(after signing: a signed addendum) and export. Reports are in no client's chart."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.incidents import Incident
from noteapp.ui.dialogs.export_dialog import documents_dir
from noteapp.ui.dialogs.incident_dialog import IncidentDialog
from noteapp.ui.dialogs.plan_export_dialog import VersionExportDialog
from noteapp.ui.dialogs.record_form_dialog import FormField, RecordFormDialog
from noteapp.ui.dialogs.record_sign_dialog import RecordSignDialog
from noteapp.ui.service_bundles import CaseServices
from noteapp.ui.theme import colour
from noteapp.ui.views.record_view import RecordView
from noteapp.ui.widgets.document_page import document_page_html
from noteapp.ui.widgets.layout import body_label, named_button, title_label
from noteapp.ui.widgets.record_table import RecordTable, Row
from noteapp.ui.widgets.themed_browser import ThemedBrowser

FILTERS = (
    ("all", "All reports"),
    ("draft", "Drafts"),
    ("signed", "Signed"),
    ("overdue", "Notifications overdue"),
)


class IncidentsView(RecordView):
    """`open_settings()` shows the types and deadlines in Settings (given by the window)."""

    def __init__(
        self,
        services: CaseServices,
        open_settings: Callable[[], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(services, "incidentsView", parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        head = QHBoxLayout()
        head.addWidget(title_label("Incident reports", self, size_delta=5))
        head.addStretch(1)
        self.filter = QComboBox(self)
        self.filter.setObjectName("incidentFilter")
        self.filter.setAccessibleName("Show")
        for value, label in FILTERS:
            self.filter.addItem(label, value)
        head.addWidget(self.filter)
        lay.addLayout(head)
        lay.addWidget(
            body_label(
                "Kept apart from every client's chart and chart export. Deadlines for "
                "notifications are set per type in Settings.",
                self,
                "incidentsHint",
            )
        )
        row = QHBoxLayout()
        self.new_button = named_button("&New report…", "newIncidentButton", self)
        self.edit_button = named_button("&Edit…", "editIncidentButton", self)
        self.sign_button = named_button("&Sign…", "signIncidentButton", self)
        self.notify_button = named_button(
            "Record &notification…", "notifyIncidentButton", self, "Who was told, how and when"
        )
        self.export_button = named_button("E&xport…", "exportIncidentButton", self)
        self.types_button = named_button("&Types and deadlines…", "incidentTypesButton", self)
        for b in (
            self.new_button,
            self.edit_button,
            self.sign_button,
            self.notify_button,
            self.export_button,
        ):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.types_button)
        self.types_button.setVisible(open_settings is not None)
        if open_settings is not None:
            self.types_button.clicked.connect(open_settings)
        lay.addLayout(row)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.setObjectName("incidentsSplitter")
        split.setChildrenCollapsible(False)
        left = QWidget(split)
        left_lay = QVBoxLayout(left)
        left_lay.setContentsMargins(0, 0, 0, 0)
        self.table = RecordTable(
            "incidentsTable",
            "Incident reports, newest first",
            ("Status", "Reference", "When", "Type", "Place"),
            left,
            stretch=4,
        )
        left_lay.addWidget(self.table, 1)
        self.empty = body_label("No incident reports.", left, "incidentsEmpty")
        left_lay.addWidget(self.empty)
        self.preview = ThemedBrowser(split, paper=True)
        self.preview.setObjectName("incidentPreview")
        self.preview.setAccessibleName("The selected incident report")
        split.addWidget(left)
        split.addWidget(self.preview)
        split.setSizes([560, 600])
        lay.addWidget(split, 1)
        self.filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.new_button.clicked.connect(self.new_report)
        self.edit_button.clicked.connect(lambda: self.edit_report(self.table.selected_id()))
        self.table.opened.connect(self.edit_report)
        self.sign_button.clicked.connect(self.sign_report)
        self.notify_button.clicked.connect(self.record_notification)
        self.export_button.clicked.connect(self.export_report)
        self.table.selected.connect(self._show)
        self.refresh()

    def show_filter(self, value: str) -> None:
        self.filter.setCurrentIndex(max(self.filter.findData(value), 0))

    def refresh(self) -> None:
        wanted = self.filter.currentData()
        incidents = self.services.incidents
        reports = incidents.overdue() if wanted == "overdue" else incidents.list()
        rows = []
        for i in reports:
            if wanted in ("draft", "signed") and i.status.value != wanted:
                continue
            overdue = self.services.incidents.is_overdue(i)
            status = i.status.value + (" · notify overdue" if overdue else "")
            rows.append(
                Row(
                    i.id,
                    (
                        status,
                        i.reference,
                        i.occurred_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                        i.type_label,
                        i.place,
                    ),
                    "danger" if overdue else "success" if i.is_signed else "",
                )
            )
        self.table.set_rows(rows)
        self.table.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        self._show(self.table.selected_id())

    def _selected(self) -> Incident | None:
        rid = self.table.selected_id()
        return self.services.incidents.get(rid) if rid else None

    def _show(self, incident_id: str) -> None:
        incident = self.services.incidents.get(incident_id) if incident_id else None
        self.edit_button.setEnabled(incident is not None and not incident.is_signed)
        self.sign_button.setEnabled(incident is not None and not incident.is_signed)
        self.notify_button.setEnabled(incident is not None)
        self.export_button.setEnabled(incident is not None and incident.is_signed)
        if incident is None:
            self.preview.show_html(str)
            return
        due = self.services.incidents.notification_due(incident)
        state = "Signed" if incident.is_signed else "Draft — not signed"
        overdue = self.services.incidents.is_overdue(incident)
        when = due.astimezone().strftime("%Y-%m-%d %H:%M") if due else ""

        def status() -> str:  # the theme's colours, looked up when drawn
            text = f"<p><b>{state}</b>"
            if due is not None:
                text += f" · notifications {'were due by' if overdue else 'due by'} {when}"
            if overdue:
                text += f" — <b style='color:{colour('danger_text')}'>overdue</b>"
            return text + "</p>"

        later = [
            f"<li>{escape(str(i.payload.get('text', '')))} "
            f"<i>({escape(str(i.payload.get('signed_at_display', '')))})</i></li>"
            for i in self.services.signing.corrections(incident.id)
        ]
        after = f"<h3>Added after signing</h3><ul>{''.join(later)}</ul>" if later else ""
        report = self.services.incidents.render(incident)
        self.preview.show_html(lambda: document_page_html(report, before=status(), after=after))

    # --- actions -----------------------------------------------------------------------

    def new_report(self) -> IncidentDialog:
        return self.open_dialog(IncidentDialog.of(self.services, parent=self))

    def edit_report(self, incident_id: str) -> IncidentDialog | None:
        incident = self.services.incidents.get(incident_id) if incident_id else None
        if incident is None or incident.is_signed:
            return None
        return self.open_dialog(IncidentDialog.of(self.services, incident, parent=self))

    def sign_report(self) -> RecordSignDialog | None:
        incident = self._selected()
        if incident is None or incident.is_signed:
            return None
        iid = incident.id
        return self.open_dialog(
            RecordSignDialog(
                self.services.settings,
                name="incidentSign",
                title=f"Sign incident report {incident.reference}",
                intro="Signing locks the report as it reads. Notifications made later are "
                "added as signed addenda; the report itself never changes.",
                problems=self.services.incidents.problems_for_signing(incident),
                sign=lambda passphrase: self.services.incidents.sign(iid, passphrase=passphrase),
                parent=self,
            )
        )

    def record_notification(self) -> RecordFormDialog | None:
        incident = self._selected()
        if incident is None:
            return None
        iid = incident.id
        needs = incident.is_signed and bool(self.services.settings.get().confirm_passphrase_to_sign)
        fields = [
            FormField("to", "&To whom", placeholder="e.g. Clinical director, the client's mother"),
            FormField("how", "&How", placeholder="e.g. phone, e-mail, in person, online form"),
            FormField("at", "&When", "datetime", self.services.clock.now().astimezone()),
        ]
        if needs:
            fields.append(FormField("passphrase", "&Passphrase (to sign it)"))

        def submit(v: dict[str, Any]) -> Any:
            return self.services.incidents.add_notification(
                iid, to=v["to"], how=v["how"], at=v["at"], passphrase=v.get("passphrase")
            )

        dialog = RecordFormDialog(
            name="notifyDialog",
            title=f"Notification — {incident.reference}",
            intro="A signed addendum to the signed report." if incident.is_signed else "",
            fields=fields,
            submit=submit,
            submit_text="Record",
            parent=self,
        )
        if needs:
            secret = dialog.widgets["passphrase"]
            assert isinstance(secret, QLineEdit)
            secret.setEchoMode(QLineEdit.EchoMode.Password)
        return self.open_dialog(dialog)

    def export_report(self) -> VersionExportDialog | None:
        incident = self._selected()
        if incident is None or not incident.is_signed:
            return None
        iid = incident.id
        return self.open_dialog(
            VersionExportDialog(
                title=f"Export incident report {incident.reference}",
                dialog_name="incidentExportDialog",
                prefix="incidentExport",
                text="The signed report, with any notifications added after signing, as a Word "
                "document that anyone can verify with noteapp verify.",
                default_path=documents_dir() / self.services.exports.signed_file_name(iid),
                save_caption="Save the incident report as",
                export=lambda out, password: self.services.exports.export_signed_record(
                    iid, out, what="incident", password=password
                ),
                parent=self,
            )
        )
