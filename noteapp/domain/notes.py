"""Progress notes: session metadata, fields, status, and hooks for signing, plans, measures.

A note is a pure value. Every save of a draft is a new version of its vault record, so draft
history is kept; a signed note never changes again (corrections are separate records).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from noteapp.domain.clients import Diagnosis
from noteapp.domain.errors import InvalidInputError
from noteapp.domain.ids import ClientId, NoteId
from noteapp.domain.medications import AdherenceEntry, adherence_from_dict, adherence_to_dict

FieldValue = str | list[str]


class NoteStatus(StrEnum):
    DRAFT = "draft"
    SIGNED = "signed"


class Modality(StrEnum):
    IN_PERSON = "in-person"
    VIDEO = "video"
    AUDIO = "audio"

    @property
    def label(self) -> str:
        return {
            "in-person": "In person",
            "video": "Telehealth (video)",
            "audio": "Telehealth (audio only)",
        }[self.value]


class ScreenResult(StrEnum):
    NOT_ASSESSED = "not-assessed"
    DENIED = "denied"
    PRESENT = "present"


@dataclass(frozen=True)
class RiskScreen:
    """Suicidal / homicidal ideation as screened in session. `detail` is the clinician's
    risk assessment narrative when a screen is positive."""

    suicidal_ideation: ScreenResult = ScreenResult.NOT_ASSESSED
    homicidal_ideation: ScreenResult = ScreenResult.NOT_ASSESSED
    detail: str = ""

    @property
    def positive(self) -> bool:
        return ScreenResult.PRESENT in (self.suicidal_ideation, self.homicidal_ideation)

    @property
    def assessed(self) -> bool:
        return ScreenResult.NOT_ASSESSED not in (self.suicidal_ideation, self.homicidal_ideation)

    def summary(self) -> str:
        def word(r: ScreenResult) -> str:
            return {"not-assessed": "not assessed", "denied": "denied", "present": "present"}[
                r.value
            ]

        return (
            f"Suicidal ideation {word(self.suicidal_ideation)}; "
            f"homicidal ideation {word(self.homicidal_ideation)}."
        )


RISK_LEVELS = ("low", "moderate", "high", "imminent")
RISK_AREAS = (
    ("suicidal_ideation", "Suicidal ideation"),
    ("homicidal_ideation", "Homicidal ideation"),
    ("self_harm", "Self-harm"),
)
_AREA_QUESTIONS = (
    ("plan", "plan"),
    ("intent", "intent"),
    ("means", "access to means"),
    ("history", "history"),
)


@dataclass(frozen=True)
class RiskArea:
    """One area of a structured risk assessment. None = not answered yet."""

    present: bool | None = None
    plan: bool | None = None
    intent: bool | None = None
    means: bool | None = None
    history: bool | None = None
    notes: str = ""

    def missing(self) -> list[str]:
        if self.present is None:
            return ["presence"]
        if not self.present:
            return []
        return [label for key, label in _AREA_QUESTIONS if getattr(self, key) is None]

    def summary(self) -> str:
        def yn(v: bool | None) -> str:
            return "not answered" if v is None else ("yes" if v else "no")

        if self.present is None:
            text = "not answered"
        elif not self.present:
            text = "denied"
            if self.history is not None:
                text += f"; history: {yn(self.history)}"
        else:
            text = "present; " + "; ".join(
                f"{label}: {yn(getattr(self, key))}" for key, label in _AREA_QUESTIONS
            )
        return text + (f" — {self.notes.strip()}" if self.notes.strip() else "")


@dataclass(frozen=True)
class RiskAssessment:
    """The structured risk assessment section of a note (issue 6)."""

    suicidal_ideation: RiskArea = field(default_factory=RiskArea)
    homicidal_ideation: RiskArea = field(default_factory=RiskArea)
    self_harm: RiskArea = field(default_factory=RiskArea)
    protective_factors: str = ""
    risk_level: str = ""  # one of RISK_LEVELS
    actions_taken: str = ""

    def missing(self) -> list[str]:
        """What still needs an answer, in plain words (empty when complete)."""
        out: list[str] = []
        for key, label in RISK_AREAS:
            area: RiskArea = getattr(self, key)
            out.extend(f"{label.lower()}: {m}" for m in area.missing())
        if self.risk_level not in RISK_LEVELS:
            out.append("risk level")
        if not self.actions_taken.strip():
            out.append("actions taken")
        return out

    def is_complete(self) -> bool:
        """Every presence answered; where present, plan/intent/means/history answered; a
        risk level and the actions taken filled in."""
        return not self.missing()

    def rows(self) -> tuple[tuple[str, str], ...]:
        """(label, value) rows as the note's document shows them."""
        rows = [(label, getattr(self, key).summary()) for key, label in RISK_AREAS]
        rows.append(("Protective factors", self.protective_factors.strip() or "—"))
        rows.append(("Risk level", self.risk_level or "not rated"))
        rows.append(("Actions taken", self.actions_taken.strip() or "—"))
        return tuple(rows)


def _area_to_dict(a: RiskArea) -> dict[str, Any]:
    return {
        "present": a.present,
        "plan": a.plan,
        "intent": a.intent,
        "means": a.means,
        "history": a.history,
        "notes": a.notes,
    }


def risk_assessment_to_dict(r: RiskAssessment) -> dict[str, Any]:
    return {
        **{key: _area_to_dict(getattr(r, key)) for key, _label in RISK_AREAS},
        "protective_factors": r.protective_factors,
        "risk_level": r.risk_level,
        "actions_taken": r.actions_taken,
    }


def _text(value: Any, where: str, limit: int = 20_000) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInputError(f"{where} takes text.")
    if len(value) > limit:
        raise InvalidInputError(f"{where} is too long ({limit:,} characters at most).")
    return value


def _answer(value: Any, where: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("yes", "no", ""):
        word = value.strip().lower()
        return None if not word else word == "yes"
    raise InvalidInputError(f'{where} is true/false (or "yes"/"no"), or null if unknown.')


def risk_assessment_from_dict(d: Any) -> RiskAssessment:
    """Strict: the JSON shape of docs/measures.md. Raises InvalidInputError naming the path."""
    if not isinstance(d, dict):
        raise InvalidInputError("A risk assessment is a JSON object.")
    known = {k for k, _l in RISK_AREAS} | {"protective_factors", "risk_level", "actions_taken"}
    unknown = sorted(set(d) - known)
    if unknown:
        raise InvalidInputError(
            f"Unknown risk-assessment key “{str(unknown[0])[:40]}”; the keys are: "
            + ", ".join(sorted(known))
            + "."
        )
    areas: dict[str, RiskArea] = {}
    for key, _label in RISK_AREAS:
        raw = d.get(key) or {}
        if not isinstance(raw, dict):
            raise InvalidInputError(f"{key} is an object.")
        extra = sorted(set(raw) - {"present", "plan", "intent", "means", "history", "notes"})
        if extra:
            raise InvalidInputError(f"{key}: unknown key “{str(extra[0])[:40]}”.")
        areas[key] = RiskArea(
            present=_answer(raw.get("present"), f"{key}.present"),
            plan=_answer(raw.get("plan"), f"{key}.plan"),
            intent=_answer(raw.get("intent"), f"{key}.intent"),
            means=_answer(raw.get("means"), f"{key}.means"),
            history=_answer(raw.get("history"), f"{key}.history"),
            notes=_text(raw.get("notes"), f"{key}.notes"),
        )
    level = _text(d.get("risk_level"), "risk_level").strip().lower()
    if level and level not in RISK_LEVELS:
        raise InvalidInputError("risk_level is one of: " + ", ".join(RISK_LEVELS) + ".")
    return RiskAssessment(
        suicidal_ideation=areas["suicidal_ideation"],
        homicidal_ideation=areas["homicidal_ideation"],
        self_harm=areas["self_harm"],
        protective_factors=_text(d.get("protective_factors"), "protective_factors"),
        risk_level=level,
        actions_taken=_text(d.get("actions_taken"), "actions_taken"),
    )


@dataclass(frozen=True)
class SessionInfo:
    date: date
    start: time | None = None
    end: time | None = None
    service_code: str = ""
    modality: Modality = Modality.IN_PERSON
    place_of_service: str = ""
    participants: tuple[str, ...] = ()
    diagnoses: tuple[Diagnosis, ...] = ()
    interventions: tuple[str, ...] = ()
    risk: RiskScreen = field(default_factory=RiskScreen)
    extended_reason: str = ""  # why a session ran past 52 minutes

    @property
    def duration_minutes(self) -> int | None:
        """Derived from start and stop; a stop before the start counts as past midnight."""
        if self.start is None or self.end is None:
            return None
        s = self.start.hour * 60 + self.start.minute
        e = self.end.hour * 60 + self.end.minute
        return e - s if e >= s else e + 24 * 60 - s


@dataclass(frozen=True)
class Note:
    id: NoteId
    client_id: ClientId
    template_id: str
    template_version: int
    template_snapshot: str  # id of the stored template source this note was written with
    session: SessionInfo
    fields: dict[str, FieldValue]
    status: NoteStatus = NoteStatus.DRAFT
    created_at: datetime | None = None
    updated_at: datetime | None = None
    psychotherapy: bool = False
    group_id: str = ""  # notes written from one group session share it
    copied_from: str = ""
    # Hooks for later issues: signing (signature record ids), goal progress, measures.
    signature_ids: tuple[str, ...] = ()
    goal_progress: tuple[dict[str, Any], ...] = ()
    measures: tuple[dict[str, Any], ...] = ()
    # Issue 6: the structured risk assessment, and checklist overrides recorded on signing
    # ({"rule": "risk_flag_followup", "reason": "…"}).
    risk_assessment: RiskAssessment | None = None
    overrides: tuple[dict[str, str], ...] = ()
    # Medication adherence recorded in this session (docs/medications.md): signed with it.
    adherence: tuple[AdherenceEntry, ...] = ()
    version: int = 0  # the vault record version this value was read from

    def __repr__(self) -> str:
        return f"Note(id={self.id!r}, template={self.template_id!r}, status={self.status.value})"

    @property
    def is_signed(self) -> bool:
        return self.status == NoteStatus.SIGNED

    def text(self, field_id: str) -> str:
        value = self.fields.get(field_id, "")
        return "\n".join(value) if isinstance(value, list) else value

    def with_fields(self, changes: dict[str, FieldValue]) -> Note:
        return replace(self, fields={**self.fields, **changes})


def _t(value: time | None) -> str | None:
    return value.strftime("%H:%M") if value else None


def _pt(value: Any) -> time | None:
    return time.fromisoformat(value) if value else None


def session_to_dict(s: SessionInfo) -> dict[str, Any]:
    return {
        "date": s.date.isoformat(),
        "start": _t(s.start),
        "end": _t(s.end),
        "service_code": s.service_code,
        "modality": s.modality.value,
        "place_of_service": s.place_of_service,
        "participants": list(s.participants),
        "diagnoses": [{"code": d.code, "description": d.description} for d in s.diagnoses],
        "interventions": list(s.interventions),
        "risk": {
            "suicidal_ideation": s.risk.suicidal_ideation.value,
            "homicidal_ideation": s.risk.homicidal_ideation.value,
            "detail": s.risk.detail,
        },
        "extended_reason": s.extended_reason,
    }


def session_from_dict(d: dict[str, Any]) -> SessionInfo:
    risk = d.get("risk") or {}
    return SessionInfo(
        date=date.fromisoformat(d["date"]),
        start=_pt(d.get("start")),
        end=_pt(d.get("end")),
        service_code=d.get("service_code", ""),
        modality=Modality(d.get("modality", "in-person")),
        place_of_service=d.get("place_of_service", ""),
        participants=tuple(d.get("participants", [])),
        diagnoses=tuple(
            Diagnosis(x["code"], x.get("description", "")) for x in d.get("diagnoses", [])
        ),
        interventions=tuple(d.get("interventions", [])),
        risk=RiskScreen(
            suicidal_ideation=ScreenResult(risk.get("suicidal_ideation", "not-assessed")),
            homicidal_ideation=ScreenResult(risk.get("homicidal_ideation", "not-assessed")),
            detail=risk.get("detail", ""),
        ),
        extended_reason=d.get("extended_reason", ""),
    )


def note_to_dict(n: Note) -> dict[str, Any]:
    return {
        "id": n.id,
        "client_id": n.client_id,
        "template_id": n.template_id,
        "template_version": n.template_version,
        "template_snapshot": n.template_snapshot,
        "session": session_to_dict(n.session),
        "fields": dict(n.fields),
        "status": n.status.value,
        "created_at": n.created_at.isoformat() if n.created_at else None,
        "updated_at": n.updated_at.isoformat() if n.updated_at else None,
        "psychotherapy": n.psychotherapy,
        "group_id": n.group_id,
        "copied_from": n.copied_from,
        "signature_ids": list(n.signature_ids),
        "goal_progress": list(n.goal_progress),
        "measures": list(n.measures),
        "risk_assessment": (
            risk_assessment_to_dict(n.risk_assessment) if n.risk_assessment else None
        ),
        "overrides": [dict(o) for o in n.overrides],
        # Only when recorded, so notes without it keep the shape they always had.
        **({"adherence": [adherence_to_dict(e) for e in n.adherence]} if n.adherence else {}),
    }


def note_from_dict(d: dict[str, Any], *, version: int = 0) -> Note:
    return Note(
        id=NoteId(d["id"]),
        client_id=ClientId(d["client_id"]),
        template_id=d["template_id"],
        template_version=int(d.get("template_version", 1)),
        template_snapshot=d.get("template_snapshot", ""),
        session=session_from_dict(d["session"]),
        fields={
            k: (list(v) if isinstance(v, list) else str(v)) for k, v in d.get("fields", {}).items()
        },
        status=NoteStatus(d.get("status", "draft")),
        created_at=datetime.fromisoformat(d["created_at"]) if d.get("created_at") else None,
        updated_at=datetime.fromisoformat(d["updated_at"]) if d.get("updated_at") else None,
        psychotherapy=bool(d.get("psychotherapy", False)),
        group_id=d.get("group_id", ""),
        copied_from=d.get("copied_from", ""),
        signature_ids=tuple(d.get("signature_ids", [])),
        goal_progress=tuple(d.get("goal_progress", [])),
        measures=tuple(d.get("measures", [])),
        risk_assessment=(
            risk_assessment_from_dict(d["risk_assessment"]) if d.get("risk_assessment") else None
        ),
        overrides=tuple(
            {"rule": str(o.get("rule", "")), "reason": str(o.get("reason", ""))}
            for o in d.get("overrides", [])
        ),
        adherence=tuple(adherence_from_dict(e) for e in d.get("adherence", [])),
        version=version,
    )
