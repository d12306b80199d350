"""The chart's Contacts tab: the client's contacts (the emergency contact first) and the
releases of information — current, expiring within the setting's days, expired, revoked."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QMessageBox, QSplitter, QVBoxLayout, QWidget

from noteapp.domain.contacts import CareContact, ContactCategory, Release, ReleaseStatus
from noteapp.ui.dialogs.record_form_dialog import FormField, RecordFormDialog
from noteapp.ui.errors import message_for
from noteapp.ui.service_bundles import CaseServices
from noteapp.ui.views.record_view import RecordView
from noteapp.ui.widgets.layout import body_label, named_button
from noteapp.ui.widgets.record_table import RecordTable, Row

_TONE = {
    ReleaseStatus.CURRENT: "success",
    ReleaseStatus.EXPIRING: "warning",
    ReleaseStatus.EXPIRED: "danger",
    ReleaseStatus.REVOKED: "muted",
    ReleaseStatus.PENDING: "muted",
}
CATEGORY_CHOICES = tuple((c.value, c.value.capitalize()) for c in ContactCategory)


def contact_fields(c: CareContact | None) -> list[FormField]:
    return [
        FormField("name", "&Name", value=c.name if c else ""),
        FormField(
            "role", "&Role", value=c.role if c else "", placeholder="e.g. mother, psychiatrist"
        ),
        FormField(
            "category", "&Kind", "choice", c.category.value if c else "other", CATEGORY_CHOICES
        ),
        FormField("organization", "&Organization", value=c.organization if c else ""),
        FormField("phone", "&Phone", value=c.phone if c else ""),
        FormField("email", "&E-mail", value=c.email if c else ""),
        FormField("address", "&Address", "text", c.address if c else ""),
        FormField("notes", "No&tes", "text", c.notes if c else ""),
        FormField("emergency", "The client's &emergency contact", "check", c and c.emergency),
    ]


class ContactsTab(RecordView):
    def __init__(
        self, services: CaseServices, client_id: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(services, "contactsTab", parent)
        self.client_id = client_id
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 8, 0, 0)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.setObjectName("contactsSplitter")
        split.setChildrenCollapsible(False)

        top = QWidget(split)
        top_lay = QVBoxLayout(top)
        top_lay.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.add_button = named_button("&Add contact…", "addContactButton", top)
        self.edit_button = named_button("&Edit…", "editContactButton", top)
        self.remove_button = named_button("Re&move…", "removeContactButton", top)
        for b in (self.add_button, self.edit_button):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.remove_button)
        top_lay.addLayout(row)
        self.contacts = RecordTable(
            "contactsTable",
            "Contacts, the emergency contact first",
            ("Kind", "Name", "Role", "Organization", "Phone", "Release"),
            top,
            stretch=3,
        )
        top_lay.addWidget(self.contacts, 1)
        self.empty = body_label(
            "No contacts yet: add family, providers, agencies or schools the client has named.",
            top,
            "contactsEmpty",
        )
        top_lay.addWidget(self.empty)

        bottom = QWidget(split)
        b_lay = QVBoxLayout(bottom)
        b_lay.setContentsMargins(0, 6, 0, 0)
        head = QHBoxLayout()
        self.summary = body_label("", bottom, "releaseSummary")
        head.addWidget(self.summary, 1)
        self.add_release_button = named_button(
            "Add &release…", "addReleaseButton", bottom, "Record a signed release of information"
        )
        self.revoke_button = named_button("Re&voke…", "revokeReleaseButton", bottom)
        head.addWidget(self.add_release_button)
        head.addWidget(self.revoke_button)
        b_lay.addLayout(head)
        self.releases = RecordTable(
            "releasesTable",
            "Releases of information",
            ("Status", "To", "Information", "Purpose", "Signed", "Until"),
            bottom,
            stretch=2,
        )
        b_lay.addWidget(self.releases, 1)
        split.addWidget(top)
        split.addWidget(bottom)
        split.setSizes([300, 240])
        lay.addWidget(split, 1)

        self.add_button.clicked.connect(self.add_contact)
        self.edit_button.clicked.connect(lambda: self.edit_contact(self.contacts.selected_id()))
        self.contacts.opened.connect(self.edit_contact)
        self.remove_button.clicked.connect(self.remove_contact)
        self.add_release_button.clicked.connect(self.add_release)
        self.revoke_button.clicked.connect(self.revoke_release)
        self.contacts.selected.connect(lambda _i: self._update_buttons())
        self.releases.selected.connect(lambda _i: self._update_buttons())
        self.refresh()

    # --- listing -----------------------------------------------------------------------

    def refresh(self) -> None:
        contacts = self.services.contacts.for_client(self.client_id)
        names = {c.id: c.name for c in contacts}
        rows = []
        for c in contacts:
            release = self.services.contacts.current_release(c.id)
            kind = ("Emergency · " if c.emergency else "") + c.category.value
            rows.append(
                Row(
                    c.id,
                    (
                        kind,
                        c.name,
                        c.role,
                        c.organization,
                        c.phone,
                        "on file" if release else "none",
                    ),
                    "warning" if c.emergency else "",
                    tip="\n".join(x for x in (c.email, c.address, c.notes) if x),
                )
            )
        self.contacts.set_rows(rows)
        self.contacts.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        counts: dict[ReleaseStatus, int] = {}
        release_rows = []
        for r in self.services.contacts.releases_for(self.client_id):
            status = self.services.contacts.status(r)
            counts[status] = counts.get(status, 0) + 1
            release_rows.append(self._release_row(r, status, names.get(r.contact_id, "?")))
        self.releases.set_rows(release_rows)
        days = self.services.settings.get().release_expiring_days
        parts = [
            f"{counts[s]} {s.value}"
            + (f" (within {days} days)" if s == ReleaseStatus.EXPIRING else "")
            for s in ReleaseStatus
            if counts.get(s)
        ]
        self.summary.setText(
            "Releases of information: " + (" · ".join(parts) if parts else "none on file")
        )
        self._update_buttons()

    @staticmethod
    def _release_row(r: Release, status: ReleaseStatus, name: str) -> Row:
        until = r.until
        if r.revoked_on:
            until += f" (revoked {r.revoked_on.isoformat()})"
        return Row(
            r.id,
            (status.value, name, r.information, r.purpose, r.signed_on.isoformat(), until),
            _TONE[status],
            tip=r.revoke_reason,
        )

    def _update_buttons(self) -> None:
        has_contact = bool(self.contacts.selected_id())
        self.edit_button.setEnabled(has_contact)
        self.remove_button.setEnabled(has_contact)
        self.add_release_button.setEnabled(bool(self.contacts.ids()))
        rid = self.releases.selected_id()
        self.revoke_button.setEnabled(
            bool(rid) and self.services.contacts.release(rid).revoked_on is None
        )

    # --- actions -----------------------------------------------------------------------

    def add_contact(self) -> RecordFormDialog:
        client_id = self.client_id
        return self.open_dialog(
            RecordFormDialog(
                name="contactDialog",
                title="Add contact",
                fields=contact_fields(None),
                submit=lambda v: self.services.contacts.add(client_id=client_id, **v),
                submit_text="Add contact",
                parent=self,
            )
        )

    def edit_contact(self, contact_id: str) -> RecordFormDialog | None:
        if not contact_id:
            return None
        contact = self.services.contacts.get(contact_id)
        return self.open_dialog(
            RecordFormDialog(
                name="contactDialog",
                title="Edit contact",
                fields=contact_fields(contact),
                submit=lambda v: self.services.contacts.edit(contact_id, **v),
                parent=self,
            )
        )

    def remove_contact(self) -> None:
        contact_id = self.contacts.selected_id()
        if not contact_id:
            return
        contact = self.services.contacts.get(contact_id)
        box = QMessageBox(self)
        box.setObjectName("confirmRemoveContact")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Remove contact")
        box.setText(f"Remove {contact.name} from this client's contacts?")
        box.setTextFormat(Qt.TextFormat.PlainText)
        remove = box.addButton("Remove", QMessageBox.ButtonRole.DestructiveRole)
        remove.setObjectName("confirmRemoveContactButton")
        box.addButton(QMessageBox.StandardButton.Cancel)

        def done() -> None:
            if box.clickedButton() is not remove:
                return
            try:
                self.services.contacts.remove(contact_id)
            except Exception as exc:  # a release or referral names it: say so
                self._tell(message_for(exc))
            self.refresh()

        box.finished.connect(lambda _r: done())
        self.active_dialog = box
        box.open()

    def _tell(self, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, "Contacts", text, parent=self)
        box.setObjectName("contactsMessage")
        box.setTextFormat(Qt.TextFormat.PlainText)
        self.active_dialog = box
        box.open()

    def add_release(self) -> RecordFormDialog:
        client_id = self.client_id
        choices = tuple((c.id, c.label) for c in self.services.contacts.for_client(client_id))
        today = self.today()

        def submit(v: dict[str, Any]) -> Any:
            return self.services.contacts.add_release(
                client_id=client_id,
                contact_id=v["contact"],
                information=v["information"],
                purpose=v["purpose"],
                signed_on=v["signed_on"],
                effective_from=v["effective_from"],
                expires_on=v["expires_on"],
                expiry_event=v["expiry_event"],
            )

        return self.open_dialog(
            RecordFormDialog(
                name="releaseDialog",
                title="Add release of information",
                intro="What the client's signed release allows: who may receive what, for "
                "what purpose, until a date or an event (whichever comes first).",
                fields=[
                    FormField("contact", "&To", "choice", self.contacts.selected_id(), choices),
                    FormField(
                        "information",
                        "&Information",
                        "text",
                        placeholder="e.g. diagnosis, treatment plan, attendance",
                    ),
                    FormField("purpose", "&Purpose", placeholder="e.g. coordination of care"),
                    FormField("signed_on", "&Signed on", "date", today),
                    FormField("effective_from", "In effect &from", "optional_date"),
                    FormField("expires_on", "E&xpires on", "optional_date"),
                    FormField(
                        "expiry_event",
                        "or expires at an e&vent",
                        placeholder="e.g. end of treatment",
                    ),
                ],
                submit=submit,
                submit_text="Add release",
                today=today,
                parent=self,
            )
        )

    def revoke_release(self) -> RecordFormDialog | None:
        release_id = self.releases.selected_id()
        if not release_id:
            return None
        today = self.today()
        return self.open_dialog(
            RecordFormDialog(
                name="revokeDialog",
                title="Revoke release",
                intro="The release stays in the record, marked revoked from this date.",
                fields=[
                    FormField("on", "&Date", "date", today),
                    FormField("reason", "&Reason", "text"),
                ],
                submit=lambda v: self.services.contacts.revoke_release(
                    release_id, on=v["on"], reason=v["reason"]
                ),
                submit_text="Revoke",
                today=today,
                parent=self,
            )
        )
