"""What every member's device asks of the agency's server: membership documents, chart
heads, epochs and key wraps, pulling with a ticket, pushing under a chart's row lock, and the
device's audit log for the administrator."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Self

import psycopg
from psycopg import sql

from noteapp.agency.server.connection import open_connection, translated
from noteapp.agency.server.schema import MIGRATIONS


@dataclass(frozen=True)
class MemberRow:
    member_id: str
    login: str
    active: bool
    is_admin: bool
    join_request: bytes | None
    certificate: bytes | None


@dataclass(frozen=True)
class ChartHead:
    chart_id: str
    head: int
    epoch: int


@dataclass(frozen=True)
class VersionRow:
    chart_id: str
    seq: int
    epoch: int
    author: str
    blob: bytes

    def __repr__(self) -> str:
        return f"VersionRow({self.chart_id[:8]}, seq={self.seq})"


@dataclass(frozen=True)
class WrapRow:
    chart_id: str
    epoch: int
    member_id: str
    wrapped: bytes


def _b(value: Any) -> bytes | None:
    return None if value is None else bytes(value)


class Server:
    """One connection to the agency's database (autocommit; `transaction()` groups work)."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self._conn = conn

    @classmethod
    def connect(cls, url: str | None = None) -> Server:
        return cls(open_connection(url))

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self, doing: str = "complete the request") -> Iterator[None]:
        with translated(doing), self._conn.transaction():
            yield

    def _rows(
        self, query: str | sql.Composable, params: Sequence[Any] = (), doing: str = ""
    ) -> list[Any]:
        with translated(doing or "read from the agency's server"):
            return self._conn.execute(query, params).fetchall()  # type: ignore[arg-type]

    def _run(self, query: str | sql.Composable, params: Sequence[Any] = (), doing: str = "") -> int:
        with translated(doing or "write to the agency's server"):
            return self._conn.execute(query, params).rowcount  # type: ignore[arg-type]

    # --- who and what ------------------------------------------------------------------

    @property
    def login(self) -> str:
        return str(self._rows("SELECT session_user")[0][0])

    @property
    def known_migrations(self) -> int:
        return len(MIGRATIONS)

    def schema_version(self) -> int:
        """The highest migration applied (0: no noteapp schema in this database)."""
        if not self._rows("SELECT to_regclass('noteapp.migrations')")[0][0]:
            return 0
        return int(self._rows("SELECT coalesce(max(version), 0) FROM noteapp.migrations")[0][0])

    def agency_row(self) -> tuple[str, str, bytes] | None:
        rows = self._rows("SELECT agency_id::text, member_role, record FROM noteapp.agency")
        return (str(rows[0][0]), str(rows[0][1]), bytes(rows[0][2])) if rows else None

    def whoami(self) -> tuple[str, bool] | None:
        rows = self._rows(
            "SELECT member_id::text, is_admin FROM noteapp.logins WHERE login = session_user "
            "AND active"
        )
        return (str(rows[0][0]), bool(rows[0][1])) if rows else None

    def members(self) -> list[MemberRow]:
        rows = self._rows(
            "SELECT l.member_id::text, l.login, l.active, l.is_admin, m.join_request, "
            "m.certificate FROM noteapp.logins l JOIN noteapp.members m USING (member_id) "
            "ORDER BY l.login"
        )
        return [MemberRow(str(r[0]), str(r[1]), r[2], r[3], _b(r[4]), _b(r[5])) for r in rows]

    def submit_join(self, member_id: str, request: bytes) -> bool:
        return (
            self._run(
                "UPDATE noteapp.members SET join_request = %s WHERE member_id = %s",
                (request, member_id),
                "record your keys",
            )
            == 1
        )

    # --- charts ------------------------------------------------------------------------

    def chart_heads(self) -> list[ChartHead]:
        rows = self._rows("SELECT chart_id::text, head, epoch FROM noteapp.charts")
        return [ChartHead(str(c), int(h), int(e)) for c, h, e in rows]

    def epochs(self, chart_ids: Sequence[str]) -> dict[str, list[tuple[int, bytes]]]:
        out: dict[str, list[tuple[int, bytes]]] = {c: [] for c in chart_ids}
        for chart, epoch, record in self._rows(
            "SELECT chart_id::text, epoch, record FROM noteapp.epochs "
            "WHERE chart_id = ANY(%s::uuid[]) ORDER BY chart_id, epoch",
            (list(chart_ids),),
        ):
            out.setdefault(str(chart), []).append((int(epoch), bytes(record)))
        return out

    def wraps(self, chart_ids: Sequence[str]) -> list[WrapRow]:
        rows = self._rows(
            "SELECT chart_id::text, epoch, member_id::text, wrapped FROM noteapp.key_wraps "
            "WHERE chart_id = ANY(%s::uuid[])",
            (list(chart_ids),),
        )
        return [WrapRow(str(c), int(e), str(m), bytes(w)) for c, e, m, w in rows]

    def add_wraps(self, rows: Sequence[tuple[str, int, str, bytes]], *, by: str) -> None:
        with self.transaction("share a chart key"):
            for chart, epoch, member, wrapped in rows:
                self._conn.execute(
                    "INSERT INTO noteapp.key_wraps (chart_id, epoch, member_id, wrapped, "
                    "wrapped_by) VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                    (chart, epoch, member, wrapped, by),
                )

    def pull(self, ranges: Sequence[tuple[str, int, int]], *, me: str) -> list[VersionRow]:
        """Versions after..upto of each chart, in one transaction that first writes the pull
        tickets (the access log rows without which row-level security shows nothing)."""
        with self.transaction("pull from the agency's server"):
            for chart, after, upto in ranges:
                self._conn.execute(
                    "INSERT INTO noteapp.access_log (member_id, action, chart_id, first_seq, "
                    "last_seq, count) VALUES (%s, 'pull', %s, %s, %s, %s)",
                    (me, chart, after, upto, upto - after),
                )
            rows = self._conn.execute(
                "SELECT v.chart_id::text, v.seq, v.epoch, v.author::text, v.blob "
                "FROM noteapp.versions v JOIN unnest(%s::uuid[], %s::bigint[], %s::bigint[]) "
                "AS r(chart_id, after, upto) ON v.chart_id = r.chart_id "
                "AND v.seq > r.after AND v.seq <= r.upto ORDER BY v.chart_id, v.seq",
                (
                    [r[0] for r in ranges],
                    [r[1] for r in ranges],
                    [r[2] for r in ranges],
                ),
            ).fetchall()
        return [VersionRow(str(c), int(s), int(e), str(a), bytes(b)) for c, s, e, a, b in rows]

    def push(
        self, chart_id: str, *, epoch: int, author: str, rows: Sequence[tuple[int, bytes]]
    ) -> None:
        """Append versions (their numbers continue the chart's head) in one statement; raises
        ChartMoved when another device got there first or the chart's epoch moved on."""
        with self.transaction("push to the agency's server"):
            self._conn.execute(
                "INSERT INTO noteapp.versions (chart_id, seq, epoch, author, blob) "
                "SELECT %s, s, %s, %s, b FROM unnest(%s::bigint[], %s::bytea[]) "
                "WITH ORDINALITY AS t(s, b, n) ORDER BY n",
                (chart_id, epoch, author, [s for s, _ in rows], [b for _, b in rows]),
            )

    # --- the device's audit log, for the administrator ---------------------------------

    def device_audit_last(self, member_id: str, device: str) -> int:
        rows = self._rows(
            "SELECT coalesce(max(last_seq), 0) FROM noteapp.device_audit "
            "WHERE member_id = %s AND device = %s",
            (member_id, device),
        )
        return int(rows[0][0])

    def add_device_audit(self, member_id: str, device: str, last_seq: int, blob: bytes) -> None:
        self._run(
            "INSERT INTO noteapp.device_audit (member_id, device, last_seq, blob) "
            "VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
            (member_id, device, last_seq, blob),
            "send this device's audit log",
        )
