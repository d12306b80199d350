"""Child process of the init crash tests (tests/core/test_vault_create_crash.py); not a test.

    python init_child.py VAULT STAGE      (passphrase in NOTEAPP_CRASH_PASSPHRASE)

Creates a vault and dies with os._exit (no cleanup, as a SIGKILL would) at STAGE:
  kdf        while the key derivation runs
  built      the temporary file is complete, not yet given the vault's name
  linked     the vault's name is given, the temporary name not yet removed
  connected  everything on disk is done, the vault not yet returned
  none       does not die: creates the vault and exits normally
Prints "START" just before creating.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from noteapp import crypto
from noteapp.crypto import Argon2Params
from noteapp.vault import files
from noteapp.vault.store import Vault
from tests.core.processes import die_after

FAST_KDF = Argon2Params(memory_kib=19 * 1024, iterations=2, lanes=1)


def die(*args: Any, **kwargs: Any) -> None:
    os._exit(9)


def main() -> int:
    path, stage = Path(sys.argv[1]), sys.argv[2]
    if stage == "kdf":
        crypto.derive_passphrase_key = die  # type: ignore[assignment]
    elif stage == "built":
        files.link_into_place = die  # type: ignore[assignment]
    elif stage == "linked":
        real_link = os.link

        def link_then_die(src: Any, dst: Any) -> None:
            real_link(src, dst)
            os._exit(9)

        files.os.link = link_then_die  # type: ignore[assignment]
    elif stage == "connected":
        files.connect = die_after(files.connect)  # type: ignore[assignment]
    print("START", flush=True)
    vault, _ = Vault.create(path, os.environ["NOTEAPP_CRASH_PASSPHRASE"], params=FAST_KDF)
    vault.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
