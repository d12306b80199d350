"""The supervisor's agency inbox on Today (issue #14, point 4): supervisees' signed notes
arrive with a sync as "Notes waiting for your review" rows, whatever the supervisor's
profile role, and leave once reviewed; the clinician's "Returned for revision" gets the
return at their next sync."""

from __future__ import annotations

from datetime import date

from noteapp.agency.keys import ChartRole
from noteapp.services.agency_inbox import EMPTY, SupervisionInbox
from noteapp.services.worklist import Place, SectionKey, worklist_for
from noteapp.services.workspace import Workspace
from tests.agency.conftest import Agency, needs_postgres
from tests.agency.helpers import ready_note
from tests.conftest import PASSPHRASE

pytestmark = needs_postgres


def inbox_of(ws: Workspace) -> SupervisionInbox:
    return SupervisionInbox(
        supervision=ws.supervision, clients=ws.clients, today=lambda: date(2025, 12, 10)
    )


def test_supervisees_notes_wait_on_today_and_the_return_reaches_the_clinician(
    team: Agency,
) -> None:
    dana = team.devices["dana"]
    # Lee's profile says clinician: the agency's assignment makes them this chart's supervisor.
    lee = team.devices["lee"]
    lee.profile.set(name="Lee Park", credentials="PhD", role="clinician")
    client = dana.clients.add(name="Jordan Avery")
    team.assign(client.id, "dana")
    team.assign(client.id, "lee", ChartRole.SUPERVISOR)
    a = ready_note(dana, client.id, day=5)
    dana.signing.sign_note(a, passphrase=PASSPHRASE)
    draft = ready_note(dana, client.id, day=6)  # a draft is nobody's to review
    assert dana.sync.sync().ok

    inbox = inbox_of(lee)
    assert not inbox.active()  # nothing assigned here before the sync
    assert lee.sync.sync().ok
    lee.reload()
    inbox = inbox_of(lee)
    worklist = worklist_for(lee, review_inbox=inbox)
    assert inbox.active()
    assert worklist.sections()[0] == SectionKey.TO_REVIEW
    section = worklist.section(SectionKey.TO_REVIEW)
    assert section.count == 1
    [row] = section.items
    assert (row.note_id, row.place, row.client) == (a, Place.REVIEW, "Jordan Avery")
    assert row.on == date(2025, 12, 5) and row.age_days == 5
    assert "by Dana Whitfield, LCSW · new" in row.summary
    assert draft not in {i.note_id for i in section.items}
    entry = inbox.entry(a)
    assert entry is not None and entry.author == "Dana Whitfield, LCSW"

    lee.supervision.return_note(a, comments="Add the GAD-7 trend.", passphrase=PASSPHRASE)
    empty = worklist.section(SectionKey.TO_REVIEW)
    assert (empty.count, inbox.entry(a)) == (0, None)
    assert empty.empty.startswith(EMPTY)
    assert lee.sync.sync().pushed == 1

    assert dana.sync.sync().ok
    dana.reload()
    returned = worklist_for(dana).section(SectionKey.RETURNED)
    assert [i.note_id for i in returned.items] == [a]
    assert "Add the GAD-7 trend." in returned.items[0].summary


def test_outside_an_agency_the_section_is_what_it_was(team: Agency) -> None:
    sam = team.devices["sam"]  # a member supervising nothing
    inbox = inbox_of(sam)
    assert not inbox.active()
    assert SectionKey.TO_REVIEW not in worklist_for(sam, review_inbox=inbox).sections()
