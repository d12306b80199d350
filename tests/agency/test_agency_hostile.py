"""A hostile server (its operator edits rows as the database superuser): a row swapped between
charts, a row moved within a chart, an older state, a gap, an uncertified key — each detected,
and nothing it served is written."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest

from noteapp import crypto
from noteapp.agency.keys import CERT_FORMAT, MemberKeys
from noteapp.agency.signed import sign_doc
from noteapp.domain.errors import ServerIntegrityError
from tests.agency.conftest import Agency, needs_postgres
from tests.agency.helpers import ready_note
from tests.conftest import PASSPHRASE

pytestmark = needs_postgres


@pytest.fixture
def two_charts(team: Agency) -> tuple[str, str]:
    """Two clients of Dana's with signed notes, synced; Sam assigned to both, not synced."""
    dana = team.devices["dana"]
    ids = []
    for name in ("Jordan Avery", "Riley Stone"):
        client = dana.clients.add(name=name)
        team.assign(client.id, "dana")
        team.assign(client.id, "sam")
        note = ready_note(dana, client.id)
        dana.signing.sign_note(note, passphrase=PASSPHRASE)
        ids.append(client.id)
    assert dana.sync.sync().ok
    return ids[0], ids[1]


def operator(team: Agency) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    su = team.superuser()
    su.execute("ALTER TABLE noteapp.versions DISABLE TRIGGER USER")
    try:
        yield su
    finally:
        su.execute("ALTER TABLE noteapp.versions ENABLE TRIGGER USER")
        su.close()


def nothing_written(team: Agency, name: str) -> None:
    ws = team.devices[name]
    ws.reload()
    assert ws.clients.list() == []
    assert ws.notes.list() == []


def test_a_row_swapped_between_charts_is_refused(team: Agency, two_charts: tuple[str, str]) -> None:
    a, b = (str(uuid.UUID(hex=c)) for c in two_charts)
    for su in operator(team):
        blob_a = su.execute(
            "SELECT blob FROM noteapp.versions WHERE chart_id = %s AND seq = 1", (a,)
        ).fetchone()
        blob_b = su.execute(
            "SELECT blob FROM noteapp.versions WHERE chart_id = %s AND seq = 1", (b,)
        ).fetchone()
        assert blob_a and blob_b
        su.execute(
            "UPDATE noteapp.versions SET blob = %s WHERE chart_id = %s AND seq = 1", (blob_b[0], a)
        )
        su.execute(
            "UPDATE noteapp.versions SET blob = %s WHERE chart_id = %s AND seq = 1", (blob_a[0], b)
        )
    report = team.devices["sam"].sync.sync()
    assert len(report.failed) == 2 and not report.ok
    assert all("does not open" in f or "did not sign" in f for f in report.failed)
    nothing_written(team, "sam")


def test_a_row_moved_within_a_chart_is_refused(team: Agency, two_charts: tuple[str, str]) -> None:
    a = str(uuid.UUID(hex=two_charts[0]))
    for su in operator(team):
        su.execute(
            "UPDATE noteapp.versions SET seq = -seq WHERE chart_id = %s AND seq IN (2, 3)", (a,)
        )
        su.execute(
            "UPDATE noteapp.versions SET seq = 5 + seq WHERE chart_id = %s AND seq = -2", (a,)
        )
        su.execute("UPDATE noteapp.versions SET seq = 2 WHERE chart_id = %s AND seq = -3", (a,))
        su.execute("UPDATE noteapp.versions SET seq = 3 WHERE chart_id = %s AND seq = 3", (a,))
    report = team.devices["sam"].sync.sync()
    assert any(a[:8] in f for f in report.failed)


def test_a_gap_is_refused(team: Agency, two_charts: tuple[str, str]) -> None:
    a = str(uuid.UUID(hex=two_charts[0]))
    for su in operator(team):
        su.execute("DELETE FROM noteapp.versions WHERE chart_id = %s AND seq = 2", (a,))
    report = team.devices["sam"].sync.sync()
    assert [f for f in report.failed if "gap" in f]
    sam = team.devices["sam"]
    sam.reload()
    assert [c.id for c in sam.clients.list()] == [two_charts[1]]  # the other chart synced


def test_an_older_state_is_refused(team: Agency, two_charts: tuple[str, str]) -> None:
    sam = team.devices["sam"]
    assert sam.sync.sync().ok
    a = str(uuid.UUID(hex=two_charts[0]))
    for su in operator(team):
        head = su.execute("SELECT head FROM noteapp.charts WHERE chart_id = %s", (a,)).fetchone()
        assert head
        su.execute("DELETE FROM noteapp.versions WHERE chart_id = %s AND seq = %s", (a, head[0]))
        su.execute("UPDATE noteapp.charts SET head = head - 1 WHERE chart_id = %s", (a,))
    with pytest.raises(ServerIntegrityError, match="older state"):
        sam.sync.sync()


def test_an_uncertified_key_is_refused(team: Agency, two_charts: tuple[str, str]) -> None:
    """The operator adds a member of its own — with a certificate signed by a key of its own,
    and assigned to a chart: no device takes the certificate or wraps a key to it."""
    dana = team.devices["dana"]
    a = str(uuid.UUID(hex=two_charts[0]))
    private, public = crypto.generate_signing_keypair()
    _x_private, x_public = crypto.generate_exchange_keypair()
    fake = "11111111-2222-3333-4444-555555555555"
    agency_id = dana.agency.require_membership().agency_id
    keys = MemberKeys(agency_id, fake, "intruder", "Dana Whitfield", "LCSW", public, x_public)
    with team.superuser() as su:
        su.execute("INSERT INTO noteapp.logins (login, member_id) VALUES ('intruder', %s)", (fake,))
        su.execute("INSERT INTO noteapp.members (member_id) VALUES (%s)", (fake,))
        su.execute("INSERT INTO noteapp.assignments VALUES (%s, %s, 'clinician')", (a, fake))
    # Assigned, but in no epoch the administrator signed, and with no certificate: nothing
    # is wrapped to it.
    assert dana.sync.sync().ok
    with team.superuser() as su:
        assert su.execute(
            "SELECT count(*) FROM noteapp.key_wraps WHERE member_id = %s", (fake,)
        ).fetchone() == (0,)
        cert = sign_doc(
            keys.body(CERT_FORMAT, status="active", admin=False, serial=1, issued="2026-01-05"),
            private,
            public,
        )
        su.execute("UPDATE noteapp.members SET certificate = %s WHERE member_id = %s", (cert, fake))
    with pytest.raises(ServerIntegrityError, match="not allowed to sign"):
        dana.sync.sync()
    with team.superuser() as su:
        assert su.execute(
            "SELECT count(*) FROM noteapp.key_wraps WHERE member_id = %s", (fake,)
        ).fetchone() == (0,)
