"""The chart's Overview tab: demographics, contacts, diagnoses, admission and discharge."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.clients import Client, ClientStatus
from noteapp.ui.views.chart_context import ChartContext, age_on, long_date


def _value(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text or "—", parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _group(title: str, rows: list[tuple[str, str]], parent: QWidget) -> QGroupBox:
    box = QGroupBox(title, parent)
    form = QFormLayout(box)
    form.setVerticalSpacing(8)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
    for label, value in rows:
        form.addRow(label, _value(value, box))
    return box


class ChartOverviewTab(QWidget):
    def __init__(self, client: Client, ctx: ChartContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chartOverviewTab")
        inner = QWidget()
        grid = QGridLayout(inner)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(16)
        age = age_on(client.dob, ctx.today)
        dob = f"{long_date(client.dob)} (age {age})" if client.dob and age is not None else ""
        grid.addWidget(
            _group(
                "Demographics",
                [
                    ("Full name", client.name),
                    ("Preferred name", client.preferred_name),
                    ("Pronouns", client.pronouns),
                    ("Date of birth", dob),
                    ("Client code", client.code),
                ],
                inner,
            ),
            0,
            0,
        )
        grid.addWidget(
            _group(
                "Contact",
                [
                    ("Phone", client.contact.phone),
                    ("Email", client.contact.email),
                    ("Address", client.contact.address),
                ],
                inner,
            ),
            0,
            1,
        )
        ec = ctx.emergency_contact(client.id) if ctx.emergency_contact else client.emergency_contact
        grid.addWidget(
            _group(
                "Emergency contact",
                [("Name", ec.name), ("Relationship", ec.relationship), ("Phone", ec.phone)],
                inner,
            ),
            1,
            1,
        )
        episode = [
            ("Status", "Active" if client.status == ClientStatus.ACTIVE else "Discharged"),
            ("Admitted", long_date(client.admitted_on)),
        ]
        if client.status == ClientStatus.DISCHARGED:
            episode += [
                ("Discharged", long_date(client.discharged_on)),
                ("Reason", client.discharge_reason),
            ]
        grid.addWidget(_group("Episode of care", episode, inner), 1, 0)

        dx_box = QGroupBox("Diagnoses", inner)
        dx_lay = QVBoxLayout(dx_box)
        if client.diagnoses:
            for d in client.diagnoses:
                row = _value(f"{d.code}  {d.description}".strip(), dx_box)
                dx_lay.addWidget(row)
        else:
            dx_lay.addWidget(_value("No diagnosis recorded yet.", dx_box))
        grid.addWidget(dx_box, 2, 0, 1, 2)
        grid.setRowStretch(3, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

        scroll = QScrollArea(self)
        scroll.setObjectName("chartOverviewScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(inner)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 8, 0, 0)
        lay.addWidget(scroll)
