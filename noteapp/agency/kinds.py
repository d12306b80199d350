"""Which records belong to a client's chart, in which order they travel, who may write
them, and how two sides' changes meet (agency.md, principle 4).

Only chart records ever leave a device: a client, its contacts, releases, referrals,
medications, notes, signed items, plans, safety plans, measures, and the template snapshots
its notes were written with. The profile, settings, signing key, trusted keys, templates,
phrases, dictionaries, incidents and the agency's own records never do; psychotherapy notes
only when their author chooses. A new chart kind is one line here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class WritePolicy(StrEnum):
    SHARED = "shared"  # any clinician of the chart (client details, plans, measures)
    AUTHOR = "author"  # only the member who created the record (drafts belong to their author)
    ONCE = "once"  # written once and never changed (signed items, template snapshots)


class Merge(StrEnum):
    FIELDS = "fields"  # client details: field by field; both values of a field changed twice
    BOTH = "both"  # both versions kept, this device's stays current, a conflict to resolve
    NEVER = "never"  # append-only: a different second version is refused


@dataclass(frozen=True)
class ChartKind:
    kind: str
    order: int  # what a chart's records need first travels first (a note's client, template)
    policy: WritePolicy
    merge: Merge
    deletable: bool = False  # the author's deletion travels (a discarded draft)
    supervisors: bool = False  # a supervisor of the chart may write it (reviews)
    private: bool = False  # travels only when its author chose to share it


CHART_KINDS: dict[str, ChartKind] = {
    k.kind: k
    for k in (
        ChartKind("client", 0, WritePolicy.SHARED, Merge.FIELDS),
        ChartKind("template_snapshot", 1, WritePolicy.ONCE, Merge.NEVER),
        ChartKind("contact", 2, WritePolicy.SHARED, Merge.FIELDS),
        ChartKind("release", 3, WritePolicy.SHARED, Merge.BOTH),
        ChartKind("referral", 3, WritePolicy.SHARED, Merge.BOTH),
        ChartKind("medication", 3, WritePolicy.SHARED, Merge.FIELDS),
        ChartKind("plan", 4, WritePolicy.SHARED, Merge.BOTH),
        ChartKind("safety_plan", 5, WritePolicy.SHARED, Merge.BOTH),
        ChartKind("measure", 6, WritePolicy.AUTHOR, Merge.BOTH, deletable=True),
        ChartKind("note", 7, WritePolicy.AUTHOR, Merge.BOTH, deletable=True),
        ChartKind(
            "psychotherapy_note", 8, WritePolicy.AUTHOR, Merge.BOTH, deletable=True, private=True
        ),
        ChartKind("signed_item", 9, WritePolicy.ONCE, Merge.NEVER, supervisors=True),
    )
}
# Incident reports stay out: they are the agency's, not a chart's (product.md), and may name
# several clients; they stay on the device that wrote them.
# Records a signed item may belong to (its signed `note_id` names one of these).
SIGNABLE_KINDS = ("note", "psychotherapy_note", "plan", "safety_plan", "referral")
# Drafts of another member's note are kept track of but never written into this vault: a
# draft is not part of the record until its author signs it.
DRAFT_KINDS = ("note", "psychotherapy_note")


def client_of(kind: str, data: Mapping[str, Any], signed_parents: Mapping[str, str]) -> str:
    """The client whose chart a record belongs to ("" when it names none). Template
    snapshots and signed items belong to the charts of what uses them (the caller's
    `signed_parents`: record id → client id, for signable records)."""
    if kind == "client":
        value = data.get("id")
    elif kind == "signed_item":
        value = signed_parents.get(str(data.get("note_id", "")))
    else:
        value = data.get("client_id")
    return value if isinstance(value, str) else ""


def is_draft(kind: str, data: Mapping[str, Any] | None) -> bool:
    return kind in DRAFT_KINDS and data is not None and data.get("status") != "signed"


def order_key(kind: str, record_id: str) -> tuple[int, str]:
    return (CHART_KINDS[kind].order, record_id)
