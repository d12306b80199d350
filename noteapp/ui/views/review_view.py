"""Review: open exported notes (.docx), see at a glance whether each is authentic and
unaltered, read it, and co-sign, return with comments, import a review, or trust a signer.

Verification reads and checks each file on a worker thread. The note text shown is the
*signed* content from the file's proof, never the file's editable body."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QFont
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from noteapp.domain.display import visible
from noteapp.domain.document import document_from_dict
from noteapp.domain.profile import Role
from noteapp.services.verification import Status, VerificationReport
from noteapp.ui import theme
from noteapp.ui.dialogs.review_action_dialog import ReviewActionDialog
from noteapp.ui.dialogs.trust_signer_dialog import TrustSignerDialog
from noteapp.ui.errors import message_for
from noteapp.ui.service_bundles import ReviewServices
from noteapp.ui.theme import colour
from noteapp.ui.widgets.job_document import document_body
from noteapp.ui.widgets.layout import body_label, show_text, status_label, title_label
from noteapp.ui.widgets.safe_text import escape
from noteapp.ui.widgets.signed_record import item_html
from noteapp.ui.widgets.themed_browser import ThemedBrowser
from noteapp.ui.widgets.trust_banner import UntrustedSignerBanner
from noteapp.ui.workers import run_in_background

STATUS_TEXT = {
    Status.VALID_TRUSTED: ("✔", "success_text", "Valid — trusted signer"),
    Status.VALID_UNKNOWN_SIGNER: ("⚠", "warning_text", "Valid — unknown signer"),
    Status.INVALID: ("✖", "danger_text", "Invalid"),
    Status.UNSIGNED: ("○", "muted_text", "Not signed"),
}
TONES = {
    "success_text": "success",
    "warning_text": "warning",
    "danger_text": "danger",
    "muted_text": "muted",
}
STATUS_ICONS = {
    Status.VALID_TRUSTED: QStyle.StandardPixmap.SP_DialogApplyButton,
    Status.VALID_UNKNOWN_SIGNER: QStyle.StandardPixmap.SP_MessageBoxWarning,
    Status.INVALID: QStyle.StandardPixmap.SP_MessageBoxCritical,
    Status.UNSIGNED: QStyle.StandardPixmap.SP_FileIcon,
}
FileRole = Qt.ItemDataRole.UserRole


@dataclass
class ReviewedFile:
    path: Path
    report: VerificationReport | None = None
    password: str | None = None


def is_locked(report: VerificationReport | None) -> bool:
    """A password-protected file that could not be opened yet (not a forgery)."""
    return (
        report is not None
        and report.status == Status.INVALID
        and not report.notes
        and "password" in report.summary.lower()
    )


def status_text(report: VerificationReport | None) -> str:
    if report is None:
        return "Checking…"
    if is_locked(report):
        return "Password-protected — enter its password"
    text = STATUS_TEXT[report.status][2]
    if report.status == Status.INVALID:
        why = report.problems[0] if report.problems else report.summary
        return f"{text}: {visible(why)}"  # may quote the file
    return text


def failed_report(exc: BaseException) -> VerificationReport:
    text = message_for(exc)
    return VerificationReport(Status.INVALID, text, problems=(text,))


def _docx_files(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(q for q in p.iterdir() if q.suffix.lower() == ".docx"))
        elif p.suffix.lower() == ".docx":
            out.append(p)
    return [p for p in out if not p.name.startswith("~$")]  # Word's lock files


def _button(text: str, name: str, parent: QWidget, tip: str = "") -> QPushButton:
    b = QPushButton(text, parent)
    b.setObjectName(name)
    b.setAccessibleName(text.rstrip("…"))
    if tip:
        b.setToolTip(tip)
    return b


class ReviewView(QWidget):
    def __init__(self, ws: ReviewServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewView")
        self.ws = ws
        self.files: list[ReviewedFile] = []
        self.dialog: Any = None
        self.setAcceptDrops(True)
        profile = ws.profile.get()
        self.supervisor = profile is not None and profile.role == Role.SUPERVISOR

        lay = QVBoxLayout(self)
        lay.setContentsMargins(32, 28, 32, 28)
        lay.setSpacing(10)
        lay.addWidget(title_label("Review", self))
        lay.addWidget(
            body_label(
                "Open exported notes (.docx) — or drop files or a folder here — to check that "
                "each is authentic and unchanged since signing"
                + (
                    ", then co-sign or return it with comments."
                    if self.supervisor
                    else ". Import a co-signed or returned file into your vault."
                ),
                self,
                "reviewIntro",
            )
        )
        top = QHBoxLayout()
        self.open_button = _button("Open files…", "reviewOpenButton", self, "Open .docx files")
        self.open_folder_button = _button(
            "Open folder…", "reviewOpenFolderButton", self, "Every .docx in a folder"
        )
        self.clear_button = _button("Clear list", "reviewClearButton", self)
        self.open_button.clicked.connect(self.choose_files)
        self.open_folder_button.clicked.connect(self.choose_folder)
        self.clear_button.clicked.connect(self.clear)
        for b in (self.open_button, self.open_folder_button, self.clear_button):
            top.addWidget(b)
        top.addStretch(1)
        lay.addLayout(top)

        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.setObjectName("reviewSplitter")
        self.list = QListWidget(split)
        self.list.setObjectName("reviewFileList")
        self.list.setAccessibleName("Opened files and their verification status")
        self.list.setSpacing(2)
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setIconSize(QSize(22, 22))
        self.list.setItemDelegate(theme.ToneDelegate(self.list))
        self.list.currentRowChanged.connect(lambda _r: self._show_selected())
        self.empty = body_label(
            "No files yet. Use “Open files…” or drop exported notes here.", split, "reviewEmpty"
        )
        right = QWidget(split)
        rl = QVBoxLayout(right)
        rl.setContentsMargins(8, 0, 0, 0)
        self.status_banner = QLabel("", right)
        self.status_banner.setObjectName("reviewStatusBanner")
        self.status_banner.setWordWrap(True)
        self.status_banner.setTextFormat(Qt.TextFormat.PlainText)
        f = QFont(self.status_banner.font())
        f.setBold(True)
        f.setPointSize(f.pointSize() + 1)
        self.status_banner.setFont(f)
        rl.addWidget(self.status_banner)
        self.trust_banner = UntrustedSignerBanner(right)
        rl.addWidget(self.trust_banner)
        actions = QHBoxLayout()
        self.cosign_button = _button(
            "Co-sign…", "reviewCosignButton", right, "Co-sign and save a copy next to the file"
        )
        self.return_button = _button(
            "Return with comments…", "reviewReturnButton", right, "Ask the author to revise"
        )
        self.import_button = _button(
            "Import review into my vault",
            "reviewImportButton",
            right,
            "Attach the co-signatures and comments in this file to your signed note",
        )
        self.trust_button = _button(
            "Trust this signer…", "reviewTrustButton", right, "Compare fingerprints, then trust"
        )
        self.password_button = _button(
            "Password…", "reviewPasswordButton", right, "Open a password-protected file"
        )
        self.cosign_button.clicked.connect(lambda: self.open_review_action("cosign"))
        self.return_button.clicked.connect(lambda: self.open_review_action("return"))
        self.import_button.clicked.connect(self.import_selected)
        self.trust_button.clicked.connect(self.open_trust)
        self.password_button.clicked.connect(self.ask_password)
        order = (
            [self.cosign_button, self.return_button, self.import_button]
            if self.supervisor
            else [self.import_button, self.cosign_button, self.return_button]
        )
        order[0].setDefault(True)
        order[0].setStyleSheet("QPushButton { font-weight: bold; }")
        for b in (*order, self.trust_button, self.password_button):
            actions.addWidget(b)
        actions.addStretch(1)
        rl.addLayout(actions)
        self.own_note = body_label("", right, "reviewOwnNoteLabel")
        self.own_note.setTextFormat(Qt.TextFormat.PlainText)
        self.own_note.hide()
        rl.addWidget(self.own_note)
        self.action_status = status_label(right, "reviewActionStatus")
        self.action_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        rl.addWidget(self.action_status)
        self.details = ThemedBrowser(right, paper=True)
        self.details.setObjectName("reviewDetails")
        self.details.setAccessibleName("Details of the selected file")
        rl.addWidget(self.details, 1)
        split.addWidget(self.list)
        split.addWidget(self.empty)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(2, 3)
        split.setSizes([380, 0, 620])
        lay.addWidget(split, 1)
        self._refresh_state()

    # --- adding files ------------------------------------------------------------------

    def choose_files(self) -> None:
        chosen, _ = QFileDialog.getOpenFileNames(
            self, "Open exported notes", "", "Word documents (*.docx)"
        )
        self.add_paths([Path(c) for c in chosen])

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "A folder of exported notes")
        if folder:
            self.add_paths([Path(folder)])

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        self.add_paths(paths)
        event.acceptProposedAction()

    def add_paths(self, paths: list[Path]) -> None:
        known = {f.path.resolve() for f in self.files}
        for path in _docx_files(paths):
            if path.resolve() in known:
                self._verify(next(f for f in self.files if f.path.resolve() == path.resolve()))
                continue
            entry = ReviewedFile(path)
            self.files.append(entry)
            item = QListWidgetItem()
            item.setData(FileRole, len(self.files) - 1)
            self.list.addItem(item)
            self._paint(entry)
            self._verify(entry)
        if self.list.currentRow() < 0 and self.list.count():
            self.list.setCurrentRow(0)
        self._refresh_state()

    def clear(self) -> None:
        self.files.clear()
        self.list.clear()
        self._refresh_state()

    def pending(self) -> int:
        return sum(f.report is None for f in self.files)

    # --- verifying ---------------------------------------------------------------------

    def _verify(self, entry: ReviewedFile) -> None:
        entry.report = None
        self._paint(entry)
        review, path, password = self.ws.review, entry.path, entry.password
        run_in_background(
            lambda: review.verify(path, password=password),
            on_done=partial(self._verified, entry),
            on_error=lambda exc: self._verified(entry, failed_report(exc)),
            parent=self,
        )

    def _verified(self, entry: ReviewedFile, report: VerificationReport) -> None:
        if entry not in self.files:
            return
        entry.report = report
        self._paint(entry)
        if self.current() is entry:
            self._show_selected()

    def _paint(self, entry: ReviewedFile) -> None:
        row = self.files.index(entry)
        item = self.list.item(row)
        if item is None:
            return
        style = self.style()
        pix = QStyle.StandardPixmap
        colour, icon = "muted_text", pix.SP_BrowserReload
        if is_locked(entry.report):
            colour, icon = "warning_text", pix.SP_MessageBoxQuestion
        elif entry.report is not None:
            colour = STATUS_TEXT[entry.report.status][1]
            icon = STATUS_ICONS[entry.report.status]
        item.setIcon(style.standardIcon(icon))
        item.setText(f"{visible(entry.path.name)}\n{status_text(entry.report)}")
        theme.set_item_tone(item, colour)
        item.setToolTip(visible(str(entry.path)))

    def current(self) -> ReviewedFile | None:
        row = self.list.currentRow()
        return self.files[row] if 0 <= row < len(self.files) else None

    def select(self, path: Path) -> None:
        for i, f in enumerate(self.files):
            if f.path.resolve() == Path(path).resolve():
                self.list.setCurrentRow(i)

    # --- details -----------------------------------------------------------------------

    def _refresh_state(self) -> None:
        has = bool(self.files)
        self.list.setVisible(has)
        self.empty.setVisible(not has)
        self._show_selected()

    def _show_selected(self) -> None:
        entry = self.current()
        report = entry.report if entry else None
        ok = report is not None and report.ok
        # No one co-signs or returns their own note: said next to the disabled buttons.
        own = self.ws.review.own_note_reason(report) if ok and report else ""
        self.cosign_button.setEnabled(ok and not own)
        self.return_button.setEnabled(ok and not own)
        self.own_note.setText(own)
        self.own_note.setVisible(bool(own))
        self.import_button.setEnabled(ok)
        signers = [s for n in report.notes for s in n.signers] if ok and report else []
        self.trust_button.setEnabled(any(not s.trusted for s in signers))
        self.trust_banner.show_warnings(
            self.ws.review.trust_warnings(report) if ok and report else []
        )
        self.password_button.setVisible(is_locked(report))
        if entry is None:
            self.status_banner.setText("")
            self.details.clear()
            return
        if report is None:
            self.status_banner.setText(f"Checking {visible(entry.path.name)}…")
            self.details.clear()
            return
        mark, colour, _ = STATUS_TEXT[report.status]
        theme.set_tone(self.status_banner, TONES[colour])
        self.status_banner.setText(f"{mark}  {visible(report.summary)}")
        self.details.show_html(lambda: details_html(entry.path, report))

    # --- actions -----------------------------------------------------------------------

    def open_review_action(self, kind: str) -> None:
        entry = self.current()
        if entry is None or entry.report is None or not entry.report.ok:
            return
        if self.ws.review.own_note_reason(entry.report):
            return  # the buttons are disabled and the reason is shown under them
        dialog = ReviewActionDialog(
            self.ws.review, self.ws.settings, entry.path, kind, password=entry.password, parent=self
        )
        dialog.reviewed.connect(self._reviewed)
        self.dialog = dialog
        dialog.open()

    def _reviewed(self, out: Path, _report: object) -> None:
        verb = "Co-signed copy" if self.dialog and self.dialog.kind == "cosign" else "Returned copy"
        self.add_paths([Path(out)])
        self.select(Path(out))
        show_text(
            self.action_status, f"{verb} saved: {visible(str(out))}. Send it back to the author."
        )

    def import_selected(self) -> None:
        entry = self.current()
        if entry is None or entry.report is None or not entry.report.ok:
            return
        try:
            result = self.ws.review.import_reviewed(entry.path, password=entry.password)
        except Exception as exc:
            show_text(self.action_status, message_for(exc))
            return
        if not result.attached:
            show_text(
                self.action_status,
                "Nothing new to import: "
                + (
                    f"the {result.already_present} review(s) in this file are already in "
                    "your vault."
                    if result.already_present
                    else "this file has no co-signature or comments."
                ),
            )
            return
        lines = [
            f"{i.type.label} by {visible(str(i.author.get('name', '')))} "
            f"({visible(str(i.payload.get('signed_at_display') or i.signed_at))})"
            for i in result.attached
        ]
        show_text(self.action_status, "Imported into your vault: " + "; ".join(lines) + ".")

    def open_trust(self) -> None:
        entry = self.current()
        if entry is None or entry.report is None:
            return
        signer = next((s for n in entry.report.notes for s in n.signers if not s.trusted), None)
        if signer is None:
            return
        dialog = TrustSignerDialog(
            self.ws.signing,
            fingerprint=signer.fingerprint,
            signer=visible(signer.signer),
            parent=self,
        )
        dialog.trusted.connect(lambda _k: self.reverify_all())
        self.dialog = dialog
        dialog.open()

    def reverify_all(self) -> None:
        for entry in self.files:
            if entry.report is not None and entry.report.ok:
                self._verify(entry)

    def ask_password(self) -> None:
        entry = self.current()
        if entry is None:
            return
        password, ok = QInputDialog.getText(
            self,
            "Password-protected file",
            f"The password for {visible(entry.path.name)}:",
            QLineEdit.EchoMode.Password,
        )
        if ok and password:
            self.set_password(entry.path, password)

    def set_password(self, path: Path, password: str) -> None:
        """Re-open a password-protected file with its password (kept for this session)."""
        for entry in self.files:
            if entry.path == Path(path):
                entry.password = password
                self._verify(entry)


def details_html(path: Path, report: VerificationReport) -> str:
    """Who signed what, problems, and the signed note text read from the file's proof."""
    out = [
        "<html><head><style>"
        "body { font-family: 'DejaVu Sans', sans-serif; } td { padding: 2px 10px 2px 0; }"
        f" th {{ text-align: left; padding-right: 10px; color: {colour('paper_muted')}; }}"
        f" .bad {{ color: {colour('danger_text')}; }} .good {{ color: {colour('success_text')}; }}"
        f" .muted {{ color: {colour('paper_muted')}; }}"
        ".fp { font-family: 'DejaVu Sans Mono', monospace; }"
        "</style></head><body>",
        f"<p><b>{escape(path.name)}</b><br/><span class='muted'>"
        f"{escape(str(path.parent))}</span></p>",
    ]
    if report.problems:
        out.append("<p class='bad'><b>Problems:</b></p><ul>")
        out.extend(f"<li class='bad'>{escape(p)}</li>" for p in report.problems)
        out.append("</ul>")
    if report.contents is not None:
        c = report.contents
        out.append(
            "<p><b>Contents listed by</b> "
            f"{escape(c.signer)} · {escape(c.signed_at)} · key "
            f"<span class='fp'>{escape(c.fingerprint)}</span> · "
            f"<span class='{'good' if c.trusted else 'bad'}'>"
            f"{'trusted' if c.trusted else 'not trusted'}</span></p>"
        )
    for note in report.notes:
        out.append(
            f"<h3>{escape(note.title)} · {escape(note.date_of_service)} · "
            f"{escape(note.subject)}</h3>"
        )
        out.append(
            "<table cellspacing='0'><tr><th>Role</th><th>Signer</th><th>Signed</th>"
            "<th>Key fingerprint</th><th>Trusted</th><th>Signature</th></tr>"
        )
        for s in note.signers:
            out.append(
                f"<tr><td>{escape(s.role)}</td><td>{escape(s.signer)}</td>"
                f"<td>{escape(s.signed_at)}</td><td class='fp'>{escape(s.fingerprint)}</td>"
                f"<td class='{'good' if s.trusted else 'bad'}'>{'yes' if s.trusted else 'no'}</td>"
                f"<td class='{'good' if s.valid else 'bad'}'>"
                f"{'valid' if s.valid else 'INVALID: ' + escape('; '.join(s.problems))}"
                "</td></tr>"
            )
        out.append("</table>")
    if report.proof is not None:
        for np in report.proof.notes:
            out.append("<hr/><p class='muted'><i>The note as it was signed:</i></p>")
            try:
                out.append(document_body(document_from_dict(np.note.payload["document"])))
            except (KeyError, TypeError, ValueError):
                out.append("<p class='bad'>The signed note's text cannot be shown.</p>")
            for item in np.items:
                out.append("<hr/>" + item_html(item))
    out.append("</body></html>")
    return "".join(out)
