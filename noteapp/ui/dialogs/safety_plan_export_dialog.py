"""Export a signed safety plan: the client's copy (plain, large, friendly Word layout) or the
clinical document (signed and verifiable like a note) — the shared version-export dialog."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from noteapp.services.exports import ExportService
from noteapp.services.safety_plans import SafetyPlanService
from noteapp.ui.dialogs.export_dialog import documents_dir
from noteapp.ui.dialogs.plan_export_dialog import VersionExportDialog

CLIENT_TEXT = (
    "Version {version} as the client's own copy: plain words, large print, the crisis lines "
    "first. It carries no codes and no signatures."
)
CLINICAL_TEXT = (
    "Version {version} as a clinical Word document with its signature block. A supervisor "
    "can verify it like a signed note."
)


class SafetyPlanExportDialog(VersionExportDialog):
    def __init__(
        self,
        exports: ExportService,
        safety_plans: SafetyPlanService,
        plan_id: str,
        parent: QWidget | None = None,
        *,
        client_copy: bool,
    ) -> None:
        version = safety_plans.get(plan_id).version

        def export(out: Path, password: str | None) -> Path:
            if client_copy:
                return Path(exports.export_client_copy(plan_id, out))
            return Path(exports.export_safety_plan(plan_id, out, password=password))

        super().__init__(
            title="Export client copy" if client_copy else "Export safety plan",
            dialog_name="safetyPlanExportDialog",
            prefix="safetyExport",
            text=(CLIENT_TEXT if client_copy else CLINICAL_TEXT).format(version=version),
            # The core names the file by client code, never by name (PHI hygiene).
            default_path=documents_dir()
            / exports.safety_plan_file_name(plan_id, client_copy=client_copy),
            save_caption="Save the safety plan as",
            export=export,
            # The client's copy is for the client to keep and read: no password.
            allow_password=not client_copy,
            parent=parent,
        )
        self.client_copy = client_copy
