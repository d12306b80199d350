"""Fixtures of the agency tests: one PostgreSQL cluster per test session (tests/agency/
cluster.py), a fresh database and administrator login per test, and member vaults."""

from __future__ import annotations

import contextlib
import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest

from noteapp.agency.keys import ChartRole
from noteapp.domain.clock import FakeClock
from noteapp.services.paths import AppPaths
from noteapp.services.workspace import Workspace
from tests.agency.cluster import Cluster, find_bindir
from tests.conftest import FAST_KDF, PASSPHRASE

BINDIR = find_bindir()
# Skipped on a developer machine without PostgreSQL; in CI (.ci/run installs it) never.
needs_postgres = pytest.mark.skipif(
    BINDIR is None and not os.environ.get("CI"),
    reason="PostgreSQL server binaries (initdb, pg_ctl) are not installed",
)
_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    if BINDIR is None:
        pytest.fail("PostgreSQL is not installed (CI installs it in .ci/run)")
    cluster = Cluster.create(BINDIR)
    try:
        yield cluster
    finally:
        cluster.destroy()


@dataclass
class Agency:
    """One agency's database on the test cluster, and the vaults of its people."""

    cluster: Cluster
    db: str
    admin_login: str
    folder: Path
    prefix: str
    devices: dict[str, Workspace] = field(default_factory=dict)
    logins: dict[str, str] = field(default_factory=dict)
    fingerprint: str = ""

    def url(self, login: str) -> str:
        return self.cluster.conninfo(user=login, dbname=self.db)

    def superuser(self) -> psycopg.Connection[tuple[object, ...]]:
        """The server's operator (for the hostile-server tests)."""
        return psycopg.connect(self.cluster.conninfo(dbname=self.db), autocommit=True)

    @contextlib.contextmanager
    def connecting_as(self, login: str) -> Iterator[None]:
        before = os.environ.get("NOTEAPP_AGENCY_URL")
        os.environ["NOTEAPP_AGENCY_URL"] = self.url(login)
        try:
            yield
        finally:
            if before is None:
                del os.environ["NOTEAPP_AGENCY_URL"]
            else:
                os.environ["NOTEAPP_AGENCY_URL"] = before

    def vault(
        self, name: str, *, full_name: str, credentials: str, role: str = "clinician"
    ) -> Workspace:
        ws, _ = Workspace.create(
            self.folder / f"{name}.noteapp",
            PASSPHRASE,
            params=FAST_KDF,
            clock=FakeClock(),
            paths=AppPaths(self.folder / f"{name}-data", self.folder / f"{name}-config"),
        )
        ws.profile.set(name=full_name, credentials=credentials, role=role)
        self.devices[name] = ws
        return ws

    def reopen(self, name: str, *, path: Path | None = None) -> Workspace:
        ws = Workspace.unlock(
            path or self.folder / f"{name}.noteapp",
            PASSPHRASE,
            clock=FakeClock(),
            paths=AppPaths(self.folder / f"{name}-data", self.folder / f"{name}-config"),
        )
        self.devices[name] = ws
        return ws

    def init(self) -> Workspace:
        admin = self.vault("admin", full_name="Ada Okafor", credentials="LCSW")
        with self.connecting_as(self.admin_login):
            info, _ = admin.agency.init(recovery_key_file=self.folder / "recovery.key")
        self.fingerprint = info.admin_fingerprint
        self.logins["admin"] = self.admin_login
        return admin

    def add(
        self, name: str, *, full_name: str, credentials: str, role: str = "clinician"
    ) -> Workspace:
        """A member: login added by the administrator, joined from their vault, certified."""
        login = f"{self.prefix}_{name}"
        with self.connecting_as(self.admin_login):
            self.devices["admin"].agency.add_member(login=login, password=None)
        ws = self.vault(name, full_name=full_name, credentials=credentials, role=role)
        with self.connecting_as(login):
            ws.agency.join(admin_fingerprint=self.fingerprint)
        profile = ws.profile.get()
        assert profile is not None
        with self.connecting_as(self.admin_login):
            self.devices["admin"].agency.certify(login, fingerprint=profile.fingerprint)
        self.logins[name] = login
        return ws

    def assign(self, client_id: str, name: str, role: ChartRole = ChartRole.CLINICIAN) -> int:
        with self.connecting_as(self.admin_login):
            return self.devices["admin"].agency_charts.assign(
                client=client_id, member=self.logins[name], role=role
            )

    def close(self) -> None:
        for ws in self.devices.values():
            with contextlib.suppress(Exception):
                ws.close()


@pytest.fixture
def agency(pg_cluster: Cluster, tmp_path: Path) -> Iterator[Agency]:
    n = next(_numbers)
    db, admin = f"agency{n}", f"a{n}_admin"
    with psycopg.connect(pg_cluster.conninfo(), autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{admin}" LOGIN CREATEROLE')
        conn.execute(f'CREATE DATABASE "{db}" OWNER "{admin}"')
    a = Agency(pg_cluster, db, admin, tmp_path, f"a{n}")
    try:
        yield a
    finally:
        a.close()


@pytest.fixture
def team(agency: Agency) -> Agency:
    """An administrator, two clinicians (Dana, Sam) and a supervisor (Lee), all certified."""
    agency.init()
    agency.add("dana", full_name="Dana Whitfield", credentials="LCSW")
    agency.add("sam", full_name="Sam Ortiz", credentials="LPC")
    agency.add("lee", full_name="Lee Park", credentials="PhD", role="supervisor")
    return agency
