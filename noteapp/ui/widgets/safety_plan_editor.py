"""The safety plan's six steps and the client's reasons for living, each an editable list
(add, remove, reorder); contacts have a name, a relationship or role and a phone; crisis lines
a name, what to do, the number and notes."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from noteapp.domain.safety_plan import CrisisLine, SafetyPlan, SupportContact
from noteapp.ui import theme
from noteapp.ui.widgets.list_table import ListTable

CONTACT_COLUMNS = ("Name or place", "Relationship / role", "Phone")
LINE_COLUMNS = ("Name", "What to do", "Number", "Notes")

# (field, heading, kind, prompt) — kind: "text", "contacts" or "lines"
SECTIONS = (
    (
        "warning_signs",
        "1. Warning signs",
        "text",
        "Thoughts, images, moods, situations or behaviours that a crisis may be developing.",
    ),
    (
        "internal_coping",
        "2. Internal coping strategies",
        "text",
        "Things the client can do alone to take their mind off problems.",
    ),
    (
        "distractions",
        "3. People and places that distract",
        "contacts",
        "People and social settings that provide distraction.",
    ),
    ("people_to_ask", "4. People to ask for help", "contacts", "People the client can ask."),
    (
        "professionals",
        "5. Professionals and agencies",
        "contacts",
        "Clinicians, urgent care and agencies to contact in a crisis.",
    ),
    (
        "crisis_lines",
        "5. Crisis lines",
        "lines",
        "Prefilled from the defaults (Settings → Safety plans); edit for this client.",
    ),
    (
        "environment_safety",
        "6. Making the environment safe",
        "text",
        "Lethal means: what will be removed, locked or given to someone else, and by whom.",
    ),
    (
        "reasons_for_living",
        "Reasons for living",
        "text",
        "In the client's words: the things most important to them and worth living for.",
    ),
)


class SafetyPlanEditor(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("safetyPlanEditor")
        self.plan: SafetyPlan | None = None
        self.lists: dict[str, ListTable] = {}
        self.kinds: dict[str, str] = {}
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 8, 0)
        lay.setSpacing(4)
        for key, heading, kind, prompt in SECTIONS:
            head = QLabel(heading, self)
            font = QFont(head.font())
            font.setBold(True)
            head.setFont(font)
            lay.addSpacing(6)
            lay.addWidget(head)
            hint = QLabel(prompt, self)
            hint.setWordWrap(True)
            theme.set_tone(hint, "muted")
            lay.addWidget(hint)
            columns = (
                ("Item",)
                if kind == "text"
                else CONTACT_COLUMNS
                if kind == "contacts"
                else LINE_COLUMNS
            )
            table = ListTable(
                "safety_" + "".join(w.capitalize() for w in key.split("_")),
                columns,
                self,
                accessible=heading.split(". ", 1)[-1],
                stretch=3 if kind == "lines" else 0,
            )
            table.changed.connect(self.changed)
            lay.addWidget(table)
            self.lists[key] = table
            self.kinds[key] = kind
        lay.addStretch(1)

    def set_plan(self, plan: SafetyPlan) -> None:
        self.plan = plan
        for key, table in self.lists.items():
            kind = self.kinds[key]
            values: Any = getattr(plan, key)
            if kind == "text":
                table.set_rows([[v] for v in values])
            elif kind == "contacts":
                table.set_rows([[c.name, c.role, c.phone] for c in values])
            else:
                table.set_rows([[c.name, c.action, c.number, c.notes] for c in values])
            table.set_read_only(plan.is_signed)

    def set_record_version(self, record_version: int) -> None:
        if self.plan is not None:
            self.plan = replace(self.plan, record_version=record_version)

    def content(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, table in self.lists.items():
            kind = self.kinds[key]
            rows = table.rows()
            if kind == "text":
                out[key] = tuple(r[0] for r in rows)
            elif kind == "contacts":
                out[key] = tuple(SupportContact(r[0], phone=r[2], role=r[1]) for r in rows)
            else:
                out[key] = tuple(
                    CrisisLine(r[0], r[2], action=r[1] or "Call", notes=r[3]) for r in rows
                )
        return out

    def edited_plan(self) -> SafetyPlan:
        assert self.plan is not None
        return replace(self.plan, **self.content())
