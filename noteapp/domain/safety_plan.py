"""Safety plans: the six-step structure (warning signs; internal coping strategies; people and
places that distract; people to ask for help; professionals and crisis lines; making the
environment safe) plus the client's reasons for living. Versioned like treatment plans.

`ClientCopy` is what the client takes home: plain words, no codes, no signatures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from noteapp.domain.errors import InvalidInputError

MAX_ITEMS = 50
MAX_TEXT = 2000


class SafetyPlanStatus(StrEnum):
    DRAFT = "draft"
    SIGNED = "signed"
    SUPERSEDED = "superseded"  # a later version was signed


@dataclass(frozen=True)
class SupportContact:
    """A person or place: `role` is a relationship ("sister") or a role ("therapist")."""

    name: str
    phone: str = ""
    role: str = ""

    def line(self) -> str:
        """ "Aunt May (aunt) — 555-0123"."""
        text = f"{self.name} ({self.role})" if self.role else self.name
        return f"{text} — {self.phone}" if self.phone else text


@dataclass(frozen=True)
class CrisisLine:
    """E.g. name "988 Suicide & Crisis Lifeline", action "Call or text", number "988"."""

    name: str
    number: str
    action: str = "Call"
    notes: str = ""

    @property
    def call(self) -> str:
        """What to do, in a few words: "Call or text 988", "Text HOME to 741741"."""
        return f"{self.action} {self.number}".strip()


@dataclass(frozen=True)
class SafetyPlan:
    """One version of a client's safety plan."""

    id: str
    series: str  # the same for every version of one client's safety plan
    client_id: str
    version: int
    status: SafetyPlanStatus = SafetyPlanStatus.DRAFT
    warning_signs: tuple[str, ...] = ()
    internal_coping: tuple[str, ...] = ()
    distractions: tuple[SupportContact, ...] = ()  # people and places that distract
    people_to_ask: tuple[SupportContact, ...] = ()
    professionals: tuple[SupportContact, ...] = ()
    crisis_lines: tuple[CrisisLine, ...] = ()
    environment_safety: tuple[str, ...] = ()  # making the environment safe (lethal means)
    reasons_for_living: tuple[str, ...] = ()
    created_on: date | None = None
    signed_on: date | None = None
    signature_ids: tuple[str, ...] = ()
    record_version: int = 0

    def __repr__(self) -> str:  # the content is PHI
        return f"SafetyPlan(id={self.id!r}, version={self.version}, status={self.status.value})"

    @property
    def is_signed(self) -> bool:
        return self.status != SafetyPlanStatus.DRAFT

    @property
    def is_current(self) -> bool:
        """Signed and not superseded by a later signed version."""
        return self.status == SafetyPlanStatus.SIGNED


# --- client copy -----------------------------------------------------------------------


@dataclass(frozen=True)
class ClientCopyStep:
    heading: str  # "Step 1 — Warning signs that a crisis may be developing"
    prompt: str  # one short plain-language sentence
    items: tuple[str, ...]


@dataclass(frozen=True)
class ClientCopy:
    """The client's own copy of a safety plan, as plain values (see noteapp.export)."""

    name: str  # the client's preferred or first name
    made_on: str  # "5 January 2026"
    crisis_lines: tuple[CrisisLine, ...]
    steps: tuple[ClientCopyStep, ...]
    reasons_for_living: tuple[str, ...]
    title: str = "My safety plan"
    keep_line: str = "Keep this where you can find it."


# --- dict round trip -------------------------------------------------------------------


def _d(v: date | None) -> str | None:
    return v.isoformat() if v else None


def _pd(v: Any) -> date | None:
    return date.fromisoformat(v) if isinstance(v, str) and v else None


def contact_to_dict(c: SupportContact) -> dict[str, str]:
    return {"name": c.name, "phone": c.phone, "role": c.role}


def crisis_line_to_dict(c: CrisisLine) -> dict[str, str]:
    return {"name": c.name, "number": c.number, "action": c.action, "notes": c.notes}


def _contact(d: dict[str, Any]) -> SupportContact:
    return SupportContact(str(d["name"]), str(d.get("phone", "")), str(d.get("role", "")))


def _line(d: dict[str, Any]) -> CrisisLine:
    return CrisisLine(
        str(d["name"]), str(d["number"]), str(d.get("action", "Call")), str(d.get("notes", ""))
    )


def content_to_dict(p: SafetyPlan) -> dict[str, Any]:
    """The editable content only (the import shape)."""
    return {
        "warning_signs": list(p.warning_signs),
        "internal_coping": list(p.internal_coping),
        "distractions": [contact_to_dict(c) for c in p.distractions],
        "people_to_ask": [contact_to_dict(c) for c in p.people_to_ask],
        "professionals": [contact_to_dict(c) for c in p.professionals],
        "crisis_lines": [crisis_line_to_dict(c) for c in p.crisis_lines],
        "environment_safety": list(p.environment_safety),
        "reasons_for_living": list(p.reasons_for_living),
    }


def safety_plan_to_dict(p: SafetyPlan) -> dict[str, Any]:
    return {
        "id": p.id,
        "series": p.series,
        "client_id": p.client_id,
        "version": p.version,
        "status": p.status.value,
        **content_to_dict(p),
        "created_on": _d(p.created_on),
        "signed_on": _d(p.signed_on),
        "signature_ids": list(p.signature_ids),
    }


def safety_plan_from_dict(d: dict[str, Any], *, record_version: int = 0) -> SafetyPlan:
    return SafetyPlan(
        id=str(d["id"]),
        series=str(d["series"]),
        client_id=str(d["client_id"]),
        version=int(d["version"]),
        status=SafetyPlanStatus(d.get("status", "draft")),
        warning_signs=tuple(str(x) for x in d.get("warning_signs", [])),
        internal_coping=tuple(str(x) for x in d.get("internal_coping", [])),
        distractions=tuple(_contact(x) for x in d.get("distractions", [])),
        people_to_ask=tuple(_contact(x) for x in d.get("people_to_ask", [])),
        professionals=tuple(_contact(x) for x in d.get("professionals", [])),
        crisis_lines=tuple(_line(x) for x in d.get("crisis_lines", [])),
        environment_safety=tuple(str(x) for x in d.get("environment_safety", [])),
        reasons_for_living=tuple(str(x) for x in d.get("reasons_for_living", [])),
        created_on=_pd(d.get("created_on")),
        signed_on=_pd(d.get("signed_on")),
        signature_ids=tuple(str(x) for x in d.get("signature_ids", [])),
        record_version=record_version,
    )


# --- import: checked as a whole, every problem named by its path -----------------------

TEXT_LISTS = (
    "warning_signs",
    "internal_coping",
    "environment_safety",
    "reasons_for_living",
)
CONTACT_LISTS = ("distractions", "people_to_ask", "professionals")
# What `safety-plan show --json` adds; accepted and ignored on import.
READ_ONLY_KEYS = frozenset(
    {"id", "series", "client_id", "version", "status", "created_on", "signed_on", "signature_ids"}
)
CONTENT_KEYS = frozenset({*TEXT_LISTS, *CONTACT_LISTS, "crisis_lines"})


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.items.append(f"{path}: {message}")


def _text(value: Any, path: str, problems: _Problems, *, required: bool = True) -> str:
    if value is None:
        if required:
            problems.add(path, "is required")
        return ""
    if not isinstance(value, str):
        problems.add(path, "must be text")
        return ""
    text = " ".join(value.split())
    if required and not text:
        problems.add(path, "must not be empty")
    if len(text) > MAX_TEXT:
        problems.add(path, f"is too long ({MAX_TEXT} characters at most)")
    return text


def _list(data: dict[str, Any], key: str, problems: _Problems) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        problems.add(key, "must be a list")
        return []
    if len(value) > MAX_ITEMS:
        problems.add(key, f"has too many items ({MAX_ITEMS} at most)")
        return []
    return value


def _object(
    item: Any, path: str, problems: _Problems, allowed: frozenset[str]
) -> dict[str, Any] | None:
    if isinstance(item, str):
        return {"name": item}
    if not isinstance(item, dict):
        problems.add(path, "must be an object (or text for just a name)")
        return None
    for key in sorted(set(item) - allowed):
        problems.add(f"{path}.{key}", "is not a known field")
    return item


def _blank_row(obj: dict[str, Any]) -> bool:
    """An editor's empty row: every field missing or blank text."""
    values = [obj.get(k, "") for k in ("name", "phone", "role")]
    return all(isinstance(v, str) and not v.strip() for v in values)


def content_from_json(data: Any, *, default_crisis_lines: tuple[CrisisLine, ...]) -> dict[str, Any]:
    """The content fields of a safety plan from JSON (docs/safety-plans.md).

    Raises InvalidInputError naming every problem with its path (e.g. `professionals[1].phone:
    must be text`); returns keyword arguments for SafetyPlan. Without "crisis_lines" the
    defaults are used."""
    if not isinstance(data, dict):
        raise InvalidInputError("A safety plan is one JSON object (see docs/safety-plans.md).")
    problems = _Problems()
    for key in sorted(set(data) - CONTENT_KEYS - READ_ONLY_KEYS):
        problems.add(key, "is not a known field")
    out: dict[str, Any] = {}
    for key in TEXT_LISTS:
        # Blank items are dropped (an editor's empty row), not errors.
        texts = [
            _text(x, f"{key}[{i}]", problems, required=False)
            for i, x in enumerate(_list(data, key, problems))
        ]
        out[key] = tuple(t for t in texts if t)
    contact_keys = frozenset({"name", "phone", "role"})
    for key in CONTACT_LISTS:
        contacts = []
        for i, item in enumerate(_list(data, key, problems)):
            obj = _object(item, f"{key}[{i}]", problems, contact_keys)
            if obj is None or _blank_row(obj):
                continue  # an empty row
            contacts.append(
                SupportContact(
                    _text(obj.get("name"), f"{key}[{i}].name", problems),
                    _text(obj.get("phone"), f"{key}[{i}].phone", problems, required=False),
                    _text(obj.get("role"), f"{key}[{i}].role", problems, required=False),
                )
            )
        out[key] = tuple(contacts)
    if "crisis_lines" in data:
        lines = []
        line_keys = frozenset({"name", "number", "action", "notes"})
        for i, item in enumerate(_list(data, "crisis_lines", problems)):
            path = f"crisis_lines[{i}]"
            if not isinstance(item, dict):
                problems.add(path, "must be an object with name and number")
                continue
            obj = _object(item, path, problems, line_keys)
            assert obj is not None
            if all(
                isinstance(obj.get(k, ""), str) and not obj.get(k, "").strip() for k in line_keys
            ):
                continue  # an empty row
            action = _text(obj.get("action"), f"{path}.action", problems, required=False)
            lines.append(
                CrisisLine(
                    _text(obj.get("name"), f"{path}.name", problems),
                    _text(obj.get("number"), f"{path}.number", problems),
                    action or "Call",
                    _text(obj.get("notes"), f"{path}.notes", problems, required=False),
                )
            )
        out["crisis_lines"] = tuple(lines)
    else:
        out["crisis_lines"] = default_crisis_lines
    if problems.items:
        count = len(problems.items)
        raise InvalidInputError(
            f"The safety plan has {count} problem{'s' if count > 1 else ''}: "
            + "; ".join(problems.items)
        )
    return out


def crisis_lines_from_json(data: Any) -> tuple[CrisisLine, ...]:
    """A list of crisis lines (the editable defaults), checked like an import."""
    if isinstance(data, dict) and "crisis_lines" in data:
        data = data["crisis_lines"]
    if not isinstance(data, list):
        raise InvalidInputError("Crisis lines are a list of {name, number, action, notes}.")
    fields = content_from_json({"crisis_lines": data}, default_crisis_lines=())
    lines: tuple[CrisisLine, ...] = fields["crisis_lines"]
    return lines
