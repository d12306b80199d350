"""Device preferences of the shell (paths, flags and window layout only — never client data).

Kept as a small JSON file in the config folder the services chose
(`AppPaths.recent_vaults_file`): which vault to offer at start-up, which vaults the user
asked this device to remember in the OS keychain (so the unlock screen can offer it), the
appearance (System / Light / Dark / High contrast: a screen's setting, so per device, and
needed before any vault is unlocked) and where the user left each splitter.

The app installs its preferences with `DevicePrefs.use(prefs)`; widgets deep in a view reach
them through `remember_splitter`, as Qt widgets reach QSettings, so a splitter position is
not threaded through every constructor. Until then (tests, tools) an in-memory instance
keeps them for the session only.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, QObject, QTimer
from PySide6.QtWidgets import QSplitter

from noteapp.domain import json_input

_MAX_SPLITTERS = 64
_MAX_STATE_CHARS = 1024  # a QSplitter state is ~40 bytes; anything larger is not ours


class DevicePrefs:
    _current: DevicePrefs | None = None

    def __init__(self, file: Path | None) -> None:
        self._file = file
        self._data: dict[str, object] = {}
        if file is None:
            return
        try:
            loaded = json_input.loads(file.read_text(encoding="utf-8"), what="settings file")
            if isinstance(loaded, dict):
                self._data = loaded
        except (OSError, ValueError):
            self._data = {}

    @classmethod
    def use(cls, prefs: DevicePrefs) -> None:
        """Make `prefs` the ones `remember_splitter` reads and writes."""
        cls._current = prefs

    @classmethod
    def current(cls) -> DevicePrefs:
        if cls._current is None:
            cls._current = DevicePrefs(None)
        return cls._current

    def _save(self) -> None:
        if self._file is None:
            return
        try:
            self._file.parent.mkdir(parents=True, exist_ok=True)
            tmp = self._file.with_suffix(".tmp")
            tmp.write_text(json.dumps(self._data, indent=2), encoding="utf-8")
            os.replace(tmp, self._file)
        except OSError:
            pass  # a preference that cannot be saved is not worth interrupting the user

    @property
    def last_vault(self) -> Path | None:
        value = self._data.get("last_vault")
        return Path(value) if isinstance(value, str) and value else None

    def set_last_vault(self, path: Path) -> None:
        self._data["last_vault"] = str(path)
        self._save()

    @property
    def appearance(self) -> str:
        """ "system", "light", "dark" or "high-contrast" (theme.Appearance values)."""
        value = self._data.get("appearance")
        return value if isinstance(value, str) else "system"

    def set_appearance(self, value: str) -> None:
        self._data["appearance"] = value
        self._save()

    def _splitters(self) -> dict[str, object]:
        value = self._data.get("splitters")
        return value if isinstance(value, dict) else {}

    def splitter_state(self, key: str) -> QByteArray | None:
        value = self._splitters().get(key)
        if not isinstance(value, str) or len(value) > _MAX_STATE_CHARS:
            return None
        try:
            return QByteArray(base64.b64decode(value, validate=True))
        except (binascii.Error, ValueError):
            return None

    def set_splitter_state(self, key: str, state: QByteArray) -> None:
        splitters = dict(self._splitters())
        if key not in splitters and len(splitters) >= _MAX_SPLITTERS:
            return
        splitters[key] = base64.b64encode(bytes(state.data())).decode("ascii")
        self._data["splitters"] = splitters
        self._save()


class _ProportionsOnFirstLayout(QObject):
    def __init__(self, splitter: QSplitter, weights: list[int]) -> None:
        super().__init__(splitter)
        self._splitter = splitter
        self._weights = weights
        splitter.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Hidden widgets get their size just before they show: act on the Show.
        if event.type() == QEvent.Type.Show and watched is self._splitter:
            s = self._splitter
            total = sum(s.sizes())
            if total > 0:
                weight = sum(self._weights) or 1
                s.setSizes([round(total * w / weight) for w in self._weights])
                s.removeEventFilter(self)
                self.deleteLater()
        return False


def remember_splitter(
    splitter: QSplitter, key: str, *, default: Sequence[int] | None = None
) -> None:
    """Restore where the user left `splitter` (else `default` sizes) and keep it when moved.

    `default` is in pixels or proportions; Qt scales them to the space there is."""
    prefs = DevicePrefs.current()
    state = prefs.splitter_state(key)
    restored = state is not None and splitter.restoreState(state)
    if not restored and default is not None:
        splitter.setSizes(list(default))
        # Qt spreads later growth by stretch factor, not by these proportions: apply them
        # again to the size the splitter really gets, once, when it first has one.
        _ProportionsOnFirstLayout(splitter, list(default))
    # Saved once the handle comes to rest, not on every pixel of a drag.
    timer = QTimer(splitter)
    timer.setSingleShot(True)
    timer.setInterval(400)
    timer.timeout.connect(lambda: prefs.set_splitter_state(key, splitter.saveState()))
    splitter.splitterMoved.connect(lambda _pos, _index: timer.start())
