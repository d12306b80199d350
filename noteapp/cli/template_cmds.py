"""`noteapp template …`: list the templates, and check a custom template file."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from noteapp.cli import common
from noteapp.cli.common import CommandSpec
from noteapp.domain.errors import InvalidInputError
from noteapp.services.paths import default_paths

if TYPE_CHECKING:
    from noteapp.services.templates import TemplateCatalog


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = common.add_group(subparsers, "template", "note templates")
    lst = common.add_command(
        group, CommandSpec("list", "built-in and custom templates (and broken ones)", run_list)
    )
    common.add_json_flag(lst)
    check = common.add_command(
        group,
        CommandSpec(
            "check", "validate a custom template file; exit 1 if it has problems", run_check
        ),
    )
    check.add_argument("file", type=Path, metavar="FILE")
    common.add_json_flag(check)


def _catalog() -> TemplateCatalog:
    from noteapp.services.templates import TemplateCatalog

    # Templates need no vault: the built-ins plus the user's template folder.
    return TemplateCatalog(user_dir=default_paths().user_templates_dir)


def run_list(args: argparse.Namespace) -> int:
    catalog = _catalog()
    templates = catalog.list()
    if args.json:
        common.emit_json(
            {
                "templates": [
                    {
                        "id": t.id,
                        "name": t.name,
                        "version": t.version,
                        "fields": [s.field_id for s in t.sections],
                        "psychotherapy": t.psychotherapy,
                        "group": t.group,
                    }
                    for t in templates
                ],
                "broken": [{"file": str(p), "error": e} for p, e in catalog.broken],
                "folder": str(catalog.user_dir),
            }
        )
        return 0
    rows = [
        (t.id, t.name, str(t.version), ", ".join(s.field_id for s in t.sections)) for t in templates
    ]
    common.out(common.table(("ID", "NAME", "VERSION", "FIELDS"), rows))
    for path, error in catalog.broken:
        common.warn(f"{path.name} is broken and was not loaded: {error}")
    common.info(f"Custom templates folder: {catalog.user_dir}")
    return 0


def run_check(args: argparse.Namespace) -> int:
    from noteapp.services.templates import TemplateCatalog

    path: Path = args.file
    if not path.is_file():
        raise InvalidInputError(f"No template file at {path}.")
    problems = TemplateCatalog.check_file(path)
    if args.json:
        common.emit_json(
            {
                "ok": not problems,
                "problems": [{"line": p.line, "message": p.message} for p in problems],
            }
        )
    elif problems:
        for p in problems:
            common.out(f"{path.name}:{p.line}: {p.message}")
    else:
        common.out(f"{path.name}: no problems found.")
    return 1 if problems else 0
