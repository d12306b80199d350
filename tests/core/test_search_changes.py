"""The stored search index after changes that no single service's listener describes: a
contact renamed under its referrals, a change rolled back, records a sync wrote into the
vault beside the services, damage met while compacting. Each once left the stored index
marked current while it lacked or misstated a record (found by an independent review)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import noteapp
from noteapp.domain.clients import EmergencyContact
from noteapp.domain.contacts import CareContact, contact_to_dict
from noteapp.domain.errors import NoteappError
from noteapp.domain.ids import new_id
from noteapp.search.index import SearchIndex
from noteapp.services.agency_local import LocalCharts
from noteapp.services.workspace import Workspace
from tests.core.damaging import flip_record
from tests.core.test_search_service import Session, keys, reopen, seeded

__all__ = ["reopen", "seeded"]  # the fixtures


def a_gp(ws: Workspace, client_id: str) -> CareContact:
    return ws.contacts.add(client_id=client_id, name="Wren Halloway", role="GP")


def few_medications(ws: Workspace, client_id: str) -> None:
    # A few more documents, so closing does not compact (re-read) the shard by chance.
    for i in range(4):
        ws.medications.add(client_id=client_id, name=f"Drug{i}")


def test_a_renamed_contact_renames_the_referrals_to_it(
    workspace: Workspace, seeded: dict[str, str], reopen: Session
) -> None:
    ws = workspace
    contact = a_gp(ws, seeded["jordan"])
    referral = ws.referrals.add(
        client_id=seeded["jordan"], reason="assessment", contact_id=contact.id
    )
    few_medications(ws, seeded["riley"])
    assert referral.id in keys(ws, "halloway")  # the index is open
    ws.contacts.edit(contact.id, name="Wren Ashdown")
    assert referral.id in keys(ws, "ashdown") and referral.id not in keys(ws, "halloway")
    ws.close()
    for _ in range(2):
        ws = reopen()
        assert referral.id in keys(ws, "ashdown") and referral.id not in keys(ws, "halloway")
        ws.close()


def test_a_change_rolled_back_is_not_searched(
    workspace: Workspace, seeded: dict[str, str], reopen: Session
) -> None:
    ws = workspace
    contact = a_gp(ws, seeded["jordan"])
    few_medications(ws, seeded["riley"])
    assert keys(ws, "halloway") == {contact.id}
    with pytest.raises(RuntimeError), ws.transaction():
        ws.contacts.edit(contact.id, name="Zebedee Phantom")
        raise RuntimeError("a later step of the same transaction fails")
    assert ws.contacts.get(contact.id).name == "Wren Halloway"
    assert keys(ws, "zebedee") == set() and keys(ws, "halloway") == {contact.id}
    ws.close()
    ws = reopen()
    assert keys(ws, "zebedee") == set() and keys(ws, "halloway") == {contact.id}
    ws.close()


def test_a_refused_client_save_leaves_no_contact_in_search(
    workspace: Workspace, seeded: dict[str, str], reopen: Session
) -> None:
    """The save that hands a client's emergency contact over is refused (the client was
    written beside this session, as a sync does): the contact goes with it, from search too."""
    ws = workspace
    assert keys(ws, "jordan")
    jordan = seeded["jordan"]
    record = ws._vault.get("client", jordan)
    with ws.transaction():
        LocalCharts(ws._vault).write(
            "client", jordan, dict(record.data), expected=record.version, client_id=jordan
        )
    with pytest.raises(NoteappError):
        ws.clients.update(jordan, emergency_contact=EmergencyContact(name="Zebulon Phantasm"))
    assert ws.search.search("zebulon").total == 0
    ws.close()
    ws = reopen()
    assert ws.search.search("zebulon").total == 0
    ws.close()


def test_records_a_sync_wrote_are_found_after_the_reload_and_next_time(
    workspace: Workspace, seeded: dict[str, str], reopen: Session
) -> None:
    """A sync writes into the vault beside the services (no listener hears it), then the
    app reloads the workspace: the index stored then is checked, not trusted."""
    ws = workspace
    assert keys(ws, "panic") == {seeded["a"]}  # open, as the app opens it after unlock
    contact = CareContact(id=new_id(), client_id=seeded["jordan"], name="Quillon Synced")
    note = ws._vault.get("note", seeded["a"])
    data = dict(note.data)
    data["fields"] = {**data["fields"], "subjective": "Walrusine episode on a ferry."}
    with ws.transaction():
        sync = LocalCharts(ws._vault)
        sync.write("contact", contact.id, contact_to_dict(contact), expected=0,
                   client_id=seeded["jordan"])  # fmt: skip
        sync.write("note", seeded["a"], data, expected=note.version, client_id=seeded["jordan"])
    ws.reload()
    assert keys(ws, "quillon") == {contact.id} and keys(ws, "walrusine") == {seeded["a"]}
    assert keys(ws, "panic") == set()
    ws.close()
    ws = reopen()
    assert keys(ws, "quillon") == {contact.id} and keys(ws, "walrusine") == {seeded["a"]}
    ws.close()


def test_a_sync_then_a_lock_before_the_reload_stores_the_index_unmarked(
    workspace: Workspace, seeded: dict[str, str], reopen: Session
) -> None:
    """The reload waits while a note window is open; locking first must not store an index
    that the services' stale copies made, marked as current."""
    ws = workspace
    assert keys(ws, "panic") == {seeded["a"]}
    contact = CareContact(id=new_id(), client_id=seeded["riley"], name="Ottoline Synced")
    with ws.transaction():
        LocalCharts(ws._vault).write(
            "contact", contact.id, contact_to_dict(contact), expected=0, client_id=seeded["riley"]
        )
    ws.close()  # locked before any reload
    ws = reopen()
    assert keys(ws, "ottoline") == {contact.id}
    ws.close()


def test_damage_met_while_compacting_leaves_the_index_unmarked(
    workspace: Workspace, seeded: dict[str, str], reopen: Session
) -> None:
    ws = workspace
    people = [ws.contacts.add(client_id=seeded["riley"], name=f"Person{n} Marram") for n in "ABCD"]
    assert len(keys(ws, "marram")) == 4
    path = ws.vault_path
    ws.close()
    flip_record(path, "contact", people[3].id)  # the kinds' fingerprint stays the same
    ws = reopen()
    assert len(keys(ws, "persona")) == 1  # the stored index, used as stored
    ws.contacts.edit(people[0].id, name="PersonA Marram2")
    ws.contacts.edit(people[1].id, name="PersonB Marram2")  # half the sealed shard masked
    ws.close()  # compacting re-reads C and D, and meets D's damage
    ws = reopen()
    ws.search.prepare()
    extra = ws.search._indexes["extra"]
    assert extra.kind_of(people[3].id) is not None or not extra.mark
    ws.close()


def test_a_referral_to_a_damaged_contact_is_still_searched(
    workspace: Workspace, seeded: dict[str, str], reopen: Session
) -> None:
    ws = workspace
    contact = a_gp(ws, seeded["jordan"])
    referral = ws.referrals.add(
        client_id=seeded["jordan"], reason="Ferncastle assessment", contact_id=contact.id
    )
    path = ws.vault_path
    ws.close()
    flip_record(path, "contact", contact.id)
    ws = reopen()
    assert keys(ws, "ferncastle") == {referral.id}  # the rebuild did not stop at the contact
    ws.close()


def test_templates_reloaded_while_the_index_is_open_leave_it_unmarked(
    workspace: Workspace, seeded: dict[str, str], reopen: Session
) -> None:
    """Settings → Templates → Reload renames a template while the index is open: nothing
    re-indexes the notes then, so the index is checked by the next session, not trusted."""
    ws = workspace
    assert keys(ws, "panic") == {seeded["a"]}
    user_dir = ws.templates.user_dir
    assert user_dir is not None
    user_dir.mkdir(parents=True, exist_ok=True)
    source = (Path(noteapp.__file__).parent / "templates/builtin/soap.toml").read_text()
    renamed = source.replace('name = "SOAP Progress Note"', 'name = "Zanzibar Intake"')
    (user_dir / "soap.toml").write_text(renamed.replace("version = 2", "version = 3"))
    ws.templates.reload()
    ws.close()
    ws = reopen()
    assert keys(ws, "zanzibar") == {seeded["a"]}
    ws.close()


def test_a_save_from_another_thread_while_the_index_is_stored_is_not_lost(
    workspace: Workspace, seeded: dict[str, str], reopen: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker saves a note (a co-signature, a return) while closing stores the index: the
    index stored without it is not marked current."""
    ws = workspace
    assert keys(ws, "panic") == {seeded["a"]}
    real = SearchIndex.compact
    saved: list[bool] = []

    def compact_while_a_worker_saves(self: SearchIndex, *a: Any, **k: Any) -> int:
        done = real(self, *a, **k)
        if not saved:  # stands in for the other thread, between the queue and the store
            saved.append(True)
            ws.notes.save(seeded["a"], fields={"subjective": "Okapi sighting."})
        return done

    monkeypatch.setattr(SearchIndex, "compact", compact_while_a_worker_saves)
    ws.close()
    monkeypatch.undo()
    assert ws._vault.watchers == []  # closing takes the search index's watcher away
    ws = reopen()
    assert keys(ws, "okapi") == {seeded["a"]}
    ws.close()
