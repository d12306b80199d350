"""What a device remembers about its agency: its membership (ids, the administrator's key it
confirmed, its X25519 key pair, where the server is) and, per chart, how far it has synced —
the sequence number and hash it has applied, the verified key epochs and their keys, and for
each record the local version that matches the server's. Kept as encrypted records in the
vault; they never leave this device."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from noteapp.agency.envelope import NO_PREVIOUS
from noteapp.agency.keys import ChartRole, Epoch
from noteapp.agency.merge import Synced


@dataclass
class Membership:
    agency_id: str
    member_id: str
    login: str
    admin_ed25519: bytes
    x25519_private: bytes
    x25519_public: bytes
    url: str
    is_admin: bool = False
    share_psychotherapy: bool = False
    last_sync: str = ""
    last_error: str = ""
    audit_pushed: int = 0
    recovery_x25519: bytes = b""

    def __repr__(self) -> str:  # holds a private key
        return f"Membership(agency={self.agency_id!r}, member={self.member_id!r})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "agency_id": self.agency_id,
            "member_id": self.member_id,
            "login": self.login,
            "admin_ed25519": self.admin_ed25519.hex(),
            "x25519_private": self.x25519_private.hex(),
            "x25519_public": self.x25519_public.hex(),
            "url": self.url,
            "is_admin": self.is_admin,
            "share_psychotherapy": self.share_psychotherapy,
            "last_sync": self.last_sync,
            "last_error": self.last_error,
            "audit_pushed": self.audit_pushed,
            "recovery_x25519": self.recovery_x25519.hex(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Membership:
        return cls(
            agency_id=d["agency_id"],
            member_id=d["member_id"],
            login=d["login"],
            admin_ed25519=bytes.fromhex(d["admin_ed25519"]),
            x25519_private=bytes.fromhex(d["x25519_private"]),
            x25519_public=bytes.fromhex(d["x25519_public"]),
            url=d.get("url", ""),
            is_admin=bool(d.get("is_admin", False)),
            share_psychotherapy=bool(d.get("share_psychotherapy", False)),
            last_sync=d.get("last_sync", ""),
            last_error=d.get("last_error", ""),
            audit_pushed=int(d.get("audit_pushed", 0)),
            recovery_x25519=bytes.fromhex(d.get("recovery_x25519", "")),
        )


def _epoch_to_dict(e: Epoch) -> dict[str, Any]:
    return {
        "commitment": e.commitment,
        "from_seq": e.from_seq,
        "members": [[m, r.value] for m, r in e.members],
    }


def _epoch_from_dict(chart: str, number: int, d: dict[str, Any]) -> Epoch:
    return Epoch(
        chart_id=chart,
        epoch=number,
        commitment=d["commitment"],
        members=tuple((str(m), ChartRole(r)) for m, r in d["members"]),
        from_seq=int(d["from_seq"]),
    )


@dataclass
class ChartState:
    client_id: str
    chart_id: str
    seq: int = 0
    last_hash: bytes = NO_PREVIOUS
    epochs: dict[int, Epoch] = field(default_factory=dict)
    keys: dict[int, bytes] = field(default_factory=dict)
    records: dict[tuple[str, str], Synced] = field(default_factory=dict)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)
    assigned: bool = True
    version: int = 0  # the stored version of this state (0: never saved)

    def __repr__(self) -> str:
        return f"ChartState({self.chart_id[:8]}, seq={self.seq})"

    @property
    def current_epoch(self) -> Epoch | None:
        return self.epochs[max(self.epochs)] if self.epochs else None

    def role_of(self, member_id: str) -> ChartRole | None:
        epoch = self.current_epoch
        return epoch.role_of(member_id) if epoch else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "client_id": self.client_id,
            "chart_id": self.chart_id,
            "seq": self.seq,
            "last_hash": self.last_hash.hex(),
            "epochs": {str(n): _epoch_to_dict(e) for n, e in self.epochs.items()},
            "keys": {str(n): k.hex() for n, k in self.keys.items()},
            "records": {
                f"{kind}/{rid}": [s.version, s.vid, s.creator]
                for (kind, rid), s in self.records.items()
            },
            "conflicts": self.conflicts,
            "refused": self.refused[-200:],  # the newest; each is also in the sync report
            "assigned": self.assigned,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any], *, version: int) -> ChartState:
        chart = d["chart_id"]
        records = {}
        for key, (v, vid, creator) in d.get("records", {}).items():
            kind, _, rid = key.partition("/")
            records[(kind, rid)] = Synced(int(v), str(vid), str(creator))
        return cls(
            client_id=d["client_id"],
            chart_id=chart,
            seq=int(d.get("seq", 0)),
            last_hash=bytes.fromhex(d.get("last_hash", NO_PREVIOUS.hex())),
            epochs={
                int(n): _epoch_from_dict(chart, int(n), e) for n, e in d.get("epochs", {}).items()
            },
            keys={int(n): bytes.fromhex(k) for n, k in d.get("keys", {}).items()},
            records=records,
            conflicts=list(d.get("conflicts", [])),
            refused=list(d.get("refused", [])),
            assigned=bool(d.get("assigned", True)),
            version=version,
        )
