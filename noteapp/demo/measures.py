"""Synthetic measures for the demo: PHQ-9 and GAD-7 about every four weeks from admission
to discharge (or today), improving with noise; one client with an earlier positive PHQ-9
item 9 that a note addressed (with a completed risk assessment; the demo signs it when it
has the passphrase), and another with a recent, still open, risk flag dated after that
client's last note (so the next note written is held by the sign gate, while every demo
note stays signable). Notes written on a day a measure was given quote its score, and a
discharge summary quotes the first and last PHQ-9 — the scores recorded, never made up.
Invented data only."""

from __future__ import annotations

import random
from datetime import date, timedelta

from noteapp.demo.text import ROUTINE_RISK, passive_ideation
from noteapp.domain.measures import Measure
from noteapp.domain.notes import Note
from noteapp.services.workspace import Workspace

DEMO_OVERRIDE_REASON = (
    "Safety plan completed on paper in session and given to the client; entered in the app "
    "afterwards."
)
DEMO_ASSESSMENT = passive_ideation(
    "Passive thoughts of being better off dead on a few days after a job loss; no plan, no intent.",
    protective="Close to sister; caring for a dog; future-oriented; engaged in therapy.",
    level="low",
    actions="Safety plan completed together; 988 and the clinic line given; follow-up in one week.",
)
# What the note that addressed the flag says about risk, instead of the routine sentence.
FLAG_RISK = (
    "PHQ-9 item 9 positive today: passive thoughts of being better off dead, no plan or "
    "intent; risk assessed as low (see the risk assessment); safety plan completed together."
)
# Where a session note quotes the day's scores.
_SCORE_FIELD = {"soap": "objective", "dap": "data", "birp": "behavior"}


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
    ws: Workspace, *, client_ids: list[str], addressed_flag: bool = True, seed: int = 23
) -> str:
    """Add the demo measures (one transaction). With `addressed_flag` (the demo signs, so
    the flag can be addressed), returns the id of the note that addressed the earlier flag
    ("" if none): `fill_demo` signs it, with DEMO_OVERRIDE_REASON in case the client has no
    current safety plan yet."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    today = ws.clock.now().date()
    week_ago = today - timedelta(days=8)
    # The earlier, addressed flag goes to the first client with a signable older session
    # note; the recent open flag to the next client.
    to_sign: Note | None = None
    for cid in client_ids if addressed_flag else ():
        ready = sorted(
            (
                n
                for n in ws.notes.list(client_id=cid, include_psychotherapy=False)
                if n.template_id in _SCORE_FIELD
                and n.session.date <= week_ago
                and not n.is_signed
                and ws.notes.check(n).can_sign
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
            and ws.clients.get(c).discharged_on is None
            and all(n.session.date < open_day for n in ws.notes.list(client_id=c))
        ),
        "",
    )
    with ws.transaction():
        for cid in client_ids:
            client = ws.clients.get(cid)
            notes = ws.notes.list(client_id=cid, include_psychotherapy=False)
            # Measures are given in sessions with the client, never on a collateral call.
            note_days = sorted({n.session.date for n in notes if n.template_id != "contact"})
            start = max(
                client.admitted_on or today - timedelta(days=120), today - timedelta(days=365)
            )
            days = _schedule(rng, start, client.discharged_on or today, note_days)
            flag_day: date | None = None
            if to_sign is not None and cid == addressed_client:
                flag_day = to_sign.session.date
                days = sorted({*days, flag_day})
            elif cid == open_client:
                flag_day = open_day
                days = [d for d in days if d < today - timedelta(days=7)] + [flag_day]
            phq, gad = rng.randint(12, 22), rng.randint(9, 18)
            # A client discharged with "treatment goals met" ends in the mild range.
            finished = client.discharged_on is not None and len(days) > 1
            for i, day in enumerate(days):
                progress = i * rng.uniform(1.0, 2.2)
                phq_total = max(1, round(phq - progress + rng.randint(-2, 2)))
                gad_total = max(1, round(gad - progress * 0.8 + rng.randint(-2, 2)))
                if finished:
                    share = i / (len(days) - 1)
                    phq_total = max(1, round(phq + (rng.randint(3, 7) - phq) * share))
                    gad_total = max(1, round(gad + (rng.randint(2, 6) - gad) * share))
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
            _quote_scores(ws, notes, ws.measures.list(cid))
        if to_sign is not None:
            note = ws.notes.get(to_sign.id)
            ws.notes.save(
                note.id,
                fields={
                    k: v.replace(ROUTINE_RISK, FLAG_RISK)
                    for k, v in note.fields.items()
                    if isinstance(v, str) and ROUTINE_RISK in v
                },
                risk_assessment=DEMO_ASSESSMENT,  # the risk screen follows: SI present
            )
    return to_sign.id if to_sign else ""


def _quote_scores(ws: Workspace, notes: list[Note], measures: list[Measure]) -> None:
    """Write the recorded scores into the notes of their day (and the discharge summary)."""
    by_day: dict[date, list[Measure]] = {}
    for m in sorted(measures, key=lambda m: (m.on, m.instrument)):
        by_day.setdefault(m.on, []).append(m)
    phq = sorted((m for m in measures if m.instrument == "phq9"), key=lambda m: m.on)
    for note in notes:
        field = _SCORE_FIELD.get(note.template_id)
        given = by_day.get(note.session.date, [])
        if field and given:
            scores = "; ".join(f"{m.name} today {m.total} ({m.severity})" for m in given)
            ws.notes.save(note.id, fields={field: f"{note.text(field)} {scores}."})
        if note.template_id == "discharge":
            before = [m for m in phq if m.on <= note.session.date]
            if len(before) >= 2:
                summary = note.text("treatment_summary")
                ws.notes.save(
                    note.id,
                    fields={
                        "treatment_summary": f"{summary} PHQ-9 {before[0].total} at the start "
                        f"of treatment, {before[-1].total} at the end."
                    },
                )
