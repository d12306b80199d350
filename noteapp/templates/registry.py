"""Template registry (built-ins from package data, user folder overrides) and template checking."""

from __future__ import annotations

from dataclasses import replace
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from noteapp.templates.model import (
    Template,
    TemplateProblem,
    TemplateRenderError,
    UnknownTemplateError,
)
from noteapp.templates.source import parse_template_source

MAX_TEMPLATE_BYTES = 1_000_000
BUILTIN_PACKAGE = "noteapp.templates"
BUILTIN_FOLDER = "builtin"


def _decode(data: bytes) -> tuple[str | None, list[TemplateProblem]]:
    if len(data) > MAX_TEMPLATE_BYTES:
        return None, [TemplateProblem(1, "the file is larger than 1 MB")]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [TemplateProblem(line, "the file is not valid UTF-8 text")]


def check_template_source(text: str, origin: str) -> tuple[Template | None, list[TemplateProblem]]:
    """Fully check a template's text: structure, Jinja2 syntax, and trial renders.

    Trial renders use an empty and a filled synthetic context inside the sandbox, so a
    template that references an unknown variable or does something forbidden is caught.
    Returns the template (``None`` if it has problems) and the problems sorted by line.
    """
    # The sandbox (Jinja2) is imported only to check a template in full, not to list them.
    from noteapp.templates.context import sample_context
    from noteapp.templates.render import body_syntax_problem, render_note

    template, problems = parse_template_source(text, origin)
    if template is None or problems:
        return None, sorted(problems, key=lambda problem: problem.line)
    syntax = body_syntax_problem(template)
    if syntax is not None:
        return None, [syntax]
    for filled in (False, True):
        try:
            render_note(template, sample_context(template, filled=filled))
        except TemplateRenderError as exc:
            which = "filled" if filled else "empty"
            line = exc.line if exc.line is not None else template.body_line
            problems.append(TemplateProblem(line, f"trial render ({which} note): {exc.message}"))
            break
    return (None if problems else template), problems


def check_template_file(path: Path) -> list[TemplateProblem]:
    """Check a template file (``noteapp template check FILE``); empty list means it is fine."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [TemplateProblem(1, f"cannot read the file ({exc.strerror or 'error'})")]
    text, problems = _decode(data)
    if text is None:
        return problems
    return check_template_source(text, str(path))[1]


def builtin_template_files() -> list[Traversable]:
    """The built-in template files, found as package resources (works from a wheel or zip)."""
    folder = resources.files(BUILTIN_PACKAGE).joinpath(BUILTIN_FOLDER)
    return sorted(
        (item for item in folder.iterdir() if item.name.endswith(".toml")),
        key=lambda item: item.name,
    )


class TemplateRegistry:
    """All note templates: built-ins, overridden by same-id templates in the user folder.

    ``builtin_dir`` defaults to the package's own built-in templates; ``user_dir`` may be
    ``None`` or a folder that does not exist yet. Call :meth:`load` before use.
    """

    def __init__(self, builtin_dir: Path | None = None, user_dir: Path | None = None) -> None:
        self.builtin_dir = builtin_dir
        self.user_dir = user_dir
        self.templates: dict[str, Template] = {}
        self.user_ids: set[str] = set()
        self.broken: list[tuple[Path, str]] = []

    def load(self) -> TemplateRegistry:
        """(Re)load every template. Never raises for a bad template file: it goes to ``broken``."""
        self.templates = {}
        self.user_ids = set()
        self.broken = []
        builtins: list[Traversable | Path]
        if self.builtin_dir is None:
            builtins = list(builtin_template_files())
        else:
            builtins = list(sorted(self.builtin_dir.glob("*.toml")))
        for item in builtins:
            # The package's own templates are checked in full by the test suite (and are
            # compiled when first rendered); reading their structure is enough here. Every
            # other template is checked in full before it is listed.
            self._add(item, user=False, trusted=self.builtin_dir is None)
        if self.user_dir is not None and self.user_dir.is_dir():
            for path in sorted(self.user_dir.glob("*.toml")):
                self._add(path, user=True)
        return self

    def _add(self, item: Traversable | Path, *, user: bool, trusted: bool = False) -> None:
        path = item if isinstance(item, Path) else Path(str(item))
        origin = str(path) if user else f"builtin:{item.name}"
        try:
            data = item.read_bytes()
        except OSError as exc:
            self.broken.append((path, f"line 1: cannot read the file ({exc.strerror or 'error'})"))
            return
        text, problems = _decode(data)
        template = None
        if text is not None:
            check = parse_template_source if trusted else check_template_source
            template, problems = check(text, origin)
        if template is None or problems:
            first = problems[0] if problems else TemplateProblem(1, "invalid template")
            self.broken.append((path, str(first)))
            return
        if user and template.id in self.user_ids:
            self.broken.append(
                (path, f"line 1: another user template already has the id '{template.id}'")
            )
            return
        if user:
            self.user_ids.add(template.id)
        self.templates[template.id] = replace(template, origin=origin)

    def get(self, template_id: str) -> Template:
        """Return the template with ``template_id``; raise :class:`UnknownTemplateError`."""
        try:
            return self.templates[template_id]
        except KeyError:
            raise UnknownTemplateError(template_id) from None

    def ids(self) -> list[str]:
        """Template ids, sorted."""
        return sorted(self.templates)

    def is_user_template(self, template_id: str) -> bool:
        """True when ``template_id`` comes from the user folder (possibly overriding a built-in)."""
        return template_id in self.user_ids
