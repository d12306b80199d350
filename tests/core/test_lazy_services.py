"""Every command and screen costs what it shows, not what the vault holds (issue #11).

Unlocking reads no record; `client list` reads the clients; a chart reads its own group;
lists across the vault read summaries, never a note's text; a command imports only what it
uses. Damage is named where it is come across, and a record whose content is not a domain
value is damaged like any other — never a crash.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest

from noteapp.domain.clients import Diagnosis
from noteapp.domain.clock import FakeClock
from noteapp.domain.errors import RecordIntegrityError
from noteapp.domain.notes import NoteStatus, RiskScreen, ScreenResult, note_to_dict
from noteapp.services.paths import AppPaths
from noteapp.services.workspace import Workspace
from noteapp.vault.store import Vault
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.core.damaging import flip_record
from tests.core.processes import REPO
from tests.core.test_golden import PASSPHRASE as V1_PASSPHRASE
from tests.core.test_golden import PSY_1

FIELDS = {"behavior": "Calm.", "intervention": "CBT.", "response": "Engaged.", "plan": "Weekly."}
_READS = (
    "get",
    "get_many",
    "history",
    "load_kind",
    "load_group",
    "summaries",
    "summary",
    "scan_current",
)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Every record read through the vault, as (method, kind)."""
    seen: list[tuple[str, str]] = []
    for name in _READS:
        original = getattr(Vault, name)

        def spy(self: Vault, *args: Any, _name: str = name, _f: Any = original, **kw: Any) -> Any:
            seen.append((_name, str(args[0]) if args else ""))
            return _f(self, *args, **kw)

        monkeypatch.setattr(Vault, name, spy)
    return seen


def _note(ws: Workspace, client_id: str, day: int, *, sign: bool) -> str:
    note = ws.notes.new(client_id=client_id, template_id="birp", fields=FIELDS)
    ws.notes.save(
        note.id,
        session=dataclasses.replace(
            note.session,
            date=date(2026, 1, day),
            start=time(9),
            end=time(9, 50),
            service_code="90834",
            place_of_service="11",
            risk=RiskScreen(ScreenResult.DENIED, ScreenResult.DENIED),
        ),
    )
    if sign:
        ws.signing.sign_note(note.id, passphrase=PASSPHRASE)
    return note.id


@pytest.fixture
def practice(tmp_path: Path, clock: FakeClock, paths: AppPaths) -> Iterator[dict[str, Any]]:
    """A closed vault: clients A and B, each with a signed note and a draft, a measure."""
    path = tmp_path / "vault.noteapp"
    ws, _ = Workspace.create(path, PASSPHRASE, params=FAST_KDF, clock=clock, paths=paths)
    ws.profile.set(name="Dana Synthetic", credentials="LCSW")
    found: dict[str, Any] = {"path": path}
    for name in ("A", "B"):
        client = ws.clients.add(name=f"Testperson {name}", diagnoses=[Diagnosis("F41.1", "GAD")])
        found[name] = client.id
        found[f"{name}_signed"] = _note(ws, client.id, 5, sign=True)
        found[f"{name}_draft"] = _note(ws, client.id, 12, sign=False)
        ws.measures.add(client_id=client.id, instrument="gad7", answers=[1] * 7)
    ws.close()
    yield found


def _unlock(practice: dict[str, Any], clock: FakeClock, paths: AppPaths) -> Workspace:
    return Workspace.unlock(practice["path"], PASSPHRASE, clock=clock, paths=paths)


def test_unlocking_reads_no_record(
    practice: dict[str, Any], clock: FakeClock, paths: AppPaths, reads: list[tuple[str, str]]
) -> None:
    ws = _unlock(practice, clock, paths)
    try:
        assert reads == []
        assert len(ws.clients.list()) == 2
        assert reads == [("load_kind", "client")]  # `client list` reads the clients only
    finally:
        ws.close()


def test_a_chart_reads_its_own_group_and_nothing_else(
    practice: dict[str, Any], clock: FakeClock, paths: AppPaths, reads: list[tuple[str, str]]
) -> None:
    ws = _unlock(practice, clock, paths)
    try:
        notes = ws.notes.list(client_id=practice["A"])
        assert {n.id for n in notes} == {practice["A_signed"], practice["A_draft"]}
        assert sorted(reads) == [("load_group", "note"), ("load_group", "psychotherapy_note")]
        reads.clear()
        assert len(ws.measures.list(practice["A"])) == 1
        assert ("load_group", "measure") in reads and ("load_kind", "measure") not in reads
        reads.clear()
        ws.signing.items(practice["A_signed"])
        assert ("load_group", "signed_item") in reads
        assert not any(method == "load_kind" for method, _kind in reads)
    finally:
        ws.close()


def test_lists_across_the_vault_read_summaries_not_text(
    practice: dict[str, Any], clock: FakeClock, paths: AppPaths, reads: list[tuple[str, str]]
) -> None:
    ws = _unlock(practice, clock, paths)
    try:
        signed = ws.notes.summaries(status=NoteStatus.SIGNED)
        assert {s.id for s in signed} == {practice["A_signed"], practice["B_signed"]}
        assert set(ws.signing.awaiting_cosignature()) == {s.id for s in signed}
        assert ws.measures.open_risk_flags() == []
        assert all(method == "summaries" for method, _kind in reads), reads
        # Drafts across the vault: the summaries find them, only they are read.
        reads.clear()
        drafts = ws.notes.list(status=NoteStatus.DRAFT)
        assert {n.id for n in drafts} == {practice["A_draft"], practice["B_draft"]}
        assert [r for r in reads if r[0] != "summaries"] == [("get_many", "note")]  # together
    finally:
        ws.close()


def test_damage_is_named_where_it_is_come_across(
    practice: dict[str, Any], clock: FakeClock, paths: AppPaths
) -> None:
    flip_record(practice["path"], "note", practice["B_signed"])
    ws = _unlock(practice, clock, paths)
    try:
        ws.notes.list(client_id=practice["A"])
        assert ws.damage.records() == []  # another chart's damage is not this list's
        ws.notes.list(client_id=practice["B"])
        (damaged,) = ws.damage.records()
        assert damaged.record_id == practice["B_signed"] and damaged.client_id == practice["B"]
        assert damaged.signed is True and damaged.date == "2026-01-05"  # from its summary
    finally:
        ws.close()
    ws = _unlock(practice, clock, paths)
    try:
        assert ws.damage.check_everything() >= 10  # the app's check after unlock
        assert [r.record_id for r in ws.damage.records()] == [practice["B_signed"]]
    finally:
        ws.close()


def test_a_missing_summary_is_rebuilt_from_the_body(
    practice: dict[str, Any], clock: FakeClock, paths: AppPaths
) -> None:
    ws = _unlock(practice, clock, paths)
    try:
        note = ws.notes.get(practice["A_draft"])
        # Written without a summary (as an older writer might have): the body is the truth.
        ws._vault.put("note", note.id, note_to_dict(note), expected_version=note.version)
    finally:
        ws.close()
    ws = _unlock(practice, clock, paths)
    try:
        drafts = ws.notes.summaries(status=NoteStatus.DRAFT)
        assert {s.id for s in drafts} == {practice["A_draft"], practice["B_draft"]}
        assert ws.notes._summaries.rebuilt == 1
    finally:
        ws.close()


def test_records_that_are_not_domain_values_are_damaged_never_a_crash(
    tmp_path: Path, clock: FakeClock, paths: AppPaths
) -> None:
    """The golden format-1 vault holds synthetic records (a psychotherapy note that is not
    a note): unlocking it used to crash with KeyError in the note service."""
    path = tmp_path / "valid_v1.noteapp"
    shutil.copyfile(REPO / "tests" / "data" / "valid_v1.noteapp", path)
    ws = Workspace.unlock(path, V1_PASSPHRASE, clock=clock, paths=paths)
    try:
        assert list(ws.notes.all()) == []
        (problem,) = ws.notes.problems
        assert (problem.kind, problem.record_id) == ("psychotherapy_note", PSY_1)
        assert "cannot be read" in str(problem)
        assert [r.record_id for r in ws.damage.records()] == [PSY_1]
    finally:
        ws.close()


@pytest.mark.parametrize(
    ("argv", "absent"),
    [
        (["client", "list"], ("jinja2", "docx", "PIL", "msoffcrypto", "noteapp.services.notes")),
        (["note", "list", "--client", "C0001"], ("jinja2", "docx", "PIL", "msoffcrypto")),
        (["measure", "list", "--client", "C0001"], ("jinja2", "docx", "PIL", "msoffcrypto")),
    ],
    ids=["client-list", "note-list", "measure-list"],
)
def test_commands_import_only_what_they_use(
    practice: dict[str, Any], argv: list[str], absent: tuple[str, ...]
) -> None:
    script = (
        "import sys\n"
        "from noteapp.cli.main import main\n"
        f"code = main(['--vault', {str(practice['path'])!r}, *{argv!r}])\n"
        "print(code, sorted({m for m in sys.modules if m.startswith(" + repr(absent) + ")}))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**_env(practice["path"])},
        check=False,
    )
    assert proc.stdout.strip().splitlines()[-1] == "0 []", proc.stderr


def _env(path: Path) -> dict[str, str]:
    import os

    return {**os.environ, "NOTEAPP_PASSPHRASE": PASSPHRASE, "NOTEAPP_HOME": str(path.parent)}


def test_singletons_and_trusted_keys_that_are_not_values_are_damaged(
    practice: dict[str, Any], clock: FakeClock, paths: AppPaths
) -> None:
    ws = _unlock(practice, clock, paths)
    try:
        with ws.transaction():
            ws._vault.put("profile", "me", {"nom": "not a profile"})
            ws._vault.put("trusted_key", "k1", {"fingerprint": "AB CD"})
    finally:
        ws.close()
    ws = _unlock(practice, clock, paths)
    try:
        with pytest.raises(RecordIntegrityError, match="cannot be read"):
            ws.profile.get()
        assert ws.signing.trusted_keys() == []
        assert [(p.kind, p.record_id) for p in ws.signing.problems] == [("trusted_key", "k1")]
    finally:
        ws.close()
