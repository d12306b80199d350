"""Where things live on this computer, decided in one place (platformdirs)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "noteapp"
VAULT_FILE_NAME = "vault.noteapp"


@dataclass(frozen=True)
class AppPaths:
    data_dir: Path
    config_dir: Path

    @property
    def default_vault(self) -> Path:
        return self.data_dir / VAULT_FILE_NAME

    @property
    def default_demo_vault(self) -> Path:
        return self.data_dir / "demo" / "demo-vault.noteapp"

    @property
    def default_backup_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def user_templates_dir(self) -> Path:
        return self.config_dir / "templates"

    @property
    def seen_generations_file(self) -> Path:
        # Vault ids and generation numbers only (no client data): see services/generations.py.
        return self.data_dir / "seen-generations.json"

    @property
    def recent_vaults_file(self) -> Path:
        # Paths only (no client data): which vault to offer at start-up.
        return self.config_dir / "recent-vaults.json"


def default_paths() -> AppPaths:
    """The platform's per-user data and config folders (NOTEAPP_HOME overrides, for tests)."""
    home = os.environ.get("NOTEAPP_HOME")
    if home:
        return AppPaths(Path(home) / "data", Path(home) / "config")
    return AppPaths(
        Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
        Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
    )


def resolve_vault_path(explicit: str | os.PathLike[str] | None) -> Path:
    """--vault, else NOTEAPP_VAULT, else the data directory (cli.md)."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("NOTEAPP_VAULT")
    if env:
        return Path(env).expanduser()
    return default_paths().default_vault
