"""Device preferences of the shell (paths and flags only — never client data).

Kept as a small JSON file in the config folder the services chose
(`AppPaths.recent_vaults_file`): which vault to offer at start-up, and which vaults the user
asked this device to remember in the OS keychain (so the unlock screen can offer it).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from noteapp.domain import json_input


class DevicePrefs:
    def __init__(self, file: Path) -> None:
        self._file = file
        self._data: dict[str, object] = {}
        try:
            loaded = json_input.loads(file.read_text(encoding="utf-8"), what="settings file")
            if isinstance(loaded, dict):
                self._data = loaded
        except (OSError, ValueError):
            self._data = {}

    def _save(self) -> None:
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
