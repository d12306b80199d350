"""The PostgreSQL side: migrations, row-level security and pull tickets, the append-only
tables, the access log, TLS with verify-full, and what the server holds (no client data)."""

from __future__ import annotations

import uuid
from pathlib import Path

import psycopg
import pytest

from noteapp.agency.server import AdminServer, Server
from noteapp.agency.server.schema import MIGRATIONS
from noteapp.domain.errors import RefusedError, ServerUnavailableError
from tests.agency.cluster import write_tls
from tests.agency.conftest import Agency, needs_postgres
from tests.agency.helpers import ready_note
from tests.conftest import PASSPHRASE

pytestmark = needs_postgres


def test_init_again_upgrades_nothing_and_a_newer_schema_is_refused(team: Agency) -> None:
    admin = team.devices["admin"]
    with team.connecting_as(team.admin_login):
        _info, applied = admin.agency.init(recovery_key_file=team.folder / "unused.key")
    assert applied == []
    with team.superuser() as su:
        su.execute("INSERT INTO noteapp.migrations (version) VALUES (%s)", (len(MIGRATIONS) + 1,))
    with team.connecting_as(team.admin_login), pytest.raises(RefusedError, match="newer"):
        admin.agency.init(recovery_key_file=team.folder / "unused.key")


def test_a_member_cannot_create_a_second_agency_or_act_as_administrator(team: Agency) -> None:
    dana = team.devices["dana"]
    with team.connecting_as(team.logins["dana"]), pytest.raises(RefusedError):
        dana.agency.init(recovery_key_file=team.folder / "x.key")
    with pytest.raises(RefusedError, match="administrator"):
        dana.agency_charts.assign(
            client="0" * 32,
            member="x",
            role=__import__("noteapp.agency.keys", fromlist=["ChartRole"]).ChartRole.CLINICIAN,
        )


def test_row_level_security_and_pull_tickets(team: Agency) -> None:
    dana, sam = team.devices["dana"], team.devices["sam"]
    mine = dana.clients.add(name="Jordan Avery")
    other = dana.clients.add(name="Riley Stone")
    team.assign(mine.id, "dana")
    team.assign(other.id, "dana")
    team.assign(mine.id, "sam")
    note = ready_note(dana, mine.id)
    dana.signing.sign_note(note, passphrase=PASSPHRASE)
    dana.sync.sync()
    sam_id = sam.agency.require_membership().member_id
    with psycopg.connect(team.url(team.logins["sam"]), autocommit=True) as conn:
        charts = [str(r[0]) for r in conn.execute("SELECT chart_id FROM noteapp.charts")]
        assert charts == [str(uuid.UUID(hex=mine.id))]  # only the chart assigned to Sam
        # No ticket, no rows: reading versions needs a pull logged in the same transaction.
        assert conn.execute("SELECT count(*) FROM noteapp.versions").fetchone() == (0,)
        with conn.transaction():
            with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
                conn.execute(  # a ticket for a chart not assigned to Sam is refused
                    "INSERT INTO noteapp.access_log (member_id, action, chart_id, first_seq, "
                    "last_seq, count) VALUES (%s, 'pull', %s, 0, 2, 2)",
                    (sam_id, str(uuid.UUID(hex=other.id))),
                )
            conn.execute(
                "INSERT INTO noteapp.access_log (member_id, action, chart_id, first_seq, last_seq, "
                "count) VALUES (%s, 'pull', %s, 0, 2, 2)",
                (sam_id, str(uuid.UUID(hex=mine.id))),
            )
            seqs = [r[0] for r in conn.execute("SELECT seq FROM noteapp.versions ORDER BY seq")]
        assert seqs == [1, 2]  # exactly the range the ticket names
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM noteapp.access_log")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE noteapp.versions SET blob = '' WHERE seq = 1")
        # Dana's device sent its audit log to the administrator: Sam sees none of it.
        assert conn.execute("SELECT count(*) FROM noteapp.device_audit").fetchone() == (0,)
    with team.superuser() as su:
        assert su.execute("SELECT count(*) FROM noteapp.device_audit").fetchone() == (1,)
    # The schema owner cannot rewrite history either (append-only triggers).
    with (
        psycopg.connect(team.url(team.admin_login), autocommit=True) as conn,
        pytest.raises(psycopg.errors.RaiseException, match="append-only"),
    ):
        conn.execute("DELETE FROM noteapp.access_log")


def test_the_access_log_names_who_pulled_and_pushed_what(team: Agency) -> None:
    dana, sam = team.devices["dana"], team.devices["sam"]
    client = dana.clients.add(name="Jordan Avery")
    team.assign(client.id, "dana")
    team.assign(client.id, "sam")
    ready_note(dana, client.id)
    dana.sync.sync()
    sam.sync.sync()
    with team.connecting_as(team.admin_login):
        audit = team.devices["admin"].agency_charts.audit()
    chart = str(uuid.UUID(hex=client.id))
    got = {(a.login, a.action, a.chart_id, a.count) for a in audit.access}
    # The client, its template, the note's two draft versions: pushed by Dana, pulled by Sam.
    assert (team.logins["dana"], "push", chart, 4) in got
    assert (team.logins["sam"], "pull", chart, 4) in got
    assert not audit.problems
    actions = {(d.login, d.entry["action"]) for d in audit.devices}
    assert (team.logins["dana"], "create") in actions  # the device's own log, sent sealed


def test_the_server_holds_no_client_data(team: Agency) -> None:
    dana = team.devices["dana"]
    client = dana.clients.add(name="Zebediah Quixotic")
    team.assign(client.id, "dana")
    note = ready_note(dana, client.id, text="Xylophone-shaped worries about Quixotic matters.")
    dana.signing.sign_note(note, passphrase=PASSPHRASE)
    dana.sync.sync()
    with team.superuser() as su:
        dump = b"".join(
            bytes(r[0])
            for table in ("versions", "members", "epochs", "key_wraps", "agency", "device_audit")
            for r in su.execute(f"SELECT t::text::bytea FROM noteapp.{table} t")
        )
    assert b"Quixotic" not in dump and b"Xylophone" not in dump


def test_tls_with_verify_full_and_a_password_from_the_environment(
    team: Agency, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Over loopback TCP, the server's certificate checked against the agency's CA and its
    name; the login's password from a .pgpass file, never from an argument."""
    password = "s3cret-for-tests"
    with team.superuser() as su:
        su.execute(f"ALTER ROLE \"{team.logins['dana']}\" PASSWORD '{password}'")
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"localhost:{team.cluster.port}:{team.db}:{team.logins['dana']}:{password}\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    url = (
        f"postgresql://{team.logins['dana']}@localhost:{team.cluster.port}/{team.db}"
        f"?sslmode=verify-full&sslrootcert={team.cluster.ca}"
    )
    with Server.connect(url) as server:
        assert server._conn.pgconn.ssl_in_use
        assert server.whoami() is not None
    (tmp_path / "other").mkdir()
    wrong_ca, _cert, _key = write_tls(tmp_path / "other")  # another CA: the server is not it
    with pytest.raises(ServerUnavailableError, match="SSL error"):
        Server.connect(url.replace(str(team.cluster.ca), str(wrong_ca)))
    # A member's sync over TLS, end to end.
    dana = team.devices["dana"]
    client = dana.clients.add(name="Jordan Avery")
    team.assign(client.id, "dana")
    monkeypatch.setenv("NOTEAPP_AGENCY_URL", url)
    assert dana.sync.sync().pushed == 1


def test_admin_server_refuses_an_existing_login(team: Agency) -> None:
    with team.connecting_as(team.admin_login), pytest.raises(RefusedError, match="already has"):
        team.devices["admin"].agency.add_member(login=team.logins["dana"], password=None)
    assert AdminServer  # the administrator's requests live in one module
