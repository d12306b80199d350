"""The render context: plain dicts, lists and strings from keyword arguments, with defaults."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from noteapp.templates.markup import strip_sentinels
from noteapp.templates.model import FieldKind, Template

FieldValue = str | Sequence[str]
_MAX_DEPTH = 20


def plain_context(value: Mapping[str, Any]) -> dict[str, Any]:
    """Copy ``value`` as plain data (dict/list/str/int/float/bool/None), cleaning strings.

    Live objects are refused (``TypeError``) so templates can never reach application
    code; the private-use characters used to protect values are stripped from strings.
    """
    result = _plain(value, 0)
    assert isinstance(result, dict)
    return result


def _plain(value: Any, depth: int) -> Any:
    if depth > _MAX_DEPTH:
        raise TypeError("the render context is nested too deeply")
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return strip_sentinels(value)
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError("render context keys must be strings")
            out[strip_sentinels(key)] = _plain(item, depth + 1)
        return out
    if isinstance(value, list | tuple):
        return [_plain(item, depth + 1) for item in value]
    raise TypeError(f"the render context may hold only plain values, not {type(value).__name__}")


def _field_value(kind: FieldKind, raw: object) -> str | list[str]:
    if kind in (FieldKind.MULTI_CHOICE, FieldKind.CHECKLIST):
        if raw is None or raw == "":
            return []
        if isinstance(raw, str):
            return [raw]
        return [str(item) for item in raw]  # type: ignore[attr-defined]
    if raw is None:
        return ""
    if isinstance(raw, list | tuple):
        return ", ".join(str(item) for item in raw)
    return str(raw)


def build_render_context(
    template: Template,
    *,
    fields: Mapping[str, FieldValue] | None = None,
    client_name: str = "",
    client_preferred_name: str = "",
    client_code: str = "",
    client_dob: str = "",
    session_date: str = "",
    session_start: str = "",
    session_end: str = "",
    duration_minutes: int | None = None,
    service_code: str = "",
    modality: str = "",
    place_of_service: str = "",
    participants: Sequence[str] = (),
    diagnoses: Sequence[tuple[str, str]] = (),
    interventions: Sequence[str] = (),
    suicidal_ideation: str = "",
    homicidal_ideation: str = "",
    risk_detail: str = "",
    member_name: str = "",
    member_code: str = "",
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Build the complete render context for ``template`` from plain values.

    Every key exists (empty string, empty list or ``None`` when unknown) and every section
    of the template has a value in ``fields``, so templates never fail on missing data.
    Values for field ids the template does not define are kept in ``fields`` as well.
    Dates and times are passed preformatted (``"2024-03-05"``, ``"14:00"``).
    """
    given = dict(fields or {})
    values: dict[str, Any] = {}
    sections: list[dict[str, Any]] = []
    for section in template.sections:
        value = _field_value(section.kind, given.pop(section.field_id, None))
        values[section.field_id] = value
        sections.append(
            {
                "field_id": section.field_id,
                "label": section.label,
                "kind": section.kind.value,
                "required": section.required,
                "value": value,
            }
        )
    for field_id, raw in given.items():
        values[field_id] = raw if isinstance(raw, str) else [str(item) for item in raw]
    context: dict[str, Any] = {
        "template": {"id": template.id, "name": template.name, "version": template.version},
        "client": {
            "name": client_name,
            "preferred_name": client_preferred_name,
            "code": client_code,
            "dob": client_dob,
        },
        "session": {
            "date": session_date,
            "start": session_start,
            "end": session_end,
            "duration_minutes": duration_minutes,
            "service_code": service_code,
            "modality": modality,
            "place_of_service": place_of_service,
            "participants": list(participants),
            "diagnoses": [{"code": code, "description": text} for code, text in diagnoses],
            "interventions": list(interventions),
            "risk": {
                "suicidal_ideation": suicidal_ideation,
                "homicidal_ideation": homicidal_ideation,
                "detail": risk_detail,
            },
        },
        "fields": values,
        "sections": sections,
        "member": {"name": member_name, "code": member_code},
        "extra": dict(extra or {}),
    }
    return plain_context(context)


def _sample_value(template: Template, field_id: str) -> FieldValue:
    section = template.section(field_id)
    assert section is not None
    if section.kind in (FieldKind.MULTI_CHOICE, FieldKind.CHECKLIST):
        return list(section.options[:2])
    if section.kind is FieldKind.CHOICE:
        return section.options[0]
    if section.kind is FieldKind.SCALE:
        return str((section.scale_min + section.scale_max) // 2)
    return (
        f"Sample {section.label.lower()} text.\n"
        f"Second line with symbols that must stay literal: # - | {{{{ 7*7 }}}} {{% raw %}}"
    )


def sample_context(template: Template, *, filled: bool) -> dict[str, Any]:
    """A synthetic context for trial renders: every value empty, or every value filled."""
    if not filled:
        return build_render_context(template)
    return build_render_context(
        template,
        fields={field_id: _sample_value(template, field_id) for field_id in template.field_ids},
        client_name="Jordan Avery",
        client_preferred_name="Jordan",
        client_code="JA-0001",
        client_dob="1990-01-01",
        session_date="2024-03-05",
        session_start="14:00",
        session_end="14:53",
        duration_minutes=53,
        service_code="90837",
        modality="Telehealth (video)",
        place_of_service="10",
        participants=("Client",),
        diagnoses=(("F41.1", "Generalized anxiety disorder"),),
        interventions=("CBT", "Motivational interviewing"),
        suicidal_ideation="denied",
        homicidal_ideation="denied",
        risk_detail="",
        member_name="Jordan Avery" if template.group else "",
        member_code="JA-0001" if template.group else "",
    )
