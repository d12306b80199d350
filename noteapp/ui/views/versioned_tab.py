"""What a chart tab for a versioned, signable document does with its draft: autosave after a
pause, save on hide, start a first version, revise a signed one (treatment and safety plans)."""

from __future__ import annotations

from typing import Any

from noteapp.ui.errors import message_for
from noteapp.ui.widgets.layout import show_error


class VersionedDraftMixin:
    """Mixed into a QWidget that has `client_id`, `plan`, `dirty`, `editor`,
    `save_label`, `error`, `_save_timer` and `refresh(plan_id)`; subclasses name the service
    and how to read the edited draft from the editor."""

    client_id: str
    plan: Any
    dirty: bool
    editor: Any
    save_label: Any
    error: Any
    _save_timer: Any

    def _service(self) -> Any:
        raise NotImplementedError

    def _edited_draft(self) -> Any:
        raise NotImplementedError

    def refresh(self, plan_id: str | None = None) -> None:
        raise NotImplementedError

    def _edited(self) -> None:
        self.dirty = True
        self.save_label.setText("Saving…")
        self._save_timer.start()

    def flush(self) -> bool:
        """Save the draft now if it changed."""
        if not self.dirty or self.plan is None or self.plan.is_signed:
            return True
        self._save_timer.stop()
        try:
            saved = self._service().save_draft(self._edited_draft())
        except Exception as exc:  # keep the edits on screen; say why it did not save
            show_error(self.error, f"Not saved: {message_for(exc)}")
            self.save_label.setText("Not saved")
            return False
        self.plan = saved
        self.editor.set_record_version(saved.record_version)
        self.dirty = False
        show_error(self.error, "")
        self.save_label.setText("All changes saved")
        return True

    def hideEvent(self, event: Any) -> None:
        self.flush()
        super().hideEvent(event)  # type: ignore[misc]

    def new_plan(self) -> None:
        self._replace_with(self._service().start)

    def revise(self) -> None:
        self.flush()
        self._replace_with(self._service().revise)

    def _replace_with(self, make: Any) -> None:
        try:
            plan = make(self.client_id)
        except Exception as exc:
            show_error(self.error, message_for(exc))
            return
        self.refresh(plan.id)
