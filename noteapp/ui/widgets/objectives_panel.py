"""The note editor's "Treatment-plan objectives" panel: the client's active objectives, each
with a rating for this session and a short comment. Changes go through `plans.rate`
(which saves the note) on the editor's save queue (note_entry_panel); read-only once the
note is signed."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from noteapp.domain.notes import Note
from noteapp.domain.plans import Rating
from noteapp.services.plans import PlanService
from noteapp.ui import theme
from noteapp.ui.widgets.layout import body_label
from noteapp.ui.widgets.note_entry_panel import NoteEntryPanel, Submit

NO_PLAN_TEXT = "No treatment plan yet — add one on the Plan tab."
NOT_RATED = "—"


class ObjectivesPanel(NoteEntryPanel):
    """`rated(Note)` fires after the ratings were saved."""

    rated = Signal(object)

    def __init__(
        self,
        plans: PlanService,
        note: Note,
        parent: QWidget | None = None,
        *,
        submit: Submit | None = None,
    ) -> None:
        super().__init__(
            note,
            parent,
            name="objectivesPanel",
            heading="Treatment-plan objectives",
            submit=submit,
        )
        self._plans = plans
        self.comments = self.texts
        lay = self.lay
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
            theme.set_tone(self.hint, "muted")
            lay.addWidget(self.hint)
        for o in objectives:
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
            self.add_row(o.id, o.description, combo, comment)
            comment.setEnabled(not self.read_only or bool(comment.text()))
        self.finish("objectivesError")

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

    def write(self) -> Callable[[], Note]:
        plans, note_id, ratings = self._plans, self.note.id, self.ratings()
        return lambda: plans.rate(note_id, ratings)

    def announce(self, note: Note) -> None:
        self.rated.emit(note)
