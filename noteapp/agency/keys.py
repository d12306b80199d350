"""Membership and chart keys: the agency record, join requests, member certificates, chart
epochs (a chart's key commitment and who is assigned to it), and key wraps.

Trust flows from one key: the administrator's Ed25519 key, whose fingerprint each member
compares by phone when joining. The administrator certifies each member's keys, and signs
every chart epoch: which members (and in which role) may read a chart from then on, and a
commitment to that epoch's key. A device wraps a chart key only to a member whose
certificate verifies and who is listed in the chart's current epoch, and accepts a chart key
only if it matches the signed commitment — so the server (or anyone else) can neither add a
reader nor slip a key of its own into a chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from noteapp import crypto
from noteapp.agency.signed import open_doc, signer_of
from noteapp.domain.errors import ServerIntegrityError

AGENCY_FORMAT = "noteapp-agency/1"
JOIN_FORMAT = "noteapp-agency-join/1"
CERT_FORMAT = "noteapp-agency-member/1"
EPOCH_FORMAT = "noteapp-agency-epoch/1"
# The recovery key's wraps are filed under this member id (it is nobody's login).
RECOVERY_MEMBER = "00000000-0000-0000-0000-000000000000"


class ChartRole(StrEnum):
    CLINICIAN = "clinician"
    SUPERVISOR = "supervisor"


@dataclass(frozen=True)
class AgencyInfo:
    """The agency record: its id and the administrator's keys (self-signed; trusted because
    the member compared the administrator's fingerprint when joining)."""

    agency_id: str
    admin_member: str
    admin_ed25519: bytes
    admin_x25519: bytes
    recovery_x25519: bytes

    def body(self, created: str) -> dict[str, Any]:
        return {
            "format": AGENCY_FORMAT,
            "agency": self.agency_id,
            "admin_member": self.admin_member,
            "admin_ed25519": self.admin_ed25519.hex(),
            "admin_x25519": self.admin_x25519.hex(),
            "recovery_x25519": self.recovery_x25519.hex(),
            "created": created,
        }

    @property
    def admin_fingerprint(self) -> str:
        return crypto.key_fingerprint(self.admin_ed25519)


def read_agency(raw: object, *, admin_key: bytes | None = None) -> AgencyInfo:
    """The agency record; with `admin_key` (the one this device confirmed at join) it must be
    signed by exactly that key."""
    key = admin_key if admin_key is not None else signer_of(raw)
    body = open_doc(raw, fmt=AGENCY_FORMAT, keys=(key,), what="agency record")
    try:
        info = AgencyInfo(
            agency_id=str(body["agency"]),
            admin_member=str(body["admin_member"]),
            admin_ed25519=bytes.fromhex(body["admin_ed25519"]),
            admin_x25519=bytes.fromhex(body["admin_x25519"]),
            recovery_x25519=bytes.fromhex(body["recovery_x25519"]),
        )
    except (KeyError, ValueError, TypeError):
        raise ServerIntegrityError("The server's agency record is incomplete.") from None
    if info.admin_ed25519 != key:
        raise ServerIntegrityError("The agency record names another administrator key.")
    return info


@dataclass(frozen=True)
class MemberKeys:
    """A member as a join request or certificate names them."""

    agency_id: str
    member_id: str
    login: str
    name: str
    credentials: str
    ed25519: bytes
    x25519: bytes

    @property
    def fingerprint(self) -> str:
        return crypto.key_fingerprint(self.ed25519)

    def body(self, fmt: str, **extra: Any) -> dict[str, Any]:
        return {
            "format": fmt,
            "agency": self.agency_id,
            "member": self.member_id,
            "login": self.login,
            "name": self.name,
            "credentials": self.credentials,
            "ed25519": self.ed25519.hex(),
            "x25519": self.x25519.hex(),
            **extra,
        }


def _member(body: dict[str, Any], what: str) -> MemberKeys:
    try:
        return MemberKeys(
            agency_id=str(body["agency"]),
            member_id=str(body["member"]),
            login=str(body["login"]),
            name=str(body["name"]),
            credentials=str(body["credentials"]),
            ed25519=bytes.fromhex(body["ed25519"]),
            x25519=bytes.fromhex(body["x25519"]),
        )
    except (KeyError, ValueError, TypeError):
        raise ServerIntegrityError(f"The server holds an incomplete {what}.") from None


def read_join_request(raw: object) -> MemberKeys:
    """A member's request: their keys, signed by their own Ed25519 key (they hold it)."""
    body = open_doc(raw, fmt=JOIN_FORMAT, keys=(signer_of(raw),), what="join request")
    keys = _member(body, "join request")
    if keys.ed25519 != signer_of(raw):
        raise ServerIntegrityError("A join request is signed by a key other than its own.")
    return keys


@dataclass(frozen=True)
class Certificate:
    keys: MemberKeys
    active: bool
    admin: bool
    serial: int


def read_certificate(raw: object, *, agency: AgencyInfo) -> Certificate:
    """A member certificate, signed by this agency's administrator key and for this agency."""
    body = open_doc(raw, fmt=CERT_FORMAT, keys=(agency.admin_ed25519,), what="member certificate")
    keys = _member(body, "member certificate")
    if keys.agency_id != agency.agency_id:
        raise ServerIntegrityError("A member certificate is from another agency.")
    try:
        return Certificate(
            keys=keys,
            active=body["status"] == "active",
            admin=bool(body["admin"]),
            serial=int(body["serial"]),
        )
    except (KeyError, ValueError, TypeError):
        raise ServerIntegrityError("The server holds an incomplete member certificate.") from None


@dataclass(frozen=True)
class Epoch:
    """A chart's key epoch: who may read it from `from_seq` on, and its key's commitment."""

    chart_id: str
    epoch: int
    commitment: str
    members: tuple[tuple[str, ChartRole], ...]
    from_seq: int

    def role_of(self, member_id: str) -> ChartRole | None:
        return next((r for m, r in self.members if m == member_id), None)

    def body(self, agency_id: str, issued: str) -> dict[str, Any]:
        return {
            "format": EPOCH_FORMAT,
            "agency": agency_id,
            "chart": self.chart_id,
            "epoch": self.epoch,
            "commitment": self.commitment,
            "members": [{"member": m, "role": r.value} for m, r in self.members],
            "from_seq": self.from_seq,
            "issued": issued,
        }


def read_epoch(raw: object, *, agency: AgencyInfo, chart_id: str, epoch: int) -> Epoch:
    """An epoch record signed by the administrator for exactly this chart and number."""
    body = open_doc(raw, fmt=EPOCH_FORMAT, keys=(agency.admin_ed25519,), what="chart key record")
    try:
        found = Epoch(
            chart_id=str(body["chart"]),
            epoch=int(body["epoch"]),
            commitment=str(body["commitment"]),
            members=tuple((str(m["member"]), ChartRole(m["role"])) for m in body["members"]),
            from_seq=int(body["from_seq"]),
        )
    except (KeyError, ValueError, TypeError):
        raise ServerIntegrityError("The server holds an incomplete chart key record.") from None
    if body.get("agency") != agency.agency_id or (found.chart_id, found.epoch) != (
        chart_id,
        epoch,
    ):
        raise ServerIntegrityError(
            "A chart key record the server holds belongs to another chart or place (moved)."
        )
    return found


def commitment(key: bytes | bytearray, agency_id: str, chart_id: str, epoch: int) -> str:
    """What the administrator signs about a chart key without revealing it."""
    return crypto.hmac_sha256(
        key, f"noteapp-chart-key/1\0{agency_id}\0{chart_id}\0{epoch}".encode()
    ).hex()


def _wrap_ad(agency_id: str, chart_id: str, epoch: int, member_id: str) -> bytes:
    return f"noteapp-chart-key-wrap/1\0{agency_id}\0{chart_id}\0{epoch}\0{member_id}".encode()


def wrap_key(
    key: bytes | bytearray, *, to: bytes, agency_id: str, chart_id: str, epoch: int, member: str
) -> bytes:
    """A chart key sealed to one member's (or the recovery key's) X25519 public key."""
    return crypto.seal(to, bytes(key), _wrap_ad(agency_id, chart_id, epoch, member))


def unwrap_key(
    private_key: bytes | bytearray,
    wrapped: bytes,
    *,
    agency_id: str,
    chart_id: str,
    epoch: Epoch,
    member: str,
) -> bytes:
    """The chart key of `epoch` from a wrap addressed to `member`; refused unless it opens
    and matches the key the administrator committed to."""
    try:
        key = crypto.open_sealed(
            private_key, wrapped, _wrap_ad(agency_id, chart_id, epoch.epoch, member)
        )
    except crypto.DecryptionError:
        raise ServerIntegrityError(
            "A chart key the server holds for you does not open with your key."
        ) from None
    if len(key) != crypto.KEY_BYTES or not crypto.constant_time_equal(
        commitment(key, agency_id, chart_id, epoch.epoch).encode(), epoch.commitment.encode()
    ):
        raise ServerIntegrityError(
            "A chart key the server holds is not the one the administrator certified."
        )
    return key
