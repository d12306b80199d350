"""Long work reports progress and stops cleanly when cancelled: the demo vault, unlock, chart
exports, backups and restore. No Qt; no timings."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from noteapp.demo import DEMO_PASSPHRASE, create_demo_vault
from noteapp.domain.clients import Diagnosis
from noteapp.domain.clock import FakeClock
from noteapp.domain.progress import Cancelled, part
from noteapp.services.backups import restore_snapshot
from noteapp.services.paths import AppPaths
from noteapp.services.workspace import BUILD_STEPS, Workspace
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.core.test_plans import draft_note


class Recorder:
    """Keeps every (done, total); cancels once `done` reaches `stop_at` (if given)."""

    def __init__(self, stop_at: int | None = None) -> None:
        self.calls: list[tuple[int, int]] = []
        self.stop_at = stop_at

    def __call__(self, done: int, total: int) -> None:
        self.calls.append((done, total))
        if self.stop_at is not None and total and done >= self.stop_at:
            raise Cancelled()

    def determinate(self) -> list[tuple[int, int]]:
        return [c for c in self.calls if c[1] > 0]


def moves_forward(calls: list[tuple[int, int]]) -> bool:
    totals = {t for _d, t in calls}
    dones = [d for d, _t in calls]
    return len(totals) == 1 and dones == sorted(dones) and all(0 <= d <= t for d, t in calls)


def test_part_maps_a_step_onto_its_slice() -> None:
    seen = Recorder()
    step = part(seen, start=10, size=20, total=100)
    assert step is not None
    step(0, 4)
    step(2, 4)
    step(4, 4)
    step(9, 4)  # never past its slice
    step(3, 0)  # no count yet: the slice's start
    assert seen.calls == [(10, 100), (20, 100), (30, 100), (30, 100), (10, 100)]
    assert part(None, start=0, size=1, total=1) is None


def test_creating_the_demo_vault_reports_progress_to_the_end(tmp_path: Path) -> None:
    seen = Recorder()
    paths = AppPaths(tmp_path / "d", tmp_path / "c")
    ws = create_demo_vault(
        tmp_path / "demo.noteapp", clients=3, paths=paths, params=FAST_KDF, progress=seen
    )
    try:
        assert seen.calls[0] == (0, 0)  # the key derivation: indeterminate
        steps = seen.determinate()
        assert moves_forward(steps)
        assert steps[-1][0] == steps[-1][1]  # it ends full
        assert len(steps) > 10  # notes and signatures move it, not only the stages
    finally:
        ws.close()


def test_cancelling_the_demo_leaves_no_vault_behind(tmp_path: Path) -> None:
    paths = AppPaths(tmp_path / "d", tmp_path / "c")
    target = tmp_path / "demo.noteapp"
    with pytest.raises(Cancelled):
        create_demo_vault(
            target, clients=3, paths=paths, params=FAST_KDF, progress=Recorder(stop_at=5)
        )
    assert not target.exists()
    assert not any(tmp_path.glob("demo.noteapp*"))
    assert not (paths.default_backup_dir.exists() and any(paths.default_backup_dir.iterdir()))
    # And the place is free for a real try.
    create_demo_vault(target, clients=1, paths=paths, params=FAST_KDF).close()
    again = Workspace.unlock(target, DEMO_PASSPHRASE, paths=paths)
    assert again.clients.list()
    again.close()


@pytest.fixture
def ws(workspace: Workspace) -> Workspace:
    workspace.profile.set(name="Dana Whitfield", credentials="LCSW", license_number="L-1")
    workspace.settings.update(confirm_passphrase_to_sign=False)
    return workspace


def _signed_notes(ws: Workspace, n: int) -> str:
    cid = ws.clients.add(name="Jordan Avery", diagnoses=[Diagnosis("F41.1", "GAD")]).id
    for day in range(1, n + 1):
        ws.signing.sign_note(draft_note(ws, cid, date(2025, 11, day)))
    return str(cid)


def test_a_chart_export_reports_progress_and_cancels_before_writing(
    ws: Workspace, tmp_path: Path
) -> None:
    cid = _signed_notes(ws, 4)
    seen = Recorder()
    out = ws.exports.export_chart(cid, tmp_path / "chart.docx", progress=seen)
    assert out.is_file()
    assert moves_forward(seen.calls) and seen.calls[-1] == (100, 100)
    exports_before = [e for e in ws.audit.entries() if e.action == "export"]
    for stop_at in (10, 60):  # while gathering the notes, then while laying it out
        target = tmp_path / f"cancelled-{stop_at}.docx"
        with pytest.raises(Cancelled):
            ws.exports.export_chart(cid, target, progress=Recorder(stop_at=stop_at))
        assert not target.exists()
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(f".cancelled-{stop_at}")]
    # A cancelled export is no disclosure: nothing more in the audit log.
    assert [e for e in ws.audit.entries() if e.action == "export"] == exports_before


def test_a_backup_reports_pages_and_a_cancelled_one_leaves_nothing(
    ws: Workspace, tmp_path: Path
) -> None:
    _signed_notes(ws, 3)
    seen = Recorder()
    made = ws.backups.backup_now(tmp_path / "b.noteapp", progress=seen)
    assert made.is_file() and seen.calls and moves_forward(seen.calls)
    assert seen.calls[-1][0] == seen.calls[-1][1]
    backups_before = [e for e in ws.audit.entries() if e.action == "backup"]
    with pytest.raises(Cancelled):
        ws.backups.backup_now(tmp_path / "c.noteapp", progress=Recorder(stop_at=0))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(("c.noteapp", ".c.noteapp"))]
    assert [e for e in ws.audit.entries() if e.action == "backup"] == backups_before


def test_restore_reports_its_check_and_a_cancelled_one_changes_nothing(
    ws: Workspace, tmp_path: Path
) -> None:
    _signed_notes(ws, 2)
    snapshot = ws.backups.backup_now(tmp_path / "snap.noteapp")
    target = tmp_path / "restored.noteapp"
    target.write_bytes(b"the vault that is there now")
    with pytest.raises(Cancelled):
        restore_snapshot(
            snapshot=snapshot, target=target, passphrase=PASSPHRASE, progress=Recorder(stop_at=0)
        )
    assert target.read_bytes() == b"the vault that is there now"
    assert not list(tmp_path.glob("restored.before-restore-*"))
    seen = Recorder()
    result = restore_snapshot(
        snapshot=snapshot, target=target, passphrase=PASSPHRASE, clock=FakeClock(), progress=seen
    )
    assert result.records > 0 and moves_forward(seen.calls) and seen.calls[-1] == (100, 100)


def test_unlock_reports_the_key_check_then_each_service(ws: Workspace, tmp_path: Path) -> None:
    path = ws.vault_path
    paths = ws.paths
    ws.close()
    seen = Recorder()
    again = Workspace.unlock(path, PASSPHRASE, paths=paths, progress=seen)
    try:
        assert seen.calls[0] == (0, 0)
        assert seen.determinate() == [(i, BUILD_STEPS) for i in range(1, BUILD_STEPS + 1)]
    finally:
        again.close()
