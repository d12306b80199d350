"""Template files: parsing, canonical round trip, `template check` problems with line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from noteapp.templates import (
    FieldKind,
    Section,
    SectionRole,
    Template,
    TemplateRegistry,
    TemplateSourceError,
    check_template_file,
    load_template_source,
    template_to_source,
)


def _problems(tmp_path: Path, text: str) -> list[tuple[int, str]]:
    path = tmp_path / "custom.toml"
    path.write_text(text, encoding="utf-8")
    return [(problem.line, problem.message) for problem in check_template_file(path)]


def _line_of(text: str, needle: str, occurrence: int = 1) -> int:
    count = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            count += 1
            if count == occurrence:
                return number
    raise AssertionError(needle)


def test_simple_source_parses(simple_template: Template) -> None:
    assert simple_template.id == "simple"
    assert simple_template.sections[0] == Section(
        field_id="notes", label="Notes", hint="Anything.", required=True
    )
    checks = simple_template.sections[1]
    assert checks.kind is FieldKind.CHECKLIST
    assert checks.options == ("Reviewed safety plan", "Gave 988 information")
    assert simple_template.body_line == 7  # the line after `body = '''`
    assert simple_template.body.startswith("# {{ template.name }}\n")


def test_good_file_has_no_problems(tmp_path: Path, simple_source: str) -> None:
    assert _problems(tmp_path, simple_source) == []


def test_toml_syntax_error_line(tmp_path: Path, simple_source: str) -> None:
    text = simple_source.replace('label = "Checks"', "label = Checks oops")
    problems = _problems(tmp_path, text)
    assert problems[0][0] == _line_of(text, "label = Checks oops")
    assert "TOML syntax error" in problems[0][1]


def test_jinja_syntax_error_line(tmp_path: Path, simple_source: str) -> None:
    text = simple_source.replace("{{ fields.notes }}", "{{ fields.notes ")
    problems = _problems(tmp_path, text)
    assert len(problems) == 1
    # Jinja reports where it noticed the problem: the unterminated tag's line or the next.
    assert problems[0][0] in (_line_of(text, "{{ fields.notes "), _line_of(text, "{% for item"))
    assert "syntax error" in problems[0][1]


def test_jinja_unknown_tag_line(tmp_path: Path, simple_source: str) -> None:
    text = simple_source.replace("## Notes", "{% frobnicate %}")
    assert _problems(tmp_path, text)[0][0] == _line_of(text, "{% frobnicate %}")


def test_duplicate_field_id_line(tmp_path: Path, simple_source: str) -> None:
    text = simple_source.replace('field_id = "checks"', 'field_id = "notes"')
    problems = _problems(tmp_path, text)
    first, second = _line_of(text, 'field_id = "notes"'), _line_of(text, 'field_id = "notes"', 2)
    assert problems == [(second, f"duplicate field id 'notes' (first used on line {first})")]


def test_unknown_kind_line(tmp_path: Path, simple_source: str) -> None:
    text = simple_source.replace('kind = "checklist"', 'kind = "checkbox"')
    problems = _problems(tmp_path, text)
    assert problems[0][0] == _line_of(text, 'kind = "checkbox"')
    assert "unknown kind 'checkbox'" in problems[0][1]


def test_structure_problems_each_have_their_line(tmp_path: Path, simple_source: str) -> None:
    text = (
        (
            simple_source.replace("version = 1", 'version = 0\ncolour = "blue"')
            .replace('field_id = "notes"', 'field_id = "Notes!"')
            .replace('options = ["Reviewed safety plan", "Gave 988 information"]', "")
        )
        + '\n[[sections]]\nfield_id = "mood"\nlabel = "Mood"\nkind = "scale"\n'
        + 'scale_min = 5\nscale_max = 1\nrole = "vibes"\n'
    )
    problems = dict((message.split(" (")[0], line) for line, message in _problems(tmp_path, text))
    assert problems["'version' must be a whole number, 1 or more"] == _line_of(text, "version = 0")
    assert problems["unknown key 'colour'"] == _line_of(text, "colour")
    bad_id = "field_id must start with a lowercase letter and use only a-z, 0-9 and '_'"
    assert problems[bad_id] == _line_of(text, "Notes!")
    assert problems["a checklist section needs a list of 'options'"] == _line_of(text, '"checks"')
    assert problems["'scale_max' must be greater than 'scale_min'"] == _line_of(text, "scale_max")
    assert problems["unknown role 'vibes'"] == _line_of(text, "vibes")


def test_missing_keys(tmp_path: Path) -> None:
    problems = _problems(tmp_path, 'id = "x"\n\n[[sections]]\nlabel = "A"\n')
    messages = [message for _, message in problems]
    assert "missing required key 'name'" in messages
    assert "missing required key 'body'" in messages
    assert (3, "section 1: missing required key 'field_id'") in problems


def test_body_after_sections_is_explained(tmp_path: Path, simple_source: str) -> None:
    text = simple_source + "body = 'late'\n"
    messages = [message for _, message in _problems(tmp_path, text)]
    assert any("put 'body' before the first [[sections]]" in message for message in messages)


def test_trial_render_catches_unknown_variable(tmp_path: Path, simple_source: str) -> None:
    text = simple_source.replace("{{ client.name }}", "{{ clinet.name }}")
    problems = _problems(tmp_path, text)
    assert problems[0][0] == _line_of(text, "clinet.name")
    assert "trial render" in problems[0][1] and "clinet" in problems[0][1]


def test_load_raises_with_every_problem(simple_source: str) -> None:
    text = simple_source.replace('kind = "checklist"', 'kind = "nope"').replace(
        'label = "Notes"', "label = 3"
    )
    with pytest.raises(TemplateSourceError) as info:
        load_template_source(text, "custom.toml")
    assert len(info.value.problems) == 2
    assert str(info.value).startswith("custom.toml: line ")


def test_builtins_round_trip_exactly(registry: TemplateRegistry) -> None:
    for template in registry.templates.values():
        source = template_to_source(template)
        again = load_template_source(source, "snapshot")
        assert again == template
        assert template_to_source(again) == source


def test_tricky_template_round_trips() -> None:
    template = Template(
        id="tricky-1",
        name='Quotes "and" back\\slashes',
        version=7,
        description="Tabs\tand unicode — ✓",
        sections=(
            Section(
                "mood",
                "Mood",
                kind=FieldKind.SCALE,
                scale_min=1,
                scale_max=3,
                scale_labels=("low", "ok", "high"),
                role=SectionRole.PROGRESS,
            ),
            Section("done", "Done", kind=FieldKind.MULTI_CHOICE, options=("a'''b", 'c"""d')),
        ),
        body="'''{{ fields.mood }}\\n \"\"\" '\n\x01\r\n",
        psychotherapy=True,
        group=True,
    )
    assert load_template_source(template_to_source(template), "x") == template
    plain = Template("p", "P", 1, "", (Section("a", "A"),), body="ends with quote'")
    assert load_template_source(template_to_source(plain), "x") == plain
