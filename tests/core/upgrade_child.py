"""Child process of the upgrade crash tests (tests/core/test_vault_upgrade.py); not a test.

    python upgrade_child.py VAULT STAGE      (passphrase in NOTEAPP_CRASH_PASSPHRASE)

Opens and unlocks a format-1 vault, prints READY, and upgrades it; dies with os._exit (no
cleanup, as a SIGKILL would) at STAGE:
  built    the new file is complete beside the vault, not yet verified
  kept     the old file is kept under its backup name, the new one not yet swapped in
  swapped  the new file has the vault's name, not yet reopened
  none     does not die (a parent may SIGKILL it at any moment instead); prints DONE
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from noteapp.vault import migrate
from noteapp.vault.store import Vault
from tests.core.processes import die_after


def main() -> int:
    path, stage = Path(sys.argv[1]), sys.argv[2]
    if stage == "built":
        migrate._verify = lambda *a, **k: os._exit(9)  # type: ignore[assignment]
    elif stage == "kept":
        migrate._keep = die_after(migrate._keep)  # type: ignore[assignment]
    elif stage == "swapped":
        migrate.os.replace = die_after(os.replace)  # type: ignore[assignment]
    vault = Vault.open(path)
    vault.unlock_with_passphrase(os.environ["NOTEAPP_CRASH_PASSPHRASE"])
    print("READY", flush=True)
    migrate.upgrade(vault)
    vault.close()
    print("DONE", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
