"""Practice settings kept inside the vault (they travel with it and are encrypted too)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from noteapp.domain.errors import InvalidInputError
from noteapp.domain.paper import PaperSize
from noteapp.services.paper import system_paper_size
from noteapp.services.tracked import TrackedRecord
from noteapp.vault.store import Vault

KIND = "settings"
RECORD_ID = "settings"


@dataclass(frozen=True)
class Settings:
    auto_lock_minutes: int = 10
    backup_dir: str = ""  # empty: the platform's data folder
    backup_keep: int = 10
    # Snapshots taken before a client is deleted stay this long, outside rotation: long enough
    # to notice a mistaken deletion (a missed appointment cycle, a quarter's billing, the
    # 90-day plan review), short enough that a deleted client's record does not linger in
    # backups for good.
    delete_backup_days: int = 90
    auto_backup: bool = True
    confirm_passphrase_to_sign: bool = True
    checklist_severities: dict[str, str] | None = None
    plan_review_days: int = 90  # payer- or state-specific; 90 is the common default
    paper_size: str = ""  # "letter" or "a4"; empty: this computer's region decides
    # A release of information is shown as "expiring" this many days before it ends.
    release_expiring_days: int = 30

    def validated(self) -> Settings:
        for name in (
            "auto_lock_minutes",
            "backup_keep",
            "delete_backup_days",
            "plan_review_days",
            "release_expiring_days",
        ):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool):
                raise InvalidInputError(f"The setting '{name}' must be a whole number.")
        for name in ("auto_backup", "confirm_passphrase_to_sign"):
            if not isinstance(getattr(self, name), bool):
                raise InvalidInputError(f"The setting '{name}' must be on or off.")
        if not isinstance(self.backup_dir, str):
            raise InvalidInputError("The backup folder must be a path.")
        if self.checklist_severities is not None and not (
            isinstance(self.checklist_severities, dict)
            and all(v in ("block", "warn", "off") for v in self.checklist_severities.values())
        ):
            raise InvalidInputError("Checklist severities are 'block', 'warn' or 'off'.")
        if self.paper_size not in ("", *PaperSize):
            raise InvalidInputError("The paper size is 'letter', 'a4' or empty (automatic).")
        if not (7 <= self.plan_review_days <= 730):
            raise InvalidInputError("The plan review interval is 7 to 730 days.")
        if not (0 <= self.release_expiring_days <= 365):
            raise InvalidInputError("Releases are flagged as expiring 0 to 365 days ahead.")
        if not (0 <= self.auto_lock_minutes <= 240):
            raise InvalidInputError("Auto-lock must be between 0 (off) and 240 minutes.")
        if not (1 <= self.backup_keep <= 365):
            raise InvalidInputError("Keep between 1 and 365 backups.")
        if not (1 <= self.delete_backup_days <= 3650):
            raise InvalidInputError(
                "Keep backups made before deleting a client for 1 to 3,650 days."
            )
        return self


class SettingsService:
    def __init__(self, vault: Vault) -> None:
        self._record = TrackedRecord(vault, KIND, RECORD_ID)
        self._cached: Settings | None = None

    def get(self) -> Settings:
        if self._cached is None:
            data = self._record.read() or {}
            known = {f.name for f in fields(Settings)}
            self._cached = Settings(**{k: v for k, v in data.items() if k in known})
        return self._cached

    def paper_size(self) -> PaperSize:
        """The paper every export and print is laid out on: the setting, else the paper of
        this computer's region (US Letter where that is unknown)."""
        chosen = self.get().paper_size
        return PaperSize(chosen) if chosen else system_paper_size()

    def update(self, **changes: Any) -> Settings:
        known = {f.name for f in fields(Settings)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise InvalidInputError(f"Unknown setting '{unknown[0]}'.")
        new = replace(self.get(), **changes).validated()
        self._record.write(asdict(new))
        self._cached = new
        return new
