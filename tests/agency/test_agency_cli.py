"""The agency commands as a script uses them (docs/cli.md): ids on stdout, JSON documents,
exit codes, secrets never in arguments."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from tests.agency.conftest import Agency, needs_postgres
from tests.core.helpers import init_vault, json_of, run

pytestmark = needs_postgres


def test_an_agency_from_the_command_line(
    agency: Agency,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    admin = init_vault(capsys, tmp_path / "admin.noteapp", monkeypatch)
    dana = init_vault(capsys, tmp_path / "dana.noteapp", monkeypatch)
    assert (
        run(capsys, *admin, "profile", "set", "--name", "Ada Okafor", "--credentials", "LCSW").code
        == 0
    )
    assert (
        run(
            capsys, *dana, "profile", "set", "--name", "Dana Whitfield", "--credentials", "LCSW"
        ).code
        == 0
    )

    monkeypatch.setenv("NOTEAPP_AGENCY_URL", agency.url(agency.admin_login))
    r = run(capsys, *admin, "agency", "init")
    assert r.code == 2 and "--recovery-key-file" in r.err
    r = run(capsys, *admin, "agency", "init", "--recovery-key-file", str(tmp_path / "recovery.key"))
    assert r.code == 0, r.err
    agency_id = r.out.strip()
    admin_fp = r.err.split("joining): ")[1].strip()
    assert stat.S_IMODE((tmp_path / "recovery.key").stat().st_mode) == 0o600
    login = f"{agency.prefix}_dana"
    r = run(capsys, *admin, "agency", "member", "add", "--login", login,
            "--password-file", str(tmp_path / "dana.pw"))  # fmt: skip
    assert r.code == 0, r.err
    member_id = r.out.strip()
    assert len((tmp_path / "dana.pw").read_text().splitlines()[-1]) >= 20
    assert (
        run(
            capsys, *admin, "agency", "member", "add", "--login", "Not Valid!", "--no-password"
        ).code
        == 2
    )

    monkeypatch.setenv("NOTEAPP_AGENCY_URL", agency.url(login))
    r = run(capsys, *dana, "agency", "join", "--admin-fingerprint", "0000 1111")
    assert r.code == 2 and "fingerprint" in r.err
    r = run(capsys, *dana, "agency", "join", "--admin-fingerprint", admin_fp)
    assert (r.code, r.out.strip()) == (0, member_id), r.err
    dana_fp = r.err.split("certifies it: ")[1].strip()

    monkeypatch.setenv("NOTEAPP_AGENCY_URL", agency.url(agency.admin_login))
    members = json_of(capsys, *admin, "agency", "member", "list")
    assert {m["login"]: m["status"] for m in members} == {
        agency.admin_login: "certified",
        login: "joined",
    }
    r = run(capsys, *admin, "agency", "member", "certify", login, "--fingerprint", "ABCD " * 8)
    assert r.code == 2 and "does not match" in r.err
    certified = json_of(
        capsys, *admin, "agency", "member", "certify", login, "--fingerprint", dana_fp
    )
    assert certified["status"] == "certified"

    client_id = run(capsys, *dana, "client", "add", "--name", "Jordan Avery").out.strip()
    r = run(capsys, *admin, "agency", "assign", "--client", client_id, "--member", login)
    assert r.code == 0, r.err

    monkeypatch.delenv("NOTEAPP_AGENCY_URL")  # the device remembers where its server is
    report = json_of(capsys, *dana, "sync")
    assert report["ok"] and report["pushed"] == 1 and report["failed"] == []
    status = json_of(capsys, *dana, "agency", "status")
    assert status["joined"] and status["certified"] and status["server"]["reachable"]
    assert status["agency_id"] == agency_id and status["last_sync"]
    assert [(c["client"], c["role"], c["seq"]) for c in status["charts"]] == [
        (client_id, "clinician", 1)
    ]
    assert json_of(capsys, *dana, "agency", "conflicts") == []
    r = run(capsys, *dana, "agency", "audit")
    assert r.code == 2 and "administrator" in r.err

    monkeypatch.setenv("NOTEAPP_AGENCY_URL", agency.url(agency.admin_login))
    audit = json_of(capsys, *admin, "agency", "audit")
    assert {(a["login"], a["action"]) for a in audit["access"]} >= {(login, "push")}
    assert any(d["login"] == login and d["action"] == "agency-join" for d in audit["devices"])

    monkeypatch.setenv("NOTEAPP_AGENCY_URL", "postgresql://x:hunter2@localhost/db")
    r = run(capsys, *dana, "sync")
    assert r.code == 2 and "hunter2" not in r.err and "pgpass" in r.err


def test_commands_before_joining(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    vault = init_vault(capsys, tmp_path / "v.noteapp", monkeypatch)
    r = run(capsys, *vault, "sync")
    assert r.code == 2 and "agency join" in r.err
    status = json.loads(run(capsys, *vault, "agency", "status", "--json").out)
    assert (status["joined"], status["charts"], status["member_id"]) == (False, [], None)
