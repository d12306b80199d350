"""The note editor's "Treatment-plan objectives" panel: the client's active objectives, each
with a rating for this session and a short comment. Changes go through `plans.rate`
(which saves the note); read-only once the note is signed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.notes import Note
from noteapp.domain.plans import Rating
from noteapp.services.plans import PlanService
from noteapp.ui.errors import message_for
from noteapp.ui.widgets.layout import body_label, error_label, show_error

NO_PLAN_TEXT = "No treatment plan yet — add one on the Plan tab."
NOT_RATED = "—"


OnError = Callable[[BaseException], None]
Submit = Callable[[Callable[[], Note], Callable[[Note], None], OnError], None]


def _at_once(work: Callable[[], Note], done: Callable[[Note], None], failed: OnError) -> None:
    try:
        note = work()
    except Exception as exc:
        failed(exc)
        return
    done(note)


class ObjectivesPanel(QWidget):
    """`rated(Note)` fires after the ratings were saved."""

    rated = Signal(object)
    SAVE_DELAY_MS = 600  # comments are typed: save once the typing pauses

    def __init__(
        self,
        plans: PlanService,
        note: Note,
        parent: QWidget | None = None,
        *,
        submit: Submit | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("objectivesPanel")
        self._plans = plans
        # The note editor passes its save queue: ratings and text of one note are written
        # one after another, never racing each other for the next version.
        self._submit: Submit = submit or _at_once
        self._failed = False
        self.note = note
        self.read_only = note.is_signed
        self.combos: dict[str, QComboBox] = {}
        self.comments: dict[str, QLineEdit] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.SAVE_DELAY_MS)
        self._timer.timeout.connect(self.save)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 8, 0, 0)
        head = QLabel("Treatment-plan objectives", self)
        bold = QFont(head.font())
        bold.setBold(True)
        head.setFont(bold)
        lay.addWidget(head)
        plan = plans.current_signed(note.client_id) or plans.latest(note.client_id)
        given = {str(r.get("objective_id")): r for r in note.goal_progress}
        objectives = plan.active_objectives() if plan else []
        # A rated objective stays listed even if it was closed since (the rating is history).
        if plan:
            objectives += [
                o for _p, _g, o in plan.objectives() if o.id in given and o not in objectives
            ]
        if plan is None:
            self.hint = body_label(NO_PLAN_TEXT, self, "objectivesNoPlanHint")
            lay.addWidget(self.hint)
        elif not objectives:
            self.hint = body_label("The plan has no active objectives.", self, "objectivesHint")
            lay.addWidget(self.hint)
        else:
            self.hint = body_label(
                "Rate the objectives this session addressed.", self, "objectivesHint"
            )
            self.hint.setStyleSheet("color: palette(placeholder-text);")
            lay.addWidget(self.hint)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        for o in objectives:
            label = body_label(o.description, self)
            combo = QComboBox(self)
            combo.setObjectName(f"objectiveRating_{o.id}")
            combo.setAccessibleName(f"Progress on: {o.description[:60]}")
            combo.addItem(NOT_RATED, "")
            for r in Rating:
                combo.addItem(r.value, r.value)
            comment = QLineEdit(self)
            comment.setObjectName(f"objectiveComment_{o.id}")
            comment.setAccessibleName(f"Comment on: {o.description[:60]}")
            comment.setPlaceholderText("short comment (optional)")
            comment.setMaxLength(300)
            prior = given.get(o.id)
            if prior:
                combo.setCurrentIndex(max(combo.findData(prior.get("rating", "")), 0))
                comment.setText(str(prior.get("comment", "")))
            combo.setEnabled(not self.read_only)
            comment.setReadOnly(self.read_only)
            comment.setEnabled(not self.read_only or bool(comment.text()))
            combo.currentIndexChanged.connect(self._changed)
            comment.textEdited.connect(lambda _t: self._timer.start())
            form.addRow(label)
            form.addRow(combo)
            form.addRow(comment)
            self.combos[o.id] = combo
            self.comments[o.id] = comment
        lay.addLayout(form)
        self.error = error_label(self, "objectivesError")
        lay.addWidget(self.error)

    def ratings(self) -> list[dict[str, str]]:
        return [
            {
                "objective_id": oid,
                "rating": str(combo.currentData()),
                "comment": self.comments[oid].text(),
            }
            for oid, combo in self.combos.items()
            if combo.currentData()
        ]

    def set_rating(self, objective_id: str, rating: str, comment: str = "") -> None:
        """Choose a rating (and comment) as a person would; saves."""
        combo = self.combos[objective_id]
        self.comments[objective_id].setText(comment)
        combo.setCurrentIndex(combo.findData(rating))
        self.save()

    def _changed(self, *_: Any) -> None:
        self.save()

    def save(self) -> bool:
        """Save the ratings (through the editor's queue, or at once). False when a save
        that ran at once failed (the message is shown)."""
        self._timer.stop()
        if self.read_only:
            return True
        plans, note_id, ratings = self._plans, self.note.id, self.ratings()
        self._failed = False
        self._submit(lambda: plans.rate(note_id, ratings), self._saved, self._save_failed)
        return not self._failed

    def _saved(self, note: Note) -> None:
        show_error(self.error, "")
        self.note = note
        self.rated.emit(note)

    def _save_failed(self, exc: BaseException) -> None:
        self._failed = True
        show_error(self.error, message_for(exc))

    def flush(self) -> bool:
        """Save a comment still waiting on its typing pause."""
        return self.save() if self._timer.isActive() else True

    def set_read_only(self) -> None:
        self._timer.stop()
        self.read_only = True
        for oid, combo in self.combos.items():
            combo.setEnabled(False)
            self.comments[oid].setReadOnly(True)
