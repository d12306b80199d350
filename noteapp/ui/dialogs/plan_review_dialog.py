"""Plan review: a summary drafted from the ratings since the last review, which the
clinician edits and signs into the review (it moves the next review date)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QPlainTextEdit, QVBoxLayout, QWidget

from noteapp.services.plans import PlanService
from noteapp.services.settings import SettingsService
from noteapp.ui.dialogs.passphrase_dialog import PassphraseDialog
from noteapp.ui.screen_fit import fit_to_screen
from noteapp.ui.widgets.layout import body_label, show_error


class PlanReviewDialog(PassphraseDialog):
    """`signed(SignedItem)` fires once the review is signed."""

    signed = Signal(object)

    def __init__(
        self,
        plans: PlanService,
        settings: SettingsService,
        plan_id: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            settings,
            prefix="planReview",
            confirm_text="Sign review",
            confirm_name="planReviewSignButton",
            parent=parent,
        )
        self.setObjectName("planReviewDialog")
        self.setWindowTitle("Plan review")
        self.completed.connect(self.signed)
        self._plans = plans
        self.plan_id = plan_id
        plan = plans.get(plan_id)
        due = plans.next_review(plan)
        lay = QVBoxLayout(self)
        lay.addWidget(
            body_label(
                f"Review of plan version {plan.version}"
                + (f", due {due.isoformat()}" if due else "")
                + ". The summary below is drafted from the progress ratings in the notes "
                "since the last review: edit it to say what you and the client concluded, "
                "then sign it.",
                self,
            )
        )
        self.summary = QPlainTextEdit(self)
        self.summary.setObjectName("planReviewSummary")
        self.summary.setAccessibleName("Review summary")
        self.summary.setTabChangesFocus(True)
        self.summary.setPlainText(plans.draft_review_summary(plan.client_id))
        self.summary.setMinimumHeight(220)
        lay.addWidget(self.summary, 1)
        form = QFormLayout()
        self.add_passphrase_row(form)
        lay.addLayout(form)
        self.finish(lay)
        self.sign_button = self.confirm_button
        fit_to_screen(self, 680, 520)

    def submit(self) -> None:
        summary = self.summary.toPlainText().strip()
        if not summary:
            show_error(self.error, "Write the review's summary before signing it.")
            return
        passphrase = self.typed_passphrase("Type your passphrase to sign the review.")
        if passphrase == "":
            return
        plans, plan_id = self._plans, self.plan_id
        self.run(lambda pp: plans.review(plan_id, summary=summary, passphrase=pp), passphrase)

    def busy_widgets(self) -> list[QWidget]:
        return [*super().busy_widgets(), self.summary]
