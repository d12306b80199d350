"""What a Word export does when records it would hold are damaged.

A clinician sending a chart and an auditor reading one both need to know whether it is the
whole record. So an export that would miss a damaged record is refused, naming what is
missing and the remedy; a chart may be exported anyway on request, and then it says
INCOMPLETE on its first page and lists what is missing. A signed note whose own record is
damaged but whose signature records are intact is not missing: everything it asserts, and
its rendered text, are in them, so it is exported (and verifies) in full.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from noteapp.domain.document import Document, KeyValueTable, Paragraph
from noteapp.domain.errors import RecordIntegrityError
from noteapp.services.damage import DamageReport
from noteapp.services.damaged_record import DamagedRecord

INCOMPLETE_TITLE = " — INCOMPLETE: records are missing (see “What this chart is missing”)"


def refuse(damage: DamageReport, gaps: Sequence[DamagedRecord], *, chart: bool = False) -> None:
    """Raise (exit 4, nothing written) when the export would miss these damaged records."""
    if not gaps:
        return
    what = "chart" if chart else "note"
    anyway = (
        " Or export it anyway with a notice of what is missing (noteapp export "
        "--allow-incomplete; in the app: Export anyway)."
        if chart
        else ""
    )
    raise RecordIntegrityError(
        f"The {what} would be incomplete, so nothing was written: "
        + ", ".join(r.describe() for r in gaps)
        + f" cannot be read. {damage.advice(gaps)}{anyway}",
        kind=gaps[0].kind,
        record_id=gaps[0].record_id,
    )


def recovered_notes(
    damage: DamageReport,
    client_id: str,
    *,
    date_from: date | None,
    date_to: date | None,
    include_psychotherapy: bool,
) -> list[tuple[date, str]]:
    """(date of service, note id) of this client's damaged signed notes that can be exported
    in full from their signature records, within the range."""
    out = []
    for r in damage.records():
        if r.client_id != client_id or not damage.recoverable(r):
            continue
        if r.kind == "psychotherapy_note" and not include_psychotherapy:
            continue
        try:
            day = date.fromisoformat(r.date)
        except ValueError:
            continue
        if (date_from is None or day >= date_from) and (date_to is None or day <= date_to):
            out.append((day, r.record_id))
    return out


def incomplete_notice(gaps: Sequence[DamagedRecord]) -> Document:
    """The page that says what an incomplete chart is missing (kinds, short ids and dates —
    nothing of the missing records' content)."""
    rows = []
    for r in gaps:
        known = [
            "signed" if r.signed else "",
            f"date of service {r.date}" if r.date else "",
            "" if r.client_id else "client unknown: it may belong to this chart",
        ]
        rows.append(
            (
                f"{r.label.capitalize()} {r.short_id}",
                ", ".join(k for k in known if k) or "details unknown",
            )
        )
    return Document(
        title="What this chart is missing",
        blocks=(
            Paragraph(
                "This chart is incomplete. The records below could not be read from the "
                "practice's vault when it was exported (they are damaged), so what they hold "
                "is not in this document."
            ),
            KeyValueTable(tuple(rows)),
        ),
    )
