"""The Today page's worklist: role-aware sections over a small synthetic vault, with a fixed
clock (2026-01-05). No Qt."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from noteapp.domain.clients import Diagnosis
from noteapp.domain.clock import FakeClock
from noteapp.domain.signatures import ItemType
from noteapp.services.measures import instruments_named
from noteapp.services.paths import AppPaths
from noteapp.services.worklist import (
    EMPTY,
    Place,
    SectionKey,
    Worklist,
    worklist_for,
)
from noteapp.services.workspace import Workspace
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.core.test_plans import draft_note, plan_data

DAY = 86400.0
PHQ9_ITEM9 = [1, 1, 1, 1, 1, 1, 1, 1, 2]


def worklist(ws: Workspace) -> Worklist:
    return worklist_for(ws)


@pytest.fixture
def ws(workspace: Workspace) -> Workspace:
    workspace.profile.set(name="Dana Whitfield", credentials="LCSW", license_number="L-1")
    workspace.settings.update(confirm_passphrase_to_sign=False)
    return workspace


@pytest.fixture
def supervisor(tmp_path: Path) -> Iterator[Workspace]:
    sup, _ = Workspace.create(
        tmp_path / "sup.noteapp",
        PASSPHRASE,
        params=FAST_KDF,
        clock=FakeClock(),
        paths=AppPaths(tmp_path / "sup-data", tmp_path / "sup-config"),
    )
    sup.profile.set(name="Morgan Reyes", credentials="LCSW-S", role="supervisor")
    sup.settings.update(confirm_passphrase_to_sign=False)
    yield sup
    sup.close()


def client(ws: Workspace, name: str = "Jordan Avery") -> str:
    return str(ws.clients.add(name=name, diagnoses=[Diagnosis("F41.1", "GAD")]).id)


def note(ws: Workspace, client_id: str, on: date, *, sign: bool = False) -> str:
    note_id = draft_note(ws, client_id, on)
    if sign:
        ws.signing.sign_note(note_id)
    return note_id


# --- role-aware sections ---------------------------------------------------------------


def test_a_solo_clinician_never_sees_the_cosignature_queue(ws: Workspace) -> None:
    cid = client(ws)
    for i in range(3):
        note(ws, cid, date(2025, 12, 1) + timedelta(days=i), sign=True)
    wl = worklist(ws)
    keys = wl.sections()
    assert SectionKey.AWAITING_COSIGNATURE not in keys
    assert SectionKey.RETURNED not in keys
    assert SectionKey.TO_REVIEW not in keys
    assert SectionKey.NO_PROGRESS not in keys  # a filter, never a Today section
    assert keys[:2] == (SectionKey.RISK_FLAGS, SectionKey.DRAFTS)


def test_a_supervised_clinician_sees_what_waits_for_cosignature(ws: Workspace) -> None:
    ws.profile.set(supervised=True)
    cid = client(ws)
    older = note(ws, cid, date(2025, 12, 1), sign=True)
    newer = note(ws, cid, date(2025, 12, 8), sign=True)
    note(ws, cid, date(2025, 12, 15))  # a draft is not waiting for anyone
    wl = worklist(ws)
    assert SectionKey.AWAITING_COSIGNATURE in wl.sections()
    section = wl.section(SectionKey.AWAITING_COSIGNATURE)
    assert section.count == 2
    assert [i.note_id for i in section.items] == [older, newer]  # oldest first
    assert all(i.place == Place.NOTE and i.client == "Jordan Avery" for i in section.items)


def test_a_supervisor_sees_notes_to_review_and_a_clear_empty_state(
    ws: Workspace, supervisor: Workspace, tmp_path: Path
) -> None:
    wl = worklist(supervisor)
    assert wl.sections()[0] == SectionKey.TO_REVIEW
    assert SectionKey.AWAITING_COSIGNATURE not in wl.sections()
    empty = wl.section(SectionKey.TO_REVIEW)
    assert empty.count == 0 and empty.items == ()
    assert empty.empty == EMPTY[SectionKey.TO_REVIEW]
    assert "Review screen" in empty.empty
    # After reviewing a file, the empty state says what the vault knows.
    nid = note(ws, client(ws), date(2025, 12, 1), sign=True)
    exported = ws.exports.export_note(nid, tmp_path / "n.docx")
    supervisor.review.cosign(exported, tmp_path / "n-cosigned.docx", statement="Agree.")
    assert "You have reviewed 1 here; the latest on 2026-01-05." in (
        worklist(supervisor).section(SectionKey.TO_REVIEW).empty
    )


def test_returned_then_corrected_then_cosigned(
    ws: Workspace, supervisor: Workspace, tmp_path: Path
) -> None:
    ws.profile.set(supervised=True)
    key = supervisor.signing.export_public_key(tmp_path / "sup.key")
    ws.signing.trust_key_file(key)
    nid = note(ws, client(ws), date(2025, 12, 1), sign=True)
    exported = ws.exports.export_note(nid, tmp_path / "n.docx")
    supervisor.review.return_for_revision(
        exported, tmp_path / "returned.docx", comments="Please name the interventions."
    )
    ws.review.import_reviewed(tmp_path / "returned.docx")
    wl = worklist(ws)
    returned = wl.section(SectionKey.RETURNED)
    assert returned.count == 1
    [row] = returned.items
    assert row.note_id == nid and row.place == Place.NOTE
    assert "returned by Morgan Reyes: “Please name the interventions.”" in row.summary
    assert wl.section(SectionKey.AWAITING_COSIGNATURE).count == 0
    # An amendment answers the return: back with the supervisor.
    ws.clock.advance(DAY)  # type: ignore[attr-defined]
    ws.signing.add_correction(
        nid, kind=ItemType.AMENDMENT, text="Interventions: CBT.", reason="Named them."
    )
    assert wl.section(SectionKey.RETURNED).count == 0
    assert [i.note_id for i in wl.section(SectionKey.AWAITING_COSIGNATURE).items] == [nid]
    # A co-signature ends the wait.
    again = ws.exports.export_note(nid, tmp_path / "n2.docx")
    supervisor.review.cosign(again, tmp_path / "n2-cosigned.docx", statement="Agree.")
    ws.review.import_reviewed(tmp_path / "n2-cosigned.docx")
    assert wl.section(SectionKey.AWAITING_COSIGNATURE).count == 0
    assert wl.section(SectionKey.RETURNED).count == 0


def test_a_return_imported_by_a_solo_clinician_is_still_shown(
    ws: Workspace, supervisor: Workspace, tmp_path: Path
) -> None:
    ws.signing.trust_key_file(supervisor.signing.export_public_key(tmp_path / "sup.key"))
    nid = note(ws, client(ws), date(2025, 12, 1), sign=True)
    exported = ws.exports.export_note(nid, tmp_path / "n.docx")
    supervisor.review.return_for_revision(exported, tmp_path / "r.docx", comments="Fix it.")
    ws.review.import_reviewed(tmp_path / "r.docx")
    keys = worklist(ws).sections()
    assert SectionKey.RETURNED in keys and SectionKey.AWAITING_COSIGNATURE not in keys


# --- drafts, risk flags, plans, measures -------------------------------------------------


def test_drafts_oldest_first_with_their_age_and_a_top_n(ws: Workspace) -> None:
    cid = client(ws)
    days = [date(2026, 1, 2), date(2025, 12, 20), date(2026, 1, 5), date(2025, 12, 28)]
    ids = {d: note(ws, cid, d) for d in days}
    note(ws, cid, date(2025, 11, 1), sign=True)  # signed: not a draft
    wl = worklist(ws)
    top = wl.section(SectionKey.DRAFTS, limit=2)
    assert top.count == 4
    assert [i.note_id for i in top.items] == [ids[date(2025, 12, 20)], ids[date(2025, 12, 28)]]
    assert [i.age_days for i in top.items] == [16, 8]
    assert top.items[0].summary == "BIRP Progress Note · 16 days old · ready to sign"
    every = wl.section(SectionKey.DRAFTS, limit=None)
    assert [i.on for i in every.items] == sorted(days)
    assert every.items[-1].summary.startswith("BIRP Progress Note · today")


def test_a_draft_missing_checklist_items_says_how_many(ws: Workspace) -> None:
    cid = client(ws)
    ws.notes.new(client_id=cid, template_id="birp", fields={})
    [row] = worklist(ws).section(SectionKey.DRAFTS).items
    assert "items missing" in row.summary


def test_open_risk_flags_open_the_measures_tab(ws: Workspace) -> None:
    cid = client(ws, "Yael Northcott")
    ws.measures.add(client_id=cid, instrument="phq9", answers=PHQ9_ITEM9, on=date(2026, 1, 4))
    ws.measures.add(client_id=cid, instrument="gad7", answers=[0] * 7, on=date(2026, 1, 4))
    section = worklist(ws).section(SectionKey.RISK_FLAGS)
    assert section.count == 1
    [row] = section.items
    assert row.urgent and row.place == Place.CHART_MEASURES and row.client_id == cid
    assert row.summary.startswith("PHQ-9: ") and row.on == date(2026, 1, 4)


def test_plan_reviews_overdue_first(ws: Workspace) -> None:
    soon, late = client(ws, "Avery Soon"), client(ws, "Riley Late")
    for cid, interval in ((soon, 95), (late, 30)):
        plan = ws.plans.import_json(cid, plan_data(review_interval_days=interval))
        ws.plans.sign(plan.id, passphrase=PASSPHRASE)
    ws.clock.advance(86 * DAY)  # type: ignore[attr-defined]
    section = worklist(ws).section(SectionKey.PLAN_REVIEWS)
    assert [i.client for i in section.items] == ["Riley Late", "Avery Soon"]
    assert section.items[0].urgent and section.items[0].summary.startswith("review overdue")
    assert not section.items[1].urgent and section.items[1].summary.startswith("review due")
    assert all(i.place == Place.CHART_PLAN for i in section.items)


def test_measures_due_by_the_plans_measured_by(ws: Workspace) -> None:
    cid = client(ws)
    plan = ws.plans.import_json(cid, plan_data())  # an objective "GAD-7 every 2 weeks"
    ws.plans.sign(plan.id, passphrase=PASSPHRASE)
    wl = worklist(ws)
    [row] = wl.section(SectionKey.MEASURES_DUE).items
    assert row.summary == "GAD-7 not given yet" and row.place == Place.CHART_MEASURES
    ws.measures.add(client_id=cid, instrument="gad7", answers=[1] * 7, on=date(2026, 1, 1))
    assert wl.section(SectionKey.MEASURES_DUE).count == 0
    # A PHQ-9 given since does not count for the GAD-7.
    ws.clock.advance(35 * DAY)  # type: ignore[attr-defined]
    ws.measures.add(client_id=cid, instrument="phq9", answers=[0] * 9)
    [row] = wl.section(SectionKey.MEASURES_DUE).items
    assert row.summary == "GAD-7 last given 39 days ago" and row.age_days == 39
    # Discharged clients are never due.
    ws.clients.discharge(cid, reason="Goals met.")
    assert wl.section(SectionKey.MEASURES_DUE).count == 0


def test_measures_are_not_due_without_a_named_instrument(ws: Workspace) -> None:
    cid = client(ws)
    data = plan_data()
    objectives = data["problems"][0]["goals"][0]["objectives"]
    objectives[0]["measured_by"] = "Weekly worry log"
    plan = ws.plans.import_json(cid, data)
    ws.plans.sign(plan.id, passphrase=PASSPHRASE)
    assert worklist(ws).section(SectionKey.MEASURES_DUE).count == 0


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("PHQ-9 every 2 weeks", ["phq9"]),
        ("phq 9 and GAD7 monthly", ["gad7", "phq9"]),
        ("Daily sleep diary", []),
        ("AUDIT-C at intake", ["auditc"]),
        ("AUDIT C monthly", ["auditc"]),  # not also the AUDIT: the longest name wins
        ("AUDIT at intake", ["audit"]),
        ("PHQ-A and PHQ-9", ["phq9", "phqa"]),
        ("K10 monthly", ["k10"]),
    ],
)
def test_instruments_named(text: str, found: list[str]) -> None:
    assert sorted(instruments_named(text)) == found


def test_clients_without_a_current_plan_say_why(ws: Workspace) -> None:
    none_yet, draft_only = client(ws, "Avery None"), client(ws, "Riley Draft")
    ws.plans.import_json(draft_only, plan_data())
    rows = {i.client: i.summary for i in worklist(ws).section(SectionKey.NO_PLAN).items}
    assert rows == {"Avery None": "no plan yet", "Riley Draft": "plan not signed yet"}
    assert none_yet  # both listed


def test_notes_without_goal_progress_are_a_filter(ws: Workspace) -> None:
    cid = client(ws)
    plan = ws.plans.import_json(cid, plan_data())
    ws.plans.sign(plan.id, passphrase=PASSPHRASE)
    nid = note(ws, cid, date(2026, 1, 2), sign=True)
    wl = worklist(ws)
    assert SectionKey.NO_PROGRESS not in wl.sections()
    assert [i.note_id for i in wl.section(SectionKey.NO_PROGRESS, limit=None).items] == [nid]


# --- case management (issue #13) ---------------------------------------------------------

TODAY = date(2026, 1, 5)


def test_referrals_past_their_follow_up_date_are_listed_longest_overdue_first(
    ws: Workspace,
) -> None:
    cid = client(ws)
    other = client(ws, "Casey Lin")
    sent = date(2025, 11, 20)
    later = ws.referrals.add(
        client_id=cid,
        to_name="Dr. Casey Lin",
        to_organization="Riverside Clinic",
        reason="Medication evaluation",
        sent_on=sent,
        follow_up=TODAY - timedelta(days=2),
    )
    first = ws.referrals.add(
        client_id=other,
        to_name="Harbor Housing",
        reason="Housing",
        sent_on=sent,
        follow_up=TODAY - timedelta(days=9),
    )
    ws.referrals.add(  # due today: not yet overdue
        client_id=cid, to_name="A", reason="x", sent_on=sent, follow_up=TODAY
    )
    closed = ws.referrals.add(
        client_id=cid, to_name="B", reason="y", sent_on=sent, follow_up=date(2025, 12, 1)
    )
    ws.referrals.update_status(closed.id, status="closed", on=date(2025, 12, 2))
    wl = worklist(ws)
    assert SectionKey.REFERRALS in wl.sections()
    section = wl.section(SectionKey.REFERRALS)
    assert section.count == 2
    assert [i.record_id for i in section.items] == [first.id, later.id]
    row = section.items[1]
    assert (row.client_id, row.client, row.place) == (cid, "Jordan Avery", Place.CHART_REFERRALS)
    assert row.on == TODAY - timedelta(days=2) and row.age_days == 2
    assert (
        row.summary
        == "to Dr. Casey Lin, Riverside Clinic · sent 2025-11-20 · follow-up due 2 days ago"
    )
    assert "Casey" not in repr(row)  # the recipient is client data: never in a repr


def test_no_referral_due_is_a_calm_sentence(ws: Workspace) -> None:
    client(ws)
    section = worklist(ws).section(SectionKey.REFERRALS)
    assert (section.count, section.items) == (0, ())
    assert section.empty == EMPTY[SectionKey.REFERRALS]


def test_incident_notifications_overdue_come_right_after_the_risk_flags(
    ws: Workspace, clock: FakeClock
) -> None:
    assert SectionKey.INCIDENTS not in worklist(ws).sections()  # no standing empty card
    fields = {"occurred_at": "2026-01-04 14:30", "place": "Group room 2"}
    fall = ws.incidents.new(type_ref="fall", fields=fields)  # notify within 24 hours
    ws.incidents.new(type_ref="property", fields=fields)  # 72 hours: not yet due
    assert SectionKey.INCIDENTS not in worklist(ws).sections()
    clock._now = fall.occurred_at + timedelta(hours=25)
    wl = worklist(ws)
    assert wl.sections()[:2] == (SectionKey.RISK_FLAGS, SectionKey.INCIDENTS)
    section = wl.section(SectionKey.INCIDENTS)
    assert section.count == 1
    (row,) = section.items
    assert (row.client_id, row.client, row.place, row.record_id) == (
        "",
        fall.reference,
        Place.INCIDENT,
        fall.id,
    )
    due = (fall.occurred_at + timedelta(hours=24)).astimezone()
    assert row.urgent and row.summary == (
        f"Fall: notification was due {due:%Y-%m-%d %H:%M}, nobody notified yet"
    )
    assert row.on == fall.occurred_at.astimezone().date()
    ws.incidents.add_notification(fall.id, to="Practice manager", how="in person")
    assert SectionKey.INCIDENTS not in worklist(ws).sections()


def test_an_incident_may_name_no_client_and_still_be_listed(
    ws: Workspace, clock: FakeClock
) -> None:
    report = ws.incidents.new(
        type_ref="missing-person", fields={"occurred_at": "2026-01-04 09:00"}
    )  # 2 hours, nobody named: the report is in no chart
    clock._now = datetime.fromisoformat("2026-01-05T12:00:00+00:00")
    (row,) = worklist(ws).section(SectionKey.INCIDENTS).items
    assert row.record_id == report.id and row.client == report.reference


def test_today_gives_every_section_with_at_most_the_top_rows(ws: Workspace) -> None:
    cid = client(ws)
    for i in range(8):
        note(ws, cid, date(2025, 12, 1) + timedelta(days=i))
    sections = worklist(ws).today(limit=5)
    assert [s.key for s in sections] == list(worklist(ws).sections())
    drafts = next(s for s in sections if s.key == SectionKey.DRAFTS)
    assert drafts.count == 8 and len(drafts.items) == 5
    assert "Jordan Avery" not in repr(drafts) + repr(drafts.items[0])  # no names in repr
