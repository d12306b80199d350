"""A library of reusable treatment-plan statements, grouped by presenting problem.

Each group offers problem statements, long-term goals (with an example in the client's own
words), measurable objectives (with suggested baseline, target, how it is measured and a
suggested number of weeks to the target date) and interventions. The starter set ships in
`data/goal_library.json`; the user's edited copy is kept in the vault (kind "goal_library"),
and `reset()` goes back to the starter set. `to_plan_json` turns choices from one group into
a problem entry of the plan JSON shape (docs/plans.md).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Any

from noteapp.domain.errors import InvalidInputError, NotFoundError
from noteapp.services.tracked import TrackedRecord
from noteapp.vault.store import Vault

KIND = "goal_library"
RECORD_ID = "goal_library"
FORMAT = "noteapp-goal-library"
MAX_TEXT = 2000


@dataclass(frozen=True)
class LibraryGoal:
    statement: str
    client_words: str = ""  # an example; replace it with what the client actually said


@dataclass(frozen=True)
class LibraryObjective:
    description: str
    baseline: str = ""
    target: str = ""
    measured_by: str = ""
    weeks: int = 12  # suggested time to the target date


@dataclass(frozen=True)
class LibraryIntervention:
    description: str
    modality: str = ""
    frequency: str = ""
    provider: str = ""


@dataclass(frozen=True)
class LibraryGroup:
    id: str
    name: str
    problems: tuple[str, ...] = ()
    goals: tuple[LibraryGoal, ...] = ()
    objectives: tuple[LibraryObjective, ...] = ()
    interventions: tuple[LibraryIntervention, ...] = ()


@dataclass(frozen=True)
class LibraryChoice:
    """Which statements of one group go into a plan problem (indices into the group)."""

    problem: int = 0
    goal: int = 0
    objectives: tuple[int, ...] = (0,)
    interventions: tuple[int, ...] = (0,)  # attached to every chosen objective
    client_words: str | None = None  # None: the library's example
    target_date: date | None = None  # None: start + the objective's suggested weeks
    ids: Mapping[str, str] = field(default_factory=dict)  # optional fixed ids (see below)


# --- conversion ------------------------------------------------------------------------


def _text(d: Mapping[str, Any], key: str, where: str, *, required: bool = False) -> str:
    value = d.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInputError(f"{where}.{key} must be text.")
    value = value.strip()
    if required and not value:
        raise InvalidInputError(f"{where}.{key} is required.")
    if len(value) > MAX_TEXT:
        raise InvalidInputError(f"{where}.{key} is too long ({MAX_TEXT} characters at most).")
    return value


def _items(d: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = d.get(key, [])
    if not isinstance(value, list):
        raise InvalidInputError(f"{where}.{key} must be a list.")
    return value


def _obj(item: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(item, dict):
        raise InvalidInputError(f"{where} must be an object.")
    return item


def group_from_dict(d: Any, where: str = "group") -> LibraryGroup:
    g = _obj(d, where)
    problems = []
    for i, p in enumerate(_items(g, "problems", where)):
        if not isinstance(p, str) or not p.strip():
            raise InvalidInputError(f"{where}.problems[{i}] must be text.")
        problems.append(p.strip())
    goals = tuple(
        LibraryGoal(
            _text(x, "statement", w, required=True),
            _text(x, "client_words", w),
        )
        for i, item in enumerate(_items(g, "goals", where))
        for w in [f"{where}.goals[{i}]"]
        for x in [_obj(item, w)]
    )
    objectives = []
    for i, item in enumerate(_items(g, "objectives", where)):
        w = f"{where}.objectives[{i}]"
        x = _obj(item, w)
        weeks = x.get("weeks", 12)
        if not isinstance(weeks, int) or isinstance(weeks, bool) or not 1 <= weeks <= 104:
            raise InvalidInputError(f"{w}.weeks must be a whole number of weeks (1–104).")
        objectives.append(
            LibraryObjective(
                _text(x, "description", w, required=True),
                _text(x, "baseline", w),
                _text(x, "target", w),
                _text(x, "measured_by", w),
                weeks,
            )
        )
    interventions = tuple(
        LibraryIntervention(
            _text(x, "description", w, required=True),
            _text(x, "modality", w),
            _text(x, "frequency", w),
            _text(x, "provider", w),
        )
        for i, item in enumerate(_items(g, "interventions", where))
        for w in [f"{where}.interventions[{i}]"]
        for x in [_obj(item, w)]
    )
    return LibraryGroup(
        id=_text(g, "id", where, required=True),
        name=_text(g, "name", where, required=True),
        problems=tuple(problems),
        goals=goals,
        objectives=tuple(objectives),
        interventions=interventions,
    )


def group_to_dict(g: LibraryGroup) -> dict[str, Any]:
    return {
        "id": g.id,
        "name": g.name,
        "problems": list(g.problems),
        "goals": [{"statement": x.statement, "client_words": x.client_words} for x in g.goals],
        "objectives": [
            {
                "description": x.description,
                "baseline": x.baseline,
                "target": x.target,
                "measured_by": x.measured_by,
                "weeks": x.weeks,
            }
            for x in g.objectives
        ],
        "interventions": [
            {
                "description": x.description,
                "modality": x.modality,
                "frequency": x.frequency,
                "provider": x.provider,
            }
            for x in g.interventions
        ],
    }


def groups_from_document(data: Any) -> list[LibraryGroup]:
    """The library file/record: {"format": ..., "version": 1, "groups": [...]}."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InvalidInputError("This is not a goal library (see docs/plans.md).")
    groups = [
        group_from_dict(g, f"groups[{i}]") for i, g in enumerate(_items(data, "groups", "library"))
    ]
    _check_unique(groups)
    return groups


def groups_to_document(groups: Sequence[LibraryGroup]) -> dict[str, Any]:
    return {"format": FORMAT, "version": 1, "groups": [group_to_dict(g) for g in groups]}


def _check_unique(groups: Sequence[LibraryGroup]) -> None:
    seen: set[str] = set()
    for g in groups:
        if g.id in seen:
            raise InvalidInputError(f"Two library groups share the id '{g.id}'.")
        seen.add(g.id)


@cache
def _starter_text() -> str:
    return (
        resources.files("noteapp.services").joinpath("data", "goal_library.json").read_text("utf-8")
    )


def starter_groups() -> list[LibraryGroup]:
    """The starter set that ships with noteapp."""
    return groups_from_document(json.loads(_starter_text()))


# --- the user's library ----------------------------------------------------------------


class GoalLibrary:
    """The user-editable library, kept in the vault; the starter set until edited."""

    def __init__(self, vault: Vault) -> None:
        self._vault = vault
        self._record = TrackedRecord(vault, KIND, RECORD_ID)

    def groups(self) -> list[LibraryGroup]:
        data = self._record.read()
        return starter_groups() if data is None else groups_from_document(data)

    def group(self, group_id: str) -> LibraryGroup:
        for g in self.groups():
            if g.id == group_id:
                return g
        names = ", ".join(g.id for g in self.groups())
        raise NotFoundError(f"No goal-library group '{group_id[:40]}' (there are: {names}).")

    def is_customised(self) -> bool:
        return self._vault.exists(KIND, RECORD_ID)

    def save(self, groups: Sequence[LibraryGroup]) -> list[LibraryGroup]:
        """Replace the library with these groups (checked first; nothing stored if invalid)."""
        document = groups_to_document(groups)
        checked = groups_from_document(document)  # same checks as for a file
        self._record.write(document)
        return checked

    def reset(self) -> list[LibraryGroup]:
        """Back to the starter set."""
        self._record.delete()
        return starter_groups()


# --- into a plan -----------------------------------------------------------------------


def _pick(items: Sequence[Any], index: int, what: str, group: LibraryGroup) -> Any:
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(items):
        raise InvalidInputError(
            f"There is no {what} {index} in '{group.id}' ({len(items)} to choose from)."
        )
    return items[index]


def to_plan_json(
    group: LibraryGroup,
    choices: LibraryChoice | Mapping[str, Any] | None = None,
    *,
    start: date | None = None,
) -> dict[str, Any]:
    """One `problems[]` entry of the plan JSON shape from a library group.

    `choices` picks statements by index (a LibraryChoice, or a dict with the same keys:
    problem, goal, objectives, interventions, client_words, target_date). Each objective's
    target date is `choices.target_date`, else `start` + the objective's suggested weeks,
    else left out (to be filled in before signing). `ids` may fix the ids of the problem
    ("problem"), goal ("goal") and objectives ("objective-0", "objective-1", … in the order
    chosen); otherwise the import generates them.
    """
    choice = _choice(choices)
    problem = _pick(group.problems, choice.problem, "problem", group)
    goal: LibraryGoal = _pick(group.goals, choice.goal, "goal", group)
    interventions = [
        _pick(group.interventions, i, "intervention", group) for i in choice.interventions
    ]
    objectives = []
    for n, index in enumerate(choice.objectives):
        o: LibraryObjective = _pick(group.objectives, index, "objective", group)
        when = choice.target_date or (start + timedelta(weeks=o.weeks) if start else None)
        entry: dict[str, Any] = {
            "description": o.description,
            "baseline": o.baseline,
            "target": o.target,
            "target_date": when.isoformat() if when else None,
            "measured_by": o.measured_by,
            "status": "active",
            "interventions": [
                {
                    "description": i.description,
                    "modality": i.modality,
                    "frequency": i.frequency,
                    "provider": i.provider,
                }
                for i in interventions
            ],
        }
        if f"objective-{n}" in choice.ids:
            entry = {"id": choice.ids[f"objective-{n}"], **entry}
        objectives.append(entry)
    goal_entry: dict[str, Any] = {
        "statement": goal.statement,
        "client_words": goal.client_words if choice.client_words is None else choice.client_words,
        "status": "active",
        "objectives": objectives,
    }
    if "goal" in choice.ids:
        goal_entry = {"id": choice.ids["goal"], **goal_entry}
    out: dict[str, Any] = {"statement": problem, "goals": [goal_entry]}
    if "problem" in choice.ids:
        out = {"id": choice.ids["problem"], **out}
    return out


def _choice(choices: LibraryChoice | Mapping[str, Any] | None) -> LibraryChoice:
    if choices is None:
        return LibraryChoice()
    if isinstance(choices, LibraryChoice):
        return choices
    known = {"problem", "goal", "objectives", "interventions", "client_words", "target_date"}
    unknown = sorted(set(choices) - known - {"ids"})
    if unknown:
        raise InvalidInputError(f"Unknown library choice '{unknown[0]}'.")
    target = choices.get("target_date")
    if isinstance(target, str):
        try:
            target = date.fromisoformat(target)
        except ValueError:
            raise InvalidInputError("target_date must be a date like 2026-03-15.") from None
    if target is not None and not isinstance(target, date):
        raise InvalidInputError("target_date must be a date like 2026-03-15.")
    ids = choices.get("ids", {})
    if not isinstance(ids, Mapping) or not all(isinstance(v, str) for v in ids.values()):
        raise InvalidInputError("ids must map names to text ids.")
    client_words = choices.get("client_words")
    if client_words is not None and not isinstance(client_words, str):
        raise InvalidInputError("client_words must be text.")
    return LibraryChoice(
        problem=choices.get("problem", 0),
        goal=choices.get("goal", 0),
        objectives=tuple(choices.get("objectives", (0,))),
        interventions=tuple(choices.get("interventions", (0,))),
        client_words=client_words,
        target_date=target,
        ids=dict(ids),
    )


__all__ = [
    "GoalLibrary",
    "LibraryChoice",
    "LibraryGoal",
    "LibraryGroup",
    "LibraryIntervention",
    "LibraryObjective",
    "group_from_dict",
    "group_to_dict",
    "groups_from_document",
    "groups_to_document",
    "starter_groups",
    "to_plan_json",
]
