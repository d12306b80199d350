"""Fixtures for the template tests: synthetic contexts and template sources (no real data)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from noteapp.templates import FieldKind, Template, TemplateRegistry, build_render_context

SIMPLE_SOURCE = """\
id = "simple"
name = "Simple note"
version = 1
description = "A small template used by the tests."

body = '''
# {{ template.name }}
| Client | {{ client.name }}
## Notes
{{ fields.notes }}
{% for item in fields.checks %}
- {{ item }}
{% endfor %}
'''

[[sections]]
field_id = "notes"
label = "Notes"
hint = "Anything."
required = true

[[sections]]
field_id = "checks"
label = "Checks"
kind = "checklist"
options = ["Reviewed safety plan", "Gave 988 information"]
"""


@pytest.fixture(scope="session")
def registry() -> TemplateRegistry:
    return TemplateRegistry().load()


def synthetic_fields(template: Template) -> dict[str, Any]:
    """Deterministic invented values for every section of ``template``."""
    values: dict[str, Any] = {}
    for section in template.sections:
        if section.kind in (FieldKind.MULTI_CHOICE, FieldKind.CHECKLIST):
            values[section.field_id] = list(section.options[:2])
        elif section.kind is FieldKind.CHOICE:
            values[section.field_id] = section.options[-1]
        elif section.kind is FieldKind.SCALE:
            values[section.field_id] = str(section.scale_max)
        else:
            values[section.field_id] = (
                f"Jordan described {section.label.lower()} in their own words (synthetic).\n"
                f'Quoted: "I slept better this week." Markup stays text: # - | {{{{ 7*7 }}}}'
            )
    return values


def filled_context(template: Template) -> dict[str, Any]:
    return build_render_context(
        template,
        fields=synthetic_fields(template),
        client_name="Jordan Avery",
        client_preferred_name="Jordan",
        client_code="JA-0142",
        client_dob="1988-07-14",
        session_date="2024-03-05",
        session_start="14:00",
        session_end="14:53",
        duration_minutes=53,
        service_code="90837",
        modality="Telehealth (video)",
        place_of_service="10",
        participants=["Client", "Partner (Riley Quinn)"],
        diagnoses=[
            ("F41.1", "Generalized anxiety disorder"),
            ("F33.1", "Major depressive disorder, recurrent, moderate"),
        ],
        interventions=["CBT", "Motivational interviewing"],
        suicidal_ideation="denied",
        homicidal_ideation="denied",
        risk_detail="Protective factors: partner, work, dog.",
        member_name="Jordan Avery" if template.group else "",
        member_code="JA-0142" if template.group else "",
    )


ContextFactory = Callable[[Template], dict[str, Any]]


@pytest.fixture(scope="session")
def make_filled_context() -> ContextFactory:
    """The fixed synthetic filled context used for the snapshots."""
    return filled_context


@pytest.fixture(scope="session")
def simple_source() -> str:
    return SIMPLE_SOURCE


@pytest.fixture(scope="session")
def simple_template() -> Template:
    from noteapp.templates import load_template_source

    return load_template_source(SIMPLE_SOURCE, "simple.toml")
