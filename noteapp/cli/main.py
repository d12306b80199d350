"""The `noteapp` command line: the parser, the command registry and error → exit code."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from types import ModuleType
from typing import Any, NoReturn

from noteapp.cli import (
    agency_cmds,
    archive_cmds,
    audit_cmds,
    backup_cmds,
    client_cmds,
    common,
    contact_cmds,
    demo_cmds,
    incident_cmds,
    instrument_cmds,
    measure_cmds,
    medication_cmds,
    note_cmds,
    plan_cmds,
    profile_cmds,
    referral_cmds,
    report_cmds,
    safety_cmds,
    search_cmds,
    sign_cmds,
    template_cmds,
    vault_cmds,
)
from noteapp.domain.display import visible
from noteapp.domain.errors import NoteappError

# Each module has `register(subparsers)`. A new command group is one module plus one line here.
COMMAND_MODULES: list[ModuleType] = [
    vault_cmds,
    profile_cmds,
    client_cmds,
    backup_cmds,
    audit_cmds,
    note_cmds,
    plan_cmds,
    measure_cmds,
    instrument_cmds,
    report_cmds,
    safety_cmds,
    contact_cmds,
    referral_cmds,
    medication_cmds,
    incident_cmds,
    search_cmds,
    template_cmds,
    sign_cmds,
    demo_cmds,
    archive_cmds,
    agency_cmds,
]

EXIT_OK, EXIT_CHECK_FAILED, EXIT_USAGE, EXIT_WRONG_SECRET, EXIT_VAULT = 0, 1, 2, 3, 4
EXIT_INTERRUPTED = 130

DESCRIPTION = """\
noteapp: progress notes for mental-health clinicians, kept in an encrypted vault.

With no command (or 'gui') the desktop app opens. Everything else works on the vault
given by --vault, else $NOTEAPP_VAULT, else the vault in your data folder.
"""

EPILOG = """\
secrets:
  The passphrase comes from $NOTEAPP_PASSPHRASE, else a prompt on the terminal.
  A new passphrase (init, passwd, unlock-with-recovery, demo on a new vault) comes from
  $NOTEAPP_NEW_PASSPHRASE, else a prompt (asked twice); init and demo also take
  $NOTEAPP_PASSPHRASE for a vault that does not exist yet. Secrets are never accepted as
  command-line arguments. Set NOTEAPP_DEBUG=1 to see a traceback on unexpected errors.

output:
  Plain text by default; --json on every command that shows or lists things prints one
  JSON document on stdout. Commands that create something print the new id on its own line.

exit codes:
  0  done
  1  a check failed (e.g. the audit chain is broken)
  2  bad usage or input, or an operation refused; nothing was changed
  3  wrong passphrase or recovery key
  4  the vault is missing, damaged, open in another noteapp, or from a newer version

Run 'noteapp COMMAND --help' for the options of each command.
"""


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors in one line (exit 2) instead of a usage dump.

    Abbreviated options are off: `--recovery-key SECRET` must not pass as
    `--recovery-key-file`, and scripts should spell options out anyway.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        prefix = "unrecognized arguments: "
        if message.startswith(prefix):
            # Only options are echoed: a stray value might be a secret pasted by mistake.
            words = message[len(prefix) :].split()
            message = prefix + " ".join(w if w.startswith("-") else "…" for w in words)
        self.exit(EXIT_USAGE, f"noteapp: {message} (see '{self.prog} --help')\n")


class _VersionAction(argparse.Action):
    """--version, looked up only when asked (importlib.metadata is slow to import)."""

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        print(f"noteapp {_version()}")
        parser.exit(0)


def _version() -> str:
    try:
        from importlib import metadata  # only for --version: it is slow to import

        return metadata.version("noteapp")
    except metadata.PackageNotFoundError:
        return "unknown"


def _gui_placeholder(args: argparse.Namespace) -> int:
    # The launcher starts the desktop app before the CLI is reached; this is only for --help.
    common.info("noteapp: start the desktop app with 'noteapp' or 'noteapp gui'.")
    return EXIT_USAGE


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="noteapp",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_VersionAction, nargs=0, help="show the version")
    parser.add_argument(
        "--vault",
        metavar="PATH",
        help="the vault file (default: $NOTEAPP_VAULT, else your data folder)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    gui = subparsers.add_parser("gui", help="open the desktop app (also: no command at all)")
    gui.set_defaults(handler=_gui_placeholder)
    for module in COMMAND_MODULES:
        module.register(subparsers)
    return parser


def _report(message: str) -> None:
    # Error messages may quote a file (a line that differs, a name): shown harmlessly.
    print(f"noteapp: {visible(common.one_line(message))}", file=sys.stderr)


def _debug() -> bool:
    return os.environ.get("NOTEAPP_DEBUG") == "1"


def main(argv: list[str]) -> int:
    """Run one command; returns the exit code (never raises, never prints a traceback)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        code: int = handler(args)
        return code
    except NoteappError as exc:
        if _debug():
            traceback.print_exc()
        _report(str(exc) or type(exc).__name__)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        _report("interrupted; nothing further was changed.")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader of our output went away (e.g. `| head`); not an error of ours.
        _silence_stdout()
        return EXIT_OK
    except OSError as exc:
        if _debug():
            traceback.print_exc()
        where = f": {exc.filename}" if exc.filename else ""
        _report(f"{exc.strerror or type(exc).__name__}{where}")
        return EXIT_USAGE
    except Exception as exc:  # the last line of defence: no traceback, no client data
        if _debug():
            traceback.print_exc()
        _report(
            f"unexpected error ({type(exc).__name__}); the command stopped. "
            "Set NOTEAPP_DEBUG=1 to see the details."
        )
        return EXIT_USAGE


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
