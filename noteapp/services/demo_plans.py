"""Synthetic treatment plans and goal-progress ratings for the demo vault.

Every plan is assembled from the goal library for an invented client; ratings follow a
plausible trajectory per objective (mostly some or significant progress, an occasional
"no change" or setback) so that progress charts have something real to show. Ratings are
put on draft notes, before the demo signs them (a signed note never changes).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta

from noteapp.domain.clients import Client
from noteapp.domain.plans import Plan
from noteapp.services.goal_library import GoalLibrary, LibraryChoice, LibraryGroup, to_plan_json
from noteapp.services.workspace import Workspace

# Diagnosis code prefixes → the library group that fits them.
_GROUP_BY_DIAGNOSIS = (
    ("F32", "depression"),
    ("F33", "depression"),
    ("F43.1", "trauma"),
    ("F43.2", "depression"),
    ("F41", "anxiety"),
    ("F40", "anxiety"),
    ("F42", "anxiety"),
    ("F10", "substance-use"),
    ("F11", "substance-use"),
    ("F12", "substance-use"),
)
# Templates whose notes rate plan objectives (progress notes of sessions).
RATED_TEMPLATES = {"soap", "dap", "birp", "girp", "pirp", "group", "crisis"}
_COMMENTS = {
    "regressed": [
        "Setback after a stressful week; reviewed what got in the way.",
        "Fewer entries in the log; avoidance returned.",
    ],
    "no change": [
        "Similar to last session; barriers discussed.",
        "Log partly completed; plan adjusted for next week.",
    ],
    "some progress": [
        "Completed most of the homework; reports small gains.",
        "Used the skill twice this week with some relief.",
        "Log shows a modest improvement from baseline.",
    ],
    "significant progress": [
        "Met the weekly target; client noticed the difference.",
        "Clear gains on the log; skill now used without prompting.",
    ],
    "met": ["Target met for the agreed number of weeks."],
}


def _group_for(client: Client, groups: dict[str, LibraryGroup], rng: random.Random) -> str:
    for dx in client.diagnoses:
        for prefix, group_id in _GROUP_BY_DIAGNOSIS:
            if dx.code.startswith(prefix) and group_id in groups:
                return group_id
    return rng.choice(sorted(groups))


def _plan_json(
    client: Client, groups: dict[str, LibraryGroup], rng: random.Random, start: date
) -> dict[str, object]:
    main_id = _group_for(client, groups, rng)
    main = groups[main_id]
    problems = [
        to_plan_json(
            main,
            LibraryChoice(
                problem=0,
                goal=0,
                objectives=tuple(sorted(rng.sample(range(len(main.objectives)), k=2))),
                interventions=tuple(sorted(rng.sample(range(len(main.interventions)), k=2))),
            ),
            start=start,
        )
    ]
    if rng.random() < 0.4 and "relationship" in groups and main_id != "relationship":
        rel = groups["relationship"]
        problems.append(
            to_plan_json(
                rel,
                LibraryChoice(problem=0, goal=0, objectives=(1,), interventions=(0, 1)),
                start=start,
            )
        )
    return {
        "service_type": "individual",
        "session_minutes": rng.choice([45, 50, 50, 53]),
        "frequency": rng.choice(["weekly", "weekly", "every other week"]),
        "valid_from": start.isoformat(),
        "valid_until": (start + timedelta(days=365)).isoformat(),
        "problems": problems,
    }


def _trajectory(rng: random.Random, n: int) -> list[str]:
    """n ratings that mostly improve over time, with an occasional stall or setback."""
    out = []
    for i in range(n):
        stage = i / max(n - 1, 1)
        roll = rng.random()
        if roll < 0.08:
            out.append("regressed")
        elif roll < 0.25 - 0.1 * stage:
            out.append("no change")
        elif roll < 0.75 - 0.25 * stage:
            out.append("some progress")
        elif stage > 0.8 and roll > 0.95:
            out.append("met")
        else:
            out.append("significant progress")
    return out


def add_demo_plans(
    ws: Workspace,
    passphrase: str | None = None,
    *,
    client_ids: Sequence[str] | None = None,
    seed: int = 23,
) -> list[str]:
    """A plan for most active demo clients (about 5 in 6), valid from about four months
    ago, built from the goal library; goal-progress ratings on their draft notes within
    the plan period. Plans are signed when the vault's passphrase is given, else left as
    drafts. Returns the plan version ids."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    today = ws.clock.now().date()
    groups = {g.id: g for g in GoalLibrary(ws.vault).groups()}
    if not groups:
        return []
    clients = [ws.clients.get(i) for i in client_ids] if client_ids else ws.clients.list()
    plans: list[Plan] = []
    with ws.vault.transaction():
        for i, client in enumerate(clients):
            if client.status.value != "active" or i % 6 == 5:
                continue  # some clients have no plan yet: the dashboard shows them
            if ws.plans.latest(client.id) is not None:
                continue
            start = today - timedelta(days=rng.randint(100, 140))
            plans.append(ws.plans.import_json(client.id, _plan_json(client, groups, rng, start)))
        for plan in plans:
            _rate_notes(ws, plan, rng)
    if passphrase is not None and plans:
        ws.plans.sign_plans([p.id for p in plans], passphrase=passphrase)
    return [p.id for p in plans]


def _rate_notes(ws: Workspace, plan: Plan, rng: random.Random) -> None:
    notes = sorted(
        (
            n
            for n in ws.notes.list(client_id=plan.client_id, include_psychotherapy=False)
            if not n.is_signed
            and n.template_id in RATED_TEMPLATES
            and plan.valid_from is not None
            and n.session.date >= plan.valid_from
        ),
        key=lambda n: n.session.date,
    )
    objectives = [o for _p, _g, o in plan.objectives()]
    if not notes or not objectives:
        return
    paths = {o.id: iter(_trajectory(rng, len(notes))) for o in objectives}
    for note in notes:
        # Each session addresses one or two objectives (occasionally all of them).
        k = min(len(objectives), rng.choice([1, 2, 2, len(objectives)]))
        ratings = []
        for o in rng.sample(objectives, k=k):
            rating = next(paths[o.id])
            ratings.append(
                {
                    "objective_id": o.id,
                    "rating": rating,
                    "comment": rng.choice(_COMMENTS[rating]),
                }
            )
        ws.plans.rate(note.id, ratings)
