"""Compare a plan version with the previous one: the two rendered documents' text as a
line diff, added lines green, removed lines red (with + / − marks, so colour is not the only
cue)."""

from __future__ import annotations

import difflib
from html import escape

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.document import BulletList, Document, Heading, KeyValueTable, Paragraph
from noteapp.services.plans import PlanService
from noteapp.ui.screen_fit import fit_to_screen
from noteapp.ui.theme import colour
from noteapp.ui.widgets.layout import body_label
from noteapp.ui.widgets.themed_browser import ThemedBrowser


def document_lines(doc: Document) -> list[str]:
    """The document's text, one line per heading, row, item or paragraph line."""
    out: list[str] = []
    for block in doc.blocks:
        if isinstance(block, Heading):
            out.append(block.text)
        elif isinstance(block, Paragraph):
            out.extend(line for line in block.text.splitlines() if line.strip())
        elif isinstance(block, KeyValueTable):
            out.extend(f"{k}: {v}" for k, v in block.rows)
        elif isinstance(block, BulletList):
            out.extend(f"• {i}" for i in block.items)
    return out


def diff_lines(old: list[str], new: list[str]) -> list[tuple[str, str]]:
    """(kind, text) with kind " " (same), "+" (added) or "-" (removed)."""
    out: list[tuple[str, str]] = []
    for line in difflib.ndiff(old, new):
        kind, text = line[:1], line[2:]
        if kind in (" ", "+", "-"):
            out.append((kind, text))
    return out


def diff_html(rows: list[tuple[str, str]]) -> str:
    """Added lines on green, removed ones struck through on red (and marked + / −, so the
    meaning never rests on colour alone), in the colours of the current scheme."""
    styles = {
        "+": f"background:{colour('success_bg')};color:{colour('success_on_bg')};",
        "-": f"background:{colour('danger_bg')};color:{colour('danger_on_bg')};"
        "text-decoration:line-through;",
        " ": f"color:{colour('paper_text')};",
    }
    marks = {"+": "+", "-": "−", " ": "&nbsp;"}
    body = "".join(
        f'<tr><td width="18" style="color:{colour("paper_muted")};padding:1px 4px;">'
        f"{marks[k]}</td>"
        f'<td style="{styles[k]}padding:1px 6px;">{escape(t) or "&nbsp;"}</td></tr>'
        for k, t in rows
    )
    return f'<html><body><table cellspacing="0" width="100%">{body}</table></body></html>'


class PlanCompareDialog(QDialog):
    def __init__(self, plans: PlanService, plan_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("planCompareDialog")
        plan = plans.get(plan_id)
        previous = plans.previous_version(plan)
        self.setWindowTitle(f"Plan version {plan.version} compared with the previous one")
        lay = QVBoxLayout(self)
        if previous is None:
            self.rows: list[tuple[str, str]] = []
            lay.addWidget(body_label("This is the first version: there is nothing earlier.", self))
        else:
            self.rows = diff_lines(
                document_lines(plans.render(previous)), document_lines(plans.render(plan))
            )
            added = sum(k == "+" for k, _ in self.rows)
            removed = sum(k == "-" for k, _ in self.rows)
            lay.addWidget(
                body_label(
                    f"Version {previous.version} → version {plan.version}: "
                    f"{added} line{'s' if added != 1 else ''} added (+, green), "
                    f"{removed} removed (−, red).",
                    self,
                    "planCompareSummary",
                )
            )
        self.view = ThemedBrowser(self, paper=True)
        self.view.setObjectName("planCompareView")
        self.view.setAccessibleName("Differences between the two versions")
        self.view.show_html(lambda: diff_html(self.rows))
        lay.addWidget(self.view, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.setObjectName("planCompareButtons")
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        fit_to_screen(self, 820, 640)

    def changed_rows(self) -> list[tuple[str, str]]:
        return [(k, t) for k, t in self.rows if k != " "]
