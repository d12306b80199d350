"""ClientService: add, list, get, update, discharge, reactivate, delete, damaged records."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from noteapp.domain.clients import ClientStatus, Diagnosis
from noteapp.domain.clock import FakeClock
from noteapp.domain.errors import InvalidInputError, NotFoundError, RecordIntegrityError
from noteapp.services.paths import AppPaths
from noteapp.services.workspace import Workspace
from noteapp.vault.store import Vault

PASSPHRASE = "correct horse battery staple"  # the workspace fixture's (tests/conftest.py)

TODAY = date(2026, 1, 5)  # FakeClock's default start


def _reopen(ws: Workspace, clock: FakeClock, paths: AppPaths) -> Workspace:
    path = ws._vault.path
    ws.close()
    return Workspace.unlock(path, PASSPHRASE, clock=clock, paths=paths)


def _actions(ws: Workspace) -> list[tuple[str, str, str]]:
    return [(e.action, e.kind, e.record_id) for e in ws.audit.entries()]


# --- add -------------------------------------------------------------------------------


def test_add_assigns_sequential_codes(workspace: Any) -> None:
    ws: Workspace = workspace
    codes = [ws.clients.add(name=f"Client {n}").code for n in range(3)]
    assert codes == ["C0001", "C0002", "C0003"]


def test_auto_code_skips_codes_already_taken(workspace: Any) -> None:
    ws: Workspace = workspace
    ws.clients.add(name="Avery Quimby", code="c0002")
    assert ws.clients.add(name="Blair Zeller").code == "C0003"
    assert ws.clients.add(name="Casey Yardley").code == "C0004"
    codes = [c.code.casefold() for c in ws.clients.list()]
    assert len(codes) == len(set(codes))


def test_explicit_code_conflict_is_refused(workspace: Any) -> None:
    ws: Workspace = workspace
    ws.clients.add(name="Avery Quimby", code="RB-7")
    with pytest.raises(InvalidInputError):
        ws.clients.add(name="Blair Zeller", code="rb-7")  # case does not make it different
    assert [c.name for c in ws.clients.list()] == ["Avery Quimby"]


def test_add_validates_code_name_and_dob(workspace: Any) -> None:
    ws: Workspace = workspace
    with pytest.raises(InvalidInputError):
        ws.clients.add(name="Avery Quimby", code="bad code")
    with pytest.raises(InvalidInputError):
        ws.clients.add(name="   ")
    with pytest.raises(InvalidInputError):
        ws.clients.add(name="Avery Quimby", dob=TODAY + timedelta(days=1))
    assert ws.clients.list() == []
    assert ws.clients.add(name="Avery Quimby", dob=TODAY).dob == TODAY


def test_add_defaults_and_strips(workspace: Any) -> None:
    ws: Workspace = workspace
    c = ws.clients.add(
        name="  Avery   Quimby ",
        preferred_name=" Ave ",
        pronouns=" they/them ",
        diagnoses=[Diagnosis.parse("f411")],
    )
    assert (c.name, c.preferred_name, c.pronouns) == ("Avery Quimby", "Ave", "they/them")
    assert c.admitted_on == TODAY
    assert c.status is ClientStatus.ACTIVE
    assert c.diagnoses == (Diagnosis("F41.1"),)
    assert len(c.id) == 32


# --- list and get --------------------------------------------------------------------


@pytest.fixture
def three(workspace: Any) -> Workspace:
    ws: Workspace = workspace
    ws.clients.add(name="morgan Zeller", code="Z-1")
    ws.clients.add(name="Avery Quimby", preferred_name="Birdie", code="Q-1")
    c = ws.clients.add(name="Kai Brightwater", code="B-1")
    ws.clients.discharge(c.id, reason="Moved away")
    return ws


def test_list_sorted_case_insensitively(three: Workspace) -> None:
    assert [c.name for c in three.clients.list()] == [
        "Avery Quimby",
        "Kai Brightwater",
        "morgan Zeller",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("zell", ["morgan Zeller"]),  # name, case-insensitive
        ("BIRD", ["Avery Quimby"]),  # preferred name
        ("q-1", ["Avery Quimby"]),  # code
        ("  kai ", ["Kai Brightwater"]),
        ("nobody", []),
        ("", ["Avery Quimby", "Kai Brightwater", "morgan Zeller"]),
    ],
)
def test_list_filters_by_text(three: Workspace, text: str, expected: list[str]) -> None:
    assert [c.name for c in three.clients.list(text=text)] == expected


def test_list_filters_by_status(three: Workspace) -> None:
    active = three.clients.list(status=ClientStatus.ACTIVE)
    discharged = three.clients.list(status=ClientStatus.DISCHARGED)
    assert [c.code for c in active] == ["Q-1", "Z-1"]
    assert [c.code for c in discharged] == ["B-1"]
    assert three.clients.list(status=ClientStatus.DISCHARGED, text="zell") == []


def test_get_by_id_or_code(three: Workspace) -> None:
    c = three.clients.list(text="Q-1")[0]
    assert three.clients.get(c.id) == c
    assert three.clients.get("q-1") == c
    with pytest.raises(NotFoundError) as err:
        three.clients.get("nope")
    assert "nope" in str(err.value)


# --- update, discharge, reactivate -----------------------------------------------------


def test_update(workspace: Any) -> None:
    ws: Workspace = workspace
    c = ws.clients.add(name="Avery Quimby")
    u = ws.clients.update(
        c.id, name=" Avery  Q. Quimby ", pronouns=" she/her ", diagnoses=[Diagnosis("F43.10")]
    )
    assert (u.name, u.pronouns, u.diagnoses) == (
        "Avery Q. Quimby",
        "she/her",
        (Diagnosis("F43.10"),),
    )
    assert ws.clients.get(c.id) == u
    assert [h.name for h in ws.clients.history(c.id)] == ["Avery Quimby", "Avery Q. Quimby"]


def test_update_refusals_change_nothing(workspace: Any) -> None:
    ws: Workspace = workspace
    ws.clients.add(name="Blair Zeller", code="Z-1")
    c = ws.clients.add(name="Avery Quimby", code="Q-1")
    for bad in (
        {"name": ""},
        {"code": "z-1"},  # taken
        {"code": "no spaces"},
        {"dob": TODAY + timedelta(days=2)},
        {"status": ClientStatus.DISCHARGED},
        {"id": "0" * 32},
    ):
        with pytest.raises(InvalidInputError):
            ws.clients.update(c.id, **bad)
    assert ws.clients.get(c.id) == c
    assert len(ws.clients.history(c.id)) == 1
    # Keeping one's own code is not a conflict.
    assert ws.clients.update(c.id, code="q-1").code == "q-1"


def test_discharge_and_reactivate(workspace: Any) -> None:
    ws: Workspace = workspace
    c = ws.clients.add(name="Avery Quimby", admitted_on=date(2025, 6, 1))
    with pytest.raises(InvalidInputError):
        ws.clients.discharge(c.id, on=date(2025, 5, 31))
    assert ws.clients.get(c.id).status is ClientStatus.ACTIVE
    d = ws.clients.discharge(c.id, on=date(2025, 6, 1), reason=" Goals met ")
    assert (d.status, d.discharged_on, d.discharge_reason) == (
        ClientStatus.DISCHARGED,
        date(2025, 6, 1),
        "Goals met",
    )
    d2 = ws.clients.discharge(c.id)  # defaults to today
    assert d2.discharged_on == TODAY
    r = ws.clients.reactivate(c.id)
    assert (r.status, r.discharged_on, r.discharge_reason) == (ClientStatus.ACTIVE, None, "")


# --- delete ----------------------------------------------------------------------------


def test_delete_requires_the_code_and_backs_up_first(workspace: Any) -> None:
    ws: Workspace = workspace
    keep = ws.clients.add(name="Blair Zeller")
    c = ws.clients.add(name="Avery Quimby", code="Q-1")
    for wrong in ("", "Q-2", keep.code, c.id):
        with pytest.raises(InvalidInputError):
            ws.clients.delete(c.id, confirm_code=wrong)
    assert ws.clients.get(c.id) == c
    assert ws.backups.snapshots() == []

    ws.clients.delete(c.id, confirm_code=" q-1 ")
    with pytest.raises(NotFoundError):
        ws.clients.get(c.id)
    assert not ws._vault.exists("client", c.id)
    assert [x.id for x in ws.clients.list()] == [keep.id]

    # The way back is kept apart from rotation (see test_services_backups.py).
    assert ws.backups.snapshots() == []
    snaps = [i.path for i in ws.backups.all_snapshots()]
    assert len(snaps) == 1 and snaps[0].parent.name == "before-delete"
    snap = Vault.open(snaps[0], read_only=True)
    try:
        snap.unlock_with_passphrase(PASSPHRASE)
        assert snap.get("client", c.id).data["code"] == "Q-1"
    finally:
        snap.close()


def test_audit_entries_for_each_change(workspace: Any) -> None:
    ws: Workspace = workspace
    c = ws.clients.add(name="Avery Quimby")
    ws.clients.update(c.id, pronouns="they/them")
    ws.clients.discharge(c.id)
    ws.clients.reactivate(c.id)
    ws.clients.delete(c.id, confirm_code=c.code)
    mine = [a for a in _actions(ws) if a[1] == "client"]
    assert mine == [
        ("create", "client", c.id),
        ("edit", "client", c.id),
        ("discharge", "client", c.id),
        ("reactivate", "client", c.id),
        ("delete", "client", c.id),
    ]
    assert ws.audit.verify().ok


def test_audit_detail_holds_no_client_data(workspace: Any) -> None:
    ws: Workspace = workspace
    c = ws.clients.add(name="Avery Quimby")
    ws.clients.update(c.id, name="Avery Zeller")
    for e in ws.audit.entries():
        assert "Avery" not in repr(e)


# --- persistence -----------------------------------------------------------------------


def test_clients_survive_close_and_unlock(
    workspace: Any, clock: FakeClock, paths: AppPaths
) -> None:
    ws: Workspace = workspace
    a = ws.clients.add(name="Avery Quimby", dob=date(1990, 1, 2), diagnoses=[Diagnosis("F41.1")])
    b = ws.clients.add(name="Blair Zeller")
    ws.clients.discharge(b.id, reason="Moved")
    b = ws.clients.get(b.id)
    ws2 = _reopen(ws, clock, paths)
    try:
        assert ws2.clients.list() == [a, b]
        assert ws2.clients.problems == []
        assert ws2.clients.add(name="Casey Yardley").code == "C0003"
    finally:
        ws2.close()


def test_no_plaintext_in_vault_file(workspace: Any) -> None:
    ws: Workspace = workspace
    ws.clients.add(name="Avery Quimbyson", preferred_name="Birdiesong")
    path = ws._vault.path
    ws.close()
    raw = path.read_bytes() + b"".join(
        p.read_bytes() for p in path.parent.glob(path.name + "-*") if p.is_file()
    )
    assert b"Quimbyson" not in raw and b"Birdiesong" not in raw


def _flip_byte_in_client(path: Path, record_id: str) -> None:
    conn = sqlite3.connect(path)
    try:
        (blob,) = conn.execute(
            "SELECT blob FROM records WHERE kind='client' AND id=? AND latest=1", (record_id,)
        ).fetchone()
        damaged = bytearray(blob)
        damaged[len(damaged) // 2] ^= 0x01
        conn.execute(
            "UPDATE records SET blob=? WHERE kind='client' AND id=? AND latest=1",
            (bytes(damaged), record_id),
        )
        conn.commit()
    finally:
        conn.close()


def test_damaged_client_is_reported_and_the_rest_load(
    workspace: Any, clock: FakeClock, paths: AppPaths
) -> None:
    ws: Workspace = workspace
    ids = [ws.clients.add(name=f"Client {n}").id for n in range(4)]
    path = ws._vault.path
    ws.close()
    _flip_byte_in_client(path, ids[1])

    ws2 = Workspace.unlock(path, PASSPHRASE, clock=clock, paths=paths)
    try:
        assert [p.record_id for p in ws2.clients.problems] == [ids[1]]
        assert ws2.clients.problems[0].kind == "client"
        assert "damaged" in str(ws2.clients.problems[0])
        assert "Client 1" not in str(ws2.clients.problems[0])
        assert [c.id for c in ws2.clients.list()] == [ids[0], ids[2], ids[3]]
        # Never shown as an empty client, and never "no such client" either.
        with pytest.raises(RecordIntegrityError, match="is damaged") as err:
            ws2.clients.get(ids[1])
        assert err.value.record_id == ids[1]
        with pytest.raises(NotFoundError):
            ws2.clients.get("0" * 32)
    finally:
        ws2.close()


def test_update_unknown_field_is_invalid_input(workspace: Any) -> None:
    ws: Workspace = workspace
    c = ws.clients.add(name="Avery Quimby")
    with pytest.raises(InvalidInputError):
        ws.clients.update(c.id, nickname="Ave")
