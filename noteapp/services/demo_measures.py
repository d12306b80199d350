"""Synthetic measures for the demo: PHQ-9 and GAD-7 about every four weeks since admission,
improving with noise; one client with an earlier positive PHQ-9 item 9 that a signed note
addressed (only when the demo signs, i.e. with the passphrase), and another with a recent,
still open, risk flag dated after that client's last note (so the next note written is held
by the sign gate, while every demo note stays signable). Invented data only."""

from __future__ import annotations

import contextlib
import random
from datetime import date, timedelta

from noteapp.domain.errors import NoteappError
from noteapp.domain.notes import Note, RiskArea, RiskAssessment
from noteapp.services.workspace import Workspace

DEMO_OVERRIDE_REASON = (
    "Safety plan completed on paper in session and given to the client; entered in the app "
    "afterwards."
)
DEMO_ASSESSMENT = RiskAssessment(
    suicidal_ideation=RiskArea(
        present=True,
        plan=False,
        intent=False,
        means=False,
        history=False,
        notes="Passive thoughts of being better off dead on a few days after a job loss; "
        "no plan, no intent.",
    ),
    homicidal_ideation=RiskArea(present=False),
    self_harm=RiskArea(present=False, history=False),
    protective_factors="Close to sister; caring for a dog; future-oriented; engaged in therapy.",
    risk_level="low",
    actions_taken="Safety plan completed together; 988 and the clinic line given; follow-up "
    "in one week.",
)


def _answers(
    rng: random.Random, total: int, items: int, top: int, fixed: dict[int, int]
) -> list[int]:
    """Item answers adding up to `total` (clamped), with some items fixed (0-based)."""
    values = [0] * items
    for index, value in fixed.items():
        values[index] = value
    free = [i for i in range(items) if i not in fixed]
    room = len(free) * top
    remaining = max(0, min(total - sum(values), room))
    while remaining:
        i = rng.choice([j for j in free if values[j] < top])
        values[i] += 1
        remaining -= 1
    return values


def _schedule(rng: random.Random, start: date, today: date, note_days: list[date]) -> list[date]:
    """About every 28 days from `start`; a date near a note's date moves onto it (so notes
    written that day show the score)."""
    out: list[date] = []
    day = start
    while day <= today:
        near = [d for d in note_days if abs((d - day).days) <= 6 and d not in out]
        pick = min(near, key=lambda d: abs((d - day).days)) if near else day
        if not out or pick > out[-1]:
            out.append(pick)
        day = day + timedelta(days=28 + rng.randint(-4, 4))
    return out


def add_demo_measures(
    ws: Workspace, passphrase: str | None, *, client_ids: list[str], seed: int = 23
) -> int:
    """Add the demo measures (one transaction); returns how many. With the passphrase, the
    note that addressed the earlier flag is signed here (with its risk assessment)."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    today = ws.clock.now().date()
    week_ago = today - timedelta(days=8)
    count = 0
    # The earlier, addressed flag goes to the first client with a signable older note; the
    # recent open flag to the next client.
    to_sign: Note | None = None
    for cid in client_ids if passphrase is not None else ():
        ready = sorted(
            (
                n
                for n in ws.notes.list(client_id=cid, include_psychotherapy=False)
                if n.session.date <= week_ago and not n.is_signed and ws.notes.check(n).can_sign
            ),
            key=lambda n: n.session.date,
        )
        if ready:
            to_sign = ready[len(ready) // 2]
            break
    addressed_client = to_sign.client_id if to_sign else ""
    # The open flag is dated after the client's last note: it blocks the next note written.
    open_day = today - timedelta(days=1)
    open_client = next(
        (
            c
            for c in client_ids
            if c != addressed_client
            and all(n.session.date < open_day for n in ws.notes.list(client_id=c))
        ),
        "",
    )
    with ws.vault.transaction():
        for cid in client_ids:
            client = ws.clients.get(cid)
            notes = ws.notes.list(client_id=cid, include_psychotherapy=False)
            note_days = sorted({n.session.date for n in notes})
            start = max(
                client.admitted_on or today - timedelta(days=120), today - timedelta(days=365)
            )
            days = _schedule(rng, start, today, note_days)
            flag_day: date | None = None
            if to_sign is not None and cid == addressed_client:
                flag_day = to_sign.session.date
                days = sorted({*days, flag_day})
            elif cid == open_client:
                flag_day = open_day
                days = [d for d in days if d < today - timedelta(days=7)] + [flag_day]
            phq, gad = rng.randint(12, 22), rng.randint(9, 18)
            for i, day in enumerate(days):
                progress = i * rng.uniform(1.0, 2.2)
                phq_total = max(1, round(phq - progress + rng.randint(-2, 2)))
                gad_total = max(1, round(gad - progress * 0.8 + rng.randint(-2, 2)))
                item9 = 1 if day == flag_day else 0
                ws.measures.add(
                    client_id=cid,
                    instrument="phq9",
                    answers=_answers(rng, phq_total, 9, 3, {8: item9}),
                    on=day,
                )
                ws.measures.add(
                    client_id=cid,
                    instrument="gad7",
                    answers=_answers(rng, gad_total, 7, 3, {}),
                    on=day,
                )
                count += 2
        if to_sign is not None:
            ws.notes.save(to_sign.id, risk_assessment=DEMO_ASSESSMENT)
    if to_sign is not None and passphrase is not None:
        with contextlib.suppress(NoteappError):  # else left as a draft: the demo goes on
            ws.signing.sign_note(
                to_sign.id, passphrase=passphrase, override_reason=DEMO_OVERRIDE_REASON
            )
    return count
