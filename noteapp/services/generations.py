"""Noticing a whole-file rollback: the last generation of each vault seen on this computer.

Inside the vault, what is current is authenticated; but an older copy of the whole file is a
genuine vault too, and cannot be refused. It can be noticed: the vault's generation (raised
by every save) is remembered here, outside the file, keyed by the vault's random id (no
PHI), and a file older than what was last seen gets a warning. A deliberate restore from a
backup updates the remembered value, so it is not mistaken for a rollback.

The file is small JSON in the user's data folder, written atomically and owner-only. It is a
tripwire, not a lock: failing to read or write it never stops anyone's work.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from pathlib import Path

from noteapp.domain.errors import OlderCopyWarning, VaultUpgradedNotice
from noteapp.services.paths import AppPaths
from noteapp.vault.migrate import UpgradeReport

_MAX_BYTES = 1 << 20


class SeenGenerations:
    def __init__(self, file: Path) -> None:
        self.file = Path(file)

    @classmethod
    def of(cls, paths: AppPaths) -> SeenGenerations:
        return cls(paths.seen_generations_file)

    def _read(self) -> dict[str, int]:
        try:
            with open(self.file, "rb") as handle:
                doc = json.loads(handle.read(_MAX_BYTES))
        except (OSError, ValueError):
            return {}
        vaults = doc.get("vaults") if isinstance(doc, dict) else None
        if not isinstance(vaults, dict):
            return {}
        return {
            k: v
            for k, v in vaults.items()
            if isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) and v >= 0
        }

    def get(self, vault_id: str) -> int | None:
        return self._read().get(vault_id)

    def remember(self, vault_id: str, generation: int | None) -> None:
        if generation is None:
            return
        vaults = self._read()
        if vaults.get(vault_id) == generation:
            return
        vaults[vault_id] = generation
        text = json.dumps({"format": 1, "vaults": vaults}, sort_keys=True, indent=1)
        tmp = self.file.with_name(f".{self.file.name}.{secrets.token_hex(4)}.tmp")
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.file)
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)


def older_copy_warning(seen: int | None, found: int | None) -> OlderCopyWarning | None:
    if seen is None or found is None or found >= seen:
        return None
    return OlderCopyWarning(
        f"This vault file is older than the one last opened on this computer (it is at save "
        f"{found}; save {seen} was seen here). An older copy may have been put in its place, "
        "so recent work may be missing. If you did not restore it on purpose, compare it with "
        "your most recent backup before you go on."
    )


def upgrade_notice(report: UpgradeReport) -> VaultUpgradedNotice:
    text = (
        f"This vault was upgraded to format {report.to_version}, which notices records rolled "
        f"back or removed outside noteapp. The previous file is kept beside it as "
        f"{report.kept_as.name}; delete it once you have checked your records."
    )
    if report.unreadable:
        text += (
            f" {report.unreadable} record version(s) that could not be read before were "
            "carried over unchanged and are still reported."
        )
    return VaultUpgradedNotice(text)
