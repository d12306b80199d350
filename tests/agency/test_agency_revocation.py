"""Leaving (agency.md, principle 6): a removed member's login pulls nothing new, and every
chart they could read gets a new key that is never wrapped to them."""

from __future__ import annotations

import pytest

from noteapp.agency.keys import read_agency, read_epoch, unwrap_key
from noteapp.domain.errors import NoteappError, ServerIntegrityError, ServerUnavailableError
from tests.agency.conftest import Agency, needs_postgres
from tests.agency.helpers import ready_note
from tests.conftest import PASSPHRASE

pytestmark = needs_postgres


def test_removed_member_pulls_nothing_new_and_new_versions_use_new_keys(team: Agency) -> None:
    dana, sam = team.devices["dana"], team.devices["sam"]
    client = dana.clients.add(name="Jordan Avery")
    team.assign(client.id, "dana")
    team.assign(client.id, "sam")
    before = ready_note(dana, client.id, day=3)
    dana.signing.sign_note(before, passphrase=PASSPHRASE)
    dana.sync.sync()
    assert sam.sync.sync().ok
    sam.reload()
    assert sam.notes.get(before).is_signed  # what Sam synced stays on Sam's laptop

    with team.connecting_as(team.admin_login):
        charts = team.devices["admin"].agency_charts.remove_member(team.logins["sam"])
    assert len(charts) == 1
    after = ready_note(dana, client.id, day=4, text="After Sam left.")
    dana.signing.sign_note(after, passphrase=PASSPHRASE)
    assert dana.sync.sync().ok

    with pytest.raises(ServerUnavailableError):
        sam.sync.sync()  # the login may no longer log in
    sam.reload()
    assert {n.id for n in sam.notes.list(client_id=client.id)} == {before}
    assert sam.notes.get(before).is_signed

    # On the server: the newest epoch lists only Dana, is wrapped to nobody but Dana and the
    # recovery key, and Sam's key opens none of it; Dana's new versions use it.
    m = sam.agency.require_membership()
    with team.superuser() as su:
        agency_record = su.execute("SELECT record FROM noteapp.agency").fetchone()[0]
        info = read_agency(bytes(agency_record))
        rows = su.execute("SELECT epoch, record FROM noteapp.epochs ORDER BY epoch").fetchall()
        latest_number, latest_raw = rows[-1]
        latest = read_epoch(bytes(latest_raw), agency=info, chart_id=charts[0], epoch=latest_number)
        wrapped_to = {
            str(r[0])
            for r in su.execute(
                "SELECT member_id FROM noteapp.key_wraps WHERE epoch = %s", (latest_number,)
            )
        }
        sam_wraps = su.execute(
            "SELECT epoch, wrapped FROM noteapp.key_wraps WHERE member_id = %s", (m.member_id,)
        ).fetchall()
        newest_versions = su.execute(
            "SELECT DISTINCT epoch FROM noteapp.versions WHERE seq > %s", (latest.from_seq,)
        ).fetchall()
    assert [who for who, _ in latest.members] == [dana.agency.require_membership().member_id]
    assert m.member_id not in wrapped_to
    assert all(n < latest_number for n, _ in sam_wraps)
    assert newest_versions == [(latest_number,)]
    for number, wrapped in sam_wraps:  # nothing Sam holds opens the new epoch
        with pytest.raises(ServerIntegrityError):
            unwrap_key(
                m.x25519_private, bytes(wrapped), agency_id=info.agency_id,
                chart_id=charts[0], epoch=latest, member=m.member_id,
            )  # fmt: skip
        del number


def test_unassigned_member_sees_no_rows(team: Agency) -> None:
    dana, sam = team.devices["dana"], team.devices["sam"]
    client = dana.clients.add(name="Jordan Avery")
    team.assign(client.id, "dana")
    team.assign(client.id, "sam")
    dana.sync.sync()
    sam.sync.sync()
    with team.connecting_as(team.admin_login):
        team.devices["admin"].agency_charts.unassign(client=client.id, member=team.logins["sam"])
    note = ready_note(dana, client.id)
    dana.signing.sign_note(note, passphrase=PASSPHRASE)
    dana.sync.sync()
    report = sam.sync.sync()
    assert (report.charts, report.pulled) == (0, 0)
    status = sam.sync.status(probe=False)
    assert [c.role for c in status.charts] == [""]  # kept here, no longer assigned
    with pytest.raises(NoteappError, match="not assigned"), team.connecting_as(team.admin_login):
        team.devices["admin"].agency_charts.unassign(client=client.id, member=team.logins["sam"])
