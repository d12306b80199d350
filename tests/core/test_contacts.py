"""Contacts and releases of information (issue 13, part 1): the rules of a release's status,
one emergency contact per client (and the old single emergency contact migrated into the
list), removal refused while the record names a contact, and the checklist warning for a
contact note that names a contact without a current release."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from noteapp.domain.checklist import names_in
from noteapp.domain.clients import EmergencyContact, client_to_dict
from noteapp.domain.contacts import (
    CareContact,
    ContactCategory,
    Release,
    ReleaseStatus,
    category_for,
    check_contact,
    check_release,
)
from noteapp.domain.errors import InvalidInputError, RefusedError
from noteapp.services.workspace import Workspace
from tests.core.casemgmt_helpers import TODAY, a_client, a_note, ready
from tests.core.helpers import new_workspace, reopen_workspace

SIGNED = date(2025, 10, 1)


def release(**changes: object) -> Release:
    base = Release(
        id="r1",
        client_id="c1",
        contact_id="k1",
        information="diagnosis and attendance",
        purpose="coordination of care",
        signed_on=SIGNED,
        effective_from=SIGNED,
        expires_on=date(2026, 3, 31),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2025, 9, 30), ReleaseStatus.PENDING),
        (date(2025, 10, 1), ReleaseStatus.CURRENT),
        (date(2026, 3, 1), ReleaseStatus.CURRENT),  # 30 days before: not yet expiring
        (date(2026, 3, 2), ReleaseStatus.EXPIRING),
        (date(2026, 3, 31), ReleaseStatus.EXPIRING),  # the last day still counts
        (date(2026, 4, 1), ReleaseStatus.EXPIRED),
    ],
)
def test_a_release_status_follows_its_dates(today: date, expected: ReleaseStatus) -> None:
    assert release().status(today, expiring_days=29) == expected


def test_revoked_wins_from_its_date_and_an_event_release_never_expires_by_itself() -> None:
    revoked = release(revoked_on=date(2026, 1, 10), revoke_reason="client asked")
    assert revoked.status(date(2026, 1, 9), expiring_days=30) == ReleaseStatus.CURRENT
    assert revoked.status(date(2026, 1, 10), expiring_days=30) == ReleaseStatus.REVOKED
    event = release(expires_on=None, expiry_event="end of treatment")
    assert event.status(date(2030, 1, 1), expiring_days=30) == ReleaseStatus.CURRENT
    assert event.until == "end of treatment"
    assert ReleaseStatus.EXPIRING.allows_disclosure and not ReleaseStatus.PENDING.allows_disclosure


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"signed_on": TODAY + timedelta(days=1)}, "future"),
        ({"expires_on": None}, "expiry date or an expiry event"),
        ({"expires_on": SIGNED - timedelta(days=1)}, "expires before"),
        ({"effective_from": SIGNED - timedelta(days=1)}, "on or after the day it was signed"),
        ({"information": "  "}, "information to be released is required"),
        ({"revoked_on": TODAY, "revoke_reason": ""}, "why the release was revoked"),
        ({"revoked_on": SIGNED - timedelta(days=1), "revoke_reason": "x"}, "before the release"),
        ({"revoked_on": TODAY + timedelta(days=1), "revoke_reason": "x"}, "future"),
    ],
)
def test_a_release_is_checked(changes: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        check_release(release(**changes), today=TODAY)


def test_a_contact_is_checked() -> None:
    base = CareContact(id="k", client_id="c", name=" Casey  Lin ", email="casey@example.org")
    assert check_contact(base).name == "Casey Lin"
    with pytest.raises(InvalidInputError, match="e-mail"):
        check_contact(replace(base, email="not an address"))
    with pytest.raises(InvalidInputError, match="category is one of"):
        check_contact(replace(base, category="cousin"))  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="name is required"):
        check_contact(replace(base, name=""))
    assert category_for("Older sister") == ContactCategory.FAMILY
    assert category_for("neighbour") == ContactCategory.COLLATERAL
    assert category_for("probation officer") == ContactCategory.OTHER


def test_one_emergency_contact_per_client(workspace: Workspace) -> None:
    ws = workspace
    client = a_client(ws)
    first = ws.contacts.add(client_id=client.id, name="Sam Avery", role="sister", emergency=True)
    second = ws.contacts.add(client_id=client.id, name="Alex Avery", role="father")
    ws.contacts.edit(second.id, emergency=True)
    assert not ws.contacts.get(first.id).emergency
    assert ws.contacts.emergency(client.id) == ws.contacts.get(second.id)
    # The emergency contact is listed first.
    assert [c.name for c in ws.contacts.for_client(client.id)] == ["Alex Avery", "Sam Avery"]
    with pytest.raises(InvalidInputError, match="Unknown contact field"):
        ws.contacts.edit(second.id, client_id="someone else")


def test_a_client_saved_with_an_emergency_contact_hands_it_to_the_list(
    workspace: Workspace,
) -> None:
    ws = workspace
    client = ws.clients.add(
        name="Jordan Avery", emergency_contact=EmergencyContact("Sam Avery", "sister", "555-0101")
    )
    assert ws.clients.get(client.id).emergency_contact == EmergencyContact()
    (contact,) = ws.contacts.for_client(client.id)
    assert (contact.name, contact.role, contact.phone, contact.emergency) == (
        "Sam Avery",
        "sister",
        "555-0101",
        True,
    )
    assert contact.category == ContactCategory.FAMILY
    # An edit of the same person updates them; the record keeps one emergency contact.
    ws.clients.update(client.id, emergency_contact=EmergencyContact("Sam Avery", "", "555-0199"))
    (contact,) = ws.contacts.for_client(client.id)
    assert contact.phone == "555-0199" and contact.role == "sister"
    assert ws.contacts.with_emergency(ws.clients.get(client.id)).emergency_contact.phone == (
        "555-0199"
    )


def test_an_old_vaults_emergency_contacts_are_migrated_once_at_unlock(tmp_path: Path) -> None:
    ws = new_workspace(tmp_path)
    client = a_client(ws)
    # What a vault written before contacts holds: the emergency contact inside the client.
    old = replace(client, emergency_contact=EmergencyContact("Sam Avery", "spouse", "555-0101"))
    ws._vault.put("client", client.id, client_to_dict(old), expected_version=1)
    ws.close()
    ws = reopen_workspace(tmp_path)
    try:
        (contact,) = ws.contacts.for_client(client.id)
        assert (contact.name, contact.emergency) == ("Sam Avery", True)
        assert ws.clients.get(client.id).emergency_contact == EmergencyContact()
        assert ws.contacts.migrate_emergency_contacts() == 0  # nothing left to move
        assert [e.action for e in ws.audit.entries() if e.kind == "contact"] == ["create"]
    finally:
        ws.close()


def test_removing_a_contact_the_record_names_is_refused(workspace: Workspace) -> None:
    ws = ready(workspace)
    client = a_client(ws)
    with_release = ws.contacts.add(client_id=client.id, name="Dr. Casey Lin", role="PCP")
    ws.contacts.add_release(
        client_id=client.id,
        contact_id=with_release.id,
        information="diagnosis",
        purpose="care",
        signed_on=SIGNED,
        expires_on=date(2026, 12, 31),
    )
    referred = ws.contacts.add(client_id=client.id, name="Peer Support Network", role="group")
    ws.referrals.add(client_id=client.id, contact_id=referred.id, reason="Peer support group")
    plain = ws.contacts.add(client_id=client.id, name="Taylor Brooks", role="school counsellor")
    with pytest.raises(RefusedError, match="releases of information"):
        ws.contacts.remove(with_release.id)
    with pytest.raises(RefusedError, match="referral"):
        ws.contacts.remove(referred.id)
    ws.contacts.remove(plain.id)
    assert [c.name for c in ws.contacts.for_client(client.id)] == [
        "Dr. Casey Lin",
        "Peer Support Network",
    ]


def test_a_release_names_one_of_the_clients_own_contacts(workspace: Workspace) -> None:
    ws = workspace
    client, other = a_client(ws), a_client(ws, "Riley Quimby")
    stranger = ws.contacts.add(client_id=other.id, name="Dr. Casey Lin", role="PCP")
    with pytest.raises(InvalidInputError, match="not one of this client's contacts"):
        ws.contacts.add_release(
            client_id=client.id,
            contact_id=stranger.id,
            information="diagnosis",
            purpose="care",
            signed_on=SIGNED,
            expires_on=date(2026, 12, 31),
        )
    assert ws.contacts.releases_for(client.id) == []


def test_revoking_keeps_the_release_and_says_when_and_why(workspace: Workspace) -> None:
    ws = workspace
    client = a_client(ws)
    contact = ws.contacts.add(client_id=client.id, name="Robin Achebe", role="case manager")
    made = ws.contacts.add_release(
        client_id=client.id,
        contact_id=contact.id,
        information="attendance",
        purpose="housing application",
        signed_on=SIGNED,
        expiry_event="decision on the application",
    )
    assert ws.contacts.has_current_release(contact)
    revoked = ws.contacts.revoke_release(made.id, on=TODAY, reason="Client withdrew consent.")
    assert ws.contacts.status(revoked) == ReleaseStatus.REVOKED
    assert not ws.contacts.has_current_release(contact)
    with pytest.raises(RefusedError, match="revoked already"):
        ws.contacts.revoke_release(made.id, on=TODAY, reason="again")
    versions = ws.contacts.releases.history(made.id)
    assert [v["revoked_on"] for v in versions] == [None, TODAY.isoformat()]


def test_the_expiring_window_is_a_setting(workspace: Workspace) -> None:
    ws = workspace
    client = a_client(ws)
    contact = ws.contacts.add(client_id=client.id, name="Dr. Casey Lin", role="PCP")
    r = ws.contacts.add_release(
        client_id=client.id,
        contact_id=contact.id,
        information="diagnosis",
        purpose="care",
        signed_on=SIGNED,
        expires_on=TODAY + timedelta(days=20),
    )
    assert ws.contacts.status(r) == ReleaseStatus.EXPIRING  # default: 30 days
    ws.settings.update(release_expiring_days=10)
    assert ws.contacts.status(r) == ReleaseStatus.CURRENT
    with pytest.raises(InvalidInputError):
        ws.settings.update(release_expiring_days=-1)


# --- the checklist -------------------------------------------------------------------------


def test_names_are_found_as_whole_words_only() -> None:
    text = "Spoke with Dr. casey lin, PCP, and with Sam's teacher."
    assert names_in(text, ["Casey Lin", "Sam", "Lin Casey", "Ann"]) == ["Casey Lin", "Sam"]
    assert names_in("Samantha called", ["Sam"]) == []


def _contact_note(ws: Workspace, client_id: str, contact_with: str) -> str:
    note = ws.notes.new(
        client_id=client_id,
        template_id="contact",
        fields={
            "contact_with": contact_with,
            "contact_method": "phone",
            "purpose": "Coordination of care.",
            "outcome": "Shared the treatment focus.",
        },
    )
    return note.id


def _release_items(ws: Workspace, note_id: str) -> list[str]:
    return [
        i.message
        for i in ws.notes.check(ws.notes.get(note_id)).items
        if i.rule == "contact_release"
    ]


def test_a_contact_note_naming_a_contact_without_a_current_release_warns(
    workspace: Workspace,
) -> None:
    ws = workspace
    client = a_client(ws)
    pcp = ws.contacts.add(client_id=client.id, name="Casey Lin", role="PCP")
    ws.contacts.add(client_id=client.id, name="Taylor Brooks", role="school counsellor")
    note_id = _contact_note(ws, client.id, "Dr. Casey Lin, primary care physician")
    (message,) = _release_items(ws, note_id)
    assert "Casey Lin" in message and "no current release" in message
    item = next(
        i for i in ws.notes.check(ws.notes.get(note_id)).items if i.rule == "contact_release"
    )
    assert item.severity.value == "warn" and item.field_id == "contact_with"
    # An expired release does not count; a current one silences the warning.
    ws.contacts.add_release(
        client_id=client.id,
        contact_id=pcp.id,
        information="diagnosis",
        purpose="care",
        signed_on=SIGNED,
        expires_on=TODAY - timedelta(days=1),
    )
    assert len(_release_items(ws, note_id)) == 1
    ws.contacts.add_release(
        client_id=client.id,
        contact_id=pcp.id,
        information="diagnosis",
        purpose="care",
        signed_on=SIGNED,
        expires_on=TODAY + timedelta(days=200),
    )
    assert _release_items(ws, note_id) == []


def test_only_contact_notes_and_only_named_contacts_are_checked(workspace: Workspace) -> None:
    ws = workspace
    client = a_client(ws)
    ws.contacts.add(client_id=client.id, name="Casey Lin", role="PCP")
    assert _release_items(ws, _contact_note(ws, client.id, "The school office")) == []
    progress = a_note(ws, client)
    ws.notes.save(progress, fields={"behavior": "Talked about Casey Lin's advice."})
    assert _release_items(ws, progress) == []


def test_the_rule_warns_by_default_and_can_be_switched_off(workspace: Workspace) -> None:
    from noteapp.domain.checklist import rule_settings

    setting = next(r for r in rule_settings() if r.id == "contact_release")
    assert setting.default.value == "warn"
    ws = workspace
    client = a_client(ws)
    ws.contacts.add(client_id=client.id, name="Casey Lin", role="PCP")
    note_id = _contact_note(ws, client.id, "Casey Lin")
    assert _release_items(ws, note_id)
    ws.settings.update(checklist_severities={"contact_release": "off"})
    assert _release_items(ws, note_id) == []


def test_a_record_of_a_shape_the_kind_does_not_have_is_named_not_fatal(tmp_path: Path) -> None:
    """The vault's golden files hold a "contact" kind of another shape; opening such a vault
    must not stop with an unexpected error: the record is damaged, named, left alone."""
    from noteapp.domain.errors import RecordIntegrityError

    ws = new_workspace(tmp_path)
    ws._vault.put("contact", "c1", {"name": "Synthetic"}, expected_version=0)
    ws.close()
    ws = reopen_workspace(tmp_path)
    try:
        assert [p.record_id for p in ws.contacts.problems] == ["c1"]
        assert [r.describe() for r in ws.damage.records()] == ["contact c1"]
        with pytest.raises(RecordIntegrityError, match="Contact c1 is damaged"):
            ws.contacts.get("c1")
    finally:
        ws.close()
