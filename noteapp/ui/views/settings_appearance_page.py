"""Settings › Appearance: follow the computer's light or dark mode, or choose light, dark or
high contrast. A setting of this device (kept with the device preferences, not in the
vault): it is about this screen, and the lock screen uses it before any vault is open."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QApplication, QButtonGroup, QRadioButton, QVBoxLayout, QWidget

from noteapp.ui import theme
from noteapp.ui.prefs import DevicePrefs
from noteapp.ui.theme import Appearance, current_appearance
from noteapp.ui.widgets.layout import body_label


def apply_to_app(appearance: Appearance) -> None:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        theme.apply(app, appearance)


class AppearanceSettingsPage(QWidget):
    """`apply(appearance)` repaints the app (default: the running QApplication); the choice
    is saved in `prefs`."""

    def __init__(
        self,
        prefs: DevicePrefs,
        apply: Callable[[Appearance], object] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("appearanceSettingsPage")
        self._prefs = prefs
        self._apply = apply or apply_to_app
        lay = QVBoxLayout(self)
        lay.addWidget(
            body_label(
                "How noteapp looks on this computer. “Same as the computer” switches between "
                "light and dark with the system (for example at sunset) and uses high contrast "
                "when the system asks for it.",
                self,
            )
        )
        self.group = QButtonGroup(self)
        self.buttons: dict[Appearance, QRadioButton] = {}
        for appearance in Appearance:
            button = QRadioButton(appearance.label, self)
            button.setObjectName(f"appearance_{appearance.value}")
            self.group.addButton(button)
            self.buttons[appearance] = button
            lay.addWidget(button)
        lay.addStretch(1)
        self.buttons[current_appearance()].setChecked(True)
        for appearance, button in self.buttons.items():
            button.toggled.connect(lambda on, a=appearance: self._toggled(on, a))

    def _toggled(self, on: bool, appearance: Appearance) -> None:
        if on:
            self.choose(appearance)

    def choose(self, appearance: Appearance) -> None:
        self.buttons[appearance].setChecked(True)
        self._prefs.set_appearance(appearance.value)
        self._apply(appearance)


def saved_appearance(prefs: DevicePrefs) -> Appearance:
    """The device's choice; anything unrecognised in the file means "follow the system"."""
    try:
        return Appearance(prefs.appearance)
    except ValueError:
        return Appearance.SYSTEM
