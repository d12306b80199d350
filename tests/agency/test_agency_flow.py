"""Two clinicians and a supervisor, each with their own vault, on one agency server: a client
assigned to all three, offline work on two laptops, sync, and supervision without files."""

from __future__ import annotations

from pathlib import Path

import pytest

from noteapp.agency.keys import ChartRole
from noteapp.domain.notes import NoteStatus
from noteapp.domain.signatures import ItemType
from tests.agency.conftest import Agency, needs_postgres
from tests.agency.helpers import ready_note
from tests.conftest import PASSPHRASE

pytestmark = needs_postgres


def shared_client(team: Agency) -> str:
    dana = team.devices["dana"]
    client = dana.clients.add(name="Jordan Avery", code="J0001")
    team.assign(client.id, "dana")
    team.assign(client.id, "sam")
    team.assign(client.id, "lee", ChartRole.SUPERVISOR)
    return client.id


def test_offline_work_on_two_laptops_meets_at_the_next_sync(team: Agency) -> None:
    dana, sam = team.devices["dana"], team.devices["sam"]
    client_id = shared_client(team)
    assert dana.sync.sync().pushed >= 1
    first = sam.sync.sync()
    assert first.ok and first.written >= 1
    sam.reload()
    assert sam.clients.get(client_id).name == "Jordan Avery"

    # Offline: each writes and signs a note, and changes a different detail of the client.
    dana_note = ready_note(dana, client_id, day=5, text="Dana's session.")
    dana.signing.sign_note(dana_note, passphrase=PASSPHRASE)
    sam_note = ready_note(sam, client_id, day=6, text="Sam's session.")
    sam.signing.sign_note(sam_note, passphrase=PASSPHRASE)
    sam_draft = ready_note(sam, client_id, day=7, text="Sam's unfinished draft.")
    dana.clients.update(client_id, pronouns="they/them")
    sam.clients.update(client_id, preferred_name="Jo")

    for ws in (dana, sam, dana):
        report = ws.sync.sync()
        assert report.ok, report.failed + report.refused
    dana.reload()
    sam.reload()
    for ws in (dana, sam):
        client = ws.clients.get(client_id)
        assert (client.pronouns, client.preferred_name) == ("they/them", "Jo")
        notes = {n.id: n for n in ws.notes.list(client_id=client_id)}
        assert notes[dana_note].status == NoteStatus.SIGNED
        assert notes[sam_note].status == NoteStatus.SIGNED
        assert ws.signing.note_item(dana_note) is not None
        assert ws.signing.note_item(sam_note) is not None
    # What sync wrote is found by search like anything typed here.
    assert [h.key for h in dana.search.search("Sam's session").hits] == [sam_note]
    # A draft is its author's until signed: it never shows up in a colleague's vault.
    assert sam_draft in {n.id for n in sam.notes.list(client_id=client_id)}
    assert sam_draft not in {n.id for n in dana.notes.list(client_id=client_id)}
    # Nothing doubled: a second sync has nothing to move.
    again = dana.sync.sync()
    assert (again.pulled, again.pushed, again.written) == (0, 0, 0)


def test_supervisor_cosigns_and_returns_in_the_app_and_it_reaches_the_clinicians(
    team: Agency, tmp_path: Path
) -> None:
    dana, sam, lee = team.devices["dana"], team.devices["sam"], team.devices["lee"]
    client_id = shared_client(team)
    dana.sync.sync()
    sam.sync.sync()
    sam.reload()
    a = ready_note(dana, client_id, day=5)
    dana.signing.sign_note(a, passphrase=PASSPHRASE)
    b = ready_note(sam, client_id, day=6)
    sam.signing.sign_note(b, passphrase=PASSPHRASE)
    dana.sync.sync()
    sam.sync.sync()

    assert lee.sync.sync().ok
    lee.reload()
    queue = lee.supervision.queue()
    assert sorted((e.note_id, e.reason) for e in queue) == sorted([(a, "new"), (b, "new")]), (
        a,
        b,
        queue,
    )
    assert {e.note_id: e.author for e in queue}[a] == "Dana Whitfield, LCSW"
    document = lee.supervision.document(a)
    assert "Cognitive restructuring" in str(document)
    lee.supervision.cosign(a, statement="Reviewed; agree.", passphrase=PASSPHRASE)
    lee.supervision.return_note(b, comments="Please add the GAD-7 trend.", passphrase=PASSPHRASE)
    assert lee.supervision.queue() == []
    assert lee.sync.sync().pushed == 2

    assert dana.sync.sync().ok
    assert sam.sync.sync().ok
    dana.reload()
    sam.reload()
    [cosig] = dana.signing.reviews(a)
    assert cosig.type == ItemType.COSIGNATURE
    assert cosig.author["name"] == "Lee Park"
    [returned] = sam.supervision.returned()
    assert (returned.note_id, returned.comments) == (b, "Please add the GAD-7 trend.")
    # Sam answers with an amendment: the note is back in Lee's queue as revised.
    sam.signing.add_correction(
        b, kind="amendment", text="GAD-7 went from 14 to 9.", reason="Supervisor asked.",
        passphrase=PASSPHRASE,
    )  # fmt: skip
    assert sam.supervision.returned() == []
    sam.sync.sync()
    lee.sync.sync()
    lee.reload()
    assert [(e.note_id, e.reason) for e in lee.supervision.queue()] == [(b, "revised")]

    # Exports and verify work as they always did, for people outside the agency too: the
    # co-signed note verifies, and the supervisor's key is trusted here (certified).
    out = tmp_path / "note.docx"
    dana.exports.export_note(a, out)
    report = dana.review.verify(out)
    assert report.ok and report.all_trusted


def test_no_one_reviews_their_own_note_even_as_supervisor(team: Agency) -> None:
    dana, lee = team.devices["dana"], team.devices["lee"]
    client = lee.clients.add(name="Riley Stone")
    team.assign(client.id, "lee", ChartRole.SUPERVISOR)
    team.assign(client.id, "dana")
    note = ready_note(lee, client.id)
    lee.signing.sign_note(note, passphrase=PASSPHRASE)
    # A supervisor pushes only reviews: their own note stays on their device.
    assert lee.sync.sync().pushed == 0
    assert lee.supervision.queue() == []
    with pytest.raises(Exception, match="your own"):
        lee.supervision.cosign(note, statement="", passphrase=PASSPHRASE)
    del dana
