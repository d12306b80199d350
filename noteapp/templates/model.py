"""Note template definitions (sections, field kinds, roles) and the template errors."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

FIELD_ID_RE = re.compile(r"[a-z][a-z0-9_]{0,40}")
TEMPLATE_ID_RE = re.compile(r"[a-z][a-z0-9_-]{0,40}")


class FieldKind(StrEnum):
    """How a section is entered: free text, one choice, several choices, a checklist, a scale."""

    TEXT = "text"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"
    CHECKLIST = "checklist"
    SCALE = "scale"


OPTION_KINDS = frozenset({FieldKind.CHOICE, FieldKind.MULTI_CHOICE, FieldKind.CHECKLIST})
LIST_KINDS = frozenset({FieldKind.MULTI_CHOICE, FieldKind.CHECKLIST})


class SectionRole(StrEnum):
    """What a section means to the documentation checklist (e.g. the client's response)."""

    RESPONSE = "response"
    INTERVENTIONS = "interventions"
    RISK_ASSESSMENT = "risk_assessment"
    PLAN = "plan"
    PROGRESS = "progress"


@dataclass(frozen=True, slots=True)
class Section:
    """One field of a note template."""

    field_id: str
    label: str
    hint: str = ""
    required: bool = False
    kind: FieldKind = FieldKind.TEXT
    options: tuple[str, ...] = ()
    scale_min: int = 0
    scale_max: int = 10
    scale_labels: tuple[str, ...] = ()
    role: SectionRole | None = None

    @property
    def is_list(self) -> bool:
        """True when the value is a list of strings (multi-choice, checklist)."""
        return self.kind in LIST_KINDS


@dataclass(frozen=True, slots=True)
class Template:
    """A versioned note template: metadata, sections and the Jinja2 body.

    ``origin`` (where it was loaded from) and ``body_line`` (the file line holding the
    body's first line, so body errors can be reported as file lines) are not part of
    equality: two templates with the same content are the same template.
    """

    id: str
    name: str
    version: int
    description: str
    sections: tuple[Section, ...]
    body: str
    psychotherapy: bool = False
    group: bool = False
    origin: str = field(default="", compare=False)
    body_line: int = field(default=1, compare=False)

    def section(self, field_id: str) -> Section | None:
        """Return the section with ``field_id``, or ``None``."""
        for section in self.sections:
            if section.field_id == field_id:
                return section
        return None

    def section_for_role(self, role: SectionRole) -> Section | None:
        """Return the section that plays ``role`` (e.g. the client's response), or ``None``."""
        for section in self.sections:
            if section.role == role:
                return section
        return None

    @property
    def field_ids(self) -> tuple[str, ...]:
        """The field ids in section order."""
        return tuple(section.field_id for section in self.sections)


@dataclass(frozen=True, slots=True)
class TemplateProblem:
    """One problem found in a template file; ``line`` is 1-based within the file."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class TemplateError(Exception):
    """Base class of template errors; messages never contain client data."""


class TemplateSourceError(TemplateError):
    """A template file is invalid; ``problems`` lists every problem with its line."""

    def __init__(self, origin: str, problems: list[TemplateProblem]) -> None:
        self.origin = origin
        self.problems = problems
        first = problems[0] if problems else TemplateProblem(1, "invalid template")
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{origin}: {first}{more}")

    @property
    def line(self) -> int:
        """Line of the first problem."""
        return self.problems[0].line if self.problems else 1


class TemplateRenderError(TemplateError):
    """Rendering failed (template bug, forbidden operation, limit exceeded).

    ``line`` is the template file line when known (see :attr:`Template.body_line`).
    """

    def __init__(self, message: str, line: int | None = None) -> None:
        self.message = message
        self.line = line
        super().__init__(f"line {line}: {message}" if line is not None else message)


class UnknownTemplateError(TemplateError, KeyError):
    """No template with the requested id."""

    def __init__(self, template_id: str) -> None:
        self.template_id = template_id
        super().__init__(f"unknown template: {template_id!r}")

    def __str__(self) -> str:
        return f"unknown template: {self.template_id!r}"
