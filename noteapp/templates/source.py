"""Template files: TOML parsing and validation, with a line number for every problem."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import Any

from noteapp.templates.model import (
    FIELD_ID_RE,
    OPTION_KINDS,
    TEMPLATE_ID_RE,
    FieldKind,
    Section,
    SectionRole,
    Template,
    TemplateProblem,
    TemplateSourceError,
)

TOP_REQUIRED = ("id", "name", "version", "body", "sections")
TOP_OPTIONAL = ("description", "psychotherapy", "group")
SECTION_REQUIRED = ("field_id", "label")
SECTION_OPTIONAL = (
    "hint",
    "required",
    "kind",
    "options",
    "scale_min",
    "scale_max",
    "scale_labels",
    "role",
)
MAX_SCALE_POINTS = 101
_SECTIONS_HEADER = re.compile(r"\s*\[\[\s*sections\s*\]\]")
_TOML_LINE = re.compile(r"at line (\d+)")
_TOO_DEEP = "the file nests arrays or tables more deeply than a template can; it was not read"


@dataclass(frozen=True, slots=True)
class SourceMap:
    """Where keys and sections sit in a template file, to give every problem a line."""

    structural: tuple[tuple[int, str], ...]
    section_lines: tuple[int, ...]

    @classmethod
    def of(cls, text: str) -> SourceMap:
        lines = _structural_lines(text)
        headers = tuple(no for no, line in lines if _SECTIONS_HEADER.match(line))
        return cls(structural=tuple(lines), section_lines=headers)

    def _find(self, key: str, start: int, stop: int | None) -> int | None:
        pattern = re.compile(rf"\s*(?:{re.escape(key)}|\"{re.escape(key)}\")\s*=")
        for no, line in self.structural:
            if no < start or (stop is not None and no >= stop):
                continue
            if pattern.match(line):
                return no
        return None

    def top_key(self, key: str) -> int:
        """Line of a top-level key (before the first ``[[sections]]``), else line 1."""
        stop = self.section_lines[0] if self.section_lines else None
        return self._find(key, 1, stop) or 1

    def section(self, index: int) -> int:
        """Line of the ``[[sections]]`` header of section ``index`` (0-based)."""
        if index < len(self.section_lines):
            return self.section_lines[index]
        return self._find("sections", 1, None) or 1

    def section_key(self, index: int, key: str) -> int:
        """Line of ``key`` inside section ``index``, else the section header line."""
        if index >= len(self.section_lines):
            return self.section(index)
        start = self.section_lines[index]
        stop = self.section_lines[index + 1] if index + 1 < len(self.section_lines) else None
        return self._find(key, start, stop) or start

    def body_first_line(self, text: str) -> int:
        """File line holding the first line of the body string."""
        line = self.top_key("body")
        raw = text.splitlines()[line - 1] if line - 1 < len(text.splitlines()) else ""
        match = re.match(r"\s*\"?body\"?\s*=\s*('''|\"\"\")(.*)$", raw)
        if match and match.group(2).strip() == "":
            return line + 1  # TOML trims the newline right after the opening quotes
        return line


def _structural_lines(text: str) -> list[tuple[int, str]]:
    """Lines that start outside any multi-line string (so body text is never mistaken for keys)."""
    result: list[tuple[int, str]] = []
    open_delim: str | None = None
    for no, line in enumerate(text.splitlines(), start=1):
        pos = 0
        if open_delim is not None:
            end = line.find(open_delim)
            if end < 0:
                continue
            pos = end + 3
            open_delim = None
        else:
            result.append((no, line))
        open_delim = _scan_line(line, pos)
    return result


def _scan_line(line: str, pos: int) -> str | None:
    """Scan from ``pos``; return the delimiter of a multi-line string left open, if any."""
    while pos < len(line):
        ch = line[pos]
        if ch == "#":
            return None
        if line.startswith(("'''", '"""'), pos):
            delim = line[pos : pos + 3]
            end = line.find(delim, pos + 3)
            if end < 0:
                return delim
            pos = end + 3
            continue
        if ch in "\"'":
            pos += 1
            while pos < len(line) and line[pos] != ch:
                pos += 2 if ch == '"' and line[pos] == "\\" else 1
        pos += 1
    return None


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _str_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


class _Validator:
    """Collects problems while turning parsed TOML into a :class:`Template`."""

    def __init__(self, text: str) -> None:
        self.map = SourceMap.of(text)
        self.text = text
        self.problems: list[TemplateProblem] = []

    def add(self, line: int, message: str) -> None:
        self.problems.append(TemplateProblem(line, message))

    def top(self, data: dict[str, Any], origin: str) -> Template | None:
        for key in TOP_REQUIRED:
            if key not in data:
                self.add(1, f"missing required key '{key}'")
        for key in data:
            if key not in TOP_REQUIRED and key not in TOP_OPTIONAL:
                self.add(self.map.top_key(key), f"unknown key '{key}'")
        checks: dict[str, tuple[type, str]] = {
            "id": (str, "a string"),
            "name": (str, "a string"),
            "description": (str, "a string"),
            "body": (str, "a string"),
            "psychotherapy": (bool, "true or false"),
            "group": (bool, "true or false"),
        }
        for key, (kind, what) in checks.items():
            if key in data and not isinstance(data[key], kind):
                self.add(self.map.top_key(key), f"'{key}' must be {what}")
        template_id = data.get("id")
        if isinstance(template_id, str) and not TEMPLATE_ID_RE.fullmatch(template_id):
            self.add(
                self.map.top_key("id"),
                "'id' must start with a lowercase letter and use only a-z, 0-9, '_' or '-'",
            )
        if isinstance(data.get("name"), str) and not data["name"].strip():
            self.add(self.map.top_key("name"), "'name' must not be empty")
        version = data.get("version")
        if "version" in data and (not _is_int(version) or version < 1):  # type: ignore[operator]
            self.add(self.map.top_key("version"), "'version' must be a whole number, 1 or more")
        sections = self.sections(data.get("sections"))
        if self.problems:
            return None
        return Template(
            id=data["id"],
            name=data["name"],
            version=data["version"],
            description=data.get("description", ""),
            sections=tuple(sections),
            body=data["body"],
            psychotherapy=data.get("psychotherapy", False),
            group=data.get("group", False),
            origin=origin,
            body_line=self.map.body_first_line(self.text),
        )

    def sections(self, raw: object) -> list[Section]:
        if raw is None:
            return []
        if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
            self.add(self.map.top_key("sections"), "'sections' must be [[sections]] tables")
            return []
        if not raw:
            self.add(self.map.top_key("sections"), "a template needs at least one section")
        result: list[Section] = []
        seen_ids: dict[str, int] = {}
        seen_roles: dict[str, int] = {}
        for index, item in enumerate(raw):
            section = self.section(index, item)
            if section is None:
                continue
            line = self.map.section_key(index, "field_id")
            if section.field_id in seen_ids:
                self.add(
                    line,
                    f"duplicate field id '{section.field_id}' "
                    f"(first used on line {seen_ids[section.field_id]})",
                )
            else:
                seen_ids[section.field_id] = line
            if section.role is not None:
                role_line = self.map.section_key(index, "role")
                if section.role in seen_roles:
                    self.add(
                        role_line,
                        f"role '{section.role}' is already used on line {seen_roles[section.role]}",
                    )
                else:
                    seen_roles[section.role] = role_line
            result.append(section)
        return result

    def section(self, index: int, item: dict[str, Any]) -> Section | None:
        before = len(self.problems)
        where = self.map.section(index)

        def line(key: str) -> int:
            return self.map.section_key(index, key)

        for key in SECTION_REQUIRED:
            if key not in item:
                self.add(where, f"section {index + 1}: missing required key '{key}'")
        for key in item:
            if key not in SECTION_REQUIRED and key not in SECTION_OPTIONAL:
                hint = " (put 'body' before the first [[sections]])" if key == "body" else ""
                self.add(line(key), f"section {index + 1}: unknown key '{key}'{hint}")
        field_id = item.get("field_id")
        if "field_id" in item and (
            not isinstance(field_id, str) or not FIELD_ID_RE.fullmatch(field_id)
        ):
            self.add(
                line("field_id"),
                "field_id must start with a lowercase letter and use only a-z, 0-9 and '_' "
                "(at most 41 characters)",
            )
        for key in ("label", "hint"):
            if key in item and not isinstance(item[key], str):
                self.add(line(key), f"'{key}' must be a string")
        if isinstance(item.get("label"), str) and not item["label"].strip():
            self.add(line("label"), "'label' must not be empty")
        if "required" in item and not isinstance(item["required"], bool):
            self.add(line("required"), "'required' must be true or false")
        kind = self._kind(item, line)
        role = self._role(item, line)
        options = self._options(item, kind, line)
        scale = self._scale(item, kind, line)
        if len(self.problems) > before or kind is None:
            return None
        return Section(
            field_id=item["field_id"],
            label=item["label"],
            hint=item.get("hint", ""),
            required=item.get("required", False),
            kind=kind,
            options=options,
            scale_min=scale[0],
            scale_max=scale[1],
            scale_labels=scale[2],
            role=role,
        )

    def _kind(self, item: dict[str, Any], line: Any) -> FieldKind | None:
        raw = item.get("kind", "text")
        try:
            return FieldKind(raw)
        except ValueError:
            allowed = ", ".join(kind.value for kind in FieldKind)
            self.add(line("kind"), f"unknown kind {raw!r} (use one of: {allowed})")
            return None

    def _role(self, item: dict[str, Any], line: Any) -> SectionRole | None:
        if "role" not in item:
            return None
        try:
            return SectionRole(item["role"])
        except ValueError:
            allowed = ", ".join(role.value for role in SectionRole)
            self.add(line("role"), f"unknown role {item['role']!r} (use one of: {allowed})")
            return None

    def _options(self, item: dict[str, Any], kind: FieldKind | None, line: Any) -> tuple[str, ...]:
        raw = item.get("options")
        if raw is None:
            if kind in OPTION_KINDS:
                self.add(line("field_id"), f"a {kind} section needs a list of 'options'")
            return ()
        if kind is not None and kind not in OPTION_KINDS:
            self.add(line("options"), f"'options' do not apply to a {kind} section")
            return ()
        if not _str_list(raw) or not raw:
            self.add(line("options"), "'options' must be a non-empty list of strings")
            return ()
        if len(set(raw)) != len(raw):
            self.add(line("options"), "'options' contains the same option twice")
        if any(not option.strip() for option in raw):
            self.add(line("options"), "'options' must not contain empty strings")
        return tuple(raw)

    def _scale(
        self, item: dict[str, Any], kind: FieldKind | None, line: Any
    ) -> tuple[int, int, tuple[str, ...]]:
        keys = ("scale_min", "scale_max", "scale_labels")
        if kind is not FieldKind.SCALE:
            for key in keys:
                if key in item and kind is not None:
                    self.add(line(key), f"'{key}' only applies to a scale section")
            return 0, 10, ()
        low, high, labels = (
            item.get("scale_min", 0),
            item.get("scale_max", 10),
            item.get("scale_labels", []),
        )
        for key, value in (("scale_min", low), ("scale_max", high)):
            if not _is_int(value):
                self.add(line(key), f"'{key}' must be a whole number")
                return 0, 10, ()
        if low >= high:
            self.add(line("scale_max"), "'scale_max' must be greater than 'scale_min'")
        elif high - low + 1 > MAX_SCALE_POINTS:
            self.add(line("scale_max"), f"a scale may have at most {MAX_SCALE_POINTS} points")
        if not _str_list(labels):
            self.add(line("scale_labels"), "'scale_labels' must be a list of strings")
            return low, high, ()
        if labels and len(labels) != high - low + 1:
            self.add(
                line("scale_labels"),
                f"'scale_labels' needs one label per point ({high - low + 1}), or none",
            )
        return low, high, tuple(labels)


def parse_template_source(text: str, origin: str) -> tuple[Template | None, list[TemplateProblem]]:
    """Parse and validate the TOML of a template; return it (or None) and every problem found.

    This checks structure only; Jinja2 syntax is checked by :func:`load_template_source`.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = _TOML_LINE.search(str(exc))
        end = "end of document" in str(exc)
        line = int(match.group(1)) if match else max(1, len(text.splitlines())) if end else 1
        message = _TOML_LINE.split(str(exc))[0].replace("(at end of document)", "").rstrip(" (")
        return None, [TemplateProblem(line, f"TOML syntax error: {message}")]
    except RecursionError:  # tomllib recurses once per nested array or inline table
        return None, [TemplateProblem(1, _TOO_DEEP)]
    validator = _Validator(text)
    template = validator.top(data, origin)
    return template, validator.problems


def load_template_source(text: str, origin: str, *, compile_body: bool = True) -> Template:
    """Parse a template file's text; raise :class:`TemplateSourceError` listing every problem.

    ``origin`` names the file in messages (a path or ``builtin:soap``). The Jinja2 body
    is compiled in the sandbox, so syntax errors are reported here with their file line —
    unless ``compile_body`` is False: a template noteapp checked before it stored it (a
    note's snapshot) is compiled when it is first rendered, in the same sandbox.
    """
    template, problems = parse_template_source(text, origin)
    if template is not None and compile_body:
        from noteapp.templates.render import body_syntax_problem

        problem = body_syntax_problem(template)
        if problem is not None:
            problems.append(problem)
    if problems or template is None:
        raise TemplateSourceError(origin, problems)
    return template
