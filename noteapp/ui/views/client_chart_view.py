"""A client's chart: a header, then one tab per part of the record.

Adding a tab is one line in CHART_TABS: a title and a factory taking the client and the
ChartContext (later: Notes, Plan, Measures, Safety plan).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from noteapp.domain.clients import Client, ClientStatus
from noteapp.ui.views.chart_context import ChartContext, age_on, long_date
from noteapp.ui.views.chart_overview_tab import ChartOverviewTab
from noteapp.ui.widgets.layout import title_label

TabFactory = Callable[[Client, ChartContext], QWidget]

CHART_TABS: list[tuple[str, TabFactory]] = [
    ("Overview", ChartOverviewTab),
]


def _plain(text: str, parent: QWidget, name: str) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class ClientChartView(QWidget):
    def __init__(self, client: Client, ctx: ChartContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("clientChartView")
        self.client = client
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        lay.setSpacing(6)
        name = client.name
        if client.preferred_name:
            name += f"  “{client.preferred_name}”"
        head = title_label(name, self, size_delta=5)
        head.setObjectName("chartClientName")
        head.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(head)
        age = age_on(client.dob, ctx.today)
        facts = [
            client.pronouns,
            f"born {long_date(client.dob)} (age {age})" if client.dob else "date of birth not set",
            f"code {client.code}",
        ]
        row = QHBoxLayout()
        row.addWidget(_plain("  ·  ".join(f for f in facts if f), self, "chartClientFacts"))
        row.addStretch(1)
        status = (
            "Active"
            if client.status == ClientStatus.ACTIVE
            else f"Discharged {long_date(client.discharged_on)}".strip()
        )
        badge = _plain(status, self, "chartClientStatus")
        badge.setFrameShape(QLabel.Shape.StyledPanel)
        badge.setContentsMargins(8, 2, 8, 2)
        row.addWidget(badge)
        lay.addLayout(row)
        self.header_widgets = [make(client) for make in ctx.header_widgets]
        for widget in self.header_widgets:
            lay.addWidget(widget)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("chartTabs")
        self.tabs.setAccessibleName("Chart sections")
        self.tabs.setDocumentMode(True)
        for title, factory in CHART_TABS:
            self.tabs.addTab(factory(client, ctx), title)
        for title, extra in ctx.extra_tabs:
            self.tabs.addTab(extra(client), title)
        lay.addWidget(self.tabs, 1)
