"""The Today page's vocabulary: its sections (keys, titles, the calm sentence of an empty
one), a row (`WorkItem`: whose, what, when, where it opens) and a section's answer
(`WorkSection`). The queries that fill them are in services/worklist.py. No Qt."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol


class SectionKey(StrEnum):
    RISK_FLAGS = "risk_flags"
    INCIDENTS = "incidents"
    DRAFTS = "drafts"
    RETURNED = "returned"
    AWAITING_COSIGNATURE = "awaiting_cosignature"
    TO_REVIEW = "to_review"
    PLAN_REVIEWS = "plan_reviews"
    NO_PLAN = "no_plan"
    MEASURES_DUE = "measures_due"
    REFERRALS = "referrals"
    NO_PROGRESS = "no_progress"  # a filter: listed under Show all, never on Today


class Place(StrEnum):
    """Where opening a row goes."""

    NOTE = "note"
    CHART_NOTES = "notes"
    CHART_PLAN = "plan"
    CHART_MEASURES = "measures"
    CHART_SAFETY_PLAN = "safety_plan"
    CHART_REFERRALS = "referrals"
    INCIDENT = "incident"  # the Incidents page, the report selected
    REVIEW = "review"


@dataclass(frozen=True)
class WorkItem:
    """One row: whose, what, when, and where it opens."""

    client_id: str  # "" for an incident report (it may name several clients, or none)
    client: str  # the client's name (an incident report's reference), shown on screen
    summary: str
    on: date | None
    place: Place
    note_id: str = ""
    urgent: bool = False
    age_days: int | None = None
    record_id: str = ""  # the record a row of another kind opens (an incident report)

    def __repr__(self) -> str:  # names and summaries are client data
        return (
            f"WorkItem(place={self.place.value!r}, note_id={self.note_id!r}, "
            f"record_id={self.record_id!r})"
        )


@dataclass(frozen=True)
class WorkSection:
    key: SectionKey
    title: str
    count: int
    items: tuple[WorkItem, ...]  # the top rows (all of them when asked without a limit)
    empty: str  # the calm sentence shown when there is nothing

    def __repr__(self) -> str:
        return f"WorkSection(key={self.key.value!r}, count={self.count})"


class ReviewInbox(Protocol):
    """Notes sent to this supervisor for review. Outside an agency reviews arrive as files
    and nothing is known before one is opened (NoReviewInbox); an agency supervisor's inbox
    is fed by the charts they supervise (services/agency_inbox.py, issue #14)."""

    def waiting(self) -> Sequence[WorkItem]: ...

    def active(self) -> bool:
        """The section shows whatever the profile's role (an agency supervisor)."""
        ...

    def empty(self) -> str:
        """The sentence for an empty section ("" for the default)."""
        ...


class NoReviewInbox:
    def waiting(self) -> Sequence[WorkItem]:
        return ()

    def active(self) -> bool:
        return False

    def empty(self) -> str:
        return ""


TITLES = {
    SectionKey.RISK_FLAGS: "Risk flags to address",
    SectionKey.INCIDENTS: "Incident notifications overdue",
    SectionKey.DRAFTS: "Drafts to finish",
    SectionKey.RETURNED: "Returned for revision",
    SectionKey.AWAITING_COSIGNATURE: "Awaiting co-signature",
    SectionKey.TO_REVIEW: "Notes waiting for your review",
    SectionKey.PLAN_REVIEWS: "Plan reviews due",
    SectionKey.NO_PLAN: "Clients without a current signed plan",
    SectionKey.MEASURES_DUE: "Measures due",
    SectionKey.REFERRALS: "Referrals to follow up",
    SectionKey.NO_PROGRESS: "Signed notes without goal progress",
}
EMPTY = {
    SectionKey.RISK_FLAGS: "No open risk flags.",
    SectionKey.INCIDENTS: "No incident report is past its notification deadline.",
    SectionKey.DRAFTS: "No drafts waiting — every note is finished.",
    SectionKey.RETURNED: "Nothing returned by a supervisor.",
    SectionKey.AWAITING_COSIGNATURE: "Every signed note is co-signed.",
    SectionKey.TO_REVIEW: (
        "Notes to review arrive as exported files from your supervisees: open them on the "
        "Review screen (or drop them there) to co-sign or return them."
    ),
    SectionKey.PLAN_REVIEWS: "No plan review due in the next two weeks.",
    SectionKey.NO_PLAN: "Every active client has a current signed plan.",
    SectionKey.MEASURES_DUE: "No measure due: each plan's measures were given this month.",
    SectionKey.REFERRALS: "No referral to follow up.",
    SectionKey.NO_PROGRESS: "Every signed note rates goal progress.",
}
