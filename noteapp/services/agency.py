"""The agency, as the administrator and each member use it: creating the agency on its
PostgreSQL server, adding, certifying and removing members, joining from a member's own
vault, and the device's view of its membership (`status`).

Assignments and chart keys are in agency_charts.py, the sync engine in sync.py.
"""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from noteapp import crypto
from noteapp.agency.keys import (
    CERT_FORMAT,
    JOIN_FORMAT,
    AgencyInfo,
    Certificate,
    MemberKeys,
    read_agency,
    read_certificate,
    read_join_request,
)
from noteapp.agency.signed import sign_doc
from noteapp.domain.clock import Clock
from noteapp.domain.errors import (
    InvalidInputError,
    NotFoundError,
    RefusedError,
    ServerIntegrityError,
)
from noteapp.services.agency_local import LocalCharts
from noteapp.services.agency_state import Membership
from noteapp.services.audit import AuditService
from noteapp.services.profile import ProfileService

if TYPE_CHECKING:
    # psycopg is imported only when the server is first reached (a vault outside any agency
    # never pays for it: a tenth of a second of the app's start).
    from noteapp.agency.server import AdminServer, MemberRow, Server

Connect = Callable[[str], "Server"]


def _connect(url: str) -> Server:
    from noteapp.agency.server import Server

    return Server.connect(url)


def _conninfo_for(url: str) -> str:
    from noteapp.agency.server import conninfo_for

    return conninfo_for(url)


def _fingerprint_matches(given: str, actual: str) -> bool:
    def norm(text: str) -> str:
        return "".join(c for c in text.upper() if c.isalnum())

    return bool(norm(given)) and norm(given) == norm(actual)


@dataclass(frozen=True)
class MemberInfo:
    member_id: str
    login: str
    name: str
    credentials: str
    fingerprint: str
    status: str  # invited (no keys yet), joined (keys, not certified), certified, removed
    admin: bool


@dataclass(frozen=True)
class NewMember:
    member_id: str
    login: str


class AgencyService:
    def __init__(
        self,
        *,
        local: LocalCharts,
        profile: ProfileService,
        audit: AuditService,
        clock: Clock,
        connect: Connect | None = None,
    ) -> None:
        self._local = local
        self._profile = profile
        self._audit = audit
        self._clock = clock
        self._connect: Connect = connect or _connect

    # --- this device's membership -------------------------------------------------------

    def membership(self) -> Membership | None:
        found = self._local.membership()
        return None if found is None else Membership.from_dict(found[0])

    def require_membership(self) -> Membership:
        m = self.membership()
        if m is None:
            raise RefusedError(
                "This vault is not part of an agency yet: `noteapp agency join` (or, for the "
                "administrator, `noteapp agency init`)."
            )
        return m

    def local_states(self) -> builtins.list[tuple[dict[str, object], int]]:
        """Every chart's sync state kept here (data, stored version)."""
        return list(self._local.chart_states().values())

    def save_membership(self, m: Membership) -> None:
        found = self._local.membership()
        self._local.save_membership(m.to_dict(), expected=found[1] if found else 0)

    def url(self, m: Membership | None = None) -> str:
        """Where the server is: NOTEAPP_AGENCY_URL / the libpq environment, else what this
        device used when it joined."""
        from os import environ

        from noteapp.agency.server.connection import URL_VARIABLE

        if environ.get(URL_VARIABLE) or m is None:
            return environ.get(URL_VARIABLE, "")
        return m.url

    def server(self, m: Membership | None = None) -> Server:
        return self._connect(self.url(m))

    def admin_server(self, m: Membership) -> AdminServer:
        if not m.is_admin:
            raise RefusedError("Only the agency's administrator does that.")
        from noteapp.agency.server import AdminServer

        return AdminServer.of(self.server(m))

    def signing_keys(self) -> tuple[bytes, bytes]:
        profile = self._profile.get()
        if profile is None or not profile.public_key:
            raise InvalidInputError(
                "Set up your profile first (`noteapp profile set`): it makes the signing key "
                "your agency certifies."
            )
        key = self._profile.private_signing_key()
        try:
            return bytes(key), profile.public_key
        finally:
            crypto.wipe(key)

    def own_public_key(self) -> bytes:
        profile = self._profile.get()
        return profile.public_key if profile else b""

    def agency(self, server: Server, m: Membership) -> AgencyInfo:
        row = server.agency_row()
        if row is None:
            raise ServerIntegrityError("The agency's server holds no agency record any more.")
        info = read_agency(row[2], admin_key=m.admin_ed25519)
        if info.agency_id != m.agency_id:
            raise ServerIntegrityError("The server holds another agency than the one you joined.")
        return info

    def certificates(self, server: Server, agency: AgencyInfo) -> dict[str, Certificate]:
        """Every member certificate that verifies (the newest word on each member)."""
        out = {}
        for row in server.members():
            if row.certificate is None:
                continue
            cert = read_certificate(row.certificate, agency=agency)
            if cert.keys.member_id != row.member_id:
                raise ServerIntegrityError("A member certificate is filed under another member.")
            out[row.member_id] = cert
        return out

    # --- the administrator --------------------------------------------------------------

    def init(self, *, recovery_key_file: Path) -> tuple[AgencyInfo, list[int]]:
        """Create the agency on an empty database (or bring its schema up to date): this
        vault's clinician becomes its administrator. The agency recovery key is written to
        `recovery_key_file` (keep it offline): every chart key is also wrapped to it."""
        existing = self.membership()
        url = self.url(existing)
        from noteapp.agency.server import AdminServer

        server = AdminServer.of(self._connect(url))
        with server:
            row = server.schema_version() and server.agency_row()
            if row:
                if existing is None or not existing.is_admin:
                    raise RefusedError(
                        "This database already holds an agency; only its administrator's vault "
                        "can upgrade it. Members use `noteapp agency join`."
                    )
                read_agency(row[2], admin_key=existing.admin_ed25519)
                applied = server.migrate(row[1])
                if applied:
                    self._audit.record("agency-upgrade", detail={"migrations": applied})
                return self.agency(server, existing), applied
            if existing is not None:
                raise RefusedError("This vault is already part of an agency.")
            dest = Path(recovery_key_file)
            if dest.exists():
                raise InvalidInputError("A file already exists there; choose another name.")
            private, public = self.signing_keys()
            x_private, x_public = crypto.generate_exchange_keypair()
            r_private, r_public = crypto.generate_exchange_keypair()
            agency_id = str(uuid.uuid4())
            admin_member = str(uuid.uuid4())
            member_role = f"noteapp_members_{agency_id[:8]}"
            info = AgencyInfo(agency_id, admin_member, public, x_public, r_public)
            record = sign_doc(info.body(self._clock.now().isoformat()), private, public)
            _write_secret(dest, r_private, agency_id)
            server.create_group_role(member_role)
            applied = server.migrate(member_role)
            server.create_agency(
                agency_id=agency_id, member_role=member_role, record=record,
                admin_member=admin_member,
            )  # fmt: skip
            login = server.login
            profile = self._profile.get()
            assert profile is not None
            keys = MemberKeys(
                agency_id, admin_member, login, profile.name, profile.credentials, public, x_public
            )
            server.certify(admin_member, self._certificate(keys, serial=1, admin=True))
            membership = Membership(
                agency_id=agency_id,
                member_id=admin_member,
                login=login,
                admin_ed25519=public,
                x25519_private=x_private,
                x25519_public=x_public,
                url=_conninfo_for(url),
                is_admin=True,
                recovery_x25519=r_public,
            )
            with self._local.transaction():
                self.save_membership(membership)
                self._audit.record("agency-init", detail={"agency": agency_id})
            return info, applied

    def _certificate(
        self, keys: MemberKeys, *, serial: int, admin: bool, active: bool = True
    ) -> bytes:
        private, public = self.signing_keys()
        body = keys.body(
            CERT_FORMAT,
            status="active" if active else "removed",
            admin=admin,
            serial=serial,
            issued=self._clock.now().isoformat(),
        )
        return sign_doc(body, private, public)

    def add_member(self, *, login: str, password: str | None) -> NewMember:
        """A login for a new member (they join from their own vault, then you certify)."""
        m = self.require_membership()
        from noteapp.agency.server import check_login

        check_login(login)
        with self.admin_server(m) as server:
            role = self._member_role(server)
            member_id = str(uuid.uuid4())
            server.add_member(login=login, member_id=member_id, member_role=role, password=password)
        self._audit.record("agency-member-add", detail={"member": member_id, "login": login})
        return NewMember(member_id, login)

    def _member_role(self, server: Server) -> str:
        row = server.agency_row()
        if row is None:
            raise RefusedError("This database holds no agency: `noteapp agency init` first.")
        return row[1]

    def members(self) -> builtins.list[MemberInfo]:
        m = self.require_membership()
        with self.server(m) as server:
            agency = self.agency(server, m)
            return [_member_info(row, agency) for row in server.members()]

    def find_member(self, server: Server, agency: AgencyInfo, who: str) -> MemberRow:
        rows = server.members()
        exact = [r for r in rows if who in (r.member_id, r.login)]
        if not exact:
            exact = [r for r in rows if len(who) >= 6 and r.member_id.startswith(who)]
        if len(exact) != 1:
            raise NotFoundError(f"No member with login or id '{who[:40]}'.")
        return exact[0]

    def certify(self, who: str, *, fingerprint: str) -> MemberInfo:
        """Certify a member's keys after comparing their fingerprint with them (by phone or in
        person): `fingerprint` is what they read out; a mismatch certifies nothing."""
        m = self.require_membership()
        with self.admin_server(m) as server:
            agency = self.agency(server, m)
            row = self.find_member(server, agency, who)
            if row.join_request is None:
                raise RefusedError(
                    "This member has not joined yet: they run `noteapp agency join` first."
                )
            keys = read_join_request(row.join_request)
            if (keys.agency_id, keys.member_id, keys.login) != (
                agency.agency_id,
                row.member_id,
                row.login,
            ):
                raise ServerIntegrityError("The join request is for another member or agency.")
            if not _fingerprint_matches(fingerprint, keys.fingerprint):
                raise RefusedError(
                    "The fingerprint you were given does not match the key this member's join "
                    "sent; nothing was certified. Compare it again with them — if it still "
                    "differs, the key did not come from them."
                )
            serial = 1
            if row.certificate is not None:
                serial = read_certificate(row.certificate, agency=agency).serial + 1
            server.certify(
                row.member_id, self._certificate(keys, serial=serial, admin=row.is_admin)
            )
            self._audit.record("agency-member-certify", detail={"member": row.member_id})
            refreshed = next(r for r in server.members() if r.member_id == row.member_id)
            return _member_info(refreshed, agency)

    # --- a member ----------------------------------------------------------------------

    def join(self, *, admin_fingerprint: str, share_psychotherapy: bool = False) -> Membership:
        """Join the agency whose server this device connects to, as the member its login is:
        the administrator's key must have the fingerprint you were given; your keys are sent
        for the administrator to certify."""
        if self.membership() is not None:
            raise RefusedError("This vault is already part of an agency.")
        url = self.url(None)
        with self._connect(url) as server:
            row = server.schema_version() and server.agency_row()
            if not row:
                raise RefusedError("This database holds no agency yet (`noteapp agency init`).")
            from noteapp.agency.signed import signer_of

            admin_key = signer_of(row[2])
            if not _fingerprint_matches(admin_fingerprint, crypto.key_fingerprint(admin_key)):
                raise RefusedError(
                    "The agency's administrator key does not have the fingerprint you were "
                    "given; nothing was joined. Check it with your administrator."
                )
            agency = read_agency(row[2], admin_key=admin_key)
            who = server.whoami()
            if who is None:
                raise RefusedError(
                    f"The login {server.login} is not a member of this agency (ask your "
                    "administrator to add it)."
                )
            member_id = who[0]
            private, public = self.signing_keys()
            profile = self._profile.get()
            assert profile is not None
            x_private, x_public = crypto.generate_exchange_keypair()
            keys = MemberKeys(
                agency.agency_id, member_id, server.login, profile.name, profile.credentials,
                public, x_public,
            )  # fmt: skip
            if not server.submit_join(member_id, sign_doc(keys.body(JOIN_FORMAT), private, public)):
                raise RefusedError(
                    "The server did not take your keys: this login was certified already "
                    "(ask your administrator to remove and add you again to change keys)."
                )
            membership = Membership(
                agency_id=agency.agency_id,
                member_id=member_id,
                login=server.login,
                admin_ed25519=admin_key,
                x25519_private=x_private,
                x25519_public=x_public,
                url=_conninfo_for(url),
                share_psychotherapy=share_psychotherapy,
                recovery_x25519=agency.recovery_x25519,
            )
        with self._local.transaction():
            self.save_membership(membership)
            self._audit.record("agency-join", detail={"agency": agency.agency_id})
        return membership

    def set_share_psychotherapy(self, share: bool) -> None:
        m = self.require_membership()
        m.share_psychotherapy = share
        with self._local.transaction():
            self.save_membership(m)
            self._audit.record("agency-share-psychotherapy", detail={"share": share})


def _member_info(row: MemberRow, agency: AgencyInfo) -> MemberInfo:
    keys: MemberKeys | None = None
    status = "invited"
    if row.certificate is not None:
        cert = read_certificate(row.certificate, agency=agency)
        keys, status = cert.keys, "certified" if cert.active else "removed"
    elif row.join_request is not None:
        keys, status = read_join_request(row.join_request), "joined"
    if not row.active:
        status = "removed"
    return MemberInfo(
        member_id=row.member_id,
        login=row.login,
        name=keys.name if keys else "",
        credentials=keys.credentials if keys else "",
        fingerprint=keys.fingerprint if keys else "",
        status=status,
        admin=row.is_admin,
    )


def _write_secret(dest: Path, private: bytes, agency_id: str) -> None:
    """The recovery key file: owner-only, written once."""
    import os

    text = (
        "# noteapp agency recovery key — keep offline (printed, or on a USB key in a safe).\n"
        f"# agency {agency_id}\n{private.hex()}\n"
    )
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)


def read_secret(path: Path) -> bytes:
    try:
        lines = Path(path).read_text(encoding="utf-8")[:4096].splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError("Cannot read the recovery key file.") from exc
    for line in lines:
        line = line.strip()
        if line and not line.startswith("#"):
            try:
                key = bytes.fromhex(line)
            except ValueError:
                break
            if len(key) == crypto.X25519_BYTES:
                return key
            break
    raise InvalidInputError("That is not a noteapp agency recovery key file.")
