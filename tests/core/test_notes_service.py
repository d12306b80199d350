"""Notes through the service: drafts as versions, copy forward, groups, psychotherapy notes,
template snapshots, validation, and that note text never reaches the vault file in clear."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time
from pathlib import Path

import pytest

from noteapp.domain.clients import Diagnosis
from noteapp.domain.document import document_plain_text
from noteapp.domain.errors import InvalidInputError, NotFoundError, RefusedError
from noteapp.domain.notes import NoteStatus, RiskScreen, ScreenResult
from noteapp.services.notes import billing_content_warnings
from noteapp.services.workspace import Workspace
from tests.conftest import PASSPHRASE


@pytest.fixture
def ws(workspace: Workspace) -> Workspace:
    return workspace


@pytest.fixture
def client_id(ws: Workspace) -> str:
    c = ws.clients.add(name="Jordan Avery", diagnoses=[Diagnosis("F41.1", "GAD")])
    return c.id


def test_new_note_defaults_from_the_chart(ws: Workspace, client_id: str) -> None:
    note = ws.notes.new(client_id=client_id, template_id="soap")
    assert note.status == NoteStatus.DRAFT
    assert note.session.date == ws.clock.now().date()
    assert [d.code for d in note.session.diagnoses] == ["F41.1"]
    later = ws.notes.save(
        note.id,
        session=replace(
            note.session,
            service_code="90834",
            place_of_service="10",
            interventions=("Mindfulness",),
        ),
    )
    second = ws.notes.new(client_id=client_id, template_id="dap")
    assert second.session.service_code == later.session.service_code == "90834"
    assert second.session.place_of_service == "10"
    assert second.session.interventions == ("Mindfulness",)


def test_each_save_is_a_version_and_unchanged_saves_write_nothing(
    ws: Workspace, client_id: str
) -> None:
    note = ws.notes.new(client_id=client_id, template_id="soap")
    a = ws.notes.save(note.id, fields={"subjective": "First draft."}, autosave=True)
    b = ws.notes.save(note.id, fields={"subjective": "Second draft."}, autosave=True)
    same = ws.notes.save(note.id, fields={"subjective": "Second draft."}, autosave=True)
    assert (a.version, b.version, same.version) == (2, 3, 3)
    history = ws.notes.history(note.id)
    assert [h.text("subjective") for h in history] == ["", "First draft.", "Second draft."]


def test_stale_version_is_refused(ws: Workspace, client_id: str) -> None:
    note = ws.notes.new(client_id=client_id, template_id="soap")
    ws.notes.save(note.id, fields={"plan": "x"})
    with pytest.raises(RefusedError):
        ws.notes.save(note.id, fields={"plan": "y"}, expected_version=note.version)


def test_signed_note_cannot_be_edited_or_deleted(ws: Workspace, client_id: str) -> None:
    note = ws.notes.new(client_id=client_id, template_id="soap")
    ws.notes.replace_signed(replace(note, status=NoteStatus.SIGNED))
    with pytest.raises(RefusedError):
        ws.notes.save(note.id, fields={"plan": "changed"})
    with pytest.raises(RefusedError):
        ws.notes.delete_draft(note.id)


def test_unknown_template_and_field_are_clear_errors(ws: Workspace, client_id: str) -> None:
    with pytest.raises(InvalidInputError, match="Unknown template 'sopa'"):
        ws.notes.new(client_id=client_id, template_id="sopa")
    with pytest.raises(InvalidInputError, match="no field 'subjektive'"):
        ws.notes.new(client_id=client_id, template_id="soap", fields={"subjektive": "x"})
    with pytest.raises(InvalidInputError, match="takes text"):
        ws.notes.new(client_id=client_id, template_id="soap", fields={"plan": {"a": 1}})  # type: ignore[dict-item]
    assert ws.notes.list() == []


def test_copy_forward_carries_only_chosen_sections(ws: Workspace, client_id: str) -> None:
    first = ws.notes.new(
        client_id=client_id,
        template_id="soap",
        fields={"subjective": "Old report.", "plan": "Weekly CBT; thought records."},
    )
    second = ws.notes.new(
        client_id=client_id, template_id="soap", copy_from=first.id, carry_sections=["plan"]
    )
    assert second.fields == {"plan": "Weekly CBT; thought records."}
    assert second.copied_from == first.id
    other = ws.clients.add(name="Riley Quimby")
    with pytest.raises(InvalidInputError):
        ws.notes.new(client_id=other.id, template_id="soap", copy_from=first.id)


def test_group_session_makes_a_note_per_member(ws: Workspace, client_id: str) -> None:
    other = ws.clients.add(name="Riley Quimby", diagnoses=[Diagnosis("F32.1")])
    session = ws.notes.default_session(ws.clients.get(client_id))
    notes = ws.notes.new_group(
        member_ids=[client_id, other.id],
        session=replace(session, service_code="90853"),
        shared_fields={"group_topic": "Sleep and mood"},
        member_fields={other.id: {"participation": "Shared a sleep diary."}},
    )
    assert {n.client_id for n in notes} == {client_id, other.id}
    assert len({n.group_id for n in notes}) == 1
    assert [d.code for d in notes[1].session.diagnoses] == ["F32.1"]
    updated = ws.notes.update_group_shared(notes[0].group_id, {"group_topic": "Worry"})
    assert {n.text("group_topic") for n in updated} == {"Worry"}
    assert ws.notes.get(notes[1].id).text("participation") == "Shared a sleep diary."


def test_psychotherapy_notes_are_their_own_kind_and_warn_on_billing_content(
    ws: Workspace, client_id: str
) -> None:
    note = ws.notes.new(
        client_id=client_id,
        template_id="psychotherapy",
        fields={"process_notes": "PHQ-9 score 14 today, session 14:00-14:50."},
    )
    assert note.psychotherapy
    assert ws._vault.count("psychotherapy_note") == 1 and ws._vault.count("note") == 0
    warnings = ws.notes.psychotherapy_warnings(note)
    assert any("session times" in w for w in warnings)
    assert any("test results" in w for w in warnings)
    assert ws.notes.list(include_psychotherapy=False) == []
    assert billing_content_warnings("She wondered about her father again.") == []


def test_old_notes_render_with_the_template_they_were_written_with(
    ws: Workspace, client_id: str, tmp_path: Path
) -> None:
    note = ws.notes.new(client_id=client_id, template_id="soap", fields={"plan": "Weekly."})
    user_dir = ws.templates.user_dir
    assert user_dir is not None
    user_dir.mkdir(parents=True, exist_ok=True)
    source = (Path(__file__).parents[2] / "noteapp/templates/builtin/soap.toml").read_text()
    changed = source.replace('name = "SOAP Progress Note"', 'name = "Agency SOAP"').replace(
        "version = 2", "version = 3"
    )
    (user_dir / "soap.toml").write_text(changed)
    ws.templates.reload()
    assert ws.templates.get("soap").version == 3
    assert ws.notes.render(note).title == "SOAP Progress Note"
    newer = ws.notes.new(client_id=client_id, template_id="soap")
    assert ws.notes.render(newer).title == "Agency SOAP"


def test_template_code_in_a_field_comes_out_literally(ws: Workspace, client_id: str) -> None:
    note = ws.notes.new(
        client_id=client_id,
        template_id="soap",
        fields={"subjective": "{{ 7*7 }} {% for x in y %}\n# not a heading\n| a | b"},
    )
    text = document_plain_text(ws.notes.render(note))
    assert "{{ 7*7 }} {% for x in y %}" in text
    assert "49" not in text
    assert "# not a heading" in text


def test_notes_survive_reopening_and_never_appear_in_clear(
    ws: Workspace, client_id: str, tmp_path: Path
) -> None:
    marker = "Xylophone-Quetzal-7731 felt better"
    note = ws.notes.new(client_id=client_id, template_id="soap", fields={"subjective": marker})
    path, paths = ws._vault.path, ws.paths
    ws.close()
    for f in path.parent.glob(path.name + "*"):
        assert b"Xylophone" not in f.read_bytes()
        assert b"Jordan" not in f.read_bytes()
    again = Workspace.unlock(path, PASSPHRASE, paths=paths)
    try:
        assert again.notes.get(note.id).text("subjective") == marker
    finally:
        again.close()


def test_checklist_through_the_service_uses_settings(ws: Workspace, client_id: str) -> None:
    note = ws.notes.new(client_id=client_id, template_id="birp")
    assert not ws.notes.check(note).can_sign
    filled = ws.notes.save(
        note.id,
        fields={
            "behavior": "Calm.",
            "intervention": "CBT.",
            "response": "Engaged.",
            "plan": "Weekly.",
        },
        session=replace(
            note.session,
            date=date(2026, 1, 5),
            start=time(9),
            end=time(9, 50),
            service_code="90834",
            place_of_service="11",
            risk=RiskScreen(ScreenResult.DENIED, ScreenResult.DENIED),
        ),
    )
    assert ws.notes.check(filled).can_sign
    ws.settings.update(checklist_severities={"diagnosis": "block"})
    no_dx = ws.notes.save(filled.id, session=replace(filled.session, diagnoses=()))
    assert [i.rule for i in ws.notes.check(no_dx).blocking] == ["diagnosis"]


def test_delete_draft_and_unknown_note(ws: Workspace, client_id: str) -> None:
    note = ws.notes.new(client_id=client_id, template_id="soap")
    ws.notes.delete_draft(note.id)
    with pytest.raises(NotFoundError):
        ws.notes.get(note.id)


def test_demo_writes_notes_that_pass_the_checklist(ws: Workspace) -> None:
    from noteapp.demo import fill_demo

    fill_demo(ws, clients=4, notes=30)
    notes = list(ws.notes.all())
    assert len(notes) == 30
    # Every template — but a discharge summary only for a discharged client (none of 4).
    assert not any(c.discharged_on for c in ws.clients.list())
    assert {n.template_id for n in notes} == {t.id for t in ws.templates.list()} - {"discharge"}
    assert all(ws.notes.check(n).can_sign for n in notes)


def test_group_defaults_do_not_carry_into_individual_notes(ws: Workspace, client_id: str) -> None:
    single = ws.notes.new(client_id=client_id, template_id="soap")
    ws.notes.save(single.id, session=replace(single.session, service_code="90834"))
    session = ws.notes.default_session(ws.clients.get(client_id))
    ws.notes.new_group(
        member_ids=[client_id],
        session=replace(session, service_code="90853", participants=("Group members",)),
        shared_fields={"group_topic": "Sleep"},
    )
    after = ws.notes.default_session(ws.clients.get(client_id))
    assert after.service_code == "90834"
    assert after.participants == ()


def test_copy_forward_keeps_only_fields_the_new_template_has(ws: Workspace, client_id: str) -> None:
    dap = ws.notes.new(
        client_id=client_id,
        template_id="dap",
        fields={"data": "Reported poor sleep.", "plan": "Sleep diary."},
    )
    soap = ws.notes.new(client_id=client_id, template_id="soap", copy_from=dap.id)
    assert soap.fields == {"plan": "Sleep diary."}
