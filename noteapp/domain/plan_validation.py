"""The treatment-plan JSON shape (docs/plans.md): validated whole, with the path of every
problem, before anything is stored."""

from __future__ import annotations

from datetime import date
from typing import Any

from noteapp.domain.clients import Diagnosis
from noteapp.domain.errors import InvalidInputError
from noteapp.domain.ids import new_id
from noteapp.domain.plans import (
    AckMethod,
    Acknowledgement,
    Goal,
    GoalStatus,
    Intervention,
    Objective,
    Problem,
    ServiceType,
)

_TOP = {
    "service_type",
    "session_minutes",
    "frequency",
    "valid_from",
    "valid_until",
    "diagnoses",
    "problems",
    "review_interval_days",
    "acknowledgements",
}
# What `plan show --json` adds: accepted (so its output can be edited and imported again)
# and ignored — the vault decides these.
_READ_ONLY = {
    "id",
    "series",
    "client_id",
    "version",
    "status",
    "signed_on",
    "next_review",
    "last_review",
    "reviewed_on",
    "review_summary",
    "signature_ids",
}


class _Errors:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, path: str, message: str) -> None:
        if len(self.items) < 20:
            self.items.append(f"{path}: {message}")


def _text(
    d: dict[str, Any],
    key: str,
    path: str,
    errors: _Errors,
    *,
    required: bool = False,
    limit: int = 5000,
) -> str:
    where = f"{path}.{key}".lstrip(".")
    value = d.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.add(where, "must be text")
        return ""
    if required and not value.strip():
        errors.add(where, "is required")
    if len(value) > limit:
        errors.add(where, f"is too long ({limit} characters at most)")
    return value.strip()


def _date(d: dict[str, Any], key: str, path: str, errors: _Errors) -> date | None:
    value = d.get(key)
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    errors.add(f"{path}.{key}".lstrip("."), "must be a date like 2026-03-15")
    return None


def _status(d: dict[str, Any], path: str, errors: _Errors) -> GoalStatus:
    value = d.get("status", "active")
    try:
        return GoalStatus(value)
    except ValueError:
        errors.add(f"{path}.status", "must be one of: " + ", ".join(s.value for s in GoalStatus))
        return GoalStatus.ACTIVE


def _list(d: dict[str, Any], key: str, path: str, errors: _Errors) -> list[Any]:
    value = d.get(key, [])
    if not isinstance(value, list):
        errors.add(f"{path}.{key}", "must be a list")
        return []
    return value


def _objects(items: list[Any], path: str, errors: _Errors) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for i, item in enumerate(items):
        if isinstance(item, dict):
            out.append((f"{path}[{i}]", item))
        else:
            errors.add(f"{path}[{i}]", "must be an object")
    return out


class _Ids:
    """Ids given in the file must be text and unique across problems, goals, objectives
    (ratings in notes point at objective ids); missing ones are generated."""

    def __init__(self, errors: _Errors) -> None:
        self.errors = errors
        self.seen: set[str] = set()

    def take(self, d: dict[str, Any], path: str) -> str:
        value = d.get("id")
        if value in (None, ""):
            return new_id()
        if not isinstance(value, str) or not value.strip() or len(value) > 64:
            self.errors.add(f"{path}.id", "must be text (64 characters at most)")
            return new_id()
        value = value.strip()
        if value in self.seen:
            self.errors.add(f"{path}.id", f"'{value}' is used twice in this plan")
        self.seen.add(value)
        return value


def plan_from_json(data: Any, *, default_interval: int = 90) -> dict[str, Any]:
    """Plan fields from the JSON shape, or InvalidInputError listing every problem."""
    errors = _Errors()
    ids = _Ids(errors)
    if not isinstance(data, dict):
        raise InvalidInputError("The plan file must hold one JSON object (see docs/plans.md).")
    for key in sorted(set(data) - _TOP - _READ_ONLY):
        errors.add(key, "is not a plan field")
    try:
        service_type = ServiceType(data.get("service_type", "individual"))
    except ValueError:
        errors.add("service_type", "must be individual, group or family")
        service_type = ServiceType.INDIVIDUAL
    minutes = data.get("session_minutes", 50)
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 5 <= minutes <= 480:
        errors.add("session_minutes", "must be a whole number of minutes (5–480)")
        minutes = 50
    interval = data.get("review_interval_days", default_interval)
    if not isinstance(interval, int) or isinstance(interval, bool) or not 7 <= interval <= 730:
        errors.add("review_interval_days", "must be a whole number of days (7–730)")
        interval = default_interval
    diagnoses = []
    for path, d in _objects(_list(data, "diagnoses", "", errors), "diagnoses", errors):
        try:
            diagnoses.append(Diagnosis.parse(str(d.get("code", "")), str(d.get("description", ""))))
        except InvalidInputError as exc:
            errors.add(f"{path}.code", str(exc))
    problems = []
    for ppath, p in _objects(_list(data, "problems", "", errors), "problems", errors):
        goals = []
        for gpath, g in _objects(_list(p, "goals", ppath, errors), f"{ppath}.goals", errors):
            objectives = []
            for opath, o in _objects(
                _list(g, "objectives", gpath, errors), f"{gpath}.objectives", errors
            ):
                interventions = tuple(
                    Intervention(
                        _text(i, "description", ipath, errors, required=True),
                        _text(i, "modality", ipath, errors),
                        _text(i, "frequency", ipath, errors),
                        _text(i, "provider", ipath, errors),
                    )
                    for ipath, i in _objects(
                        _list(o, "interventions", opath, errors), f"{opath}.interventions", errors
                    )
                )
                objectives.append(
                    Objective(
                        id=ids.take(o, opath),
                        description=_text(o, "description", opath, errors, required=True),
                        baseline=_text(o, "baseline", opath, errors),
                        target=_text(o, "target", opath, errors),
                        target_date=_date(o, "target_date", opath, errors),
                        measured_by=_text(o, "measured_by", opath, errors),
                        status=_status(o, opath, errors),
                        interventions=interventions,
                    )
                )
            goals.append(
                Goal(
                    id=ids.take(g, gpath),
                    statement=_text(g, "statement", gpath, errors, required=True),
                    client_words=_text(g, "client_words", gpath, errors),
                    status=_status(g, gpath, errors),
                    objectives=tuple(objectives),
                )
            )
        problems.append(
            Problem(
                id=ids.take(p, ppath),
                statement=_text(p, "statement", ppath, errors, required=True),
                goals=tuple(goals),
            )
        )
    acks = []
    for apath, a in _objects(
        _list(data, "acknowledgements", "", errors), "acknowledgements", errors
    ):
        try:
            method = AckMethod(str(a.get("method", "")))
        except ValueError:
            errors.add(
                f"{apath}.method", "must be one of: " + ", ".join(m.value for m in AckMethod)
            )
            continue
        on = _date(a, "on", apath, errors)
        if on is None:
            errors.add(f"{apath}.on", "is required")
            continue
        acks.append(Acknowledgement(method, on, _text(a, "note", apath, errors)))
    valid_from = _date(data, "valid_from", "", errors)
    valid_until = _date(data, "valid_until", "", errors)
    if valid_from and valid_until and valid_until < valid_from:
        errors.add("valid_until", "is before valid_from")
    frequency = _text(data, "frequency", "", errors, limit=200)
    if errors.items:
        raise InvalidInputError("The plan was not imported: " + "; ".join(errors.items))
    return {
        "service_type": service_type,
        "session_minutes": minutes,
        "frequency": frequency,
        "valid_from": valid_from,
        "valid_until": valid_until,
        "diagnoses": tuple(diagnoses),
        "problems": tuple(problems),
        "review_interval_days": interval,
        "acknowledgements": tuple(acks),
    }
