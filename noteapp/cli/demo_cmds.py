"""The demo command: fill a vault with synthetic (invented) clients for trying the app."""

from __future__ import annotations

import argparse

from noteapp.cli import common, vault_cmds
from noteapp.cli.common import CommandSpec
from noteapp.domain.errors import InvalidInputError

DEMO_EPILOG = """\
Every name, date and detail is invented. If the vault exists it is unlocked with
$NOTEAPP_PASSPHRASE (or a prompt) and the demo data is added to it; otherwise a new vault
is created exactly as 'noteapp init' does (new passphrase from $NOTEAPP_NEW_PASSPHRASE or a
prompt, recovery key shown once). Use a separate vault for demo data, e.g.:

  NOTEAPP_NEW_PASSPHRASE=... noteapp --vault /tmp/demo.noteapp demo --clients 50
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = common.add_command(
        subparsers,
        CommandSpec(
            "demo",
            "fill a vault with synthetic clients and notes (and a demo profile)",
            run_demo,
            epilog=DEMO_EPILOG,
        ),
    )
    demo.add_argument(
        "--clients", type=int, default=12, metavar="N", help="how many clients (default: 12)"
    )
    demo.add_argument(
        "--notes",
        type=int,
        default=None,
        metavar="N",
        help="how many notes in all, in every template (default: about six per client); "
        "use large numbers for benchmark vaults",
    )
    vault_cmds.add_recovery_key_file_option(demo)
    common.add_kdf_options(demo, what="a new vault")


def run_demo(args: argparse.Namespace) -> int:
    from noteapp.demo import fill_demo
    from noteapp.services.workspace import Workspace

    if not 0 <= args.clients <= 10_000:
        raise InvalidInputError("--clients must be between 0 and 10000.")
    if args.notes is not None and not 0 <= args.notes <= 1_000_000:
        raise InvalidInputError("--notes must be between 0 and 1000000.")
    path = common.vault_path(args)
    if path.exists():
        common.kdf_from_args(args)  # still refuse bad values, even if unused
        passphrase = common.read_passphrase()
        ws = Workspace.unlock(path, passphrase)
        common.report_warnings(ws)
        common.report_problems(ws)
    else:
        ws, path = vault_cmds.create_vault(args)
        passphrase = args.unlock_passphrase
    with common.close_after(ws):
        had_profile = ws.profile.get() is not None
        ids = fill_demo(ws, clients=args.clients, notes=args.notes, passphrase=passphrase)
        notes = len(list(ws.notes.all()))
    profile = "" if had_profile else " and a demo clinician profile"
    common.info(f"Added {len(ids)} synthetic clients{profile} to {path} ({notes} notes in all).")
    return 0
