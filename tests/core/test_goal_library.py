"""The goal library: the starter set, editing in the vault, reset, and plan entries."""

from __future__ import annotations

import dataclasses
import re
from datetime import date

import pytest

from noteapp.domain.clients import Diagnosis
from noteapp.domain.errors import InvalidInputError, NotFoundError
from noteapp.services.goal_library import (
    GoalLibrary,
    LibraryChoice,
    LibraryGoal,
    group_from_dict,
    group_to_dict,
    starter_groups,
    to_plan_json,
)
from noteapp.services.workspace import Workspace
from tests.conftest import PASSPHRASE

GROUPS = {"depression", "anxiety", "trauma", "substance-use", "adhd", "relationship"}
# Something countable or observable in each objective: a number and how it is measured.
NUMBER = re.compile(r"\d")


def test_starter_set_covers_the_presenting_problems() -> None:
    groups = starter_groups()
    assert {g.id for g in groups} == GROUPS
    for g in groups:
        assert len(g.problems) >= 3 and len(g.goals) >= 3
        assert len(g.objectives) >= 5 and len(g.interventions) >= 5
        for o in g.objectives:
            assert o.description.startswith(("Client", "Nightmares", "Panic", "Arguments"))
            assert NUMBER.search(o.description), o.description
            assert o.baseline and o.target and o.measured_by, o.description
            assert 1 <= o.weeks <= 104
        assert all(goal.client_words for goal in g.goals)
        assert all(i.modality and i.frequency for i in g.interventions)


def test_group_dict_round_trip() -> None:
    for g in starter_groups():
        assert group_from_dict(group_to_dict(g)) == g


def test_library_is_editable_and_resettable(workspace: Workspace) -> None:
    lib = GoalLibrary(workspace._vault)
    assert not lib.is_customised()
    groups = lib.groups()
    dep = lib.group("depression")
    edited = dataclasses.replace(
        dep, goals=(*dep.goals, LibraryGoal("Return to work full time.", "I want my job back."))
    )
    lib.save([edited if g.id == "depression" else g for g in groups])
    assert lib.is_customised()
    assert workspace._vault.count("goal_library") == 1
    assert lib.group("depression").goals[-1].statement == "Return to work full time."
    # A new GoalLibrary on the same vault sees the edit (it is stored, not cached).
    assert GoalLibrary(workspace._vault).group("depression") == lib.group("depression")
    lib.reset()
    assert not lib.is_customised()
    assert lib.group("depression") == dep


def test_save_refuses_invalid_groups(workspace: Workspace) -> None:
    lib = GoalLibrary(workspace._vault)
    g = starter_groups()[0]
    with pytest.raises(InvalidInputError, match="share the id"):
        lib.save([g, g])
    with pytest.raises(InvalidInputError, match="required"):
        lib.save([dataclasses.replace(g, name="")])
    assert not lib.is_customised()
    with pytest.raises(NotFoundError):
        lib.group("astrology")


def test_to_plan_json_makes_an_importable_problem(workspace: Workspace) -> None:
    ws = workspace
    ws.profile.set(name="Dana Whitfield", credentials="LCSW")
    client = ws.clients.add(name="Jordan Avery", diagnoses=[Diagnosis("F32.1", "MDD")])
    dep = GoalLibrary(ws._vault).group("depression")
    entry = to_plan_json(
        dep,
        {
            "problem": 0,
            "goal": 1,
            "objectives": [0, 1],
            "interventions": [0, 2],
            "ids": {"objective-0": "ba"},
        },
        start=date(2025, 12, 1),
    )
    goal = entry["goals"][0]
    assert [o.get("id") for o in goal["objectives"]] == ["ba", None]
    assert goal["objectives"][0]["target_date"] == "2026-01-26"  # 8 weeks
    assert len(goal["objectives"][1]["interventions"]) == 2
    plan = ws.plans.import_json(
        client.id, {"valid_from": "2025-12-01", "valid_until": "2026-11-30", "problems": [entry]}
    )
    assert ws.plans.validate_for_signing(plan) == []
    ws.plans.sign(plan.id, passphrase=PASSPHRASE)
    assert ws.plans.get(plan.id).active_objectives()[0].id == "ba"


def test_to_plan_json_choices() -> None:
    g = starter_groups()[0]
    entry = to_plan_json(g, LibraryChoice(client_words="My words", target_date=date(2026, 3, 1)))
    assert entry["goals"][0]["client_words"] == "My words"
    assert entry["goals"][0]["objectives"][0]["target_date"] == "2026-03-01"
    assert to_plan_json(g)["goals"][0]["objectives"][0]["target_date"] is None
    with pytest.raises(InvalidInputError, match="no objective 99"):
        to_plan_json(g, {"objectives": [99]})
    with pytest.raises(InvalidInputError, match="Unknown library choice"):
        to_plan_json(g, {"colour": 1})
