"""`noteapp instrument check|add|list`: the clinician's or agency's own instruments, as data
files (docs/measures.md, "Your own instruments"). `check` needs no vault."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from noteapp.cli import common
from noteapp.cli.common import CommandSpec
from noteapp.domain.display import visible
from noteapp.domain.errors import InvalidInputError

if TYPE_CHECKING:
    from noteapp.services.instruments import Instrument, Problem

CHECK_EPILOG = """\
FILE is an instrument definition (JSON, format 1; docs/measures.md shows every key).
Every problem is printed as FILE:LINE: message, and the exit code is 1 if there is any.
The checks: the file is JSON with no key twice; every key is known; items and answers are
complete; reverse-scored items, skip rules, subscales and flags name real items; bands
cover every possible total with no gap or overlap; a flag can be raised; thresholds lie
inside the scale and cite their source.
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = common.add_group(subparsers, "instrument", "your own measures as data files")
    check = common.add_command(
        group,
        CommandSpec(
            "check",
            "check an instrument file; exit 1 with line-precise problems",
            run_check,
            epilog=CHECK_EPILOG,
        ),
    )
    check.add_argument("file", type=Path, metavar="FILE")
    common.add_json_flag(check)
    add = common.add_command(
        group,
        CommandSpec(
            "add",
            "store a checked instrument (or a new version of one) in the vault; prints its id",
            run_add,
        ),
    )
    add.add_argument("file", type=Path, metavar="FILE")
    lst = common.add_command(
        group, CommandSpec("list", "the built-in and your own instruments", run_list)
    )
    common.add_json_flag(lst)


def _read(path: Path) -> bytes:
    from noteapp.services.instruments import MAX_FILE_BYTES

    if not path.is_file():
        raise InvalidInputError(f"No instrument file at {path}.")
    with path.open("rb") as fh:
        # Read one byte past the limit so the checker can say "too large" without reading
        # a huge file into memory.
        return fh.read(MAX_FILE_BYTES + 1)


def _problem_lines(path: Path, problems: list[Problem]) -> list[str]:
    return [f"{path.name}:{p.line}: {p.message}" for p in sorted(problems, key=lambda p: p.line)]


def run_check(args: argparse.Namespace) -> int:
    from noteapp.services.instruments import check_file

    path: Path = args.file
    inst, problems = check_file(_read(path))
    if args.json:
        common.emit_json(
            {
                "ok": inst is not None,
                "id": inst.id if inst else None,
                "version": inst.version if inst else None,
                "problems": [{"line": p.line, "message": p.message} for p in problems],
            }
        )
    elif inst is None:
        for line in _problem_lines(path, problems):
            common.out(line)
    else:
        common.out(
            f"{path.name}: no problems found ({inst.name} version {inst.version}, "
            f"{len(inst.items)} items, totals {inst.total_min}–{inst.total_max})."
        )
    return 0 if inst is not None else 1


def run_add(args: argparse.Namespace) -> int:
    from noteapp.services.instruments import DefinitionError

    path: Path = args.file
    raw = _read(path)
    with common.unlocked(args) as ws:
        try:
            inst = ws.instruments.add(raw)
        except DefinitionError as exc:
            for line in _problem_lines(path, exc.problems):
                common.info(line)
            raise InvalidInputError(
                f"{path.name} was not added: {len(exc.problems)} problem(s) above "
                "(see 'noteapp instrument check')."
            ) from None
    common.out(inst.id)
    common.info(f"Added {visible(inst.name)} version {inst.version}.")
    return 0


def instrument_json(inst: Instrument, versions: list[int], added_at: str) -> dict[str, Any]:
    rules = inst.rules
    return {
        "id": inst.id,
        "name": inst.name,
        "title": inst.title,
        "version": inst.version,
        "versions": versions,
        "builtin": inst.builtin,
        "added_at": added_at or None,
        "items": len(inst.items),
        "total_min": inst.total_min,
        "total_max": inst.total_max,
        "bands": [{"min": b.min, "max": b.max, "label": b.label} for b in inst.bands],
        "subscales": [s.id for s in inst.subscales],
        "risk_flags": [f.id for f in inst.flags if f.risk],
        "remission_below": rules.remission_below,
        "reliable_change": rules.reliable_change,
        "source": inst.source,
        "terms": inst.terms,
    }


def run_list(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        found = sorted(ws.instruments.current().values(), key=lambda i: (not i.builtin, i.name))
        items = [
            instrument_json(
                inst,
                [v.version for v in ws.instruments.versions_of(inst.id)],
                ws.instruments.added_at(inst),
            )
            for inst in found
        ]
    if args.json:
        common.emit_json(items)
        return 0
    rows = [
        (
            i["id"],
            i["name"],
            str(i["version"]),
            "built-in" if i["builtin"] else "yours",
            f"{i['items']} items, {i['total_min']}–{i['total_max']}",
        )
        for i in items
    ]
    common.out(common.table(("ID", "NAME", "VERSION", "KIND", "SCORING"), rows))
    return 0
