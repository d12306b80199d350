"""Safety plans: drafts, signed versions, revisions; the crisis-line defaults.

Each version is its own record (kind "safety_plan"); a client's versions share a `series`.
Signing a version locks it with the same proof machinery as notes and treatment plans (it
exports and verifies the same way); revising makes the next version as a draft, and signing
that supersedes the older one. A client "has a current safety plan" when a signed version
is not superseded. The crisis-line defaults ship in data/crisis_lines.json; an edited list
is kept in the vault (kind "crisis_lines"). See docs/safety-plans.md.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Sequence
from dataclasses import replace
from functools import cache
from importlib import resources
from typing import Any

from noteapp.domain.clock import Clock
from noteapp.domain.document import Document
from noteapp.domain.errors import InvalidInputError, NotFoundError, RefusedError
from noteapp.domain.ids import new_id
from noteapp.domain.safety_plan import (
    ClientCopy,
    CrisisLine,
    SafetyPlan,
    SafetyPlanStatus,
    content_from_json,
    content_to_dict,
    crisis_line_to_dict,
    crisis_lines_from_json,
    safety_plan_from_dict,
    safety_plan_to_dict,
)
from noteapp.domain.signatures import ItemType, SignedItem
from noteapp.services.audit import AuditService
from noteapp.services.clients import ClientService
from noteapp.services.signing import SigningService
from noteapp.services.tracked import TrackedRecord
from noteapp.signing.payloads import record_payload
from noteapp.templates.safety_document import client_copy, render_safety_plan
from noteapp.vault.store import Vault

KIND = "safety_plan"
CRISIS_KIND = "crisis_lines"
CRISIS_RECORD = "crisis_lines"
CRISIS_FORMAT = "noteapp-crisis-lines"
ATTESTATION = (
    "I developed this safety plan together with the client and attest that it is accurate."
)


@cache
def _shipped_text() -> str:
    return (
        resources.files("noteapp.services").joinpath("data", "crisis_lines.json").read_text("utf-8")
    )


def shipped_crisis_lines() -> tuple[CrisisLine, ...]:
    """The defaults that ship with noteapp (US: 988, Crisis Text Line, 911)."""
    return crisis_lines_from_json(json.loads(_shipped_text()))


class SafetyPlanService:
    def __init__(
        self,
        *,
        vault: Vault,
        audit: AuditService,
        clients: ClientService,
        signing: SigningService,
        clock: Clock,
    ) -> None:
        self._vault = vault
        self._crisis_record = TrackedRecord(vault, CRISIS_KIND, CRISIS_RECORD)
        self._audit = audit
        self._clients = clients
        self._signing = signing
        self._clock = clock
        self._plans: dict[str, SafetyPlan] = {}
        result = vault.load_kind(KIND)
        self.problems = list(result.failures)
        for r in result.records:
            self._plans[r.id] = safety_plan_from_dict(r.data, record_version=r.version)

    # --- reading -----------------------------------------------------------------------

    def versions(self, client_id: str) -> builtins.list[SafetyPlan]:
        client = self._clients.get(client_id)
        return sorted(
            (p for p in self._plans.values() if p.client_id == client.id), key=lambda p: p.version
        )

    def latest(self, client_id: str) -> SafetyPlan | None:
        versions = self.versions(client_id)
        return versions[-1] if versions else None

    def current(self, client_id: str) -> SafetyPlan | None:
        """The signed version in force (not superseded), if any."""
        signed = [p for p in self.versions(client_id) if p.is_current]
        return signed[-1] if signed else None

    def has_current(self, client_id: str) -> bool:
        """A signed, not superseded safety plan exists (the note sign gate asks this)."""
        return self.current(client_id) is not None

    def get(self, plan_id: str) -> SafetyPlan:
        plan = self._plans.get(plan_id)
        if plan is None:
            raise NotFoundError(f"No safety plan with id '{plan_id[:32]}'.")
        return plan

    def render(self, plan: SafetyPlan) -> Document:
        return render_safety_plan(plan, self._clients.get(plan.client_id))

    def client_copy(self, plan: SafetyPlan) -> ClientCopy:
        return client_copy(plan, self._clients.get(plan.client_id))

    # --- writing -----------------------------------------------------------------------

    def _write(self, plan: SafetyPlan, action: str) -> SafetyPlan:
        with self._vault.transaction():
            version = self._vault.put(
                KIND,
                plan.id,
                safety_plan_to_dict(plan),
                expected_version=plan.record_version,
            )
            self._audit.record(action, kind=KIND, record_id=plan.id)
        plan = replace(plan, record_version=version)
        self._plans[plan.id] = plan
        return plan

    def start(self, client_id: str) -> SafetyPlan:
        """The draft in progress; else the next version from the signed one; else an empty
        version 1 with the crisis-line defaults."""
        latest = self.latest(client_id)
        if latest is not None:
            return latest if not latest.is_signed else self.revise(client_id)
        client = self._clients.get(client_id)
        plan = SafetyPlan(
            id=new_id(),
            series=new_id(),
            client_id=client.id,
            version=1,
            crisis_lines=self.crisis_line_defaults(),
            created_on=self._clock.now().date(),
        )
        return self._write(plan, "create")

    def import_json(self, client_id: str, data: Any) -> SafetyPlan:
        """A whole plan from JSON (docs/safety-plans.md): replaces the draft in progress, or
        starts the next version after a signed one. Nothing is stored unless all is valid."""
        client = self._clients.get(client_id)
        fields = content_from_json(data, default_crisis_lines=self.crisis_line_defaults())
        latest = self.latest(client.id)
        if latest is not None and not latest.is_signed:
            return self._write(replace(latest, **fields), "edit")
        plan = SafetyPlan(
            id=new_id(),
            series=latest.series if latest else new_id(),
            client_id=client.id,
            version=(latest.version + 1) if latest else 1,
            created_on=self._clock.now().date(),
            **fields,
        )
        return self._write(plan, "create")

    def save_draft(self, plan: SafetyPlan) -> SafetyPlan:
        """Store an edited draft (blank items are dropped, whitespace tidied)."""
        current = self.get(plan.id)
        if current.is_signed:
            raise RefusedError("This safety plan version is signed; revise it to make changes.")
        if (plan.client_id, plan.version, plan.series) != (
            current.client_id,
            current.version,
            current.series,
        ):
            raise InvalidInputError("A draft keeps its client and version.")
        content = content_from_json(content_to_dict(plan), default_crisis_lines=())
        tidy = replace(
            plan,
            **content,
            status=SafetyPlanStatus.DRAFT,
            signed_on=None,
            signature_ids=(),
            record_version=current.record_version,
        )
        return self._write(tidy, "edit")

    def revise(self, client_id: str) -> SafetyPlan:
        """The next version as a draft, copied from the latest signed one."""
        latest = self.latest(client_id)
        if latest is None:
            raise NotFoundError("This client has no safety plan yet.")
        if not latest.is_signed:
            return latest  # already revising
        draft = replace(
            latest,
            id=new_id(),
            version=latest.version + 1,
            status=SafetyPlanStatus.DRAFT,
            created_on=self._clock.now().date(),
            signed_on=None,
            signature_ids=(),
            record_version=0,
        )
        return self._write(draft, "revise")

    # --- signing -----------------------------------------------------------------------

    @staticmethod
    def validate_for_signing(plan: SafetyPlan) -> builtins.list[str]:
        """What is missing, as plain sentences (empty when the plan can be signed)."""
        problems = []
        if not plan.warning_signs:
            problems.append("Add at least one warning sign.")
        if not plan.internal_coping:
            problems.append("Add at least one coping strategy the client can use on their own.")
        if not plan.people_to_ask and not plan.professionals:
            problems.append("Add at least one person or professional the client can contact.")
        if not plan.crisis_lines:
            problems.append("Add at least one crisis line (for example 988 in the US).")
        if not plan.reasons_for_living:
            problems.append("Add at least one reason for living, in the client's words.")
        return problems

    def sign(self, plan_id: str, *, passphrase: str | None = None) -> SignedItem:
        return self._sign(self._ready_to_sign(plan_id), passphrase=passphrase, confirm=True)

    def sign_many(
        self, plan_ids: Sequence[str], *, passphrase: str | None = None
    ) -> builtins.list[SignedItem]:
        """Sign several drafts with one passphrase confirmation (e.g. the demo)."""
        plans = [self._ready_to_sign(i) for i in plan_ids]
        if not plans:
            return []
        first = self._sign(plans[0], passphrase=passphrase, confirm=True)
        return [first, *(self._sign(p, passphrase=None, confirm=False) for p in plans[1:])]

    def _ready_to_sign(self, plan_id: str) -> SafetyPlan:
        plan = self.get(plan_id)
        if plan.is_signed:
            raise RefusedError("This safety plan version is already signed.")
        problems = self.validate_for_signing(plan)
        if problems:
            raise InvalidInputError("The safety plan cannot be signed yet. " + " ".join(problems))
        return plan

    def _sign(self, plan: SafetyPlan, *, passphrase: str | None, confirm: bool) -> SignedItem:
        client = self._clients.get(plan.client_id)
        today = self._clock.now().date()
        signed = replace(plan, status=SafetyPlanStatus.SIGNED, signed_on=today)
        document = render_safety_plan(signed, client)
        payload = record_payload(
            client=client,
            template=("safety-plan", plan.version, "Safety plan"),
            on=today,
            key="safety_plan",
            record=safety_plan_to_dict(signed),
            document=document,
            attestation=ATTESTATION,
        )
        item = self._signing.sign_document(
            plan.id,
            item_type=ItemType.SAFETY_PLAN,
            payload=payload,
            passphrase=passphrase,
            confirm=confirm,
        )
        with self._vault.transaction():
            previous = self.current(plan.client_id)
            if previous is not None and previous.id != plan.id:
                self._write(replace(previous, status=SafetyPlanStatus.SUPERSEDED), "supersede")
            self._write(replace(signed, signature_ids=(item.id,)), "sign")
        return item

    # --- crisis-line defaults -----------------------------------------------------------

    def crisis_line_defaults(self) -> tuple[CrisisLine, ...]:
        """The lines new safety plans start with: the user's edited list, else the shipped."""
        data = self._crisis_record.read()
        return shipped_crisis_lines() if data is None else crisis_lines_from_json(data)

    def crisis_lines_customised(self) -> bool:
        return self._vault.exists(CRISIS_KIND, CRISIS_RECORD)

    def save_crisis_line_defaults(
        self, lines: Sequence[CrisisLine] | Any
    ) -> tuple[CrisisLine, ...]:
        """Replace the defaults (a list of CrisisLine, or the JSON list); checked first."""
        if isinstance(lines, Sequence) and all(isinstance(x, CrisisLine) for x in lines):
            data: Any = [crisis_line_to_dict(x) for x in lines]
        else:
            data = lines
        checked = crisis_lines_from_json(data)
        if not checked:
            raise InvalidInputError("Keep at least one crisis line.")
        document = {
            "format": CRISIS_FORMAT,
            "version": 1,
            "crisis_lines": [crisis_line_to_dict(x) for x in checked],
        }
        with self._vault.transaction():
            self._crisis_record.write(document)
            self._audit.record("edit", kind=CRISIS_KIND, record_id=CRISIS_RECORD)
        return checked

    def reset_crisis_line_defaults(self) -> tuple[CrisisLine, ...]:
        with self._vault.transaction():
            if self._crisis_record.delete():
                self._audit.record("reset", kind=CRISIS_KIND, record_id=CRISIS_RECORD)
        return shipped_crisis_lines()


__all__ = ["KIND", "SafetyPlanService", "shipped_crisis_lines"]
