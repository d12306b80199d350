"""Shared CLI plumbing: vault resolution, secrets, the open workspace, output and parsing."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import textwrap
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from noteapp.domain.display import escape_json_text, visible
from noteapp.domain.errors import InvalidInputError, RecordIntegrityError, VaultMissingError
from noteapp.services.paths import resolve_vault_path

if TYPE_CHECKING:
    from noteapp.services.damaged_record import DamagedRecord
    from noteapp.services.workspace import Workspace

PASSPHRASE_ENV = "NOTEAPP_PASSPHRASE"  # noqa: S105 - the name of a variable, not a secret
NEW_PASSPHRASE_ENV = "NOTEAPP_NEW_PASSPHRASE"  # noqa: S105 - the name of a variable

Handler = Callable[[argparse.Namespace], int]


# --- the parser ------------------------------------------------------------------------


def _vault_parent() -> argparse.ArgumentParser:
    # --vault is also accepted after the command; SUPPRESS keeps the global value otherwise.
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--vault",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="the vault file (default: $NOTEAPP_VAULT, else your data folder)",
    )
    return parent


VAULT_PARENT = _vault_parent()


@dataclass
class CommandSpec:
    """What one leaf command needs to be added to a sub-parser list."""

    name: str
    help: str
    handler: Handler
    description: str = ""
    epilog: str = ""
    aliases: Sequence[str] = field(default_factory=tuple)


def add_command(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], spec: CommandSpec
) -> argparse.ArgumentParser:
    """Add a leaf command (it accepts --vault too) and bind its handler."""
    parser = subparsers.add_parser(
        spec.name,
        help=spec.help,
        description=spec.description or spec.help[:1].upper() + spec.help[1:] + ".",
        epilog=spec.epilog or None,
        parents=[VAULT_PARENT],
        aliases=list(spec.aliases),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(handler=spec.handler)
    return parser


def add_group(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    help_text: str,
    description: str = "",
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    """A command with sub-commands (`client add`, `client list`, ...)."""
    parser = subparsers.add_parser(
        name,
        help=help_text,
        description=description or help_text[:1].upper() + help_text[1:] + ".",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    group = parser.add_subparsers(dest=f"{name}_command", metavar="COMMAND", title="commands")
    group.required = True
    return group


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json", action="store_true", help="print one JSON document on stdout instead of text"
    )


def add_kdf_options(parser: argparse.ArgumentParser, *, what: str) -> None:
    text = (
        f"Settings for {what}. Default: calibrated to about one second on this computer "
        "(never below 64 MiB, 3 iterations, 4 lanes). Values below OWASP's minimum "
        "(19 MiB, 2 iterations) are refused."
    )
    group = parser.add_argument_group(
        "key derivation (Argon2id)",
        textwrap.fill(text, 86, initial_indent="  ", subsequent_indent="  "),
    )
    group.add_argument("--kdf-memory-mib", type=int, metavar="N", help="memory in MiB")
    group.add_argument("--kdf-iterations", type=int, metavar="N", help="number of passes")
    group.add_argument("--kdf-lanes", type=int, metavar="N", help="parallel lanes")


def kdf_from_args(args: argparse.Namespace) -> Any:
    """Explicit Argon2 settings (checked), or None to let the core calibrate."""
    from noteapp.services.workspace import kdf_params

    memory, iterations, lanes = args.kdf_memory_mib, args.kdf_iterations, args.kdf_lanes
    if memory is None and iterations is None and lanes is None:
        return None
    # The upper bounds (what a vault file may ask for) are checked, and named, by kdf_params.
    return kdf_params(memory_mib=memory, iterations=iterations, lanes=lanes)


# --- the vault and secrets -------------------------------------------------------------


def vault_path(args: argparse.Namespace) -> Path:
    return resolve_vault_path(getattr(args, "vault", None))


def stdin_is_tty() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, OSError, ValueError):
        return False


def _env(name: str) -> str | None:
    value = os.environ.get(name)
    return value if value else None


def read_export_password(*, confirm: bool = True) -> str:
    """NOTEAPP_EXPORT_PASSWORD, else a prompt on the terminal (twice for a new file, once to
    open an existing one); never an argument."""
    value = _env("NOTEAPP_EXPORT_PASSWORD")
    if value is not None:
        return value
    if not stdin_is_tty():
        raise InvalidInputError("no file password given: set NOTEAPP_EXPORT_PASSWORD")
    first = getpass.getpass("File password: ")
    if not confirm:
        return first
    if getpass.getpass("File password again: ") != first:
        raise InvalidInputError("The two file passwords differ; nothing was written.")
    return first


def read_passphrase(prompt: str = "Passphrase: ") -> str:
    """NOTEAPP_PASSPHRASE, else a prompt on the terminal; never an argument."""
    value = _env(PASSPHRASE_ENV)
    if value is not None:
        return value
    if not stdin_is_tty():
        raise InvalidInputError(f"no passphrase given: set {PASSPHRASE_ENV}")
    return getpass.getpass(prompt)


def read_new_passphrase(*, for_new_vault: bool = False) -> str:
    """NOTEAPP_NEW_PASSPHRASE, else a prompt twice; checked for length.

    For a vault that does not exist yet there is no "current" passphrase, so
    NOTEAPP_PASSPHRASE is accepted too (scripts often export only that one).
    """
    from noteapp.services.workspace import check_new_passphrase

    value = _env(NEW_PASSPHRASE_ENV)
    if value is None and for_new_vault:
        value = _env(PASSPHRASE_ENV)
    if value is None:
        if not stdin_is_tty():
            raise InvalidInputError(f"no new passphrase given: set {NEW_PASSPHRASE_ENV}")
        value = getpass.getpass("New passphrase: ")
        check_new_passphrase(value)
        if getpass.getpass("Repeat the new passphrase: ") != value:
            raise InvalidInputError("The two passphrases differ; nothing was changed.")
    check_new_passphrase(value)
    return value


def require_vault(path: Path) -> None:
    # Checked before asking for a passphrase, so nobody types it for nothing.
    if not path.is_file():
        raise VaultMissingError(f"No vault found at {path}. Create one with 'noteapp init'.")


def report_problems(ws: Workspace) -> None:
    """Records that failed to decrypt are reported, never silently dropped: one warning per
    damaged record (kind, short id, client code where known), then what to do about them."""
    records = ws.damage.records()
    for record in records:
        warn(record.sentence())
    if records:
        warn(ws.damage.advice(records))


# Output printed but incomplete because records are damaged: the vault is (partly) corrupt.
EXIT_DAMAGED = int(RecordIntegrityError.exit_code)


def damaged_exit(records: Sequence[DamagedRecord]) -> int:
    """The exit code of a command whose output these damaged records are missing from."""
    return EXIT_DAMAGED if records else 0


def gaps_of(ws: Workspace, kind: str, client_id: str) -> list[DamagedRecord]:
    """Damaged records of a kind that are, or may be, this client's (what a list or show
    of that kind may be missing)."""
    return [r for r in ws.damage.records() if r.kind == kind and r.concerns(client_id)]


def damaged_entry(
    ws: Workspace, record: DamagedRecord, keys: Iterable[str], **known: Any
) -> dict[str, Any]:
    """A damaged record as an entry of a --json list: the usual keys (null where unknown),
    `damaged: true`, and what is known about it under `damage`."""
    return {**dict.fromkeys(keys), **known, "damaged": True, "damage": ws.damage.as_json(record)}


def client_id_even_if_damaged(ws: Workspace, key: str) -> str:
    """The id of a client given by id or code; for a damaged client, its id all the same (its
    notes are readable and still listed; the warnings above say what is missing)."""
    try:
        return ws.clients.get(key).id
    except RecordIntegrityError as err:
        if err.kind != "client":
            raise
        return err.record_id


def show_damaged(ws: Workspace, err: RecordIntegrityError, *, as_json: bool) -> int:
    """`… show` of a damaged record: what is known of it (never an empty record), exit 4."""
    record = ws.damage.find(err.kind, err.record_id)
    if record is None:
        raise err
    if as_json:
        emit_json({"id": record.record_id, "damaged": True, "damage": ws.damage.as_json(record)})
    else:
        known = [
            f"client {record.client_code}" if record.client_code else "",
            "signed" if record.signed else "",
            f"date of service {record.date}" if record.date else "",
        ]
        out(f"DAMAGED · {record.label} {record.record_id}")
        if any(known):
            out("Known from other records: " + ", ".join(k for k in known if k) + ".")
    print(f"noteapp: {one_line(str(err))}", file=sys.stderr)
    return EXIT_DAMAGED


def report_warnings(ws: Workspace) -> None:
    """What the user should know about the vault just opened (an older copy, an upgrade)."""
    for warning in ws.warnings:
        warn(str(warning))


@contextmanager
def close_after(ws: Workspace) -> Iterator[Workspace]:
    """Always close (backs up if changed, releases the lock); an earlier error wins."""
    try:
        yield ws
    except BaseException:
        with suppress(Exception):
            ws.close()
        raise
    ws.close()


@contextmanager
def unlocked(args: argparse.Namespace) -> Iterator[Workspace]:
    """The vault of this command, unlocked with the passphrase, closed afterwards."""
    from noteapp.services.workspace import Workspace

    path = vault_path(args)
    require_vault(path)
    passphrase = read_passphrase()
    ws = Workspace.unlock(path, passphrase)
    # Signing re-checks the passphrase: the one just typed counts, not a second prompt.
    args.unlock_passphrase = passphrase
    with close_after(ws):
        report_warnings(ws)
        report_problems(ws)
        yield ws


# --- output ----------------------------------------------------------------------------


# Every line the CLI prints passes through out/warn/info/emit_json, so text that came from a
# file or a record (a forged export's client name, a template name) can never drive the
# terminal: control characters and bidi overrides are shown as escapes (domain.display).
# Callers escape single values with `visible` too, so a value's own newline cannot forge a
# line of output; the multiline pass here is the safety net for everything else.


def out(text: str = "") -> None:
    print(visible(text, multiline=True), file=sys.stdout)


def warn(text: str) -> None:
    print(f"noteapp: warning: {visible(one_line(text))}", file=sys.stderr)


def info(text: str) -> None:
    """Messages for the person at the terminal, kept off stdout when it is data."""
    print(visible(text, multiline=True), file=sys.stderr)


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def emit_json(document: Any) -> None:
    """One JSON document; strings keep their exact value, unsafe characters as \\uXXXX."""
    text = json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False)
    sys.stdout.write(escape_json_text(text) + "\n")


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Aligned columns; the last column is not padded. Cells are shown escaped (`visible`)."""
    rows = [[visible(str(cell)) for cell in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))
    lines = []
    for row in [list(headers), *[list(r) for r in rows]]:
        cells = [c.ljust(widths[i]) for i, c in enumerate(row[:-1])] + [row[-1]]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


# --- parsing ---------------------------------------------------------------------------


def parse_date(text: str | None, what: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInputError(f"The {what} must be a date like 2024-03-15.") from None


def write_private_file(path: Path, text: str) -> None:
    """Create a new owner-only file; refuse to overwrite anything."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
