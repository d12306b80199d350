"""Start a note: pick a template, the date of service, and what to copy forward."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.clock import Clock
from noteapp.domain.notes import Note
from noteapp.services.clients import ClientService
from noteapp.services.notes import NoteService
from noteapp.services.templates import TemplateCatalog
from noteapp.ui import theme
from noteapp.ui.errors import message_for
from noteapp.ui.screen_fit import fit_to_screen

PRIVATE_TAG = "Private · kept apart from the record"
NAME_ROLE = Qt.ItemDataRole.UserRole + 1
DESCRIPTION_ROLE = Qt.ItemDataRole.UserRole + 2
PRIVATE_ROLE = Qt.ItemDataRole.UserRole + 3


class _TemplateDelegate(QStyledItemDelegate):
    """Name in bold, description below in a quieter colour; private templates tagged."""

    PAD = 6

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        bold = QFont(option.font)
        bold.setBold(True)
        return bold, QFont(option.font)

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        bold, normal = self._fonts(option)
        width = max(option.rect.width(), 300) - 2 * self.PAD
        desc = QFontMetrics(normal).boundingRect(
            QRect(0, 0, width, 1000), Qt.TextFlag.TextWordWrap, str(index.data(DESCRIPTION_ROLE))
        )
        return QSize(width, QFontMetrics(bold).height() + desc.height() + 3 * self.PAD)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        bold, normal = self._fonts(option)
        r = option.rect.adjusted(self.PAD, self.PAD, -self.PAD, -self.PAD)
        text_colour = (
            option.palette.highlightedText().color()
            if selected
            else (option.palette.text().color())
        )
        painter.save()
        painter.setFont(bold)
        painter.setPen(text_colour)
        name = str(index.data(NAME_ROLE))
        painter.drawText(r, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, name)
        if index.data(PRIVATE_ROLE):
            x = r.left() + QFontMetrics(bold).horizontalAdvance(name) + 10
            painter.setFont(normal)
            painter.setPen(text_colour if selected else theme.qcolor("private_text"))
            painter.drawText(
                QRect(x, r.top(), r.right() - x, r.height()),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                f"[{PRIVATE_TAG}]",
            )
        painter.setFont(normal)
        quiet = QColor(text_colour)
        if not selected:
            quiet = option.palette.placeholderText().color()
        painter.setPen(quiet)
        top = r.top() + QFontMetrics(bold).height() + self.PAD // 2
        painter.drawText(
            QRect(r.left(), top, r.width(), r.bottom() - top),
            Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
            str(index.data(DESCRIPTION_ROLE)),
        )
        painter.restore()


class NewNoteDialog(QDialog):
    """On accept the draft exists: `created_note_id` names it."""

    def __init__(
        self,
        *,
        notes: NoteService,
        clients: ClientService,
        templates: TemplateCatalog,
        clock: Clock,
        client_id: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("new_note_dialog")
        self.setWindowTitle("New note")
        fit_to_screen(self, 640, 720)
        self._notes = notes
        self._clients = clients
        self.client_id = client_id
        self.created_note_id = ""
        self.templates = list(templates.list())
        self.previous: Note | None = notes.previous_note(client_id)
        self.carry_checks: dict[str, QCheckBox] = {}

        lay = QVBoxLayout(self)
        client = clients.get(client_id)
        who = QLabel(f"New note for {client.name}", self)
        who.setTextFormat(Qt.TextFormat.PlainText)
        font = QFont(who.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        who.setFont(font)
        lay.addWidget(who)

        pick = QLabel("&Template", self)
        lay.addWidget(pick)
        self.template_list = QListWidget(self)
        self.template_list.setObjectName("template_list")
        self.template_list.setAccessibleName("Note templates")
        self.template_list.setWordWrap(True)
        self.template_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        pick.setBuddy(self.template_list)
        self.template_list.setItemDelegate(_TemplateDelegate(self.template_list))
        for t in self.templates:
            title = t.name + (f" ({PRIVATE_TAG})" if t.psychotherapy else "")
            item = QListWidgetItem(f"{title}. {t.description}")  # what screen readers say
            item.setData(Qt.ItemDataRole.UserRole, t.id)
            item.setData(NAME_ROLE, t.name)
            item.setData(DESCRIPTION_ROLE, t.description)
            item.setData(PRIVATE_ROLE, t.psychotherapy)
            item.setToolTip(t.description)
            self.template_list.addItem(item)
        lay.addWidget(self.template_list, 1)

        form = QFormLayout()
        self.date_edit = QDateEdit(self)
        self.date_edit.setObjectName("note_date")
        self.date_edit.setAccessibleName("Date of service")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd  (ddd)")
        today = clock.now().date()
        self.date_edit.setDate(QDate(today.year, today.month, today.day))
        form.addRow("&Date of service", self.date_edit)
        lay.addLayout(form)

        self.copy_box = QGroupBox("Copy forward from the previous note", self)
        self.copy_box.setObjectName("copy_forward")
        self.copy_box.setCheckable(True)
        self.copy_box.setChecked(False)
        self.copy_layout = QVBoxLayout(self.copy_box)
        self.copy_hint = QLabel(self.copy_box)
        self.copy_hint.setWordWrap(True)
        self.copy_hint.setTextFormat(Qt.TextFormat.PlainText)
        self.copy_layout.addWidget(self.copy_hint)
        lay.addWidget(self.copy_box)

        self.error = QLabel(self)
        self.error.setObjectName("new_note_error")
        self.error.setWordWrap(True)
        theme.set_tone(self.error, "danger")
        bold = self.error.font()
        bold.setBold(True)
        self.error.setFont(bold)
        self.error.hide()
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.setObjectName("new_note_buttons")
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Start note")
        self.ok_button.setObjectName("start_note_button")
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("new_note_cancel")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

        self.template_list.currentRowChanged.connect(self._template_changed)
        self.template_list.itemActivated.connect(lambda _i: self.accept())
        self._select_default()
        self.template_list.setFocus()

    def _select_default(self) -> None:
        # Start from the template of the client's last note (or SOAP): the usual choice.
        wanted = self.previous.template_id if self.previous else "soap"
        ids = [t.id for t in self.templates]
        self.template_list.setCurrentRow(ids.index(wanted) if wanted in ids else 0)

    def select_template(self, template_id: str) -> None:
        ids = [t.id for t in self.templates]
        self.template_list.setCurrentRow(ids.index(template_id))

    def template_id(self) -> str:
        item = self.template_list.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item else ""

    def _template_changed(self, row: int) -> None:
        for check in self.carry_checks.values():
            self.copy_layout.removeWidget(check)
            check.deleteLater()
        self.carry_checks = {}
        template = self.templates[row] if 0 <= row < len(self.templates) else None
        prev = self.previous
        if template is None or prev is None or template.psychotherapy:
            self.copy_box.setChecked(False)
            self.copy_box.setEnabled(False)
            self.copy_hint.setText(
                "Psychotherapy notes start empty."
                if template is not None and prev and template.psychotherapy
                else "There is no earlier note for this client."
            )
            return
        carryable = [s for s in template.sections if prev.text(s.field_id).strip()]
        self.copy_box.setEnabled(bool(carryable))
        if not carryable:
            self.copy_box.setChecked(False)
            self.copy_hint.setText(
                f"The note of {prev.session.date.isoformat()} has no sections this template uses."
            )
            return
        self.copy_hint.setText(
            f"From the note of {prev.session.date.isoformat()}. Carry only what is still true "
            "and edit it for today: auditors look for cloned notes."
        )
        for s in carryable:
            check = QCheckBox(s.label, self.copy_box)
            check.setObjectName(f"carry_{s.field_id}")
            check.setToolTip(prev.text(s.field_id)[:300])
            self.copy_layout.addWidget(check)
            self.carry_checks[s.field_id] = check

    def carry_sections(self) -> list[str]:
        if not self.copy_box.isChecked():
            return []
        return [fid for fid, c in self.carry_checks.items() if c.isChecked()]

    def service_date(self) -> date:
        d = self.date_edit.date()
        return date(d.year(), d.month(), d.day())

    def accept(self) -> None:
        template_id = self.template_id()
        if not template_id:
            return
        carry = self.carry_sections()
        try:
            client = self._clients.get(self.client_id)
            session = self._notes.default_session(client, on=self.service_date())
            note = self._notes.new(
                client_id=self.client_id,
                template_id=template_id,
                session=session,
                copy_from=self.previous.id if carry and self.previous else None,
                carry_sections=carry if carry else None,
            )
        except Exception as exc:
            self.error.setText(message_for(exc))
            self.error.show()
            return
        self.created_note_id = note.id
        super().accept()
