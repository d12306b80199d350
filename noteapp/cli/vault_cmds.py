"""Vault commands: init, passwd, unlock-with-recovery."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from noteapp.cli import common
from noteapp.cli.common import CommandSpec
from noteapp.domain.errors import InvalidInputError, VaultExistsError

if TYPE_CHECKING:
    from noteapp.services.workspace import Workspace

INIT_EPILOG = """\
The recovery key is shown once. It opens the vault when the passphrase is forgotten:
write it down or print it, and keep it away from this computer. It goes to
--recovery-key-file (created readable only by you), else to the terminal, else (when
stdout is not a terminal) to stderr.

examples:
  noteapp --vault ~/practice.noteapp init
  NOTEAPP_NEW_PASSPHRASE=... noteapp init --recovery-key-file /media/usb/recovery.txt
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    init = common.add_command(
        subparsers,
        CommandSpec(
            "init",
            "create a new vault and show its recovery key once",
            run_init,
            epilog=INIT_EPILOG,
        ),
    )
    add_recovery_key_file_option(init)
    common.add_kdf_options(init, what="the new vault's passphrase")

    passwd = common.add_command(
        subparsers,
        CommandSpec(
            "passwd",
            "change the vault passphrase",
            run_passwd,
            description="Change the vault passphrase. The current one comes from "
            "$NOTEAPP_PASSPHRASE or a prompt, the new one from $NOTEAPP_NEW_PASSPHRASE or a "
            "prompt (twice). Records are not re-encrypted; the data key is re-wrapped.",
        ),
    )
    common.add_kdf_options(passwd, what="the new passphrase (default: keep the current ones)")

    recover = common.add_command(
        subparsers,
        CommandSpec(
            "unlock-with-recovery",
            "set a new passphrase using the recovery key",
            run_unlock_with_recovery,
            description="Open the vault with its recovery key (read from a file, or typed at "
            "a prompt) and set a new passphrase from $NOTEAPP_NEW_PASSPHRASE or a prompt.",
        ),
    )
    recover.add_argument(
        "--recovery-key-file",
        metavar="FILE",
        type=Path,
        help="file holding the recovery key (default: ask on the terminal)",
    )
    common.add_kdf_options(recover, what="the new passphrase")


def add_recovery_key_file_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--recovery-key-file",
        metavar="FILE",
        type=Path,
        help="write the recovery key to this new file (owner-only; never overwritten)",
    )


# --- init ------------------------------------------------------------------------------


def create_vault(args: argparse.Namespace) -> tuple[Workspace, Path]:
    """Everything `init` does up to the open, new workspace (shared with `demo`).

    All checks run before the passphrase is asked for; the recovery key is shown before
    returning, so it is never lost even if a later step fails.
    """
    from noteapp.services.workspace import Workspace

    path = common.vault_path(args)
    if path.exists():
        raise VaultExistsError(f"A vault already exists at {path}; noteapp will not overwrite it.")
    params = common.kdf_from_args(args)
    key_file: Path | None = args.recovery_key_file
    if key_file is not None and (key_file.exists() or key_file.is_symlink()):
        raise InvalidInputError(f"{key_file} already exists; choose a new file for the key.")
    if key_file is not None and not key_file.parent.is_dir():
        raise InvalidInputError(f"The folder {key_file.parent} does not exist.")
    passphrase = common.read_new_passphrase(for_new_vault=True)
    args.unlock_passphrase = passphrase  # demo signs its older notes with it
    # Reserve the key file first: if it cannot be created, no vault is made without a key.
    if key_file is not None:
        common.write_private_file(key_file, "")
    try:
        ws, recovery = Workspace.create(path, passphrase, params=params)
    except BaseException:
        if key_file is not None:
            with contextlib.suppress(OSError):
                key_file.unlink()
        raise
    try:
        show_recovery_key(recovery, key_file)
    except BaseException:
        with contextlib.suppress(Exception):
            ws.close()
        raise
    return ws, path


def show_recovery_key(recovery: str, key_file: Path | None) -> None:
    if key_file is not None:
        try:
            key_file.write_text(recovery + "\n", encoding="utf-8")
        except OSError:
            common.warn(f"could not write {key_file}; the recovery key follows instead.")
        else:
            common.info(
                f"The recovery key was written to {key_file} (readable only by you). "
                "Move it somewhere safe, away from this computer."
            )
            return
    if sys.stdout.isatty():
        line = "=" * 64
        common.out(line)
        common.out("  RECOVERY KEY: shown this once, never stored in clear")
        common.out("")
        common.out(f"      {recovery}")
        common.out("")
        common.out("  Write it down or print it and keep it away from this computer.")
        common.out("  It opens the vault if you forget the passphrase:")
        common.out("      noteapp unlock-with-recovery")
        common.out(line)
    else:
        common.info("noteapp: RECOVERY KEY (shown once; keep it safe, away from this computer):")
        common.info(recovery)


def run_init(args: argparse.Namespace) -> int:
    ws, path = create_vault(args)
    with common.close_after(ws):
        pass
    common.info(f"Created the vault at {path}.")
    return 0


# --- passwd ----------------------------------------------------------------------------


def run_passwd(args: argparse.Namespace) -> int:
    from noteapp.services.workspace import Workspace

    path = common.vault_path(args)
    common.require_vault(path)
    params = common.kdf_from_args(args)
    current = common.read_passphrase("Current passphrase: ")
    new = common.read_new_passphrase()
    if new == current:
        raise InvalidInputError("The new passphrase is the same as the current one.")
    with common.close_after(Workspace.unlock(path, current)) as ws:
        common.report_warnings(ws)
        ws.change_passphrase(current=current, new=new, params=params)
    common.info("The passphrase was changed. The recovery key stays the same.")
    return 0


# --- unlock-with-recovery --------------------------------------------------------------


def read_recovery_key(key_file: Path | None) -> str:
    """The first non-empty line of the file that is not a comment, or a prompt."""
    if key_file is None:
        if not common.stdin_is_tty():
            raise InvalidInputError("no recovery key given: use --recovery-key-file FILE")
        import getpass

        return getpass.getpass("Recovery key: ")
    try:
        text = key_file.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InvalidInputError(
            f"Cannot read the recovery key file {key_file}: {exc.strerror or 'unreadable'}."
        ) from None
    for raw in text.splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            return line
    raise InvalidInputError(f"The file {key_file} holds no recovery key.")


def run_unlock_with_recovery(args: argparse.Namespace) -> int:
    from noteapp.services.workspace import Workspace

    path = common.vault_path(args)
    common.require_vault(path)
    params = common.kdf_from_args(args)
    key = read_recovery_key(args.recovery_key_file)
    new = common.read_new_passphrase()
    with common.close_after(Workspace.unlock_with_recovery_key(path, key)) as ws:
        common.report_warnings(ws)
        common.report_problems(ws)
        ws.set_passphrase(new, params=params)
    common.info("The vault has a new passphrase. The recovery key stays the same.")
    return 0
