"""A plan version as a document: what the Plan tab previews, the signature covers, and the
Word export shows (with the client-acknowledgement block)."""

from __future__ import annotations

from noteapp.domain.clients import Client
from noteapp.domain.document import Block, BulletList, Document, Heading, KeyValueTable, Paragraph
from noteapp.domain.plans import Plan


def render_plan(plan: Plan, client: Client) -> Document:
    def d(value: object) -> str:
        iso = getattr(value, "isoformat", None)
        return str(iso()) if callable(iso) else ""

    # Only a signed version has a review date (counted from its signing).
    next_review = plan.next_review() if plan.is_signed else None
    blocks: list[Block] = [
        KeyValueTable(
            tuple(
                (k, v)
                for k, v in (
                    ("Plan version", str(plan.version)),
                    ("Type of service", plan.service_type.value.capitalize()),
                    ("Planned session length", f"{plan.session_minutes} minutes"),
                    ("Frequency", plan.frequency),
                    ("Valid", f"{d(plan.valid_from)} to {d(plan.valid_until)}".strip(" to")),
                    (
                        "Diagnoses",
                        "; ".join(f"{x.code} {x.description}".strip() for x in plan.diagnoses),
                    ),
                    ("Review interval", f"every {plan.review_interval_days} days"),
                    ("Next review", d(next_review)),
                )
                if v
            )
        )
    ]
    for pi, problem in enumerate(plan.problems, 1):
        blocks.append(Heading(2, f"Problem {pi}: {problem.statement}"))
        for gi, goal in enumerate(problem.goals, 1):
            blocks.append(Heading(3, f"Goal {pi}.{gi} ({goal.status.value}): {goal.statement}"))
            if goal.client_words:
                blocks.append(Paragraph(f"In the client's words: “{goal.client_words}”"))
            for oi, o in enumerate(goal.objectives, 1):
                rows = [("Objective", f"{pi}.{gi}.{oi} ({o.status.value}) {o.description}")]
                rows += [
                    (k, v)
                    for k, v in (
                        ("Baseline", o.baseline),
                        ("Target", o.target),
                        ("Target date", d(o.target_date)),
                        ("Measured by", o.measured_by),
                    )
                    if v
                ]
                blocks.append(KeyValueTable(tuple(rows)))
                if o.interventions:
                    blocks.append(
                        BulletList(
                            tuple(
                                "Intervention: "
                                + " · ".join(
                                    x
                                    for x in (
                                        i.description,
                                        i.modality,
                                        i.frequency,
                                        f"provided by {i.provider}" if i.provider else "",
                                    )
                                    if x
                                )
                                for i in o.interventions
                            )
                        )
                    )
    blocks.append(Heading(2, "Client acknowledgement"))
    if plan.acknowledgements:
        blocks.append(
            BulletList(
                tuple(
                    f"{a.on.isoformat()}: {a.method.value}" + (f" — {a.note}" if a.note else "")
                    for a in plan.acknowledgements
                )
            )
        )
    else:
        blocks.append(Paragraph("Not yet recorded."))
    return Document(title=f"Treatment Plan — {client.name}", blocks=tuple(blocks))
