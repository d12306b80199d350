"""The chart's Referrals tab: the client's referrals (overdue ones marked), each one's
history of status changes, and its letter — signed like a note, exported to Word."""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QSplitter, QVBoxLayout, QWidget

from noteapp.domain.referrals import Referral, ReferralStatus
from noteapp.ui.dialogs.export_dialog import documents_dir
from noteapp.ui.dialogs.plan_export_dialog import VersionExportDialog
from noteapp.ui.dialogs.record_form_dialog import FormField, RecordFormDialog
from noteapp.ui.dialogs.record_sign_dialog import RecordSignDialog
from noteapp.ui.service_bundles import CaseServices
from noteapp.ui.views.record_view import RecordView
from noteapp.ui.widgets.document_page import document_page_html
from noteapp.ui.widgets.layout import body_label, named_button
from noteapp.ui.widgets.record_table import RecordTable, Row
from noteapp.ui.widgets.themed_browser import ThemedBrowser

STATUS_CHOICES = tuple((s.value, s.label.capitalize()) for s in ReferralStatus)
SOMEONE_ELSE = ""


class ReferralsTab(RecordView):
    def __init__(
        self, services: CaseServices, client_id: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(services, "referralsTab", parent)
        self.client_id = client_id
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 8, 0, 0)
        row = QHBoxLayout()
        self.new_button = named_button("&New referral…", "newReferralButton", self)
        self.status_button = named_button(
            "&Update status…", "referralStatusButton", self, "Record what happened, with a date"
        )
        self.sign_button = named_button(
            "&Sign letter…",
            "signReferralButton",
            self,
            "Sign the referral letter (it is then fixed)",
        )
        self.export_button = named_button(
            "E&xport letter…", "exportReferralButton", self, "The signed letter as Word"
        )
        for b in (self.new_button, self.status_button, self.sign_button, self.export_button):
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.setObjectName("referralsSplitter")
        split.setChildrenCollapsible(False)
        left = QWidget(split)
        left_lay = QVBoxLayout(left)
        left_lay.setContentsMargins(0, 0, 0, 0)
        self.table = RecordTable(
            "referralsTable",
            "Referrals, newest first",
            ("Status", "To", "Sent", "Follow up", "Letter"),
            left,
            stretch=1,
        )
        left_lay.addWidget(self.table, 1)
        self.empty = body_label("No referrals yet.", left, "referralsEmpty")
        left_lay.addWidget(self.empty)
        self.detail = ThemedBrowser(split, paper=True)
        self.detail.setObjectName("referralDetail")
        self.detail.setAccessibleName("The referral's history and letter")
        split.addWidget(left)
        split.addWidget(self.detail)
        split.setSizes([520, 560])
        lay.addWidget(split, 1)
        self.new_button.clicked.connect(self.new_referral)
        self.status_button.clicked.connect(lambda: self.update_status(self.table.selected_id()))
        self.table.opened.connect(self.update_status)
        self.sign_button.clicked.connect(self.sign_letter)
        self.export_button.clicked.connect(self.export_letter)
        self.table.selected.connect(self._show)
        self.refresh()

    def refresh(self) -> None:
        today = self.today()
        rows = []
        for r in self.services.referrals.for_client(self.client_id):
            to = self.services.referrals.recipient(r).label
            overdue = r.overdue(today)
            status = r.status.label + (" · follow-up overdue" if overdue else "")
            tone = "danger" if overdue else "success" if r.status == ReferralStatus.ATTENDED else ""
            rows.append(
                Row(
                    r.id,
                    (
                        status,
                        to,
                        r.sent_on.isoformat(),
                        r.follow_up.isoformat() if r.follow_up else "—",
                        "signed" if r.letter_signed else "not signed",
                    ),
                    tone,
                    tip=r.reason,
                )
            )
        self.table.set_rows(rows)
        self.table.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        self._show(self.table.selected_id())

    def _selected(self) -> Referral | None:
        rid = self.table.selected_id()
        return self.services.referrals.get(rid) if rid else None

    def _show(self, referral_id: str) -> None:
        referral = self.services.referrals.get(referral_id) if referral_id else None
        for b in (self.status_button, self.export_button, self.sign_button):
            b.setEnabled(referral is not None)
        if referral is None:
            self.detail.show_html(str)
            return
        self.sign_button.setEnabled(not referral.letter_signed)
        self.export_button.setEnabled(referral.letter_signed)
        history = "".join(
            f"<tr><td>{c.on.isoformat()}</td><td><b>{escape(c.status.label)}</b></td>"
            f"<td>{escape(c.note)}</td></tr>"
            for c in referral.history
        )
        letter = self.services.referrals.letter(referral)
        self.detail.show_html(
            lambda: document_page_html(
                letter,
                before="<h2>Status history</h2>"
                f"<table cellspacing='0' cellpadding='3'>{history}</table><hr/>",
            )
        )

    # --- actions -----------------------------------------------------------------------

    def new_referral(self) -> RecordFormDialog:
        contacts = self.services.contacts.for_client(self.client_id)
        choices = (
            (SOMEONE_ELSE, "Someone else (name below)"),
            *tuple((c.id, c.label) for c in contacts),
        )
        today = self.today()
        client_id = self.client_id

        def submit(v: dict[str, Any]) -> Any:
            return self.services.referrals.add(
                client_id=client_id,
                contact_id=v["contact"] or "",
                to_name="" if v["contact"] else v["to_name"],
                to_organization="" if v["contact"] else v["to_organization"],
                reason=v["reason"],
                sent_on=v["sent_on"],
                follow_up=v["follow_up"],
                letter=v["letter"],
            )

        return self.open_dialog(
            RecordFormDialog(
                name="referralDialog",
                title="New referral",
                fields=[
                    FormField(
                        "contact", "&To", "choice", contacts[0].id if contacts else "", choices
                    ),
                    FormField("to_name", "&Name", placeholder="when not one of the contacts"),
                    FormField("to_organization", "&Organization"),
                    FormField("reason", "&Reason", "text"),
                    FormField("sent_on", "&Sent on", "date", today),
                    FormField("follow_up", "&Follow up by", "optional_date"),
                    FormField(
                        "letter",
                        "&Letter",
                        "text",
                        placeholder="optional: what the letter says beyond the reason",
                    ),
                ],
                submit=submit,
                submit_text="Add referral",
                today=today,
                parent=self,
            )
        )

    def update_status(self, referral_id: str) -> RecordFormDialog | None:
        if not referral_id:
            return None
        referral = self.services.referrals.get(referral_id)
        today = self.today()
        return self.open_dialog(
            RecordFormDialog(
                name="referralStatusDialog",
                title="Update referral status",
                intro=f"Now: {referral.status.label} since {referral.status_date.isoformat()}.",
                fields=[
                    FormField("status", "&Status", "choice", referral.status.value, STATUS_CHOICES),
                    FormField("on", "&Date", "date", today),
                    FormField("note", "&Note", "text"),
                    FormField("follow_up", "Next &follow-up", "optional_date"),
                ],
                submit=lambda v: self.services.referrals.update_status(referral_id, **v),
                submit_text="Record",
                today=today,
                parent=self,
            )
        )

    def sign_letter(self) -> RecordSignDialog | None:
        referral = self._selected()
        if referral is None:
            return None
        rid, referrals = referral.id, self.services.referrals
        return self.open_dialog(
            RecordSignDialog(
                self.services.settings,
                name="referralSign",
                title="Sign referral letter",
                intro="Signing fixes the letter as it reads in the preview: whom it is to and "
                "what it says. Its status and follow-up can still be updated.",
                problems=[],
                sign=lambda passphrase: referrals.sign_letter(rid, passphrase=passphrase),
                parent=self,
            )
        )

    def export_letter(self) -> VersionExportDialog | None:
        referral = self._selected()
        if referral is None or not referral.letter_signed:
            return None
        rid = referral.id
        return self.open_dialog(
            VersionExportDialog(
                title="Export referral letter",
                dialog_name="referralExportDialog",
                prefix="referralExport",
                text="The signed referral letter as a Word document. The recipient (or "
                "anyone) can verify that it is unchanged with noteapp verify.",
                default_path=documents_dir() / self.services.exports.signed_file_name(rid),
                save_caption="Save the referral letter as",
                export=lambda out, password: self.services.exports.export_signed_record(
                    rid, out, what="referral", password=password
                ),
                parent=self,
            )
        )
