"""The services each window, tab or page uses, typed, so a call can be followed into
services by mypy and an IDE. The composition root builds them from the Workspace
(`Bundle.of(ws)`); nothing below reaches for anything else.

A bundle per part of the UI, holding only what that part (and the dialogs it opens) calls.
"""

from __future__ import annotations

from dataclasses import dataclass

from noteapp.domain.clock import Clock
from noteapp.services.audit import AuditService
from noteapp.services.clients import ClientService
from noteapp.services.contacts import ContactService
from noteapp.services.damage import DamageReport
from noteapp.services.exports import ExportService
from noteapp.services.incidents import IncidentService
from noteapp.services.measures import MeasureService
from noteapp.services.medications import MedicationService
from noteapp.services.notes import NoteService
from noteapp.services.plans import PlanService
from noteapp.services.profile import ProfileService
from noteapp.services.reference import ReferenceService
from noteapp.services.referrals import ReferralService
from noteapp.services.review import ReviewService
from noteapp.services.safety_plans import SafetyPlanService
from noteapp.services.settings import SettingsService
from noteapp.services.signing import SigningService
from noteapp.services.spelling import Speller
from noteapp.services.templates import TemplateCatalog
from noteapp.services.workspace import Workspace


@dataclass(frozen=True)
class NoteServices:
    """A note window (editor, signed document, sign / correct / history / export dialogs)
    and the Notes tab (new note, group note, chart export)."""

    notes: NoteService
    clients: ClientService
    templates: TemplateCatalog
    signing: SigningService
    plans: PlanService
    measures: MeasureService
    reference: ReferenceService
    speller: Speller
    profile: ProfileService
    settings: SettingsService
    exports: ExportService
    audit: AuditService
    clock: Clock
    damage: DamageReport  # damaged notes stay listed, marked, and say why they cannot open
    medications: MedicationService  # adherence recorded in the note

    @classmethod
    def of(cls, ws: Workspace) -> NoteServices:
        return cls(
            notes=ws.notes,
            clients=ws.clients,
            templates=ws.templates,
            signing=ws.signing,
            plans=ws.plans,
            measures=ws.measures,
            reference=ws.reference,
            speller=ws.speller,
            profile=ws.profile,
            settings=ws.settings,
            exports=ws.exports,
            audit=ws.audit,
            clock=ws.clock,
            damage=ws.damage,
            medications=ws.medications,
        )


@dataclass(frozen=True)
class PlanServices:
    """The Plan tab and its dialogs (sign, acknowledge, review, compare, export)."""

    plans: PlanService
    signing: SigningService
    settings: SettingsService
    exports: ExportService
    clock: Clock

    @classmethod
    def of(cls, ws: Workspace) -> PlanServices:
        return cls(ws.plans, ws.signing, ws.settings, ws.exports, ws.clock)


@dataclass(frozen=True)
class SafetyPlanServices:
    """The Safety plan tab and its dialogs (sign, export, client copy)."""

    safety_plans: SafetyPlanService
    signing: SigningService
    settings: SettingsService
    exports: ExportService

    @classmethod
    def of(cls, ws: Workspace) -> SafetyPlanServices:
        return cls(ws.safety_plans, ws.signing, ws.settings, ws.exports)


@dataclass(frozen=True)
class MeasureServices:
    """The Measures tab: scores, trends, and notes and plan reviews on the timeline."""

    measures: MeasureService
    notes: NoteService
    plans: PlanService
    signing: SigningService
    clock: Clock

    @classmethod
    def of(cls, ws: Workspace) -> MeasureServices:
        return cls(ws.measures, ws.notes, ws.plans, ws.signing, ws.clock)


@dataclass(frozen=True)
class ReviewServices:
    """The Review screen and the co-sign / return / trust dialogs it opens."""

    review: ReviewService
    profile: ProfileService
    signing: SigningService
    settings: SettingsService

    @classmethod
    def of(cls, ws: Workspace) -> ReviewServices:
        return cls(ws.review, ws.profile, ws.signing, ws.settings)


@dataclass(frozen=True)
class CaseServices:
    """Case management: the chart's Contacts, Referrals and Medications tabs, the Incidents
    page, and the dialogs they open (forms, signing, exports)."""

    contacts: ContactService
    referrals: ReferralService
    medications: MedicationService
    incidents: IncidentService
    measures: MeasureService  # the medications tab draws scores beside adherence
    clients: ClientService
    signing: SigningService
    settings: SettingsService
    exports: ExportService
    clock: Clock

    @classmethod
    def of(cls, ws: Workspace) -> CaseServices:
        return cls(
            contacts=ws.contacts,
            referrals=ws.referrals,
            medications=ws.medications,
            incidents=ws.incidents,
            measures=ws.measures,
            clients=ws.clients,
            signing=ws.signing,
            settings=ws.settings,
            exports=ws.exports,
            clock=ws.clock,
        )
