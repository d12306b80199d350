"""Backup commands: an encrypted snapshot on demand, and verified restore."""

from __future__ import annotations

import argparse
from pathlib import Path

from noteapp.cli import common
from noteapp.cli.common import CommandSpec
from noteapp.domain.errors import VaultMissingError

RESTORE_EPILOG = """\
The snapshot is opened with its own passphrase ($NOTEAPP_PASSPHRASE or a prompt) and
checked completely (every record decrypts, the audit chain holds) before anything is
written. A vault already at the target is kept beside it as *.before-restore-DATE.noteapp.

example:
  noteapp restore ~/backups/vault-20260105-090000.noteapp --to ~/practice.noteapp
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    backup = common.add_command(
        subparsers,
        CommandSpec(
            "backup",
            "write an encrypted snapshot of the vault; prints its path",
            run_backup,
            description="Write an encrypted, consistent snapshot of the vault (the same "
            "passphrase opens it). Refuses to overwrite an existing file.",
        ),
    )
    backup.add_argument(
        "--out",
        metavar="FILE",
        type=Path,
        help="the snapshot file (default: a dated file in the backup folder)",
    )

    restore = common.add_command(
        subparsers,
        CommandSpec(
            "restore",
            "verify a snapshot, then install it as a vault",
            run_restore,
            epilog=RESTORE_EPILOG,
        ),
    )
    restore.add_argument("snapshot", metavar="FILE", type=Path, help="the snapshot to restore")
    restore.add_argument(
        "--to",
        metavar="PATH",
        type=Path,
        help="where to put the restored vault (default: the vault given by --vault, "
        "$NOTEAPP_VAULT or your data folder)",
    )


def run_backup(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        written = ws.backups.backup_now(args.out)
    common.out(str(written))
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from noteapp.services.backups import restore_snapshot

    snapshot: Path = args.snapshot
    if not snapshot.is_file():
        raise VaultMissingError(f"No backup found at {snapshot}.")
    target: Path = args.to if args.to is not None else common.vault_path(args)
    passphrase = common.read_passphrase("Passphrase of the backup: ")
    result = restore_snapshot(snapshot=snapshot, target=target, passphrase=passphrase)
    common.info(
        f"Restored {result.records} record versions and {result.audit_entries} audit "
        f"entries to {result.target}."
    )
    if result.previous_saved_as is not None:
        common.info(f"The vault that was there is kept as {result.previous_saved_as}.")
    return 0
