"""Sign a version of a treatment plan or a safety plan: what still stops it, the passphrase
(when the setting asks for it), then signing on a worker thread (the check runs Argon2)."""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from noteapp.domain.signatures import SignedItem
from noteapp.services.plans import PlanService
from noteapp.services.settings import SettingsService
from noteapp.ui import theme
from noteapp.ui.dialogs.passphrase_dialog import PassphraseDialog
from noteapp.ui.widgets.layout import body_label


class VersionedDocuments(Protocol):
    """What signing a version needs of its service (PlanService, SafetyPlanService)."""

    def get(self, plan_id: str) -> Any: ...

    def validate_for_signing(self, plan: Any) -> list[str]: ...

    def sign(self, plan_id: str, *, passphrase: str | None = None) -> SignedItem: ...


class VersionSignDialog(PassphraseDialog):
    """Signs one version of a versioned document through `service`. `signed(SignedItem)`
    fires once it is signed and locked."""

    signed = Signal(object)

    def __init__(
        self,
        service: VersionedDocuments,
        settings: SettingsService,
        plan_id: str,
        *,
        noun: str,
        prefix: str,
        dialog_name: str,
        title: str,
        verb: str = "fix",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            settings,
            prefix=prefix,
            confirm_text="Sign and lock",
            confirm_name=f"{prefix}AndLockButton",
            parent=parent,
        )
        self.setObjectName(dialog_name)
        self.setWindowTitle(title)
        self.completed.connect(self.signed)
        self._service = service
        self.plan_id = plan_id
        plan = service.get(plan_id)
        self.problems = list(service.validate_for_signing(plan))
        lay = QVBoxLayout(self)
        lay.addWidget(
            body_label(
                f"Signing locks version {plan.version} of this {noun}. Later changes make a new "
                "version; this one is kept as signed.",
                self,
            )
        )
        self.problem_label = body_label("", self, f"{prefix}ProblemLabel")
        lay.addWidget(self.problem_label)
        self.problem_list = QListWidget(self)
        self.problem_list.setObjectName(f"{prefix}ProblemList")
        self.problem_list.setAccessibleName("What still stops signing")
        self.problem_list.setItemDelegate(theme.ToneDelegate(self.problem_list))
        bold = self.problem_label.font()
        bold.setBold(True)
        self.problem_label.setFont(bold)
        for text in self.problems:
            row = QListWidgetItem("✗  " + text[:1].upper() + text[1:])
            theme.set_item_tone(row, "danger_text")
            self.problem_list.addItem(row)
        self.problem_list.setVisible(bool(self.problems))
        self.problem_list.setMaximumHeight(160)
        lay.addWidget(self.problem_list)
        if self.problems:
            n = len(self.problems)
            self.problem_label.setText(
                f"✗ {n} thing{'s' if n != 1 else ''} to {verb} before this plan can be signed:"
            )
            theme.set_tone(self.problem_label, "danger")
        else:
            self.problem_label.setText(f"✓ The {noun} has everything a signed plan needs.")
            theme.set_tone(self.problem_label, "success")
        self.finish_signing(lay, 560)
        self.sign_button = self.confirm_button

    def submit(self) -> None:
        service, plan_id = self._service, self.plan_id
        self.sign_if_ready(lambda pp: service.sign(plan_id, passphrase=pp))


class PlanSignDialog(VersionSignDialog):
    def __init__(
        self,
        plans: PlanService,
        settings: SettingsService,
        plan_id: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            plans,
            settings,
            plan_id,
            noun="plan",
            prefix="planSign",
            dialog_name="planSignDialog",
            title="Sign treatment plan",
            parent=parent,
        )
