"""Record the client's acknowledgement of a plan version: how (paper, electronic, verbal,
refused, attempted), when, and a note. On a signed version it is a signed addendum, so the
passphrase is asked when the setting says so; the work runs on a worker thread."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.clock import Clock
from noteapp.domain.plans import AckMethod
from noteapp.services.plans import PlanService
from noteapp.services.settings import SettingsService
from noteapp.ui.dialogs.passphrase_dialog import PassphraseDialog
from noteapp.ui.screen_fit import fit_to_content
from noteapp.ui.widgets.layout import body_label

METHOD_LABELS = {
    AckMethod.PAPER: "Signed on paper",
    AckMethod.ELECTRONIC: "Signed electronically",
    AckMethod.VERBAL: "Acknowledged verbally",
    AckMethod.REFUSED: "Client refused to sign",
    AckMethod.ATTEMPTED: "Attempted — could not be obtained",
}


class PlanAckDialog(PassphraseDialog):
    """`recorded(result)` fires once the acknowledgement is stored."""

    recorded = Signal(object)

    def __init__(
        self,
        plans: PlanService,
        settings: SettingsService,
        clock: Clock,
        plan_id: str,
        parent: QWidget | None = None,
    ) -> None:
        plan = plans.get(plan_id)
        super().__init__(
            settings,
            prefix="planAck",
            confirm_text="Record",
            confirm_name="planAckSaveButton",
            needs_passphrase=plan.is_signed,  # on a signed version it is a signed addendum
            parent=parent,
        )
        self.setObjectName("planAckDialog")
        self.setWindowTitle("Client acknowledgement")
        self.completed.connect(self.recorded)
        self._plans = plans
        self.plan_id = plan_id
        lay = QVBoxLayout(self)
        lay.addWidget(
            body_label(
                "Record how the client acknowledged this plan. Refusals and attempts are "
                "recorded too"
                + (", as a signed addendum to the signed plan." if plan.is_signed else "."),
                self,
            )
        )
        form = QFormLayout()
        self.method = QComboBox(self)
        self.method.setObjectName("planAckMethod")
        self.method.setAccessibleName("How the client acknowledged the plan")
        for m, label in METHOD_LABELS.items():
            self.method.addItem(label, m.value)
        form.addRow("&How", self.method)
        today = clock.now().astimezone().date()
        self.on = QDateEdit(QDate(today.year, today.month, today.day), self)
        self.on.setObjectName("planAckDate")
        self.on.setAccessibleName("Date of the acknowledgement")
        self.on.setCalendarPopup(True)
        self.on.setDisplayFormat("yyyy-MM-dd")
        self.on.setMaximumDate(QDate(today.year, today.month, today.day))
        form.addRow("&Date", self.on)
        self.note = QPlainTextEdit(self)
        self.note.setObjectName("planAckNote")
        self.note.setAccessibleName("Note")
        self.note.setPlaceholderText("e.g. reviewed together; copy given to the client")
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(80)
        form.addRow("&Note", self.note)
        self.add_passphrase_row(form)
        lay.addLayout(form)
        self.finish(lay)
        self.save_button = self.confirm_button
        fit_to_content(self, 520)

    def submit(self) -> None:
        passphrase = self.typed_passphrase("Type your passphrase to sign the acknowledgement.")
        if passphrase == "":
            return
        q = self.on.date()
        on = date(q.year(), q.month(), q.day())
        method, note = str(self.method.currentData()), self.note.toPlainText()
        plans, plan_id = self._plans, self.plan_id
        self.run(
            lambda pp: plans.acknowledge(plan_id, method=method, on=on, note=note, passphrase=pp),
            passphrase,
        )

    def busy_widgets(self) -> list[QWidget]:
        return [*super().busy_widgets(), self.method]
