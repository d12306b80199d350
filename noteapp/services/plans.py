"""Treatment plans: import and edit drafts, sign versions, revise, acknowledge, review; goal
progress from notes; review dates; the plan facts the documentation checklist uses.

Each plan version is its own record (kind "plan"); a client's versions share a `series`.
Signing a version locks it (same proof machinery as notes: it exports and verifies the same
way); revising creates the next version as a draft; the older signed one becomes
"superseded" on signing the new one.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from noteapp.domain.checklist import ChecklistFacts
from noteapp.domain.clock import Clock
from noteapp.domain.document import Document
from noteapp.domain.errors import InvalidInputError, NotFoundError, RefusedError
from noteapp.domain.ids import new_id
from noteapp.domain.notes import Note, NoteStatus
from noteapp.domain.plan_validation import plan_from_json
from noteapp.domain.plans import (
    AckMethod,
    Acknowledgement,
    GoalStatus,
    ObjectiveProgress,
    Plan,
    PlanStatus,
    ProgressPoint,
    Rating,
    plan_from_dict,
    plan_to_dict,
)
from noteapp.domain.signatures import ItemType, SignedItem
from noteapp.services.audit import AuditService
from noteapp.services.clients import ClientService
from noteapp.services.notes import NoteService
from noteapp.services.settings import SettingsService
from noteapp.services.signing import SigningService
from noteapp.signing.payloads import PLAN_ATTESTATION, record_payload
from noteapp.templates.plan_document import render_plan
from noteapp.vault.store import Vault

KIND = "plan"
DUE_SOON_DAYS = 14


@dataclass(frozen=True)
class DueReview:
    client_id: str
    plan: Plan
    due: date
    overdue: bool


class PlanService:
    def __init__(
        self,
        *,
        vault: Vault,
        audit: AuditService,
        clients: ClientService,
        notes: NoteService,
        signing: SigningService,
        settings: SettingsService,
        clock: Clock,
    ) -> None:
        self._vault = vault
        self._audit = audit
        self._clients = clients
        self._notes = notes
        self._signing = signing
        self._settings = settings
        self._clock = clock
        self._plans: dict[str, Plan] = {}
        result = vault.load_kind(KIND)
        self.problems = list(result.failures)
        for r in result.records:
            self._plans[r.id] = plan_from_dict(r.data, record_version=r.version)
        notes.fact_providers.append(self._facts)

    # --- reading -----------------------------------------------------------------------

    def versions(self, client_id: str) -> builtins.list[Plan]:
        client = self._clients.get(client_id)
        return sorted(
            (p for p in self._plans.values() if p.client_id == client.id), key=lambda p: p.version
        )

    def latest(self, client_id: str) -> Plan | None:
        versions = self.versions(client_id)
        return versions[-1] if versions else None

    def current_signed(self, client_id: str) -> Plan | None:
        signed = [p for p in self.versions(client_id) if p.status == PlanStatus.SIGNED]
        return signed[-1] if signed else None

    def get(self, plan_id: str) -> Plan:
        plan = self._plans.get(plan_id)
        if plan is None:
            raise NotFoundError(f"No treatment plan with id '{plan_id[:32]}'.")
        return plan

    def previous_version(self, plan: Plan) -> Plan | None:
        older = [
            p for p in self._plans.values() if p.series == plan.series and p.version < plan.version
        ]
        return max(older, key=lambda p: p.version) if older else None

    # --- writing -----------------------------------------------------------------------

    def _write(self, plan: Plan, action: str) -> Plan:
        with self._vault.transaction():
            version = self._vault.put(
                KIND, plan.id, plan_to_dict(plan), expected_version=plan.record_version
            )
            self._audit.record(action, kind=KIND, record_id=plan.id)
        plan = replace(plan, record_version=version)
        self._plans[plan.id] = plan
        return plan

    def import_json(self, client_id: str, data: Any) -> Plan:
        """A whole plan from JSON (docs/plans.md). Replaces the current draft, or starts the
        next version after a signed one. Nothing is stored unless all of it is valid."""
        client = self._clients.get(client_id)
        fields = plan_from_json(data, default_interval=self.review_interval())
        if not fields["diagnoses"]:
            fields["diagnoses"] = client.diagnoses
        latest = self.latest(client.id)
        if latest is not None and not latest.is_signed:
            plan = replace(latest, **fields)
            return self._write(plan, "edit")
        plan = Plan(
            id=new_id(),
            series=latest.series if latest else new_id(),
            client_id=client.id,
            version=(latest.version + 1) if latest else 1,
            **fields,
        )
        return self._write(plan, "create")

    def start(self, client_id: str) -> Plan:
        """An empty draft to fill in (valid from today), or the draft already in progress."""
        latest = self.latest(client_id)
        if latest is not None and not latest.is_signed:
            return latest
        return self.import_json(client_id, {"valid_from": self._clock.now().date().isoformat()})

    def save_draft(self, plan: Plan) -> Plan:
        current = self.get(plan.id)
        if current.is_signed:
            raise RefusedError("This plan version is signed; revise it to make changes.")
        if plan.client_id != current.client_id or plan.version != current.version:
            raise InvalidInputError("A draft keeps its client and version.")
        return self._write(replace(plan, status=PlanStatus.DRAFT), "edit")

    def revise(self, client_id: str) -> Plan:
        """The next version as a draft, starting from the latest signed one."""
        latest = self.latest(client_id)
        if latest is None:
            raise NotFoundError("This client has no treatment plan yet.")
        if not latest.is_signed:
            return latest  # already revising
        draft = replace(
            latest,
            id=new_id(),
            version=latest.version + 1,
            status=PlanStatus.DRAFT,
            acknowledgements=(),
            signed_on=None,
            signature_ids=(),
            record_version=0,
        )
        return self._write(draft, "revise")

    def review_interval(self) -> int:
        return self._settings.get().plan_review_days

    def render(self, plan: Plan) -> Document:
        return render_plan(plan, self._clients.get(plan.client_id))

    def sign(self, plan_id: str, *, passphrase: str | None = None) -> SignedItem:
        return self._sign(self._ready_to_sign(plan_id), passphrase=passphrase, confirm=True)

    def sign_plans(
        self, plan_ids: builtins.list[str], *, passphrase: str | None = None
    ) -> builtins.list[SignedItem]:
        """Sign several draft versions with one passphrase confirmation (e.g. the demo)."""
        plans = [self._ready_to_sign(i) for i in plan_ids]
        if not plans:
            return []
        first = self._sign(plans[0], passphrase=passphrase, confirm=True)
        return [first, *(self._sign(p, passphrase=None, confirm=False) for p in plans[1:])]

    def _ready_to_sign(self, plan_id: str) -> Plan:
        plan = self.get(plan_id)
        if plan.is_signed:
            raise RefusedError("This plan version is already signed.")
        problems = self.validate_for_signing(plan)
        if problems:
            raise InvalidInputError("The plan cannot be signed yet: " + "; ".join(problems))
        return plan

    def _sign(self, plan: Plan, *, passphrase: str | None, confirm: bool) -> SignedItem:
        client = self._clients.get(plan.client_id)
        today = self._clock.now().date()
        signed = replace(plan, status=PlanStatus.SIGNED, signed_on=today)
        document = render_plan(signed, client)
        payload = record_payload(
            client=client,
            template=("treatment-plan", plan.version, "Treatment plan"),
            on=plan.valid_from or today,
            key="plan",
            record=plan_to_dict(signed),
            document=document,
            attestation=PLAN_ATTESTATION,
        )
        item = self._signing.sign_document(
            plan.id,
            item_type=ItemType.PLAN,
            payload=payload,
            passphrase=passphrase,
            confirm=confirm,
        )
        with self._vault.transaction():
            previous = self.current_signed(plan.client_id)
            if previous is not None and previous.id != plan.id:
                self._write(replace(previous, status=PlanStatus.SUPERSEDED), "supersede")
            self._write(replace(signed, signature_ids=(item.id,)), "sign")
        return item

    def validate_for_signing(self, plan: Plan) -> builtins.list[str]:
        problems = []
        if not plan.problems:
            problems.append("add at least one problem with a goal and an objective")
        for _p, _g, o in plan.objectives():
            if not o.target.strip() or (not o.measured_by.strip()):
                problems.append(
                    f"objective “{o.description[:40]}” needs a target and how it is measured"
                )
            if o.target_date is None:
                problems.append(f"objective “{o.description[:40]}” needs a target date")
        if any(not p.goals for p in plan.problems):
            problems.append("every problem needs at least one goal")
        if any(not g.objectives for p in plan.problems for g in p.goals):
            problems.append("every goal needs at least one measurable objective")
        if plan.valid_from is None or plan.valid_until is None:
            problems.append("set the dates the plan is valid")
        elif plan.valid_until < plan.valid_from:
            problems.append("the plan ends before it starts")
        if not plan.diagnoses:
            problems.append("add the diagnoses the plan treats")
        return problems

    def acknowledge(
        self,
        plan_id: str,
        *,
        method: AckMethod | str,
        on: date | None = None,
        note: str = "",
        passphrase: str | None = None,
    ) -> Plan | SignedItem:
        """The client's acknowledgement (or a refusal / an attempt): part of a draft, or a
        signed addendum to a signed version (the version itself never changes)."""
        try:
            how = AckMethod(method)
        except ValueError as exc:
            raise InvalidInputError(
                "The acknowledgement is one of: " + ", ".join(m.value for m in AckMethod)
            ) from exc
        plan = self.get(plan_id)
        today = self._clock.now().date()
        when = on or today
        if when > today:
            raise InvalidInputError("An acknowledgement cannot be dated in the future.")
        ack = Acknowledgement(how, when, note.strip())
        if not plan.is_signed:
            return self._write(
                replace(plan, acknowledgements=(*plan.acknowledgements, ack)), "acknowledge"
            )
        text = f"Client acknowledgement: {how.value} on {when.isoformat()}."
        if ack.note:
            text += f" {ack.note}"
        return self._signing.append_item(
            plan.id,
            item_type=ItemType.ADDENDUM,
            text=text,
            reason="Client acknowledgement",
            passphrase=passphrase,
            extra={
                "acknowledgement": {"method": how.value, "on": when.isoformat(), "note": ack.note}
            },
        )

    def acknowledgements(self, plan: Plan) -> builtins.list[Acknowledgement]:
        """All of a version's acknowledgements: those recorded in it before signing, then
        the signed acknowledgement addenda added after."""
        out = list(plan.acknowledgements)
        for item in self._signing.corrections(plan.id):
            ack = item.payload.get("acknowledgement")
            if item.type == ItemType.ADDENDUM and isinstance(ack, dict):
                try:
                    out.append(
                        Acknowledgement(
                            AckMethod(ack.get("method", "")),
                            date.fromisoformat(str(ack.get("on", ""))),
                            str(ack.get("note") or self._ack_note(item.payload)),
                        )
                    )
                except ValueError:
                    continue
        return out

    @staticmethod
    def _ack_note(payload: dict[str, Any]) -> str:
        text = str(payload.get("text", ""))
        head, _, rest = text.partition(".")
        # "Client acknowledgement: <method> on <date>. <note>" → the note after the first
        # sentence (dates hold no full stop).
        return rest.strip() if head.startswith("Client acknowledgement") else ""

    def review(self, plan_id: str, *, summary: str, passphrase: str | None = None) -> SignedItem:
        """Sign a plan review (moves the next review date)."""
        plan = self.get(plan_id)
        if plan.status != PlanStatus.SIGNED:
            raise RefusedError("Only the current signed plan can be reviewed.")
        if not summary.strip():
            raise InvalidInputError("A review needs its summary.")
        return self._signing.append_item(
            plan.id,
            item_type=ItemType.PLAN_REVIEW,
            text=summary,
            reason="Plan review",
            passphrase=passphrase,
        )

    def last_review(self, plan: Plan) -> date | None:
        reviews = [i for i in self._signing.corrections(plan.id) if i.type == ItemType.PLAN_REVIEW]
        if not reviews:
            return plan.reviewed_on
        return date.fromisoformat(reviews[-1].signed_at[:10])

    def next_review(self, plan: Plan) -> date | None:
        start = self.last_review(plan) or plan.signed_on or plan.valid_from
        return start + timedelta(days=plan.review_interval_days) if start else None

    # --- progress ----------------------------------------------------------------------

    def progress(self, client_id: str) -> builtins.list[ObjectiveProgress]:
        """Each objective of the latest plan with its ratings across the client's notes."""
        plan = self.current_signed(client_id) or self.latest(client_id)
        if plan is None:
            return []
        notes = sorted(
            self._notes.list(client_id=plan.client_id, include_psychotherapy=False),
            key=lambda n: n.session.date,
        )
        out = []
        for _p, _g, o in plan.objectives():
            points = tuple(
                ProgressPoint(n.id, n.session.date, Rating(r["rating"]), r.get("comment", ""))
                for n in notes
                for r in n.goal_progress
                if r.get("objective_id") == o.id and r.get("rating") in Rating._value2member_map_
            )
            out.append(ObjectiveProgress(o.id, o.description, points))
        return out

    def draft_review_summary(self, client_id: str) -> str:
        """A starting text for the review: each objective's ratings since the last review."""
        plan = self.current_signed(client_id)
        if plan is None:
            return ""
        since = self.last_review(plan) or plan.valid_from or plan.signed_on or date.min
        lines = [f"Plan review for the period since {since.isoformat()}."]
        for prog in self.progress(client_id):
            recent = [p for p in prog.points if p.on >= since]
            if not recent:
                lines.append(
                    f"• {prog.description.rstrip('.')}: not addressed in sessions this period."
                )
                continue
            latest = recent[-1]
            lines.append(
                f"• {prog.description.rstrip('.')}: rated in {len(recent)} session(s); most "
                f"recently “{latest.rating.value}” ({latest.on.isoformat()})"
                + (f" — {latest.comment.rstrip('.')}" if latest.comment else "")
                + "."
            )
        lines.append("Recommendation: continue the plan as written / revise (edit as needed).")
        return "\n".join(lines)

    def rate(self, note_id: str, ratings: builtins.list[dict[str, str]]) -> Note:
        """Set a draft note's goal-progress ratings (objective id, rating, comment)."""
        note = self._notes.get(note_id)
        plan = self.current_signed(note.client_id) or self.latest(note.client_id)
        known = {o.id: o.description for _p, _g, o in plan.objectives()} if plan else {}
        clean = []
        seen: set[str] = set()
        for r in ratings:
            oid, rating = r.get("objective_id", ""), r.get("rating", "")
            if oid not in known:
                raise InvalidInputError("That objective is not in the client's plan.")
            if oid in seen:
                raise InvalidInputError("Rate each objective once per note.")
            seen.add(oid)
            try:
                Rating(rating)
            except ValueError as exc:
                raise InvalidInputError(
                    "A rating is one of: " + ", ".join(x.value for x in Rating)
                ) from exc
            clean.append(
                {
                    "objective_id": oid,
                    "objective": known[oid],
                    "rating": rating,
                    "comment": r.get("comment", "").strip(),
                }
            )
        return self._notes.save(note.id, goal_progress=tuple(clean))

    # --- Today and checklist -----------------------------------------------------------

    def due_reviews(self) -> builtins.list[DueReview]:
        today = self._clock.now().date()
        out = []
        for client in self._clients.list():
            if client.status.value != "active":
                continue
            plan = self.current_signed(client.id)
            due = self.next_review(plan) if plan else None
            if plan and due and due <= today + timedelta(days=DUE_SOON_DAYS):
                out.append(DueReview(client.id, plan, due, due < today))
        return sorted(out, key=lambda d: d.due)

    def clients_without_current_plan(self) -> builtins.list[str]:
        today = self._clock.now().date()
        out = []
        for c in self._clients.list():
            plan = self.current_signed(c.id)
            if c.status.value == "active" and (plan is None or not plan.is_current(today)):
                out.append(str(c.id))
        return out

    def measured_by(self) -> dict[str, builtins.list[str]]:
        """How progress is measured, per active client with a current signed plan: the
        "measured by" text of each active objective (e.g. "PHQ-9 every 2 weeks")."""
        today = self._clock.now().date()
        out: dict[str, builtins.list[str]] = {}
        for c in self._clients.list():
            plan = self.current_signed(c.id) if c.status.value == "active" else None
            if plan is not None and plan.is_current(today):
                texts = [o.measured_by for o in plan.active_objectives() if o.measured_by]
                if texts:
                    out[str(c.id)] = texts
        return out

    def signed_notes_without_progress(self) -> builtins.list[Note]:
        return [
            n
            for n in self._notes.list(status=NoteStatus.SIGNED, include_psychotherapy=False)
            if not n.goal_progress and self.current_signed(n.client_id) is not None
        ]

    def _facts(self, note: Note, facts: ChecklistFacts) -> ChecklistFacts:
        plan = self.current_signed(note.client_id)
        current = plan is not None and plan.is_current(note.session.date)
        return replace(
            facts,
            has_current_signed_plan=current,
            has_active_objectives=bool(plan and plan.active_objectives()),
            plan_text=_problem_text(plan) if plan is not None else "",
        )


def _problem_text(plan: Plan) -> str:
    """What the plan treats, in words: problems, goals, objectives and interventions (the
    checklist asks whether the note's diagnoses are among them)."""
    parts: list[str] = []
    for p in plan.problems:
        parts.append(p.statement)
        for g in p.goals:
            parts += [g.statement, g.client_words]
            for o in g.objectives:
                parts.append(o.description)
                parts += [i.description for i in o.interventions]
    return "\n".join(x for x in parts if x)


__all__ = ["DUE_SOON_DAYS", "DueReview", "GoalStatus", "PlanService"]
