"""Safety plans: model round trip, import errors, signing rules, versions, has_current,
crisis-line defaults, the clinical export (verifies) and the CLI. Synthetic people only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from noteapp.domain.errors import InvalidInputError, NotFoundError, RefusedError
from noteapp.domain.safety_plan import (
    CrisisLine,
    SafetyPlan,
    SafetyPlanStatus,
    SupportContact,
    safety_plan_from_dict,
    safety_plan_to_dict,
)
from noteapp.domain.signatures import ItemType
from noteapp.export import read_docx
from noteapp.services.safety_plans import shipped_crisis_lines
from noteapp.services.verification import verify_docx
from noteapp.services.workspace import Workspace
from tests.conftest import PASSPHRASE


def safety_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "warning_signs": ["Staying in bed past noon", "Thinking 'nothing will change'"],
        "internal_coping": ["Walk around the block with the dog", "Cold water on my face"],
        "distractions": [{"name": "The public library"}, {"name": "Sam", "phone": "555-0142"}],
        "people_to_ask": [{"name": "Aunt May", "phone": "555-0123", "role": "aunt"}],
        "professionals": [{"name": "Dana Whitfield", "role": "therapist", "phone": "555-0100"}],
        "environment_safety": ["Medicines kept by my sister for now"],
        "reasons_for_living": ["My niece's graduation in June", "My dog, Biscuit"],
    }
    data.update(overrides)
    return data


@pytest.fixture
def ws(workspace: Workspace) -> Workspace:
    workspace.profile.set(
        name="Dana Whitfield",
        credentials="LCSW",
        license_number="L-1",
        agency_name="Riverbend Counseling (demo)",
    )
    return workspace


@pytest.fixture
def client_id(ws: Workspace) -> str:
    return ws.clients.add(name="Jordan Avery", preferred_name="Jo").id


def signed(ws: Workspace, client_id: str, **overrides: Any) -> SafetyPlan:
    plan = ws.safety_plans.import_json(client_id, safety_data(**overrides))
    ws.safety_plans.sign(plan.id, passphrase=PASSPHRASE)
    return ws.safety_plans.get(plan.id)


# --- model -----------------------------------------------------------------------------


def test_dict_round_trip(ws: Workspace, client_id: str) -> None:
    plan = signed(ws, client_id)
    again = safety_plan_from_dict(safety_plan_to_dict(plan), record_version=plan.record_version)
    assert again == plan
    assert plan.distractions[1] == SupportContact("Sam", "555-0142", "")
    assert plan.people_to_ask[0].line() == "Aunt May (aunt) — 555-0123"


def test_crisis_line_defaults_are_988_text_line_and_911(ws: Workspace) -> None:
    lines = shipped_crisis_lines()
    assert [x.call for x in lines] == ["Call or text 988", "Text HOME to 741741", "Call 911"]
    assert ws.safety_plans.crisis_line_defaults() == lines


def test_crisis_line_defaults_are_editable_and_resettable(ws: Workspace, client_id: str) -> None:
    mine = (CrisisLine("Samaritans", "116 123", "Call", "Free, 24 hours."),)
    assert ws.safety_plans.save_crisis_line_defaults(mine) == mine
    assert ws.safety_plans.crisis_line_defaults() == mine
    assert ws.safety_plans.start(client_id).crisis_lines == mine
    with pytest.raises(InvalidInputError, match=r"crisis_lines\[0\]\.number"):
        ws.safety_plans.save_crisis_line_defaults([{"name": "No number"}])
    with pytest.raises(InvalidInputError):
        ws.safety_plans.save_crisis_line_defaults([])
    assert ws.safety_plans.reset_crisis_line_defaults() == shipped_crisis_lines()
    assert ws.safety_plans.crisis_line_defaults() == shipped_crisis_lines()


def test_import_uses_default_crisis_lines_and_drops_blank_rows(
    ws: Workspace, client_id: str
) -> None:
    plan = ws.safety_plans.import_json(
        client_id, safety_data(warning_signs=["  Not  sleeping ", ""], people_to_ask=[{}])
    )
    assert plan.crisis_lines == shipped_crisis_lines()
    assert plan.warning_signs == ("Not sleeping",)
    assert plan.people_to_ask == ()
    assert plan.status == SafetyPlanStatus.DRAFT and plan.version == 1


def test_import_names_every_problem_and_stores_nothing(ws: Workspace, client_id: str) -> None:
    bad = safety_data(
        professionals=[{"name": "Dana", "phone": 100}],
        crisis_lines=[{"name": "Line"}],
        people_to_ask=[{"phone": "555-0123"}],
        warning_signs="not a list",
        colour="blue",
    )
    with pytest.raises(InvalidInputError) as info:
        ws.safety_plans.import_json(client_id, bad)
    message = str(info.value)
    for path in ("professionals[0].phone", "crisis_lines[0].number", "warning_signs", "colour"):
        assert path in message
    assert "people_to_ask[0].name: is required" in message
    assert ws.safety_plans.latest(client_id) is None
    with pytest.raises(InvalidInputError):
        ws.safety_plans.import_json(client_id, ["not", "an", "object"])


# --- signing and versions --------------------------------------------------------------


def test_an_empty_plan_cannot_be_signed(ws: Workspace, client_id: str) -> None:
    draft = ws.safety_plans.start(client_id)
    with pytest.raises(InvalidInputError) as info:
        ws.safety_plans.sign(draft.id, passphrase=PASSPHRASE)
    message = str(info.value)
    assert "warning sign" in message
    assert "coping strategy" in message
    assert "person or professional" in message
    assert "reason for living" in message
    assert "crisis line" not in message  # the defaults are there
    assert ws.safety_plans.get(draft.id).status == SafetyPlanStatus.DRAFT


@pytest.mark.parametrize(
    ("field", "phrase"),
    [
        ("warning_signs", "warning sign"),
        ("internal_coping", "coping strategy"),
        ("crisis_lines", "crisis line"),
        ("reasons_for_living", "reason for living"),
    ],
)
def test_each_required_step(ws: Workspace, client_id: str, field: str, phrase: str) -> None:
    plan = ws.safety_plans.import_json(client_id, safety_data(**{field: []}))
    problems = ws.safety_plans.validate_for_signing(plan)
    assert len(problems) == 1 and phrase in problems[0]


def test_a_person_or_a_professional_is_enough(ws: Workspace, client_id: str) -> None:
    plan = ws.safety_plans.import_json(client_id, safety_data(people_to_ask=[]))
    assert ws.safety_plans.validate_for_signing(plan) == []
    plan = ws.safety_plans.import_json(client_id, safety_data(people_to_ask=[], professionals=[]))
    assert "person or professional" in ws.safety_plans.validate_for_signing(plan)[0]


def test_signing_needs_the_passphrase_and_locks(ws: Workspace, client_id: str) -> None:
    plan = ws.safety_plans.import_json(client_id, safety_data())
    with pytest.raises(InvalidInputError):
        ws.safety_plans.sign(plan.id)
    item = ws.safety_plans.sign(plan.id, passphrase=PASSPHRASE)
    assert item.type == ItemType.SAFETY_PLAN and item.type.is_document
    assert item.payload["format"] == "noteapp-safety-plan/1"
    stored = ws.safety_plans.get(plan.id)
    assert stored.status == SafetyPlanStatus.SIGNED
    assert stored.signature_ids == (item.id,)
    assert stored.signed_on is not None
    with pytest.raises(RefusedError):
        ws.safety_plans.save_draft(stored)
    with pytest.raises(RefusedError):
        ws.safety_plans.sign(plan.id, passphrase=PASSPHRASE)


def test_revise_then_sign_supersedes(ws: Workspace, client_id: str) -> None:
    first = signed(ws, client_id)
    draft = ws.safety_plans.revise(client_id)
    assert draft.version == 2 and draft.status == SafetyPlanStatus.DRAFT
    assert draft.series == first.series and draft.warning_signs == first.warning_signs
    assert ws.safety_plans.revise(client_id).id == draft.id  # already revising
    assert ws.safety_plans.start(client_id).id == draft.id
    assert ws.safety_plans.current(client_id) == first  # still in force while revising
    edited = ws.safety_plans.save_draft(
        draft.__class__(**{**draft.__dict__, "reasons_for_living": ("My garden",)})
    )
    ws.safety_plans.sign(edited.id, passphrase=PASSPHRASE)
    assert ws.safety_plans.get(first.id).status == SafetyPlanStatus.SUPERSEDED
    current = ws.safety_plans.current(client_id)
    assert current is not None and current.version == 2
    assert current.reasons_for_living == ("My garden",)
    assert [p.version for p in ws.safety_plans.versions(client_id)] == [1, 2]


def test_revise_without_a_plan(ws: Workspace, client_id: str) -> None:
    with pytest.raises(NotFoundError):
        ws.safety_plans.revise(client_id)


def test_has_current(ws: Workspace, client_id: str) -> None:
    assert not ws.safety_plans.has_current(client_id)
    ws.safety_plans.import_json(client_id, safety_data())
    assert not ws.safety_plans.has_current(client_id)  # a draft is not a plan in force
    signed(ws, client_id)
    assert ws.safety_plans.has_current(client_id)
    ws.safety_plans.revise(client_id)
    assert ws.safety_plans.has_current(client_id)


def test_plans_survive_reopening(ws: Workspace, client_id: str, tmp_path: Path) -> None:
    plan = signed(ws, client_id)
    ws.close()
    again = Workspace.unlock(tmp_path / "vault.noteapp", PASSPHRASE, paths=ws.paths)
    try:
        assert again.safety_plans.get(plan.id) == plan
        assert again.safety_plans.has_current(client_id)
    finally:
        again.close()


def test_clinical_document_has_every_step(ws: Workspace, client_id: str) -> None:
    from noteapp.domain.document import document_plain_text

    plan = signed(ws, client_id)
    text = document_plain_text(ws.safety_plans.render(plan))
    for heading in ("Warning signs", "Internal coping", "distract", "ask for help"):
        assert heading in text
    assert "988 Suicide & Crisis Lifeline: Call or text 988" in text
    assert "Making the environment safe" in text and "Reasons for living" in text
    assert "My dog, Biscuit" in text


# --- exports ---------------------------------------------------------------------------


def test_clinical_export_verifies(ws: Workspace, client_id: str, tmp_path: Path) -> None:
    plan = signed(ws, client_id)
    out = ws.exports.export_safety_plan(plan.id, tmp_path / "safety.docx")
    report = verify_docx(out)
    assert report.ok, report.problems
    text = "\n".join(read_docx(out).body_lines)
    assert "Safety Plan — Jordan Avery" in text
    assert "Medicines kept by my sister for now" in text
    assert "Electronically signed by Dana Whitfield, LCSW" in text
    assert (out.stat().st_mode & 0o777) == 0o600


def test_drafts_are_not_exported(ws: Workspace, client_id: str, tmp_path: Path) -> None:
    plan = ws.safety_plans.import_json(client_id, safety_data())
    with pytest.raises(RefusedError):
        ws.exports.export_safety_plan(plan.id, tmp_path / "s.docx")
    with pytest.raises(RefusedError):
        ws.exports.export_client_copy(plan.id, tmp_path / "c.docx")
    assert not list(tmp_path.glob("*.docx"))


def test_client_copy_default_name_uses_the_code(
    ws: Workspace, client_id: str, tmp_path: Path
) -> None:
    plan = signed(ws, client_id)
    code = ws.clients.get(client_id).code
    out = ws.exports.export_client_copy(plan.id, tmp_path)
    assert out.name == f"{code}_safety-plan_client-copy.docx"
    assert "Jordan" not in out.name and "Avery" not in out.name
    text = "\n".join(read_docx(out).body_lines)
    assert "My safety plan" in text and "Jo" in text
    assert read_docx(out).proof is None


# --- CLI -------------------------------------------------------------------------------


def test_cli_import_show_sign_revise_export(
    ws: Workspace, client_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from noteapp.cli.main import main

    vault = tmp_path / "vault.noteapp"
    code = ws.clients.get(client_id).code
    ws.close()
    monkeypatch.setenv("NOTEAPP_VAULT", str(vault))
    monkeypatch.setenv("NOTEAPP_PASSPHRASE", PASSPHRASE)
    good = tmp_path / "plan.json"
    good.write_text(json.dumps(safety_data()), encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(safety_data(people_to_ask=[{"phone": "1"}])), encoding="utf-8")
    assert main(["safety-plan", "import", "--client", code, str(bad)]) == 2
    assert main(["safety-plan", "show", "--client", code]) != 0  # nothing was stored
    assert main(["safety-plan", "import", "--client", code, str(good)]) == 0
    assert main(["safety-plan", "sign", "--client", code]) == 0
    assert main(["safety-plan", "revise", "--client", code]) == 0
    assert main(["safety-plan", "show", "--client", code, "--json"]) == 0
    out = tmp_path / "clinical.docx"
    assert main(["safety-plan", "export", "--client", code, "--out", str(out)]) == 0
    assert verify_docx(out).ok
    copy = tmp_path / "copy.docx"
    assert (
        main(["safety-plan", "export", "--client", code, "--out", str(copy), "--client-copy"]) == 0
    )
    assert "Call or text 988" in "\n".join(read_docx(copy).body_lines)


# --- demo ------------------------------------------------------------------------------


def test_demo_gives_the_first_active_clients_a_signed_plan(ws: Workspace) -> None:
    from noteapp.demo import add_demo_clients
    from noteapp.demo.safety import add_demo_safety_plans

    ids = add_demo_clients(ws, count=4)
    latest = add_demo_safety_plans(ws, PASSPHRASE, client_ids=ids)
    assert len(latest) == 3
    assert ws.safety_plans.has_current(ids[0]) and ws.safety_plans.has_current(ids[1])
    assert [p.status for p in ws.safety_plans.versions(ids[0])] == [
        SafetyPlanStatus.SUPERSEDED,
        SafetyPlanStatus.SIGNED,
    ]
    for plan_id in latest:
        assert ws.safety_plans.validate_for_signing(ws.safety_plans.get(plan_id)) == []


def test_demo_without_passphrase_leaves_drafts(ws: Workspace) -> None:
    from noteapp.demo import add_demo_clients
    from noteapp.demo.safety import add_demo_safety_plans

    ids = add_demo_clients(ws, count=3)
    add_demo_safety_plans(ws, None, client_ids=ids)
    assert not any(ws.safety_plans.has_current(i) for i in ids)
    assert ws.safety_plans.latest(ids[0]) is not None
