"""The documentation checklist: what payer auditors look for, as rules with severities.

Each rule has a default severity (block signing / warn / off) that the practice can change
in Settings. Rules about plan goals and measures are hooks: they stay silent until the
caller supplies the facts they need (later issues do).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from noteapp.domain.diagnosis_terms import addressed_in
from noteapp.domain.notes import Modality, Note
from noteapp.domain.reference import ReferenceData
from noteapp.domain.risk import risk_conflicts


class Severity(StrEnum):
    BLOCK = "block"
    WARN = "warn"
    OFF = "off"


@dataclass(frozen=True)
class SectionInfo:
    """What the checklist needs to know of a template section."""

    field_id: str
    label: str
    required: bool
    role: str = ""  # "response", "interventions", "risk_assessment", "plan", "progress"


@dataclass(frozen=True)
class TemplateInfo:
    id: str
    name: str
    sections: tuple[SectionInfo, ...]
    psychotherapy: bool = False
    group: bool = False

    def field_with_role(self, role: str) -> SectionInfo | None:
        return next((s for s in self.sections if s.role == role), None)


@dataclass(frozen=True)
class ContactFact:
    """One of the client's contacts, and whether a release covers disclosing to them on the
    date of service."""

    name: str
    has_current_release: bool


@dataclass(frozen=True)
class ChecklistFacts:
    """Facts beyond the note itself. None means 'not known here': the rule stays silent."""

    today: date
    has_current_signed_plan: bool | None = None
    has_active_objectives: bool | None = None
    unresolved_risk_flag: bool | None = None
    has_current_safety_plan: bool | None = None
    # The client's treatment-plan problems, goals and objectives as text ("" = no plan).
    plan_text: str | None = None
    # The client's contacts (for a contact note): who may be named, with or without a release.
    contacts: tuple[ContactFact, ...] | None = None


@dataclass(frozen=True)
class ChecklistItem:
    rule: str
    severity: Severity
    message: str
    field_id: str = ""  # where to jump to fix it ("" = session details)


@dataclass(frozen=True)
class ChecklistResult:
    items: tuple[ChecklistItem, ...]

    @property
    def blocking(self) -> tuple[ChecklistItem, ...]:
        return tuple(i for i in self.items if i.severity == Severity.BLOCK)

    @property
    def warnings(self) -> tuple[ChecklistItem, ...]:
        return tuple(i for i in self.items if i.severity == Severity.WARN)

    @property
    def can_sign(self) -> bool:
        return not self.blocking


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    default: Severity
    check: Callable[[Note, TemplateInfo, ReferenceData, ChecklistFacts], list[tuple[str, str]]]
    # check returns (message, field_id) pairs; empty when the note passes


def _empty(note: Note, field_id: str) -> bool:
    return not note.text(field_id).strip()


def _required_sections(
    n: Note, t: TemplateInfo, r: ReferenceData, f: ChecklistFacts
) -> list[tuple[str, str]]:
    return [
        (f"“{s.label}” is required and empty.", s.field_id)
        for s in t.sections
        if s.required and _empty(n, s.field_id)
    ]


def _date(n: Note, t: TemplateInfo, r: ReferenceData, f: ChecklistFacts) -> list[tuple[str, str]]:
    if n.session.date > f.today:
        return [("The date of service is in the future.", "")]
    return []


def _start_stop(
    n: Note, t: TemplateInfo, r: ReferenceData, f: ChecklistFacts
) -> list[tuple[str, str]]:
    if n.session.start is None or n.session.end is None:
        return [("Record the start and stop time of the session.", "")]
    if n.session.duration_minutes == 0:
        return [("The start and stop time are the same.", "")]
    return []


def _time_band(
    n: Note, t: TemplateInfo, r: ReferenceData, f: ChecklistFacts
) -> list[tuple[str, str]]:
    minutes = n.session.duration_minutes
    code = r.service_code(n.session.service_code)
    if minutes is None or code is None or code.fits(minutes):
        return []
    return [(f"{minutes} minutes does not fit service code {code.code} ({code.band_text()}).", "")]


def _extended(
    n: Note, t: TemplateInfo, r: ReferenceData, f: ChecklistFacts
) -> list[tuple[str, str]]:
    minutes = n.session.duration_minutes
    code = r.service_code(n.session.service_code)
    if code is not None and (code.group or code.family):
        return []  # the 52-minute rule is about individual psychotherapy codes
    if minutes is not None and minutes > 52 and not n.session.extended_reason.strip():
        return [(f"The session ran {minutes} minutes: say why it needed more than 52.", "")]
    return []


def _telehealth(
    n: Note, t: TemplateInfo, r: ReferenceData, f: ChecklistFacts
) -> list[tuple[str, str]]:
    place = r.place(n.session.place_of_service)
    if place and place.telehealth and n.session.modality == Modality.IN_PERSON:
        return [("Place of service is telehealth: state whether it was video or audio only.", "")]
    if n.session.modality != Modality.IN_PERSON and place and not place.telehealth:
        return [("A telehealth session needs a telehealth place of service (02 or 10).", "")]
    return []


def _service_code(
    n: Note, t: TemplateInfo, r: ReferenceData, f: ChecklistFacts
) -> list[tuple[str, str]]:
    return [] if n.session.service_code else [("No service code.", "")]


def _diagnosis(
    n: Note, t: TemplateInfo, r: ReferenceData, f: ChecklistFacts
) -> list[tuple[str, str]]:
    return [] if n.session.diagnoses else [("No diagnosis is recorded for this session.", "")]


def _interventions(
    n: Note, t: TemplateInfo, r: ReferenceData, f: ChecklistFacts
) -> list[tuple[str, str]]:
    if n.session.interventions:
        return []
    section = t.field_with_role("interventions")
    if section and not _empty(n, section.field_id):
        return []  # described in the note's own intervention section
    return [
        (
            "Name the interventions or techniques used (e.g. CBT, MI).",
            section.field_id if section else "",
        )
    ]


def _response(
    n: Note, t: TemplateInfo, r: ReferenceData, f: ChecklistFacts
) -> list[tuple[str, str]]:
    section = t.field_with_role("response")
    if section is None or not _empty(n, section.field_id):
        return []
    return [
        (f"Describe the client's participation and response (“{section.label}”).", section.field_id)
    ]


def _risk(n: Note, t: TemplateInfo, r: ReferenceData, f: ChecklistFacts) -> list[tuple[str, str]]:
    if not n.session.risk.positive:
        return []
    section = t.field_with_role("risk_assessment")
    if n.session.risk.detail.strip() or (section and not _empty(n, section.field_id)):
        return []
    if n.risk_assessment is not None and n.risk_assessment.is_complete():
        return []  # the structured risk assessment section
    return [
        (
            "The risk screen is positive: document a risk assessment and the actions taken.",
            section.field_id if section else "",
        )
    ]


def _risk_consistent(
    n: Note, t: TemplateInfo, r: ReferenceData, f: ChecklistFacts
) -> list[tuple[str, str]]:
    """One risk screen per note: the session details and the risk assessment must not
    say different things about suicidal or homicidal ideation."""
    return [
        (c.message() + " Answer it once, in the session details.", "")
        for c in risk_conflicts(n.session.risk, n.risk_assessment)
    ]


def _risk_screened(
    n: Note, t: TemplateInfo, r: ReferenceData, f: ChecklistFacts
) -> list[tuple[str, str]]:
    if n.session.risk.assessed:
        return []
    return [("Suicidal and homicidal ideation were not screened.", "")]


def _diagnosis_supported(
    n: Note, t: TemplateInfo, r: ReferenceData, f: ChecklistFacts
) -> list[tuple[str, str]]:
    """Each diagnosis on the note is addressed by the note itself or a plan problem."""
    note_text = "\n".join(n.text(k) for k in n.fields)
    out = []
    for dx in n.session.diagnoses:
        if addressed_in(dx, note_text) or (f.plan_text and addressed_in(dx, f.plan_text)):
            continue
        name = f"{dx.code} {dx.description}".strip()
        where = "this note or the treatment plan's problems" if f.plan_text else "this note"
        out.append(
            (
                f"Nothing in {where} addresses {name}: say how today's work relates to it, "
                "or untick it.",
                "",
            )
        )
    return out


def _contact_code(
    n: Note, t: TemplateInfo, r: ReferenceData, f: ChecklistFacts
) -> list[tuple[str, str]]:
    """A collateral contact records no psychotherapy, so it is not billed as one."""
    code = r.service_code(n.session.service_code)
    if t.id not in CONTACT_TEMPLATES or code is None or not code.psychotherapy:
        return []
    return [
        (
            f"{code.code} is a psychotherapy code, and a contact note records no "
            "psychotherapy: use a case-management code, or none.",
            "",
        )
    ]


def names_in(text: str, names: list[str]) -> list[str]:
    """The names that occur in `text` as whole words, ignoring case."""
    return [
        n
        for n in names
        if n.strip() and re.search(rf"(?<!\w){re.escape(n.strip())}(?!\w)", text, re.IGNORECASE)
    ]


def _contact_release(
    n: Note, t: TemplateInfo, r: ReferenceData, f: ChecklistFacts
) -> list[tuple[str, str]]:
    """A contact note that names one of the client's contacts needs a current release of
    information for that contact (what was disclosed, to whom, must be authorised)."""
    if not f.contacts or t.id not in CONTACT_TEMPLATES:
        return []
    out: list[tuple[str, str]] = []
    for field_id in (*n.fields, ""):
        text = n.text(field_id) if field_id else "\n".join(n.session.participants)
        for name in names_in(text, [c.name for c in f.contacts if not c.has_current_release]):
            message = (
                f"The note names {name}, who has no current release of information on file: "
                "check that this disclosure was authorised (releases are on the Contacts tab)."
            )
            if all(message != m for m, _f in out):
                out.append((message, field_id))
    return out


def _plan_progress(
    n: Note, t: TemplateInfo, r: ReferenceData, f: ChecklistFacts
) -> list[tuple[str, str]]:
    if f.has_active_objectives and not n.goal_progress:
        return [("Rate progress on the plan objectives this session addressed.", "")]
    return []


def _current_plan(
    n: Note, t: TemplateInfo, r: ReferenceData, f: ChecklistFacts
) -> list[tuple[str, str]]:
    if f.has_current_signed_plan is False:
        return [("The client has no current signed treatment plan.", "")]
    return []


def _risk_followup(
    n: Note, t: TemplateInfo, r: ReferenceData, f: ChecklistFacts
) -> list[tuple[str, str]]:
    """After a positive PHQ-9 item 9 (an open risk flag dated on or before this note), the
    note needs a completed structured risk assessment and the client a current safety plan.
    The signing service lets a clinician override exactly this rule with a reason."""
    if not f.unresolved_risk_flag:
        return []
    assessed = n.risk_assessment is not None and n.risk_assessment.is_complete()
    if assessed and f.has_current_safety_plan:
        return []
    missing = []
    if not assessed:
        missing.append("complete the risk assessment section")
    if not f.has_current_safety_plan:
        missing.append("make sure the client has a current safety plan")
    return [
        (
            "A measure raised a risk flag (such as PHQ-9 item 9 above 0): "
            + " and ".join(missing)
            + ", or record a reason to override.",
            "",
        )
    ]


# Collateral / case-management contacts: not timed psychotherapy (missing times only warn)
# and not billed with a psychotherapy code.
CONTACT_TEMPLATES = frozenset({"contact"})

RULES: tuple[Rule, ...] = (
    Rule(
        "required_sections", "Required sections are filled in", Severity.BLOCK, _required_sections
    ),
    Rule("date_of_service", "Date of service is not in the future", Severity.BLOCK, _date),
    Rule("start_stop_time", "Start and stop time recorded", Severity.BLOCK, _start_stop),
    Rule("time_band", "Duration fits the service code's time band", Severity.BLOCK, _time_band),
    Rule(
        "extended_session_reason",
        "A reason for sessions over 52 minutes",
        Severity.BLOCK,
        _extended,
    ),
    Rule("telehealth_modality", "Telehealth: video or audio stated", Severity.BLOCK, _telehealth),
    Rule("service_code", "Service code recorded", Severity.WARN, _service_code),
    Rule("diagnosis", "Diagnosis recorded", Severity.BLOCK, _diagnosis),
    Rule("interventions", "Interventions and techniques named", Severity.BLOCK, _interventions),
    Rule("client_response", "Client's participation and response", Severity.BLOCK, _response),
    Rule("risk_assessment", "Risk assessed when the screen is positive", Severity.BLOCK, _risk),
    Rule(
        "risk_consistent",
        "Risk screen and risk assessment agree",
        Severity.BLOCK,
        _risk_consistent,
    ),
    Rule("risk_screen", "Risk screen done", Severity.WARN, _risk_screened),
    Rule(
        "diagnosis_supported",
        "Each diagnosis is addressed by the note or the plan",
        Severity.WARN,
        _diagnosis_supported,
    ),
    Rule(
        "contact_service_code",
        "No psychotherapy code on a contact note",
        Severity.WARN,
        _contact_code,
    ),
    Rule(
        "contact_release",
        "Contacts named in a contact note have a current release",
        Severity.WARN,
        _contact_release,
    ),
    Rule("plan_goal_progress", "Progress toward plan goals", Severity.WARN, _plan_progress),
    Rule("current_plan", "A current signed treatment plan", Severity.WARN, _current_plan),
    Rule(
        "risk_flag_followup", "Risk flag from a measure addressed", Severity.BLOCK, _risk_followup
    ),
)
RULE_IDS = tuple(r.id for r in RULES)


def check_note(
    note: Note,
    template: TemplateInfo,
    reference: ReferenceData,
    facts: ChecklistFacts,
    severities: Mapping[str, str] | None = None,
) -> ChecklistResult:
    """Run every rule that is not switched off. Psychotherapy notes are not billing
    records and are not checked."""
    if template.psychotherapy or note.psychotherapy:
        return ChecklistResult(())
    overrides = severities or {}
    items: list[ChecklistItem] = []
    for rule in RULES:
        try:
            severity = Severity(overrides.get(rule.id, rule.default))
        except ValueError:
            severity = rule.default
        if severity == Severity.OFF:
            continue
        if rule.id in ("start_stop_time", "time_band", "extended_session_reason") and (
            template.id in CONTACT_TEMPLATES
        ):
            severity = Severity.WARN
        for message, field_id in rule.check(note, template, reference, facts):
            items.append(ChecklistItem(rule.id, severity, message, field_id))
    return ChecklistResult(tuple(items))


@dataclass(frozen=True)
class RuleSetting:
    id: str
    title: str
    default: Severity
    current: Severity = field(default=Severity.WARN)


def rule_settings(severities: Mapping[str, str] | None = None) -> list[RuleSetting]:
    """Every rule with its default and current severity, for the Settings page."""
    overrides = severities or {}
    out = []
    for r in RULES:
        try:
            current = Severity(overrides.get(r.id, r.default))
        except ValueError:
            current = r.default
        out.append(RuleSetting(r.id, r.title, r.default, current))
    return out
