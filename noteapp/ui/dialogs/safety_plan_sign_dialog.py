"""Sign a safety-plan version (the shared version-signing dialog, worded for safety plans)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from noteapp.services.safety_plans import SafetyPlanService
from noteapp.services.settings import SettingsService
from noteapp.ui.dialogs.plan_sign_dialog import VersionSignDialog


class SafetyPlanSignDialog(VersionSignDialog):
    def __init__(
        self,
        safety_plans: SafetyPlanService,
        settings: SettingsService,
        plan_id: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            safety_plans,
            settings,
            plan_id,
            noun="safety plan",
            prefix="safetySign",
            dialog_name="safetyPlanSignDialog",
            title="Sign safety plan",
            verb="add",
            parent=parent,
        )
