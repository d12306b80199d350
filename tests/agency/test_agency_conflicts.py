"""Conflicts (agency.md, principle 4): signed records never conflict; a draft edited on two
devices keeps both versions and shows its author a conflict; client details merge field by
field, both values kept when the same field changed on two sides."""

from __future__ import annotations

import shutil

from noteapp.domain.clients import Contact
from noteapp.services.workspace import Workspace
from tests.agency.conftest import Agency, needs_postgres
from tests.agency.helpers import ready_note
from tests.conftest import PASSPHRASE

pytestmark = needs_postgres


def second_device(team: Agency, name: str) -> Workspace:
    """The same member on a second laptop: a copy of their vault (same membership)."""
    team.devices[name].close()
    path = team.folder / f"{name}-laptop2.noteapp"
    shutil.copy(team.folder / f"{name}.noteapp", path)
    team.reopen(name)
    return team.reopen(f"{name}2", path=path)


def draft_edited_on_two_laptops(team: Agency) -> tuple[str, str, Workspace]:
    """Dana's draft, edited at the office (synced) and at home on a second laptop (not yet):
    the client id, the note id and the second laptop's vault."""
    dana = team.devices["dana"]
    client = dana.clients.add(name="Jordan Avery")
    team.assign(client.id, "dana")
    note = ready_note(dana, client.id, text="First words.")
    assert dana.sync.sync().ok
    laptop2 = second_device(team, "dana")
    dana = team.devices["dana"]
    dana.notes.save(note, fields={"behavior": "Edited at the office."})
    laptop2.notes.save(note, fields={"behavior": "Edited at home."})
    assert dana.sync.sync().pushed == 1
    return client.id, note, laptop2


def test_a_draft_edited_on_two_laptops_keeps_both_versions(team: Agency) -> None:
    client_id, note, laptop2 = draft_edited_on_two_laptops(team)
    dana = team.devices["dana"]
    report = laptop2.sync.sync()
    assert report.ok
    [conflict] = report.conflicts
    assert (conflict["kind"], conflict["id"], conflict["reason"]) == ("note", note, "both-changed")
    laptop2.reload()
    # This device's words stay in front of its author; the other device's are in the history.
    history = [n.fields["behavior"] for n in laptop2.notes.history(note)]
    assert laptop2.notes.get(note).fields["behavior"] == "Edited at home."
    assert "Edited at the office." in history
    assert [c["number"] for c in laptop2.sync.conflicts()] == [f"{client_id[:8]}-1"]
    # The other laptop gets the author's latest words, and the history of both.
    assert dana.sync.sync().ok
    dana.reload()
    assert dana.notes.get(note).fields["behavior"] == "Edited at home."
    assert "Edited at the office." in [n.fields["behavior"] for n in dana.notes.history(note)]
    laptop2.sync.dismiss_conflict(f"{client_id[:8]}-1")
    assert laptop2.sync.conflicts() == []


def test_signed_on_one_laptop_while_edited_on_the_other(team: Agency) -> None:
    dana = team.devices["dana"]
    client = dana.clients.add(name="Jordan Avery")
    team.assign(client.id, "dana")
    note = ready_note(dana, client.id)
    dana.sync.sync()
    laptop2 = second_device(team, "dana")
    dana = team.devices["dana"]
    dana.signing.sign_note(note, passphrase=PASSPHRASE)
    laptop2.notes.save(note, fields={"behavior": "A late thought."})
    dana.sync.sync()
    report = laptop2.sync.sync()
    assert [c["reason"] for c in report.conflicts] == ["signed-elsewhere"]
    laptop2.reload()
    assert laptop2.notes.get(note).is_signed
    assert "A late thought." in [n.fields["behavior"] for n in laptop2.notes.history(note)]
    assert laptop2.sync.sync().pushed == 0  # the signed note stays as signed


def test_client_details_merge_field_by_field(team: Agency) -> None:
    dana, sam = team.devices["dana"], team.devices["sam"]
    client = dana.clients.add(name="Jordan Avery", pronouns="she/her")
    team.assign(client.id, "dana")
    team.assign(client.id, "sam")
    dana.sync.sync()
    sam.sync.sync()
    sam.reload()
    dana.clients.update(client.id, contact=Contact(phone="555-0100"), pronouns="they/them")
    sam.clients.update(client.id, preferred_name="Jo", pronouns="he/him")
    dana.sync.sync()
    report = sam.sync.sync()
    [conflict] = report.conflicts
    assert conflict["fields"] == ["pronouns"]
    sam.reload()
    merged = sam.clients.get(client.id)
    assert (merged.contact.phone, merged.preferred_name) == ("555-0100", "Jo")
    assert merged.pronouns == "he/him"  # this side's value is current, the other is in history
    dana.sync.sync()
    dana.reload()
    assert dana.clients.get(client.id).preferred_name == "Jo"
