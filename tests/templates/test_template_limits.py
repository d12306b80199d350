"""Hostile templates: compile and render stay within time and memory, nesting is bounded.

The blow-ups run in a child process with a memory cap, so a regression fails with a wrong
message instead of taking the machine's memory (the issue's template took 6 GB); the
timeout there is only a safety net, never what a test asserts.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from noteapp.templates import (
    Template,
    TemplateRenderError,
    build_render_context,
    check_template_source,
    render_note,
)
from noteapp.templates import render as render_module
from noteapp.templates.limits import MAX_BODY_CHARS, MAX_LOOP_NESTING, MAX_NESTING

ROOT = Path(__file__).resolve().parents[2]
MEMORY_CAP = 1024**3  # bytes of address space for the child: far below what the blow-ups need
ISSUE_BODY = "{{ '%1500000000d' % 1 }}"  # issue #9, point 13: 25 s and 6 GB on every command
HOSTILE_SOURCE = f"""\
id = "hostile"
name = "Hostile"
version = 1

body = '''
# {{{{ template.name }}}}
{ISSUE_BODY}
'''

[[sections]]
field_id = "notes"
label = "Notes"
"""

# body → what the refusal says. Each would otherwise run for long or take gigabytes.
BLOW_UPS = {
    ISSUE_BODY: "'%' text formatting is not available",
    "{{ '%s, %s' % (fields.notes, fields.notes) }}": "'%' text formatting is not available",
    "{{ (1).to_bytes(1500000000, 'big') }}": "forbidden in the template sandbox",
    "{{ 'x'|center(1500000000) }}": "the 'width' of 'center' may be at most 1,000",
    "{{ [1]|slice(1500000000)|list }}": "the 'slices' of 'slice' may be at most 1,000",
    "{{ [1]|batch(1500000000, 0)|list }}": "the 'linecount' of 'batch' may be at most 1,000",
    "{{ [1]|tojson(indent=1500000000) }}": "the 'indent' of 'tojson' may be at most 1,000",
    "{{ ('x ' * 100000)|wordwrap(1, wrapstring='y' * 1000) }}": "builds a value that is too large",
    "{{ ('line\\n' * 300000)|indent(1000) }}": "builds a value that is too large",
    # Red team: quadratic inside one filter call, past the render clock (63 s, 13 s before).
    "{{ ('a' * 1999000)|wordwrap(1, true, '') }}": "a word too long to break",
    "{{ ('a' * 999000)|wordwrap(2) }}": "a word too long to break",
    "{{ [[1], [2]]|sum(start=[]) }}": "'sum' adds numbers only",
    "{{ [[1] * 100000] * 100000 }}": "builds a value that is too large",
    # Shared lists: tiny in memory, 10^6 items when printed, compared or sorted.
    "{% set a = [1] * 100000 %}{% set b = [a, a, a, a, a, a, a, a, a, a] %}{{ b == b }}": (
        "builds a value that is too large"
    ),
    "{% set a = 'x' * 1000000 %}{{ {'a': a, 'b': a, 'c': a}|tojson }}": (
        "builds a value that is too large"
    ),
    "{{ ('x' * 2000000)|map('center', 1000)|list|length }}": (
        "builds more than 20,000,000 characters of values"
    ),
    "{% for i in range(10000) %}{{ ('x' * 1000000)|length }}{% endfor %}": (
        "builds more than 20,000,000 characters of values"
    ),
}

_RENDER_ALL = """
import json, sys
from dataclasses import replace
from noteapp.templates import (
    TemplateRenderError, build_render_context, load_template_source, render_note,
)
from tests.templates.conftest import SIMPLE_SOURCE

base = load_template_source(SIMPLE_SOURCE, "simple")
messages = []
for body in json.load(sys.stdin):
    template = replace(base, body=body)
    try:
        render_note(template, build_render_context(template, fields={"notes": "Jordan"}))
        messages.append("rendered")
    except TemplateRenderError as exc:
        messages.append(exc.message)
    except MemoryError:
        messages.append("MemoryError")
print(json.dumps(messages))
"""


def _capped(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run a child with a memory cap (Linux and macOS; elsewhere uncapped)."""

    def cap_memory() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    preexec: Callable[[], None] | None = cap_memory if os.name == "posix" else None
    return subprocess.run(
        args,
        capture_output=True,
        text=True,
        cwd=ROOT,
        preexec_fn=preexec,  # no threads are started before it runs
        timeout=300,
        check=False,
        **kwargs,
    )


@pytest.fixture(scope="module")
def blow_up_messages() -> dict[str, str]:
    bodies = list(BLOW_UPS)
    proc = _capped([sys.executable, "-c", _RENDER_ALL], input=json.dumps(bodies))
    assert proc.returncode == 0, proc.stderr[-2000:]
    return dict(zip(bodies, json.loads(proc.stdout), strict=True))


@pytest.mark.parametrize("body", list(BLOW_UPS))
def test_blow_ups_are_refused_before_they_take_memory(
    blow_up_messages: dict[str, str], body: str
) -> None:
    assert BLOW_UPS[body] in blow_up_messages[body]
    assert "Jordan" not in blow_up_messages[body]


def test_the_issue_template_fails_at_once_in_check_and_list(tmp_path: Path) -> None:
    path = tmp_path / "hostile.toml"
    path.write_text(HOSTILE_SOURCE, encoding="utf-8")
    env = {**os.environ, "NOTEAPP_HOME": str(tmp_path / "home")}
    check = _capped([sys.executable, "-m", "noteapp", "template", "check", str(path)], env=env)
    assert check.returncode == 1, check.stderr
    assert check.stdout == (
        "hostile.toml:7: trial render (empty note): forbidden in the template sandbox: "
        "'%' text formatting is not available (join text with '~')\n"
    )
    # In the user folder it is read on every start: listed as broken, the others still work.
    folder = tmp_path / "home" / "config" / "templates"
    folder.mkdir(parents=True)
    (folder / "hostile.toml").write_text(HOSTILE_SOURCE, encoding="utf-8")
    listed = _capped([sys.executable, "-m", "noteapp", "template", "list"], env=env)
    assert listed.returncode == 0, listed.stderr
    assert "soap" in listed.stdout
    assert "hostile.toml is broken and was not loaded: line 7:" in listed.stderr
    assert "'%' text formatting" in listed.stderr


def test_nothing_is_evaluated_while_compiling(
    simple_template: Template, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Jinja folds constant expressions while compiling, outside every render limit.
    calls: list[str] = []

    def upper(value: str) -> str:
        calls.append(value)
        return value.upper()

    monkeypatch.setitem(render_module._ENV.filters, "upper", upper)
    template = dataclasses.replace(simple_template, body="{{ 'folded?'|upper }} {{ 6 * 7 }}")
    assert render_module.body_syntax_problem(template) is None
    assert calls == []
    doc = render_note(template, build_render_context(template))
    assert calls == ["folded?"]
    assert doc.blocks[0].text == "FOLDED? 42"  # type: ignore[union-attr]


def _deep(open_: str, middle: str, close: str, times: int) -> str:
    return open_ * times + middle + close * times


NESTED = {
    "parentheses": "{{ " + _deep("(", "1", ")", 200) + " }}",
    "lists": "{{ " + _deep("[", "", "]", 200) + " }}",
    "a long sum": "{{ 1" + " + 1" * 3000 + " }}",
    "not not not": "{{ " + "not " * 3000 + "fields.notes }}",
    "minus minus": "{{ " + "-" * 3000 + "1 }}",
    "attributes": "{{ fields" + ".notes" * 3000 + " }}",
    "filters": "{{ fields.notes" + "|upper" * 3000 + " }}",
    "inline ifs": "{{ " + "1 if fields.notes else " * 300 + "1 }}",
    "if blocks": _deep("{% if fields.notes %}", "x", "{% endif %}", 300),
}


@pytest.mark.parametrize("name", list(NESTED))
def test_deep_nesting_is_a_clear_error(simple_template: Template, name: str) -> None:
    template = dataclasses.replace(simple_template, body=NESTED[name])
    with pytest.raises(TemplateRenderError) as info:
        render_note(template, build_render_context(template))
    assert info.value.message == "the template nests expressions or blocks more than 32 deep"
    _, problems = check_template_source(_source(NESTED[name]), "deep.toml")  # template check
    assert [p.message for p in problems] == [info.value.message]


def _source(body: str) -> str:
    return (
        'id = "deep"\nname = "Deep"\nversion = 1\n'
        f"body = '''\n{body}\n'''\n\n"
        '[[sections]]\nfield_id = "notes"\nlabel = "Notes"\n'
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            _deep("{% for i in [1] %}", "x", "{% endfor %}", MAX_LOOP_NESTING + 1),
            "the template nests loops more than 10 deep",
        ),
        (
            _deep("{% for i in [1] %}", "x", "{% endfor %}", 25),  # Python's own limit is 20
            "the template nests loops more than 10 deep",
        ),
        ("{{ " + "9" * 5000 + " }}", "a number in the template is too long"),
        (  # one statement after another, each a level deeper: no nesting in the template
            "{% set a = [] %}" + "{% set a = [a] %}" * 1000 + "{{ a }}",
            "the template nests lists more than 40 deep",
        ),
        ("x" * (MAX_BODY_CHARS + 1), "the template body is longer than 50,000 characters"),
        ("{% set x %}{{ fields.notes }}{% endset %}", "'set' blocks"),
        ("{% filter upper %}x{% endfilter %}", "filter blocks are not allowed"),
        ("{% block b %}x{% endblock %}", "blocks are not allowed"),
        ("{% autoescape true %}x{% endautoescape %}", "autoescape settings are not allowed"),
    ],
)
def test_other_shapes_are_refused(simple_template: Template, body: str, message: str) -> None:
    template = dataclasses.replace(simple_template, body=body)
    with pytest.raises(TemplateRenderError, match=message):
        render_note(template, build_render_context(template))


def test_up_to_the_limits_templates_still_render(simple_template: Template) -> None:
    bodies = {
        "{{ " + _deep("(", "7", ")", MAX_NESTING - 2) + " }}": "7",
        _deep("{% for i in [1] %}", "{{ 'deep' }}", "{% endfor %}", MAX_LOOP_NESTING): "deep",
        "{{ 'x' }}" + "." * (MAX_BODY_CHARS - 9): "x" + "." * (MAX_BODY_CHARS - 9),
        "{{ 7 % 3 }} {{ 7 // 2 }} {{ 2 ** 10 }} {{ [1, 2.5]|sum }}": "1 3 1024 3.5",
        "{{ [1, 2, 3]|slice(2)|list }} {{ [1, 2, 3]|batch(2, 0)|list }}": (
            "[1, 2], [3] [1, 2], [3, 0]"
        ),
        "{{ {'a': [1]}|tojson(indent=2)|length }}": "22",
        "[{{ 'ab'|center(6) }}] {{ 'a b c'|wordwrap(1, wrapstring='/') }}": "[  ab  ] a/b/c",
        "{{ range(3)|join(', ') }} {{ 'a-b'|replace('-', '+') }}": "0, 1, 2 a+b",
    }
    for body, expected in bodies.items():
        template = dataclasses.replace(simple_template, body=body)
        doc = render_note(template, build_render_context(template))
        assert doc.blocks[0].text == expected, body  # type: ignore[union-attr]


@pytest.mark.parametrize("value", ["[" * 3000 + "]" * 3000, "{ a = " * 3000 + "1" + " }" * 3000])
def test_deeply_nested_toml_is_a_problem_not_a_crash(value: str) -> None:
    template, problems = check_template_source(f"x = {value}\n", "deep.toml")
    assert template is None
    assert [(p.line, p.message) for p in problems] == [
        (1, "the file nests arrays or tables more deeply than a template can; it was not read")
    ]
