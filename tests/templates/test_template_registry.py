"""Template registry: built-ins as package data, user overrides, broken files listed not raised."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from noteapp.templates import (
    SectionRole,
    TemplateRegistry,
    UnknownTemplateError,
    builtin_template_files,
    check_template_source,
)

FIELD_IDS = {
    "soap": ["subjective", "objective", "assessment", "plan"],
    "dap": ["data", "assessment", "plan"],
    "birp": ["behavior", "intervention", "response", "plan"],
    "girp": ["goals", "intervention", "response", "plan"],
    "pirp": ["problem", "intervention", "response", "plan"],
    "intake": [
        "presenting_problem", "psychiatric_history", "medical_history", "substance_use_history",
        "family_history", "social_history", "mental_status_exam", "risk_assessment", "diagnosis",
        "recommendations",
    ],
    "group": ["group_topic", "group_modality", "attendance", "participation", "response", "plan"],
    "crisis": [
        "precipitating_event", "risk_assessment", "interventions", "disposition", "safety_plan",
        "follow_up",
    ],
    "contact": ["contact_with", "contact_method", "purpose", "outcome", "referrals"],
    "discharge": ["discharge_reason", "treatment_summary", "goal_status", "aftercare"],
    "psychotherapy": ["process_notes", "impressions", "supervision_questions"],
}  # fmt: skip
RESPONSE_FIELD = {"soap": "assessment", "dap": "assessment", "birp": "response",
                  "girp": "response", "pirp": "response"}  # fmt: skip


def test_builtins_load_from_package_resources(monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)  # nothing relative to the working directory
    names = [item.name for item in builtin_template_files()]
    assert names == sorted(f"{template_id}.toml" for template_id in FIELD_IDS)
    folder = resources.files("noteapp.templates").joinpath("builtin")
    assert folder.joinpath("soap.toml").read_text(encoding="utf-8").startswith('id = "soap"')
    registry = TemplateRegistry().load()
    assert registry.broken == []
    assert registry.ids() == sorted(FIELD_IDS)


def test_builtin_field_ids_kinds_and_flags(registry: TemplateRegistry) -> None:
    for template_id, field_ids in FIELD_IDS.items():
        template = registry.get(template_id)
        assert list(template.field_ids) == field_ids
        assert template.version == 2  # v2: client identity left to the page header
        assert template.psychotherapy == (template_id == "psychotherapy")
        assert template.group == (template_id == "group")
        assert any(section.required for section in template.sections)
        for section in template.sections:
            assert 20 <= len(section.hint) <= 320, (template_id, section.field_id)
    contact_method = registry.get("contact").section("contact_method")
    assert contact_method is not None
    assert contact_method.options == ("phone", "video", "in person", "email", "letter", "other")
    for template_id, field_id in RESPONSE_FIELD.items():
        response = registry.get(template_id).section_for_role(SectionRole.RESPONSE)
        assert response is not None and response.field_id == field_id


def _user_template(folder: Path, file_name: str, template_id: str, name: str) -> Path:
    path = folder / file_name
    path.write_text(
        f'id = "{template_id}"\nname = "{name}"\nversion = 7\n'
        "body = '''\n# {{ template.name }}\n{{ fields.note }}\n'''\n\n"
        '[[sections]]\nfield_id = "note"\nlabel = "Note"\n',
        encoding="utf-8",
    )
    return path


def test_user_template_overrides_builtin(tmp_path: Path) -> None:
    _user_template(tmp_path, "my-soap.toml", "soap", "Agency SOAP")
    _user_template(tmp_path, "extra.toml", "agency_extra", "Agency extra")
    registry = TemplateRegistry(user_dir=tmp_path).load()
    assert registry.get("soap").name == "Agency SOAP"
    assert registry.get("soap").version == 7
    assert registry.is_user_template("soap")
    assert not registry.is_user_template("dap")
    assert "agency_extra" in registry.ids()
    assert registry.get("soap").origin == str(tmp_path / "my-soap.toml")


def test_broken_user_templates_are_listed_not_raised(tmp_path: Path) -> None:
    (tmp_path / "syntax.toml").write_text('id = "x"\nname = \n', encoding="utf-8")
    (tmp_path / "jinja.toml").write_text(
        'id = "j"\nname = "J"\nversion = 1\nbody = "{% if %}"\n\n'
        '[[sections]]\nfield_id = "a"\nlabel = "A"\n',
        encoding="utf-8",
    )
    (tmp_path / "binary.toml").write_bytes(b'id = "b"\n\xff\xfe')
    _user_template(tmp_path, "a.toml", "dup", "First")
    _user_template(tmp_path, "b.toml", "dup", "Second")
    registry = TemplateRegistry(user_dir=tmp_path).load()
    broken = {path.name: message for path, message in registry.broken}
    assert set(broken) == {"syntax.toml", "jinja.toml", "binary.toml", "b.toml"}
    assert broken["syntax.toml"].startswith("line 2: TOML syntax error")
    assert broken["jinja.toml"].startswith("line 4: template syntax error")
    assert broken["binary.toml"].startswith("line 2:")
    assert registry.get("dup").name == "First"
    assert "soap" in registry.ids()  # built-ins still load


def test_unknown_template(registry: TemplateRegistry) -> None:
    with pytest.raises(UnknownTemplateError):
        registry.get("no-such-template")


def test_missing_user_dir_and_custom_builtin_dir(tmp_path: Path) -> None:
    registry = TemplateRegistry(user_dir=tmp_path / "missing").load()
    assert "soap" in registry.ids()
    _user_template(tmp_path, "only.toml", "only", "Only")
    assert TemplateRegistry(builtin_dir=tmp_path).load().ids() == ["only"]


def test_every_builtin_passes_the_full_check() -> None:
    """The registry reads the package's own templates by structure only (they are compiled
    when first rendered): this is the full check they are trusted to pass."""
    for item in builtin_template_files():
        text = item.read_bytes().decode("utf-8")
        template, problems = check_template_source(text, f"builtin:{item.name}")
        assert problems == [], item.name
        assert template is not None
