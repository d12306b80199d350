"""Risk: the structured risk assessment in notes (completeness, storage, rendering, the
`risk_assessment` rule), the PHQ-9 item-9 sign gate (`risk_flag_followup`), the override
reason kept in the signed payload and the audit log, open flags, and the CLI. Synthetic
data; FakeClock 2026-01-05 for the services, today's date for the CLI."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from noteapp.domain.document import document_plain_text
from noteapp.domain.errors import CheckFailedError, InvalidInputError
from noteapp.domain.notes import (
    RiskArea,
    RiskAssessment,
    RiskScreen,
    ScreenResult,
    note_from_dict,
    note_to_dict,
    risk_assessment_from_dict,
    risk_assessment_to_dict,
)
from noteapp.domain.signatures import ItemType
from noteapp.services.workspace import Workspace
from tests.conftest import PASSPHRASE
from tests.core.test_cli_plans import Clinic, clinic, draft_note
from tests.core.test_cli_records import json_of, run, vault
from tests.core.test_signing import ready_note, ws

__all__ = ["clinic", "vault", "ws"]  # fixtures

COMPLETE = RiskAssessment(
    suicidal_ideation=RiskArea(present=True, plan=False, intent=False, means=True, history=True),
    homicidal_ideation=RiskArea(present=False),
    self_harm=RiskArea(present=False, history=True),
    protective_factors="Children; faith community.",
    risk_level="moderate",
    actions_taken="Safety plan reviewed; means counselling; 988 given.",
)
ASSESSMENT_JSON = {
    "suicidal_ideation": {
        "present": True,
        "plan": False,
        "intent": "no",
        "means": True,
        "history": True,
        "notes": "passive thoughts",
    },
    "homicidal_ideation": {"present": False},
    "self_harm": {"present": "no", "history": None},
    "protective_factors": "Children.",
    "risk_level": "Low",
    "actions_taken": "Safety plan reviewed; 988 given.",
}
REASON = "Safety plan done on paper in session; scanned copy to follow."


# --- the structured assessment ---------------------------------------------------------


def test_completeness_rule() -> None:
    assert COMPLETE.is_complete() and COMPLETE.missing() == []
    blank = RiskAssessment()
    assert not blank.is_complete()
    assert blank.missing() == [
        "suicidal ideation: presence",
        "homicidal ideation: presence",
        "self-harm: presence",
        "risk level",
        "actions taken",
    ]
    present = dataclasses.replace(COMPLETE, self_harm=RiskArea(present=True, plan=False))
    assert present.missing() == [
        "self-harm: intent",
        "self-harm: access to means",
        "self-harm: history",
    ]
    assert not dataclasses.replace(COMPLETE, risk_level="").is_complete()
    assert not dataclasses.replace(COMPLETE, actions_taken="  ").is_complete()


def test_json_round_trip_and_strict_parsing() -> None:
    parsed = risk_assessment_from_dict(ASSESSMENT_JSON)
    assert parsed.suicidal_ideation.intent is False and parsed.self_harm.present is False
    assert parsed.risk_level == "low" and parsed.is_complete()
    assert risk_assessment_from_dict(risk_assessment_to_dict(parsed)) == parsed
    for bad, message in [
        ([], "JSON object"),
        ({"risk_level": "extreme"}, "risk_level is one of"),
        ({"suicidal_ideation": {"present": 1}}, "suicidal_ideation.present"),
        ({"suicidal_ideation": {"presence": True}}, "unknown key"),
        ({"mood": "low"}, "Unknown risk-assessment key"),
        ({"actions_taken": 5}, "actions_taken takes text"),
        ({"self_harm": "no"}, "self_harm is an object"),
    ]:
        with pytest.raises(InvalidInputError, match=message):
            risk_assessment_from_dict(bad)


def test_note_storage_is_backward_compatible(ws: Workspace) -> None:
    note = ws.notes.get(ready_note(ws))
    old = note_to_dict(note)
    del old["risk_assessment"], old["overrides"]
    restored = note_from_dict(old)
    assert restored.risk_assessment is None and restored.overrides == ()
    saved = ws.notes.save(note.id, risk_assessment=COMPLETE)
    assert saved.version == note.version + 1
    assert ws.notes.save(note.id, risk_assessment=COMPLETE).version == saved.version  # no-op
    ws.notes.reload()
    assert ws.notes.get(note.id).risk_assessment == COMPLETE
    text = document_plain_text(ws.notes.render(ws.notes.get(note.id)))
    assert "Risk assessment" in text
    assert "present; plan: no; intent: no; access to means: yes; history: yes" in text
    assert "Risk level\tmoderate" in text
    cleared = ws.notes.save(note.id, clear_risk_assessment=True)
    assert cleared.risk_assessment is None


def test_positive_screen_accepts_a_completed_structured_assessment(ws: Workspace) -> None:
    note = ws.notes.get(ready_note(ws))
    positive = dataclasses.replace(
        note.session, risk=RiskScreen(ScreenResult.PRESENT, ScreenResult.DENIED)
    )
    note = ws.notes.save(note.id, session=positive)
    assert "risk_assessment" in {i.rule for i in ws.notes.check(note).blocking}
    half = ws.notes.save(note.id, risk_assessment=RiskAssessment(risk_level="low"))
    assert "risk_assessment" in {i.rule for i in ws.notes.check(half).blocking}
    done = ws.notes.save(note.id, risk_assessment=COMPLETE)
    assert ws.notes.check(done).can_sign


# --- the sign gate ---------------------------------------------------------------------


def flagged(ws: Workspace, on: date = date(2026, 1, 2)) -> tuple[str, str]:
    """A ready note (2026-01-05) whose client had PHQ-9 item 9 = 1 (total 1) on `on`."""
    note_id = ready_note(ws)
    client_id = ws.notes.get(note_id).client_id
    m = ws.measures.add(client_id=client_id, instrument="phq9", answers=[0] * 8 + [1], on=on)
    assert m.risk and m.total == 1 and m.open_risk
    return note_id, m.id


def test_a_positive_item_9_blocks_the_next_note(ws: Workspace) -> None:
    note_id, measure_id = flagged(ws)
    client_id = ws.notes.get(note_id).client_id
    assert [m.id for m in ws.measures.open_risk_flags()] == [measure_id]
    assert [m.id for m in ws.measures.open_risk_flags(client_id)] == [measure_id]
    result = ws.notes.check(ws.notes.get(note_id))
    assert [i.rule for i in result.blocking] == ["risk_flag_followup"]
    with pytest.raises(CheckFailedError, match="risk flag"):
        ws.signing.sign_note(note_id, passphrase=PASSPHRASE)
    with pytest.raises(CheckFailedError, match="risk flag"):
        ws.signing.sign_notes([note_id], passphrase=PASSPHRASE)
    assert not ws.notes.get(note_id).is_signed
    # An earlier note (before the flag) is not affected.
    earlier = ws.notes.new(client_id=client_id, template_id="birp")
    earlier = ws.notes.save(
        earlier.id,
        session=dataclasses.replace(ws.notes.get(note_id).session, date=date(2026, 1, 1)),
    )
    assert "risk_flag_followup" not in {i.rule for i in ws.notes.check(earlier).items}
    # Item 9 = 0 with the highest possible total raises no flag.
    other = ws.clients.add(name="Quinn Example").id
    m = ws.measures.add(client_id=other, instrument="phq9", answers=[3] * 8 + [0])
    assert m.total == 24 and not m.risk and ws.measures.open_risk_flags(other) == []


def test_override_lets_exactly_this_rule_through_and_is_kept(ws: Workspace) -> None:
    note_id, measure_id = flagged(ws)
    item = ws.signing.sign_note(note_id, passphrase=PASSPHRASE, override_reason=f"  {REASON} ")
    assert item.payload["overrides"] == [{"rule": "risk_flag_followup", "reason": REASON}]
    note = ws.notes.get(note_id)
    assert note.is_signed and note.overrides == ({"rule": "risk_flag_followup", "reason": REASON},)
    assert REASON in document_plain_text(ws.notes.render(note))
    signed_text = json.dumps(item.payload["document"], ensure_ascii=False)
    assert "Checklist override" in signed_text and REASON in signed_text
    audit = [e for e in ws.audit.entries() if e.action == "override"]
    assert len(audit) == 1 and audit[0].record_id == note_id
    assert audit[0].detail["reason"] == REASON and audit[0].detail["rule"] == "risk_flag_followup"
    # The flag is addressed (by this note) and no longer blocks the client's next note.
    m = ws.measures.get(measure_id)
    assert m.addressed_by == note_id and m.addressed_how == "override" and not m.open_risk
    assert ws.measures.open_risk_flags() == []
    assert "risk-flag-addressed" in [e.action for e in ws.audit.entries()]
    # Verifiable like any signed note.
    assert ws.signing.proof(note_id).note.type == ItemType.NOTE


def test_override_never_passes_other_blocking_rules(ws: Workspace) -> None:
    note_id, measure_id = flagged(ws)
    note = ws.notes.get(note_id)
    ws.notes.save(note_id, session=dataclasses.replace(note.session, diagnoses=()))
    with pytest.raises(CheckFailedError) as caught:
        ws.signing.sign_note(note_id, passphrase=PASSPHRASE, override_reason=REASON)
    assert "diagnosis" in str(caught.value) and "risk flag" not in str(caught.value)
    assert not ws.notes.get(note_id).is_signed
    assert ws.measures.get(measure_id).open_risk
    assert "override" not in [e.action for e in ws.audit.entries()]


def test_an_override_reason_with_nothing_to_override_is_not_recorded(ws: Workspace) -> None:
    note_id = ready_note(ws)
    item = ws.signing.sign_note(note_id, passphrase=PASSPHRASE, override_reason=REASON)
    assert "overrides" not in item.payload and ws.notes.get(note_id).overrides == ()
    assert "override" not in [e.action for e in ws.audit.entries()]


def test_completed_assessment_and_current_safety_plan_pass_without_override(
    ws: Workspace,
) -> None:
    note_id, measure_id = flagged(ws)
    client_id = ws.notes.get(note_id).client_id
    plans: set[str] = set()
    ws.measures.has_current_safety_plan = lambda cid: cid in plans
    # Assessment alone: still blocked (no safety plan).
    ws.notes.save(note_id, risk_assessment=COMPLETE)
    blocking = ws.notes.check(ws.notes.get(note_id)).blocking
    assert [i.rule for i in blocking] == ["risk_flag_followup"]
    assert "safety plan" in blocking[0].message and "risk assessment" not in blocking[0].message
    # Safety plan alone: still blocked (assessment incomplete).
    plans.add(client_id)
    ws.notes.save(note_id, risk_assessment=dataclasses.replace(COMPLETE, risk_level=""))
    blocking = ws.notes.check(ws.notes.get(note_id)).blocking
    # The assessment records suicidal ideation, so the note's one risk screen is positive
    # and wants the assessment completed too.
    assert [i.rule for i in blocking] == ["risk_assessment", "risk_flag_followup"]
    assert "risk assessment" in blocking[1].message
    # Both: signs, with the assessment inside the signed payload and document.
    ws.notes.save(note_id, risk_assessment=COMPLETE)
    item = ws.signing.sign_note(note_id, passphrase=PASSPHRASE)
    assert "overrides" not in item.payload
    assert item.payload["risk_assessment"] == risk_assessment_to_dict(COMPLETE)
    assert "Risk assessment" in json.dumps(item.payload["document"])
    m = ws.measures.get(measure_id)
    assert m.addressed_by == note_id and m.addressed_how == "assessment and safety plan"


def test_signed_note_keeps_its_same_day_measures(ws: Workspace) -> None:
    note_id = ready_note(ws)
    client_id = ws.notes.get(note_id).client_id
    ws.measures.add(client_id=client_id, instrument="phq9", total=18, on=date(2025, 12, 1))
    m = ws.measures.add(client_id=client_id, instrument="phq9", total=14, on=date(2026, 1, 5))
    item = ws.signing.sign_note(note_id, passphrase=PASSPHRASE)
    stored = ws.notes.get(note_id).measures
    assert [x["id"] for x in stored] == [m.id]
    assert stored[0]["summary"] == "PHQ-9 14 (moderate), total from paper, down 4 since baseline"
    assert item.payload["measures"] == list(stored)
    assert "down 4 since baseline" in json.dumps(item.payload["document"], ensure_ascii=False)
    # Later measures that day do not change what the signed note shows.
    ws.measures.add(client_id=client_id, instrument="gad7", total=9)
    assert ws.notes.note_measures(ws.notes.get(note_id)) == stored


def test_the_rule_switched_off_leaves_the_flag_open(ws: Workspace) -> None:
    note_id, measure_id = flagged(ws)
    ws.settings.update(checklist_severities={"risk_flag_followup": "off"})
    ws.signing.sign_note(note_id, passphrase=PASSPHRASE)
    assert ws.measures.get(measure_id).open_risk


# --- CLI -------------------------------------------------------------------------------


def test_cli_measure_add_list_trend(clinic: Clinic, capsys: pytest.CaptureFixture[str]) -> None:
    r = run(capsys, "measure", "add", "--client", clinic.client, "--instrument", "phq9",
            "--answers", "2,2,2,2,2,1,1,1,1")  # fmt: skip
    assert r.code == 0, r.err
    assert r.out.strip() == (
        "PHQ-9 total 14 — moderate. FLAG: Item 9 (thoughts of death or self-harm) above 0 (risk)"
    )
    d = json_of(capsys, "measure", "add", "--client", clinic.client, "--instrument", "gad7",
                "--answers", "0,1,0,1,0,1,0")  # fmt: skip
    assert {"id", "instrument", "total", "severity", "flags", "risk", "date"} <= set(d)
    assert (d["instrument"], d["total"], d["severity"], d["flags"], d["risk"]) == (
        "gad7",
        3,
        "minimal",
        [],
        False,
    )
    paper = json_of(capsys, "measure", "add", "--client", clinic.client, "--instrument", "phq9",
                    "--total", "6", "--paper")  # fmt: skip
    assert paper["total_only"] and paper["mode"] == "paper" and paper["severity"] == "mild"
    listed = json_of(capsys, "measure", "list", "--client", clinic.client)
    assert [x["instrument"] for x in listed] == ["phq9", "gad7", "phq9"]
    assert listed[0]["risk"] and listed[0]["risk_open"] and listed[0]["flags"] == ["suicide-risk"]
    only = json_of(capsys, "measure", "list", "--client", clinic.client, "--instrument", "gad7")
    assert [x["id"] for x in only] == [d["id"]]
    r = run(capsys, "measure", "list", "--client", clinic.client)
    assert r.code == 0 and "RISK (open)" in r.out
    trend = json_of(capsys, "measure", "trend", "--client", clinic.client, "--instrument", "phq9")
    assert [p["total"] for p in trend["points"]] == [14, 6]
    assert trend["change_since_baseline"] == -8 and trend["change_since_last"] == -8
    assert trend["response"] is True and trend["remission"] is False
    flags = json_of(capsys, "measure", "flags")
    assert [f["client_id"] for f in flags] == [clinic.client]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--answers", "1,2,3"], "9 items; 3 answers"),
        (["--answers", "1,1,1,1,1,1,1,1,4"], "Answer 9 is 4"),
        (["--answers", "1,1,1,1,x,1,1,1,1"], "not a number"),
        (["--answers", "1,1,1,1,,1,1,1,1"], "Answer 5 is missing"),
        (["--total", "28"], "0–27"),
        (["--total", "ten"], "not a number"),
        (["--answers", "1,1,1,1,1,1,1,1,1", "--date", "2999-01-01"], "future"),
        (["--answers", "1,1,1,1,1,1,1,1,1", "--date", "soon"], "date like"),
    ],
)
def test_cli_bad_answers_exit_2(
    clinic: Clinic, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    r = run(capsys, "measure", "add", "--client", clinic.client, "--instrument", "phq9", *argv)
    assert r.code == 2 and message in r.err and r.out == ""
    assert json_of(capsys, "measure", "list", "--client", clinic.client) == []


def test_cli_usage_errors_exit_2(clinic: Clinic, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["measure", "add", "--client", clinic.client]
    assert run(capsys, *base, "--instrument", "phq9").code == 2  # neither answers nor total
    r = run(capsys, *base, "--instrument", "bdi", "--answers", "1")
    assert r.code == 2 and "No instrument" in r.err
    assert run(capsys, "measure", "trend", "--client", clinic.client).code == 2


def test_cli_note_risk_and_override(
    clinic: Clinic, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    r = run(capsys, "measure", "add", "--client", clinic.client, "--instrument", "phq9",
            "--answers", "0,0,0,0,0,0,0,0,1")  # fmt: skip
    assert r.code == 0, r.err
    note_id = draft_note(capsys, clinic)
    r = run(capsys, "note", "sign", note_id)
    assert r.code == 1 and "risk flag" in r.err
    checked = run(capsys, "note", "check", note_id, "--json")
    assert "risk_flag_followup" in checked.out
    # A partial assessment is saved and reported as incomplete.
    partial: dict[str, Any] = {"suicidal_ideation": {"present": True}}
    r = run(capsys, "note", "risk", note_id, "--file", clinic.write("partial.json", partial))
    assert r.code == 0 and "Not complete yet" in r.err and "suicidal ideation: plan" in r.err
    bad = clinic.write("bad.json", {"risk_level": "extreme"})
    assert run(capsys, "note", "risk", note_id, "--file", bad).code == 2
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    assert run(capsys, "note", "risk", note_id, "--file", str(tmp_path / "broken.json")).code == 2
    r = run(capsys, "note", "risk", note_id, "--file", clinic.write("r.json", ASSESSMENT_JSON))
    assert r.code == 0 and "complete" in r.err
    r = run(capsys, "note", "sign", note_id)  # still no current safety plan
    assert r.code == 1 and "safety plan" in r.err
    r = run(capsys, "note", "sign", note_id, "--override-reason", REASON)
    assert r.code == 0, r.err
    assert json_of(capsys, "note", "show", note_id)["status"] == "signed"
    shown = run(capsys, "note", "show", note_id)
    assert "Risk assessment" in shown.out and REASON in " ".join(shown.out.split())
    audit = json_of(capsys, "audit", "list")
    assert any(e["action"] == "override" for e in audit)
    assert json_of(capsys, "measure", "flags") == []
    r = run(capsys, "note", "risk", note_id, "--clear")
    assert r.code == 2  # signed: refused


# --- one risk screen per note (issue 9, point 18) --------------------------------------


def _screen(ws: Workspace, note_id: str) -> tuple[ScreenResult, ScreenResult]:
    risk = ws.notes.get(note_id).session.risk
    return risk.suicidal_ideation, risk.homicidal_ideation


def test_the_session_screen_owns_ideation_and_the_assessment_follows(ws: Workspace) -> None:
    note = ws.notes.get(ready_note(ws))  # screen: denied / denied
    ws.notes.save(note.id, risk_assessment=COMPLETE)  # `note risk --file`: SI present
    assert _screen(ws, note.id) == (ScreenResult.PRESENT, ScreenResult.DENIED)
    # The session details change the screen: the assessment's answer follows it.
    denied = dataclasses.replace(
        ws.notes.get(note.id).session, risk=RiskScreen(ScreenResult.DENIED, ScreenResult.DENIED)
    )
    saved = ws.notes.save(note.id, session=denied)
    assert saved.risk_assessment is not None
    assert saved.risk_assessment.suicidal_ideation.present is False
    assert saved.risk_assessment.protective_factors == COMPLETE.protective_factors  # kept
    assert ws.notes.check(saved).can_sign
    # "Not assessed" in the screen leaves the assessment's answer open, never invented.
    unscreened = dataclasses.replace(denied, risk=RiskScreen())
    saved = ws.notes.save(note.id, session=unscreened)
    assert saved.risk_assessment is not None
    assert saved.risk_assessment.suicidal_ideation.present is None


def test_an_older_draft_that_contradicts_itself_cannot_be_signed(ws: Workspace) -> None:
    note = ws.notes.get(ready_note(ws))
    stored = note_to_dict(note)
    stored["session"]["risk"]["suicidal_ideation"] = "present"
    stored["risk_assessment"] = risk_assessment_to_dict(
        dataclasses.replace(COMPLETE, suicidal_ideation=RiskArea(present=False))
    )
    ws._vault.put("note", note.id, stored, expected_version=note.version)
    ws.notes.reload()
    old = ws.notes.get(note.id)
    assert old.risk_assessment is not None
    # A save that touches neither record leaves both as they were: nothing is guessed ...
    old = ws.notes.save(note.id, fields={"plan": "Next week."})
    assert _screen(ws, note.id)[0] == ScreenResult.PRESENT
    assert (
        old.risk_assessment is not None and old.risk_assessment.suicidal_ideation.present is False
    )
    # ... and the checklist blocks signing until someone answers once.
    blocking = {i.rule: i.message for i in ws.notes.check(old).blocking}
    assert (
        "present” in the session details but “no” in the risk assessment"
        in (blocking["risk_consistent"])
    )
    with pytest.raises(CheckFailedError, match="risk assessment"):
        ws.signing.sign_note(note.id, passphrase=PASSPHRASE)
