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
from noteapp.services.goal_library import LibraryChoice, LibraryGroup, to_plan_json
from noteapp.services.workspace import Workspace

# Diagnosis code prefixes → what of the goal library fits them: (group, problem, goal,
# objectives to choose two from), as indices into that group. A diagnosis that nothing in
# the library fits gets no invented plan problem.
_DEPRESSION = ("depression", 0, 0, (0, 1, 2))
_SUBSTANCE = ("substance-use", 0, 0, (0, 1, 3, 5))
_FITS: tuple[tuple[str, tuple[str, int, int, tuple[int, ...]]], ...] = (
    ("F32", _DEPRESSION),
    ("F33", _DEPRESSION),
    ("F43.1", ("trauma", 0, 0, (0, 1, 2, 4))),
    ("F43.2", ("depression", 1, 1, (3, 4))),
    ("F41", ("anxiety", 0, 0, (0, 1, 2))),
    ("F40", ("anxiety", 2, 2, (1, 5))),
    ("F10", _SUBSTANCE),
    ("F11", _SUBSTANCE),
    ("F12", _SUBSTANCE),
    ("F90", ("adhd", 0, 0, (0, 1, 3))),
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


Fit = tuple[str, int, int, tuple[int, ...]]


def _problems_for(client: Client, groups: dict[str, LibraryGroup]) -> list[Fit]:
    """What the library offers for each of the client's diagnoses, one per group, in the
    order of the diagnoses."""
    out: list[Fit] = []
    for dx in client.diagnoses:
        fit = next((f for prefix, f in _FITS if dx.code.startswith(prefix)), None)
        if fit is not None and fit[0] in groups and fit[0] not in {f[0] for f in out}:
            out.append(fit)
    return out


def _plan_json(
    groups: dict[str, LibraryGroup], rng: random.Random, start: date, fits: list[Fit]
) -> dict[str, object]:
    problems = []
    for group_id, problem, goal, objectives in fits:
        group = groups[group_id]
        usable = [i for i in objectives if i < len(group.objectives)] or [0]
        problems.append(
            to_plan_json(
                group,
                LibraryChoice(
                    problem=min(problem, len(group.problems) - 1),
                    goal=min(goal, len(group.goals) - 1),
                    objectives=tuple(sorted(rng.sample(usable, k=min(2, len(usable))))),
                    interventions=tuple(sorted(rng.sample(range(len(group.interventions)), k=2))),
                ),
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
    """A plan for most active demo clients (about 5 in 6): a problem from the goal library
    for each of their diagnoses, valid from shortly after admission (or, for long-standing
    clients, the yearly update about four months ago); goal-progress ratings on their draft
    notes within the plan period. Plans are signed when the vault's passphrase is given,
    else left as drafts. Returns the plan version ids."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    today = ws.clock.now().date()
    groups = {g.id: g for g in ws.goal_library.groups()}
    if not groups:
        return []
    clients = [ws.clients.get(i) for i in client_ids] if client_ids else ws.clients.list()
    plans: list[Plan] = []
    with ws.transaction():
        for i, client in enumerate(clients):
            if client.status.value != "active" or i % 6 == 5:
                continue  # some clients have no plan yet: Today shows them
            if ws.plans.latest(client.id) is not None:
                continue
            fits = _problems_for(client, groups)
            if not fits:
                continue  # nothing in the library fits: no plan rather than a wrong one
            # Written within two weeks of admission, or (for a long-standing client) the
            # yearly update about four months ago.
            admitted = client.admitted_on or today - timedelta(days=140)
            start = min(
                max(admitted + timedelta(days=rng.randint(0, 14)), today - timedelta(days=140)),
                today,
            )
            plans.append(ws.plans.import_json(client.id, _plan_json(groups, rng, start, fits)))
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
