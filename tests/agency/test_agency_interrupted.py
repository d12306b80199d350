"""A server stopped in the middle of a sync: nothing lost, nothing doubled, the next sync
completes (agency.md, Testing)."""

from __future__ import annotations

import pytest

from noteapp.agency.server import Server
from noteapp.domain.errors import ServerUnavailableError
from noteapp.domain.progress import Cancelled
from noteapp.services.workspace import Workspace
from tests.agency.conftest import Agency, needs_postgres
from tests.agency.helpers import ready_note

pytestmark = needs_postgres


def busy_chart(team: Agency, drafts: int = 12) -> tuple[str, list[str]]:
    dana = team.devices["dana"]
    client = dana.clients.add(name="Jordan Avery")
    team.assign(client.id, "dana")
    team.assign(client.id, "sam")
    notes = [
        ready_note(dana, client.id, day=1 + n % 20, text=f"Session {n}.") for n in range(drafts)
    ]
    return client.id, notes


def server_versions(team: Agency) -> list[tuple[int, int]]:
    with team.superuser() as su:
        return su.execute("SELECT seq, length(blob) FROM noteapp.versions ORDER BY seq").fetchall()


def stop_after(team: Agency, phase: str, batches: int):  # type: ignore[no-untyped-def]
    seen = []

    def progress(p: str, done: int, total: int) -> None:
        if p == phase:
            seen.append(done)
            if len(seen) == batches:
                team.cluster.stop("immediate")

    return progress


def local_versions(ws: Workspace, client_id: str) -> dict[str, int]:
    return {n.id: len(ws.notes.history(n.id)) for n in ws.notes.list(client_id=client_id)}


def test_server_stopped_during_a_push(team: Agency) -> None:
    dana = team.devices["dana"]
    _client_id, notes = busy_chart(team)
    dana.sync.batch = 5
    try:
        with pytest.raises(ServerUnavailableError):
            dana.sync.sync(progress=stop_after(team, "push", 2))
    finally:
        team.cluster.start()
    assert len(server_versions(team)) == 10  # two batches went through
    report = dana.sync.sync()
    assert report.ok
    expected = 1 + 1 + 2 * len(notes)  # client, template, each note's two versions
    assert len(server_versions(team)) == expected
    assert dana.sync.sync().pushed == 0


def test_answer_lost_after_the_server_committed_a_push(
    team: Agency, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The push committed, the connection died before the device heard: the next sync
    recognises its own versions (content-addressed ids) and sends nothing twice."""
    dana = team.devices["dana"]
    busy_chart(team, drafts=3)
    real = Server.push

    def push_then_drop(self: Server, *args: object, **kwargs: object) -> None:
        real(self, *args, **kwargs)  # type: ignore[arg-type]
        raise ServerUnavailableError("Could not push to the agency's server: connection lost")

    monkeypatch.setattr(Server, "push", push_then_drop)
    with pytest.raises(ServerUnavailableError):
        dana.sync.sync()
    monkeypatch.setattr(Server, "push", real)
    pushed_once = server_versions(team)
    report = dana.sync.sync()
    assert report.ok and report.pushed == 0 and report.written == 0
    assert server_versions(team) == pushed_once


def test_server_stopped_during_a_pull(team: Agency) -> None:
    dana, sam = team.devices["dana"], team.devices["sam"]
    client_id, _notes = busy_chart(team)
    for note in _notes:
        dana.signing.sign_note(note, passphrase="correct horse battery staple")
    dana.sync.sync()
    sam.sync.batch = 5
    try:
        with pytest.raises(ServerUnavailableError):
            sam.sync.sync(progress=stop_after(team, "pull", 2))
    finally:
        team.cluster.start()
    assert sam.sync.sync().ok
    sam.reload()
    dana.reload()
    assert local_versions(sam, client_id) == {n: 1 for n in _notes}  # signed versions only
    assert {n.id for n in sam.notes.list(client_id=client_id)} == set(_notes)
    again = sam.sync.sync()
    assert (again.pulled, again.written, again.pushed) == (0, 0, 0)


def test_a_sync_stopped_between_batches_when_the_app_locks(team: Agency) -> None:
    """Locking the app stops a running sync at its next batch (the progress callback raises
    Cancelled): what went through stays, nothing is doubled, no problem is recorded, and
    the next sync goes on where it stopped."""
    dana, sam = team.devices["dana"], team.devices["sam"]
    client_id, notes = busy_chart(team)
    for note in notes:
        dana.signing.sign_note(note, passphrase="correct horse battery staple")
    dana.sync.sync()
    sam.sync.batch = 5
    seen: list[int] = []

    def lock_after_two_batches(phase: str, done: int, _total: int) -> None:
        if phase == "pull":
            seen.append(done)
            if len(seen) == 2:
                raise Cancelled("Sync stopped: the vault was locked.")

    with pytest.raises(Cancelled):
        sam.sync.sync(progress=lock_after_two_batches)
    status = sam.sync.status(probe=False)
    assert status.last_error == ""  # stopping on purpose is no problem to show
    assert sam.sync.sync().ok
    sam.reload()
    assert local_versions(sam, client_id) == {n: 1 for n in notes}
    again = sam.sync.sync()
    assert (again.pulled, again.written, again.pushed) == (0, 0, 0)
