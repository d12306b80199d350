"""What only the administrator's login does: the schema and its migrations, the agency's
group role, member logins, certificates, chart epochs and assignments, and reading the
agency's audit."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import psycopg
from psycopg import sql

from noteapp.agency.server.client import Server
from noteapp.agency.server.schema import MIGRATIONS
from noteapp.domain.errors import InvalidInputError, RefusedError

_LOGIN = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def check_login(login: str) -> str:
    if not _LOGIN.match(login):
        raise InvalidInputError(
            "A login name is 1–63 lowercase letters, digits and underscores, starting with a "
            "letter (e.g. dwhitfield); the server's operator can see it, so initials or a "
            "staff number are fine."
        )
    return login


@dataclass(frozen=True)
class EpochWrite:
    """What a new chart epoch writes: its signed record, who is assigned, and the key wraps
    (member id → wrapped key; the recovery key's under its own id)."""

    record: bytes
    assignments: tuple[tuple[str, str], ...]
    wraps: tuple[tuple[str, bytes], ...]


@dataclass(frozen=True)
class AccessRow:
    at: datetime
    login: str
    member_id: str
    action: str
    chart_id: str
    first_seq: int
    last_seq: int
    count: int


class AdminServer(Server):
    @classmethod
    def of(cls, server: Server) -> AdminServer:
        """The same connection, for the administrator's requests."""
        return server if isinstance(server, AdminServer) else cls(server._conn)

    def migrate(self, member_role: str) -> list[int]:
        """Apply every migration the database lacks, each in its own transaction."""
        current = self.schema_version()
        if current > len(MIGRATIONS):
            raise RefusedError(
                f"The agency's database has schema version {current}, newer than this noteapp "
                f"knows ({len(MIGRATIONS)}). Update noteapp first."
            )
        applied = []
        for number in range(current + 1, len(MIGRATIONS) + 1):
            text = sql.SQL(MIGRATIONS[number - 1]).format(members=sql.Identifier(member_role))
            with self.transaction("set up the agency's schema"):
                self._conn.execute(text)
                self._conn.execute(
                    "INSERT INTO noteapp.migrations (version) VALUES (%s)", (number,)
                )
            applied.append(number)
        return applied

    def create_group_role(self, member_role: str) -> None:
        exists = self._rows("SELECT 1 FROM pg_roles WHERE rolname = %s", (member_role,))
        if not exists:
            self._run(
                sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(member_role)),
                doing="create the agency's member role (the administrator's login needs "
                "CREATEROLE)",
            )

    def create_agency(
        self, *, agency_id: str, member_role: str, record: bytes, admin_member: str
    ) -> None:
        with self.transaction("create the agency"):
            self._conn.execute(
                "INSERT INTO noteapp.agency (agency_id, member_role, record) VALUES (%s, %s, %s)",
                (agency_id, member_role, record),
            )
            self._conn.execute(
                "INSERT INTO noteapp.logins (login, member_id, is_admin) "
                "VALUES (session_user, %s, true)",
                (admin_member,),
            )
            self._conn.execute(
                "INSERT INTO noteapp.members (member_id) VALUES (%s)", (admin_member,)
            )

    def add_member(
        self, *, login: str, member_id: str, member_role: str, password: str | None
    ) -> None:
        """A login role for the member (its password sent only as a SCRAM verifier, never in
        clear, so it appears in no server log), granted the agency's member role."""
        check_login(login)
        if self._rows("SELECT 1 FROM pg_roles WHERE rolname = %s", (login,)):
            raise RefusedError(f"The server already has a login named {login}; choose another.")
        ident = sql.Identifier(login)
        with self.transaction("add the member's login (the administrator needs CREATEROLE)"):
            if password is None:
                self._conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(ident))
            else:
                verifier = self._conn.pgconn.encrypt_password(
                    password.encode(), login.encode(), b"scram-sha-256"
                )
                self._conn.execute(
                    sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                        ident, sql.Literal(verifier.decode())
                    )
                )
            self._conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(member_role), ident))
            self._conn.execute(
                "INSERT INTO noteapp.logins (login, member_id) VALUES (%s, %s)",
                (login, member_id),
            )
            self._conn.execute("INSERT INTO noteapp.members (member_id) VALUES (%s)", (member_id,))

    def certify(self, member_id: str, certificate: bytes) -> None:
        self._run(
            "UPDATE noteapp.members SET certificate = %s WHERE member_id = %s",
            (certificate, member_id),
            "store the member's certificate",
        )

    def deactivate(self, *, member_id: str, login: str, member_role: str) -> None:
        """No more logins, no more rows: the role loses LOGIN and the member role, and every
        policy stops seeing it at once (even on a connection still open)."""
        ident = sql.Identifier(login)
        with self.transaction("remove the member's login"):
            self._conn.execute(
                "UPDATE noteapp.logins SET active = false WHERE member_id = %s", (member_id,)
            )
            self._conn.execute(sql.SQL("ALTER ROLE {} NOLOGIN").format(ident))
            self._conn.execute(
                sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(member_role), ident)
            )
        try:  # best effort: ending their open sessions needs rights a managed host may withhold
            with self.transaction():
                self._conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s",
                    (login,),
                )
        except (RefusedError, psycopg.Error):
            pass

    def new_epoch(self, chart_id: str, build: Callable[[int, int], EpochWrite]) -> int:
        """Under the chart's row lock: `build(head, epoch)` makes the next epoch, which is
        stored with its assignments and wraps; pushes under an older epoch fail from now on.
        Creates the chart on first use. Returns the new epoch's number."""
        with self.transaction("change who may read the chart"):
            self._conn.execute(
                "INSERT INTO noteapp.charts (chart_id) VALUES (%s) ON CONFLICT DO NOTHING",
                (chart_id,),
            )
            head, epoch = self._conn.execute(
                "SELECT head, epoch FROM noteapp.charts WHERE chart_id = %s FOR UPDATE",
                (chart_id,),
            ).fetchone() or (0, 0)
            write = build(int(head), int(epoch))
            number = int(epoch) + 1
            self._conn.execute(
                "INSERT INTO noteapp.epochs (chart_id, epoch, record) VALUES (%s, %s, %s)",
                (chart_id, number, write.record),
            )
            self._conn.execute(
                "UPDATE noteapp.charts SET epoch = %s WHERE chart_id = %s", (number, chart_id)
            )
            self._conn.execute("DELETE FROM noteapp.assignments WHERE chart_id = %s", (chart_id,))
            for member, role in write.assignments:
                self._conn.execute(
                    "INSERT INTO noteapp.assignments (chart_id, member_id, role) "
                    "VALUES (%s, %s, %s)",
                    (chart_id, member, role),
                )
            for member, wrapped in write.wraps:
                self._conn.execute(
                    "INSERT INTO noteapp.key_wraps (chart_id, epoch, member_id, wrapped, "
                    "wrapped_by) VALUES (%s, %s, %s, %s, noteapp.me())",
                    (chart_id, number, member, wrapped),
                )
        return number

    def current_epoch_record(self, chart_id: str) -> tuple[int, bytes] | None:
        rows = self._rows(
            "SELECT e.epoch, e.record FROM noteapp.epochs e JOIN noteapp.charts c "
            "ON c.chart_id = e.chart_id AND c.epoch = e.epoch WHERE e.chart_id = %s",
            (chart_id,),
        )
        return (int(rows[0][0]), bytes(rows[0][1])) if rows else None

    def charts_of(self, member_id: str) -> list[str]:
        rows = self._rows(
            "SELECT chart_id::text FROM noteapp.assignments WHERE member_id = %s", (member_id,)
        )
        return [str(r[0]) for r in rows]

    def access_log(self, *, limit: int = 1000) -> list[AccessRow]:
        rows = self._rows(
            "SELECT at, login, coalesce(member_id::text, ''), action, "
            "coalesce(chart_id::text, ''), coalesce(first_seq, 0), coalesce(last_seq, 0), count "
            "FROM noteapp.access_log ORDER BY id DESC LIMIT %s",
            (limit,),
        )
        return [AccessRow(*r) for r in rows]

    def device_audit(self) -> list[tuple[str, str, int, bytes]]:
        rows = self._rows(
            "SELECT member_id::text, device, last_seq, blob FROM noteapp.device_audit "
            "ORDER BY member_id, device, last_seq"
        )
        return [(str(m), str(d), int(s), bytes(b)) for m, d, s, b in rows]
