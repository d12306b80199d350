"""Rendering: field values stay data, the sandbox holds, limits stop runaway templates."""

from __future__ import annotations

import dataclasses
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from noteapp.domain.document import BulletList, Heading, KeyValueTable, Paragraph
from noteapp.templates import (
    Template,
    TemplateRenderError,
    build_render_context,
    render_note,
)

INJECTIONS = [
    "{{ 7*7 }}",
    "{% raw %}x{% endraw %}",
    "{% for x in range(3) %}loop{% endfor %}",
    "{# comment #}",
    "# Not a heading",
    "## Not a heading either",
    "- not a bullet",
    "| Key | not a row",
    "first line\n| a | b\n# heading?\n- bullet?\n\nlast",
    "\ue000smuggled\ue001 sentinels\ue002",
]


def _with_body(template: Template, body: str) -> Template:
    return dataclasses.replace(template, body=body)


def _notes_paragraph(template: Template, value: str) -> str:
    doc = render_note(template, build_render_context(template, fields={"notes": value}))
    # Blocks: client row is dropped (no client), heading "Notes", then the value.
    assert doc.blocks[0] == Heading(2, "Notes")
    block = doc.blocks[1]
    assert isinstance(block, Paragraph)
    return block.text


@pytest.mark.parametrize("value", INJECTIONS)
def test_field_values_are_never_evaluated_or_markup(simple_template: Template, value: str) -> None:
    expected = value.replace("\ue000", "").replace("\ue001", "").replace("\ue002", "")
    assert _notes_paragraph(simple_template, value) == expected
    doc = render_note(
        simple_template, build_render_context(simple_template, fields={"notes": value})
    )
    assert len(doc.blocks) == 2  # no extra headings, rows or bullets were created


def test_injection_in_rows_bullets_and_keys(simple_template: Template) -> None:
    body = "| {{ fields.notes }} | {{ fields.notes }}\n- {{ fields.notes }}\n"
    template = _with_body(simple_template, body)
    value = "a | b\n| c | d\n- e"
    doc = render_note(template, build_render_context(template, fields={"notes": value}))
    assert doc.blocks == (KeyValueTable(((value, value),)), BulletList((value,)))


def test_markup_from_the_template_itself(simple_template: Template) -> None:
    ctx = build_render_context(
        simple_template,
        fields={"notes": "Slept 6 hours.", "checks": ["Reviewed safety plan"]},
        client_name="Jordan Avery",
    )
    doc = render_note(simple_template, ctx)
    assert doc.title == "Simple note"
    assert doc.blocks == (
        KeyValueTable((("Client", "Jordan Avery"),)),
        Heading(2, "Notes"),
        Paragraph("Slept 6 hours."),
        BulletList(("Reviewed safety plan",)),
    )


def test_paragraphs_join_lines_and_split_on_blank(simple_template: Template) -> None:
    template = _with_body(
        simple_template, "one\ntwo\n\nthree\n  \n- a\n- b\nafter\n| K | v\n| L |\n"
    )
    doc = render_note(template, build_render_context(template))
    assert doc.blocks == (
        Paragraph("one\ntwo"),
        Paragraph("three"),
        BulletList(("a", "b")),
        Paragraph("after"),
        KeyValueTable((("K", "v"),)),  # a row without a value is left out
    )
    assert doc.title == "Simple note"  # no leading "# " heading: the template name


@pytest.mark.parametrize(
    "body",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ joiner }}",
        "{{ lipsum() }}",
        "{{ fields._private }}",
        "{{ fields.__class__ }}",
        "{{ range.__globals__ }}",
        "{{ client.name.format_map(fields) }}",
        "{{ 'x'.replace('', 'yyyyyyyy') }}",
        "{{ '{0.__class__}'.format('') }}",
        "{% for i in range(100000000) %}{% endfor %}",
        "{% for i in range(9000) %}{% for j in range(9000) %}{% endfor %}{% endfor %}",
        "{% for c in 'x' * 1000000 %}{% endfor %}",
        "{{ 'x' * 100000000 }}",
        "{{ [1] * 100000000 }}",
        "{{ 9 ** 999999999 }}",
        "{% set a = 'x' * 1000000 %}{% set b = a ~ a ~ a %}{{ b }}",
        "{{ 'x'|center(1000000000) }}",
        "{{ ('x' * 1000000)|replace('', 'yyyy') }}",
        "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
        "{% include 'other' %}",
        "{% for x in [[1]] recursive %}{{ loop(x) }}{% endfor %}",
        "{{ no_such_variable }}",
        "{{ fields.no_such_field }}",
        "{{ session.risk.nothing.deeper }}",
    ],
)
def test_sandbox_escapes_and_limits_fail_cleanly(simple_template: Template, body: str) -> None:
    template = _with_body(simple_template, body)
    started = time.monotonic()
    with pytest.raises(TemplateRenderError) as info:
        render_note(template, build_render_context(template, client_name="Jordan Avery"))
    assert time.monotonic() - started < 10
    assert info.value.message
    assert "Jordan" not in str(info.value)


def test_output_size_is_capped(simple_template: Template) -> None:
    body = "{% for i in range(5000) %}{{ fields.notes }}\n{% endfor %}"
    template = _with_body(simple_template, body)
    ctx = build_render_context(template, fields={"notes": "x" * 1000})
    with pytest.raises(TemplateRenderError, match="larger than 2 MB"):
        render_note(template, ctx)


def test_render_error_reports_the_file_line(simple_template: Template) -> None:
    # The bad expression is on body line 3: reported as a line of the template file.
    template = _with_body(simple_template, "ok\nok\n{{ nope }}\n")
    with pytest.raises(TemplateRenderError) as info:
        render_note(template, build_render_context(template))
    assert info.value.line == simple_template.body_line + 2
    assert "nope" in info.value.message


def test_live_objects_are_refused(simple_template: Template) -> None:
    with pytest.raises(TemplateRenderError, match="plain values"):
        render_note(simple_template, {"fields": {"notes": object()}})


def test_context_has_every_key_and_section(simple_template: Template) -> None:
    ctx = build_render_context(simple_template)
    assert set(ctx) == {"template", "client", "session", "fields", "sections", "member", "extra"}
    assert ctx["fields"] == {"notes": "", "checks": []}
    assert ctx["sections"][1] == {
        "field_id": "checks", "label": "Checks", "kind": "checklist", "required": False,
        "value": [],
    }  # fmt: skip
    assert ctx["session"]["risk"] == {
        "suicidal_ideation": "", "homicidal_ideation": "", "detail": ""
    }  # fmt: skip
    assert ctx["template"] == {"id": "simple", "name": "Simple note", "version": 1}


def test_list_values_print_comma_separated(simple_template: Template) -> None:
    template = _with_body(simple_template, "{{ fields.checks }}")
    ctx = build_render_context(template, fields={"checks": ["a", "b"]})
    assert render_note(template, ctx).blocks == (Paragraph("a, b"),)


_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\ue000\ue001\ue002"),
    min_size=1,
    max_size=200,
).filter(lambda text: text.strip() != "")


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=_TEXT)
def test_any_text_value_round_trips_literally(simple_template: Template, value: str) -> None:
    assert _notes_paragraph(simple_template, value) == value
