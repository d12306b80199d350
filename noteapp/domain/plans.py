"""Treatment plans: problems → goals (in the client's words) → measurable objectives →
interventions; statuses; versions; review dates; client acknowledgement; goal progress."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from noteapp.domain.clients import Diagnosis
from noteapp.domain.errors import InvalidInputError


class PlanStatus(StrEnum):
    DRAFT = "draft"
    SIGNED = "signed"
    SUPERSEDED = "superseded"  # a later version was signed


class GoalStatus(StrEnum):
    ACTIVE = "active"
    MET = "met"
    PARTIALLY_MET = "partially met"
    REVISED = "revised"
    DEFERRED = "deferred"
    DISCONTINUED = "discontinued"


class ServiceType(StrEnum):
    INDIVIDUAL = "individual"
    GROUP = "group"
    FAMILY = "family"


class Rating(StrEnum):
    """How a session moved an objective (rated in the note)."""

    REGRESSED = "regressed"
    NO_CHANGE = "no change"
    SOME_PROGRESS = "some progress"
    SIGNIFICANT_PROGRESS = "significant progress"
    MET = "met"

    @property
    def score(self) -> int:
        """For charts: regressed −1 … met 3."""
        return {
            "regressed": -1,
            "no change": 0,
            "some progress": 1,
            "significant progress": 2,
            "met": 3,
        }[self.value]


class AckMethod(StrEnum):
    PAPER = "signed on paper"
    ELECTRONIC = "signed electronically"
    VERBAL = "verbal"
    REFUSED = "refused"
    ATTEMPTED = "attempted"  # could not be obtained this time


@dataclass(frozen=True)
class Intervention:
    description: str
    modality: str = ""
    frequency: str = ""
    provider: str = ""


@dataclass(frozen=True)
class Objective:
    id: str
    description: str
    baseline: str = ""
    target: str = ""
    target_date: date | None = None
    measured_by: str = ""
    status: GoalStatus = GoalStatus.ACTIVE
    interventions: tuple[Intervention, ...] = ()


@dataclass(frozen=True)
class Goal:
    id: str
    statement: str
    client_words: str = ""
    status: GoalStatus = GoalStatus.ACTIVE
    objectives: tuple[Objective, ...] = ()


@dataclass(frozen=True)
class Problem:
    id: str
    statement: str
    goals: tuple[Goal, ...] = ()


@dataclass(frozen=True)
class Acknowledgement:
    method: AckMethod
    on: date
    note: str = ""


@dataclass(frozen=True)
class Plan:
    """One version of a client's treatment plan."""

    id: str  # this version's record id
    series: str  # the same for every version of one client's plan
    client_id: str
    version: int
    status: PlanStatus = PlanStatus.DRAFT
    service_type: ServiceType = ServiceType.INDIVIDUAL
    session_minutes: int = 50
    frequency: str = "weekly"
    valid_from: date | None = None
    valid_until: date | None = None
    diagnoses: tuple[Diagnosis, ...] = ()
    problems: tuple[Problem, ...] = ()
    review_interval_days: int = 90
    reviewed_on: date | None = None  # the last plan review
    review_summary: str = ""
    acknowledgements: tuple[Acknowledgement, ...] = ()
    signed_on: date | None = None
    signature_ids: tuple[str, ...] = ()
    record_version: int = 0

    def __repr__(self) -> str:
        return f"Plan(id={self.id!r}, version={self.version}, status={self.status.value})"

    @property
    def is_signed(self) -> bool:
        return self.status != PlanStatus.DRAFT

    def objectives(self) -> list[tuple[Problem, Goal, Objective]]:
        return [(p, g, o) for p in self.problems for g in p.goals for o in g.objectives]

    def active_objectives(self) -> list[Objective]:
        return [
            o
            for p, g, o in self.objectives()
            if o.status == GoalStatus.ACTIVE and g.status == GoalStatus.ACTIVE
        ]

    def next_review(self) -> date | None:
        start = self.reviewed_on or self.signed_on or self.valid_from
        return start + timedelta(days=self.review_interval_days) if start else None

    def is_current(self, today: date) -> bool:
        """Signed, and today within its validity."""
        if self.status != PlanStatus.SIGNED:
            return False
        if self.valid_from and today < self.valid_from:
            return False
        return not (self.valid_until and today > self.valid_until)


def _d(v: date | None) -> str | None:
    return v.isoformat() if v else None


def _pd(v: Any, what: str) -> date | None:
    if v in (None, ""):
        return None
    if not isinstance(v, str):
        raise InvalidInputError(f"{what} must be a date like 2026-03-15.")
    try:
        return date.fromisoformat(v)
    except ValueError:
        raise InvalidInputError(f"{what} must be a date like 2026-03-15.") from None


def plan_to_dict(p: Plan) -> dict[str, Any]:
    return {
        "id": p.id,
        "series": p.series,
        "client_id": p.client_id,
        "version": p.version,
        "status": p.status.value,
        "service_type": p.service_type.value,
        "session_minutes": p.session_minutes,
        "frequency": p.frequency,
        "valid_from": _d(p.valid_from),
        "valid_until": _d(p.valid_until),
        "diagnoses": [{"code": d.code, "description": d.description} for d in p.diagnoses],
        "problems": [
            {
                "id": pr.id,
                "statement": pr.statement,
                "goals": [
                    {
                        "id": g.id,
                        "statement": g.statement,
                        "client_words": g.client_words,
                        "status": g.status.value,
                        "objectives": [
                            {
                                "id": o.id,
                                "description": o.description,
                                "baseline": o.baseline,
                                "target": o.target,
                                "target_date": _d(o.target_date),
                                "measured_by": o.measured_by,
                                "status": o.status.value,
                                "interventions": [
                                    {
                                        "description": i.description,
                                        "modality": i.modality,
                                        "frequency": i.frequency,
                                        "provider": i.provider,
                                    }
                                    for i in o.interventions
                                ],
                            }
                            for o in g.objectives
                        ],
                    }
                    for g in pr.goals
                ],
            }
            for pr in p.problems
        ],
        "review_interval_days": p.review_interval_days,
        "reviewed_on": _d(p.reviewed_on),
        "review_summary": p.review_summary,
        "acknowledgements": [
            {"method": a.method.value, "on": a.on.isoformat(), "note": a.note}
            for a in p.acknowledgements
        ],
        "signed_on": _d(p.signed_on),
        "signature_ids": list(p.signature_ids),
    }


def plan_from_dict(d: dict[str, Any], *, record_version: int = 0) -> Plan:
    return Plan(
        id=d["id"],
        series=d["series"],
        client_id=d["client_id"],
        version=int(d["version"]),
        status=PlanStatus(d.get("status", "draft")),
        service_type=ServiceType(d.get("service_type", "individual")),
        session_minutes=int(d.get("session_minutes", 50)),
        frequency=d.get("frequency", ""),
        valid_from=_pd(d.get("valid_from"), "valid_from"),
        valid_until=_pd(d.get("valid_until"), "valid_until"),
        diagnoses=tuple(
            Diagnosis(x["code"], x.get("description", "")) for x in d.get("diagnoses", [])
        ),
        problems=tuple(
            Problem(
                pr["id"],
                pr["statement"],
                tuple(
                    Goal(
                        g["id"],
                        g["statement"],
                        g.get("client_words", ""),
                        GoalStatus(g.get("status", "active")),
                        tuple(
                            Objective(
                                o["id"],
                                o["description"],
                                o.get("baseline", ""),
                                o.get("target", ""),
                                _pd(o.get("target_date"), "target_date"),
                                o.get("measured_by", ""),
                                GoalStatus(o.get("status", "active")),
                                tuple(
                                    Intervention(
                                        i["description"],
                                        i.get("modality", ""),
                                        i.get("frequency", ""),
                                        i.get("provider", ""),
                                    )
                                    for i in o.get("interventions", [])
                                ),
                            )
                            for o in g.get("objectives", [])
                        ),
                    )
                    for g in pr.get("goals", [])
                ),
            )
            for pr in d.get("problems", [])
        ),
        review_interval_days=int(d.get("review_interval_days", 90)),
        reviewed_on=_pd(d.get("reviewed_on"), "reviewed_on"),
        review_summary=d.get("review_summary", ""),
        acknowledgements=tuple(
            Acknowledgement(AckMethod(a["method"]), date.fromisoformat(a["on"]), a.get("note", ""))
            for a in d.get("acknowledgements", [])
        ),
        signed_on=_pd(d.get("signed_on"), "signed_on"),
        signature_ids=tuple(d.get("signature_ids", [])),
        record_version=record_version,
    )


@dataclass(frozen=True)
class ProgressPoint:
    note_id: str
    on: date
    rating: Rating
    comment: str


@dataclass(frozen=True)
class ObjectiveProgress:
    objective_id: str
    description: str
    points: tuple[ProgressPoint, ...] = field(default=())

    @property
    def latest(self) -> ProgressPoint | None:
        return self.points[-1] if self.points else None
