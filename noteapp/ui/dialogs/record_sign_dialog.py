"""Sign a referral letter or an incident report: what still stops it, the passphrase (when
the setting asks for it), then signing on a worker thread (the check runs Argon2). Once
signed, what it says is fixed; later facts are added as signed addenda.

The passphrase, error line, busy bar, buttons and the worker call are the signing dialogs'
common base (dialogs/passphrase_dialog.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from noteapp.services.settings import SettingsService
from noteapp.ui.dialogs.passphrase_dialog import PassphraseDialog
from noteapp.ui.theme import set_tone
from noteapp.ui.widgets.layout import body_label


class RecordSignDialog(PassphraseDialog):
    """`sign(passphrase)` signs; `signed(item)` fires when it did."""

    signed = Signal(object)

    def __init__(
        self,
        settings: SettingsService,
        *,
        name: str,
        title: str,
        intro: str,
        problems: Sequence[str],
        sign: Callable[[str | None], Any],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            settings,
            prefix=name,
            confirm_text="Sign and lock",
            confirm_name=f"{name}SignButton",
            parent=parent,
        )
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.completed.connect(self.signed)
        self._sign = sign
        self.problems = list(problems)
        lay = QVBoxLayout(self)
        lay.addWidget(body_label(intro, self, f"{name}Intro"))
        if self.problems:
            what = "\n".join(f"✗  {p}" for p in self.problems)
            missing = body_label(f"Before it can be signed:\n{what}", self, f"{name}Problems")
            set_tone(missing, "danger")
            bold = missing.font()
            bold.setBold(True)
            missing.setFont(bold)
            lay.addWidget(missing)
        self.finish_signing(lay, 540)
        self.sign_button = self.confirm_button

    def submit(self) -> None:
        self.sign_if_ready(self._sign)
