"""Settings › Templates: the installed note templates, broken user templates, file checks.

A broken user template is never used (the catalog skips it); this page says which file and
which line, so the person who wrote it can fix it without reading a log.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QBrush, QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from noteapp.services.templates import TemplateCatalog
from noteapp.ui import theme
from noteapp.ui.errors import message_for
from noteapp.ui.widgets.layout import body_label

TemplateRole = Qt.ItemDataRole.UserRole + 1


def _open_in_file_manager(path: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class TemplatesSettingsPage(QWidget):
    def __init__(
        self,
        catalog: TemplateCatalog,
        open_folder: Callable[[Path], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("templatesSettingsPage")
        self._catalog = catalog
        self._open_folder = open_folder or _open_in_file_manager
        lay = QVBoxLayout(self)

        user_dir = catalog.user_dir
        where = (
            f"Your own templates go in {user_dir}. A template there with the same id as a "
            "built-in one replaces it. A file with a problem is not used until it is fixed."
            if user_dir is not None
            else "No user template folder is set up."
        )
        self.intro = body_label(where, self, "templatesIntroLabel")
        self.intro.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.intro)

        buttons = QHBoxLayout()
        self.open_button = self._button("Open templates folder", "templatesOpenFolderButton")
        self.open_button.setEnabled(user_dir is not None)
        self.open_button.clicked.connect(self.open_folder)
        self.reload_button = self._button("Reload", "templatesReloadButton")
        self.reload_button.setToolTip("Read the templates folder again after changing a file.")
        self.reload_button.clicked.connect(self.reload)
        self.check_button = self._button("Check a file…", "templatesCheckFileButton")
        self.check_button.setToolTip("Check a template file before you put it in the folder.")
        self.check_button.clicked.connect(self._choose_and_check)
        for b in (self.open_button, self.reload_button, self.check_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        lay.addLayout(buttons)

        self.status = QLabel(self)
        self.status.setObjectName("templatesStatusLabel")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.hide()
        lay.addWidget(self.status)

        split = QSplitter(Qt.Orientation.Vertical, self)
        self.list = QTreeWidget(split)
        self.list.setObjectName("templatesList")
        self.list.setAccessibleName("Templates")
        self.list.setRootIsDecorated(False)
        self.list.setAlternatingRowColors(True)
        self.list.setHeaderLabels(["Name", "Id", "Version", "Source"])
        header = self.list.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.list.currentItemChanged.connect(lambda cur, _prev: self._preview(cur))

        preview_box = QWidget(split)
        pv = QVBoxLayout(preview_box)
        pv.setContentsMargins(0, 6, 0, 0)
        self.preview_title = body_label("", preview_box, "templatePreviewTitle")
        pv.addWidget(self.preview_title)
        self.preview = QTreeWidget(preview_box)
        self.preview.setObjectName("templatePreviewSections")
        self.preview.setAccessibleName("Sections of the selected template")
        self.preview.setRootIsDecorated(False)
        self.preview.setWordWrap(True)
        self.preview.setHeaderLabels(["Section", "Kind", "Required", "Hint"])
        ph = self.preview.header()
        ph.setStretchLastSection(True)
        for col in (0, 1, 2):
            ph.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        pv.addWidget(self.preview)
        split.addWidget(self.list)
        split.addWidget(preview_box)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        lay.addWidget(split, 1)
        self.refresh()

    def _button(self, text: str, name: str) -> QPushButton:
        b = QPushButton(text, self)
        b.setObjectName(name)
        return b

    # --- actions ------------------------------------------------------------------------

    def refresh(self) -> None:
        """Show what the catalog has now (without re-reading the folder)."""
        current = self.list.currentItem()
        keep = current.data(0, TemplateRole) if current is not None else None
        keep_id = getattr(keep, "id", None)
        self.list.clear()
        select = None
        for t in self._catalog.list():
            custom = not str(t.origin).startswith("builtin:")
            source = "Custom" if custom else "Built-in"
            if t.psychotherapy:
                source += " · psychotherapy notes"
            item = QTreeWidgetItem([t.name, t.id, str(t.version), source])
            item.setData(0, TemplateRole, t)
            if custom:
                item.setToolTip(3, str(t.origin))
            self.list.addTopLevelItem(item)
            if t.id == keep_id:
                select = item
        red = QBrush(theme.qcolor("danger_text"))
        for path, message in self._catalog.broken:
            item = QTreeWidgetItem([Path(path).name, "—", "—", f"Not used — {message}"])
            item.setData(0, TemplateRole, None)
            item.setToolTip(3, f"{path}\n{message}")
            for col in range(4):
                item.setForeground(col, red)
            self.list.addTopLevelItem(item)
        first = select or self.list.topLevelItem(0)
        if first is not None:
            self.list.setCurrentItem(first)
        self._preview(self.list.currentItem())

    def reload(self) -> None:
        try:
            self._catalog.reload()
        except Exception as exc:
            self._say(message_for(exc), error=True)
            return
        self.refresh()
        n, broken = len(self._catalog.list()), len(self._catalog.broken)
        text = f"Reloaded: {n} templates."
        if broken:
            text += f" {broken} file{'s have' if broken > 1 else ' has'} a problem (in red)."
        self._say(text, error=False)

    def open_folder(self) -> None:
        folder = self._catalog.user_dir
        if folder is None:
            return
        try:
            Path(folder).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._say(message_for(exc), error=True)
            return
        self._open_folder(Path(folder))

    def _choose_and_check(self) -> None:
        start = str(self._catalog.user_dir or Path.home())
        name, _ = QFileDialog.getOpenFileName(
            self, "Check a template file", start, "Template files (*.toml);;All files (*)"
        )
        if name:
            self.check_file(Path(name))

    def check_file(self, path: Path) -> None:
        """Check one file and say what is wrong with it, line by line."""
        try:
            problems = self._catalog.check_file(path)
        except Exception as exc:
            self._say(message_for(exc), error=True)
            return
        if not problems:
            self._say(f"{path.name}: No problems found.", error=False)
            return
        lines = [f"{path.name}: {len(problems)} problem{'s' if len(problems) > 1 else ''}"]
        lines += [f"  Line {p.line}: {p.message}" for p in problems]
        self._say("\n".join(lines), error=True)

    def _say(self, text: str, *, error: bool) -> None:
        self.status.setText(text)
        theme.set_tone(self.status, "danger" if error else "")
        self.status.setProperty("role", "error" if error else "")
        self.status.show()

    def _preview(self, item: QTreeWidgetItem | None) -> None:
        self.preview.clear()
        t = item.data(0, TemplateRole) if item is not None else None
        if t is None:
            broken = item is not None
            self.preview_title.setText(
                "This file has a problem and is not used. Fix the line shown, then Reload."
                if broken
                else ""
            )
            return
        extra = " Private psychotherapy notes." if t.psychotherapy else ""
        extra += " Group note (one note per member)." if t.group else ""
        desc = f" — {t.description}" if t.description else ""
        self.preview_title.setText(f"{t.name} (version {t.version}){desc}{extra}")
        for s in t.sections:
            kind = str(getattr(s.kind, "value", s.kind)).replace("_", " ")
            row = QTreeWidgetItem([s.label, kind, "Required" if s.required else "", s.hint])
            row.setToolTip(3, s.hint)
            row.setToolTip(0, f"Field id: {s.field_id}")
            self.preview.addTopLevelItem(row)
