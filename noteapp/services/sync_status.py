"""What this device knows about its agency and its last sync, for `agency status`, the app's
sync indicator, and the conflicts a user has to look at."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from noteapp.domain.errors import NoteappError
from noteapp.services.agency import AgencyService
from noteapp.services.agency_local import LocalCharts
from noteapp.services.agency_state import ChartState
from noteapp.services.clients import ClientService


@dataclass(frozen=True)
class ChartStatus:
    client_id: str
    client_code: str
    chart_id: str
    role: str  # clinician, supervisor, or "" (no longer assigned)
    seq: int
    epoch: int
    conflicts: int


@dataclass(frozen=True)
class AgencyStatus:
    joined: bool
    agency_id: str = ""
    member_id: str = ""
    login: str = ""
    admin: bool = False
    admin_fingerprint: str = ""
    fingerprint: str = ""  # this member's signing key, to read to the administrator
    certified: bool | None = None  # None: the server was not asked
    reachable: bool | None = None
    server_error: str = ""
    last_sync: str = ""
    last_error: str = ""
    share_psychotherapy: bool = False
    charts: tuple[ChartStatus, ...] = field(default_factory=tuple)

    @property
    def conflicts(self) -> int:
        return sum(c.conflicts for c in self.charts)

    def to_json(self) -> dict[str, Any]:
        return {
            "joined": self.joined,
            "agency_id": self.agency_id or None,
            "member_id": self.member_id or None,
            "login": self.login or None,
            "admin": self.admin,
            "admin_fingerprint": self.admin_fingerprint or None,
            "fingerprint": self.fingerprint or None,
            "certified": self.certified,
            "server": {"reachable": self.reachable, "error": self.server_error or None},
            "last_sync": self.last_sync or None,
            "last_error": self.last_error or None,
            "share_psychotherapy": self.share_psychotherapy,
            "conflicts": self.conflicts,
            "charts": [
                {
                    "client": c.client_id,
                    "client_code": c.client_code or None,
                    "chart": c.chart_id,
                    "role": c.role or None,
                    "seq": c.seq,
                    "epoch": c.epoch,
                    "conflicts": c.conflicts,
                }
                for c in self.charts
            ],
        }


def states(local: LocalCharts) -> list[ChartState]:
    return [ChartState.from_dict(d, version=v) for d, v in local.chart_states().values()]


def agency_status(
    *, agency: AgencyService, local: LocalCharts, clients: ClientService, probe: bool
) -> AgencyStatus:
    m = agency.membership()
    if m is None:
        return AgencyStatus(joined=False)
    from noteapp import crypto

    profile_key = agency.own_public_key()
    charts = []
    for s in states(local):
        try:
            code = clients.get(s.client_id).code
        except NoteappError:
            code = ""
        role = s.role_of(m.member_id) if s.assigned else None
        charts.append(
            ChartStatus(
                s.client_id,
                code,
                s.chart_id,
                role.value if role else "",
                s.seq,
                max(s.epochs, default=0),
                len(s.conflicts),
            )
        )
    reachable: bool | None = None
    certified: bool | None = None
    error = ""
    if probe:
        try:
            with agency.server(m) as server:
                info = agency.agency(server, m)
                cert = agency.certificates(server, info).get(m.member_id)
                certified = cert is not None and cert.active
                reachable = True
        except NoteappError as exc:
            reachable, error = False, str(exc)
    return AgencyStatus(
        joined=True,
        agency_id=m.agency_id,
        member_id=m.member_id,
        login=m.login,
        admin=m.is_admin,
        admin_fingerprint=crypto.key_fingerprint(m.admin_ed25519),
        fingerprint=crypto.key_fingerprint(profile_key) if profile_key else "",
        certified=certified,
        reachable=reachable,
        server_error=error,
        last_sync=m.last_sync,
        last_error=m.last_error,
        share_psychotherapy=m.share_psychotherapy,
        charts=tuple(sorted(charts, key=lambda c: (c.client_code, c.client_id))),
    )


REASONS = {
    "both-changed": "changed here and on another device",
    "signed-elsewhere": "signed on another device while edited here",
    "deleted-elsewhere": "deleted on another device while edited here",
}


def conflict_sentence(c: dict[str, Any]) -> str:
    """What happened to the record, for the command line and the app: which versions are
    which (both are kept in the record's history)."""
    what = REASONS.get(str(c.get("reason")), str(c.get("reason")))
    fields = f" (fields: {', '.join(map(str, c['fields']))})" if c.get("fields") else ""
    return (
        f"{what}{fields}; yours is version {c.get('mine')}, the other {c.get('theirs')} "
        "(see its history)"
    )


def conflicts(local: LocalCharts) -> list[dict[str, Any]]:
    """Every conflict sync kept for the user to look at, with its chart's client."""
    out = []
    for s in states(local):
        for n, c in enumerate(s.conflicts):
            out.append({**c, "client": s.client_id, "number": f"{s.client_id[:8]}-{n + 1}"})
    return out


def dismiss_conflict(local: LocalCharts, number: str) -> bool:
    """The user looked at a conflict (and kept or restored the version they want): it is
    no longer listed. Both versions stay in the record's history."""
    for s in states(local):
        for n, _c in enumerate(s.conflicts):
            if f"{s.client_id[:8]}-{n + 1}" == number:
                del s.conflicts[n]
                local.save_chart_state(s.client_id, s.to_dict(), expected=s.version)
                return True
    return False
