"""How the case-management commands answer: a list as JSON or as a table (or a sentence
when empty), a changed record as JSON or as its id / a sentence; the exit code says when
damaged records may be missing from what was shown."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from noteapp.cli import common
from noteapp.domain.errors import InvalidInputError

if TYPE_CHECKING:
    from noteapp.services.workspace import Workspace


def emit_list(
    args: argparse.Namespace,
    shown: list[dict[str, Any]],
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    empty: str,
    gaps: Sequence[Any] = (),
) -> int:
    if args.json:
        common.emit_json(shown)
    elif rows:
        common.out(common.table(headers, rows))
    else:
        common.info(empty)
    return common.damaged_exit(gaps)


def emit_record(args: argparse.Namespace, shown: dict[str, Any], text: str, *, new: bool) -> int:
    """--json: the record; else a new record's id alone on stdout, or a sentence on stderr."""
    if getattr(args, "json", False):
        common.emit_json(shown)
    elif new:
        common.out(text)
    else:
        common.info(text)
    return 0


# --- exporting a signed record (a referral letter, an incident report) --------------------


def add_export_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", metavar="ID")
    p.add_argument("--out", required=True, type=Path, metavar="FILE.docx")
    p.add_argument(
        "--encrypt",
        action="store_true",
        help="password-protect it (password from $NOTEAPP_EXPORT_PASSWORD or a prompt)",
    )


def export_signed(args: argparse.Namespace, what: str, ready: Callable[[Workspace], str]) -> int:
    """Write the signed record `ready(ws)` returns the id of (it signs, or refuses, first).
    The target is checked and the file password asked before the vault is unlocked."""
    out: Path = args.out
    if out.exists():
        raise InvalidInputError(f"{out} exists already; choose another file name.")
    password = common.read_export_password() if args.encrypt else None
    with common.unlocked(args) as ws:
        written = ws.exports.export_signed_record(ready(ws), out, what=what, password=password)
    common.info(f"Wrote {written}" + (" (password-protected)." if password else "."))
    return 0
