"""CLI treatment plans: plan import/show/sign/revise/acknowledge/review/versions/export/
library, and `note rate`. In-process through `noteapp.cli.main.main` (the real clock, so
every date is relative to today), plus one real process for the one-line error. Synthetic
people only."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from noteapp.services.verification import verify_docx
from tests.core.test_cli_process import assert_clean_failure, noteapp
from tests.core.test_cli_records import PASS, json_of, run, vault
from tests.core.test_signing import FIELDS

__all__ = ["vault"]  # the fixture: a new vault in NOTEAPP_VAULT, passphrase set

COMPLETE = [
    "--start", "09:00", "--end", "09:50", "--service-code", "90834",
    "--place-of-service", "11", "--si", "denied", "--hi", "denied", "--diagnosis", "F41.1",
]  # fmt: skip


def day(offset: int) -> str:
    return (date.today() + timedelta(days=offset)).isoformat()


def plan_json(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "service_type": "individual",
        "session_minutes": 50,
        "frequency": "weekly",
        "valid_from": day(-30),
        "valid_until": day(330),
        "diagnoses": [{"code": "F41.1", "description": "Generalized anxiety disorder"}],
        "problems": [
            {
                "statement": "Excessive worry most days.",
                "goals": [
                    {
                        "statement": "Reduce worry.",
                        "client_words": "I want to sleep again.",
                        "objectives": [
                            {
                                "id": "gad7",
                                "description": "GAD-7 below 10 twice in a row.",
                                "baseline": "GAD-7 15",
                                "target": "below 10",
                                "target_date": day(60),
                                "measured_by": "GAD-7 every 2 weeks",
                                "interventions": [{"description": "CBT for worry"}],
                            },
                            {
                                "id": "breathing",
                                "description": "Paced breathing 5 days per week.",
                                "baseline": "none",
                                "target": "5 days per week",
                                "target_date": day(45),
                                "measured_by": "practice log",
                            },
                        ],
                    }
                ],
            }
        ],
    }
    data.update(overrides)
    return data


@dataclass
class Clinic:
    vault: Path
    client: str
    tmp: Path

    def write(self, name: str, data: Any) -> str:
        path = self.tmp / name
        path.write_text(json.dumps(data), encoding="utf-8")
        return str(path)


@pytest.fixture
def clinic(vault: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Clinic:
    r = run(capsys, "profile", "set", "--name", "Dana Whitfield", "--credentials", "LCSW")
    assert r.code == 0, r.err
    r = run(capsys, "client", "add", "--name", "Jordan Avery", "--diagnosis", "F41.1")
    assert r.code == 0, r.err
    return Clinic(vault, r.out.strip(), tmp_path)


def imported(capsys: pytest.CaptureFixture[str], clinic: Clinic, **overrides: Any) -> str:
    r = run(
        capsys,
        "plan",
        "import",
        "--client",
        clinic.client,
        clinic.write("p.json", plan_json(**overrides)),
    )
    assert r.code == 0, r.err
    return r.out.strip()


def signed(capsys: pytest.CaptureFixture[str], clinic: Clinic) -> str:
    plan_id = imported(capsys, clinic)
    r = run(capsys, "plan", "sign", "--client", clinic.client)
    assert r.code == 0, r.err
    return plan_id


def draft_note(capsys: pytest.CaptureFixture[str], clinic: Clinic) -> str:
    fields = clinic.write("fields.json", FIELDS)
    r = run(
        capsys,
        "note",
        "new",
        "--client",
        clinic.client,
        "--template",
        "birp",
        "--fields",
        fields,
        *COMPLETE,
    )
    assert r.code == 0, r.err
    return r.out.strip()


def test_import_show_sign(clinic: Clinic, capsys: pytest.CaptureFixture[str]) -> None:
    plan_id = imported(capsys, clinic)
    assert len(plan_id) == 32
    shown = json_of(capsys, "plan", "show", "--client", clinic.client)
    assert shown["id"] == plan_id and shown["version"] == 1 and shown["status"] == "draft"
    assert shown["signed_on"] is None and shown["next_review"] is None
    objective = shown["problems"][0]["goals"][0]["objectives"][0]
    assert objective["id"] == "gad7" and objective["progress"] == []
    r = run(capsys, "plan", "sign", "--client", clinic.client)
    assert r.code == 0, r.err
    assert "Next review by " + day(90) in r.err
    shown = json_of(capsys, "plan", "show", "--client", clinic.client)
    assert shown["status"] == "signed" and shown["signed_on"] == day(0)
    assert shown["next_review"] == day(90)
    r = run(capsys, "plan", "show", "--client", clinic.client)
    assert r.code == 0
    assert "Signed on" in r.out and "GAD-7 below 10 twice in a row." in r.out
    assert f"Next review: {day(90)}" in r.out and "Client acknowledgement" in r.out
    # Signing again is refused; nothing changed.
    r = run(capsys, "plan", "sign", "--client", clinic.client)
    assert r.code == 2 and "already signed" in r.err


def test_show_json_can_be_imported_again(
    clinic: Clinic, capsys: pytest.CaptureFixture[str]
) -> None:
    signed(capsys, clinic)
    shown = json_of(capsys, "plan", "show", "--client", clinic.client)
    shown["frequency"] = "every other week"
    r = run(capsys, "plan", "import", "--client", clinic.client, clinic.write("again.json", shown))
    assert r.code == 0, r.err
    versions = json_of(capsys, "plan", "versions", "--client", clinic.client)
    assert [(v["version"], v["status"]) for v in versions] == [(1, "signed"), (2, "draft")]


def test_malformed_file_exit_2_with_path_and_nothing_stored(
    clinic: Clinic, capsys: pytest.CaptureFixture[str]
) -> None:
    data = plan_json()
    data["problems"][0]["goals"][0]["objectives"][1]["target_date"] = "next month"
    r = run(capsys, "plan", "import", "--client", clinic.client, clinic.write("bad.json", data))
    assert r.code == 2 and r.out == ""
    assert "problems[0].goals[0].objectives[1].target_date: must be a date" in r.err
    bad = clinic.tmp / "broken.json"
    bad.write_text("{not json", encoding="utf-8")
    r = run(capsys, "plan", "import", "--client", clinic.client, str(bad))
    assert r.code == 2 and "not valid JSON (line 1" in r.err
    r = run(capsys, "plan", "import", "--client", clinic.client, str(clinic.tmp / "missing.json"))
    assert r.code == 2
    r = run(capsys, "plan", "versions", "--client", clinic.client, "--json")
    assert json.loads(r.out) == []
    r = run(capsys, "plan", "show", "--client", clinic.client)
    assert r.code == 2 and "no treatment plan" in r.err


def test_sign_exit_2_with_reasons(clinic: Clinic, capsys: pytest.CaptureFixture[str]) -> None:
    imported(capsys, clinic, valid_until=None)
    r = run(capsys, "plan", "sign", "--client", clinic.client)
    assert r.code == 2 and "set the dates the plan is valid" in r.err
    assert json_of(capsys, "plan", "show", "--client", clinic.client)["status"] == "draft"


def test_revise_versions_and_show_version(
    clinic: Clinic, capsys: pytest.CaptureFixture[str]
) -> None:
    v1 = signed(capsys, clinic)
    r = run(capsys, "plan", "revise", "--client", clinic.client)
    assert r.code == 0
    v2 = r.out.strip()
    assert v2 != v1
    assert run(capsys, "plan", "revise", "--client", clinic.client).out.strip() == v2
    assert run(capsys, "plan", "sign", "--client", clinic.client).code == 0
    versions = json_of(capsys, "plan", "versions", "--client", clinic.client)
    assert [(v["id"], v["status"]) for v in versions] == [(v1, "superseded"), (v2, "signed")]
    old = json_of(capsys, "plan", "show", "--client", clinic.client, "--version", "1")
    assert old["id"] == v1 and old["status"] == "superseded"
    r = run(capsys, "plan", "versions", "--client", clinic.client)
    assert "superseded" in r.out and v2 in r.out
    assert run(capsys, "plan", "show", "--client", clinic.client, "--version", "9").code == 2


def test_acknowledge_draft_and_signed(clinic: Clinic, capsys: pytest.CaptureFixture[str]) -> None:
    plan_id = imported(capsys, clinic)
    r = run(
        capsys,
        "plan",
        "acknowledge",
        "--client",
        clinic.client,
        "--method",
        "signed on paper",
        "--date",
        day(-1),
    )
    assert r.code == 0 and r.out.strip() == plan_id
    assert run(capsys, "plan", "sign", "--client", clinic.client).code == 0
    r = run(
        capsys,
        "plan",
        "acknowledge",
        "--client",
        clinic.client,
        "--method",
        "refused",
        "--note",
        "Will think about it.",
    )
    assert r.code == 0 and r.out.strip() != plan_id
    acks = json_of(capsys, "plan", "show", "--client", clinic.client)["acknowledgements"]
    assert [(a["method"], a["on"]) for a in acks] == [
        ("signed on paper", day(-1)),
        ("refused", day(0)),
    ]
    assert acks[1]["note"] == "Will think about it."
    r = run(capsys, "plan", "acknowledge", "--client", clinic.client, "--method", "nodded")
    assert r.code == 2
    r = run(
        capsys,
        "plan",
        "acknowledge",
        "--client",
        clinic.client,
        "--method",
        "verbal",
        "--date",
        day(3),
    )
    assert r.code == 2 and "future" in r.err


def test_rate_review_and_progress(clinic: Clinic, capsys: pytest.CaptureFixture[str]) -> None:
    signed(capsys, clinic)
    note_id = draft_note(capsys, clinic)
    check = json_of(capsys, "note", "check", note_id)
    assert "plan_goal_progress" in {i["rule"] for i in check["items"]}
    r = run(
        capsys, "note", "rate", note_id,
        "--objective", "gad7", "--rating", "some progress", "--comment", "GAD-7 down to 12",
        "--objective", "1.1.2", "--rating", "no change", "--comment", "",
    )  # fmt: skip
    assert r.code == 0, r.err
    # Rating one objective again keeps the other.
    r = run(
        capsys, "note", "rate", note_id, "--objective", "gad7", "--rating", "significant progress"
    )
    assert r.code == 0, r.err
    shown = json_of(capsys, "note", "show", note_id)
    assert {(g["objective_id"], g["rating"]) for g in shown["goal_progress"]} == {
        ("gad7", "significant progress"),
        ("breathing", "no change"),
    }
    check = json_of(capsys, "note", "check", note_id)
    assert "plan_goal_progress" not in {i["rule"] for i in check["items"]}
    assert run(capsys, "note", "sign", note_id).code == 0
    r = run(capsys, "note", "rate", note_id, "--objective", "gad7", "--rating", "met")
    assert r.code == 2 and "signed" in r.err
    plan = json_of(capsys, "plan", "show", "--client", clinic.client)
    objectives = plan["problems"][0]["goals"][0]["objectives"]
    assert [p["rating"] for p in objectives[0]["progress"]] == ["significant progress"]
    assert objectives[0]["progress"][0]["note_id"] == note_id
    r = run(capsys, "plan", "review", "--client", clinic.client)
    assert r.code == 0, r.err
    assert len(r.out.strip()) == 32
    assert json_of(capsys, "plan", "show", "--client", clinic.client)["last_review"] == day(0)
    r = run(
        capsys, "plan", "review", "--client", clinic.client, "--summary", "Continue as written."
    )
    assert r.code == 0


def test_rate_usage_errors(clinic: Clinic, capsys: pytest.CaptureFixture[str]) -> None:
    signed(capsys, clinic)
    note_id = draft_note(capsys, clinic)
    assert run(capsys, "note", "rate", note_id).code == 2
    assert run(capsys, "note", "rate", note_id, "--objective", "gad7").code == 2
    r = run(capsys, "note", "rate", note_id, "--objective", "nope", "--rating", "met")
    assert r.code == 2 and "not in the client's plan" in r.err
    assert (
        run(capsys, "note", "rate", note_id, "--objective", "gad7", "--rating", "great").code == 2
    )
    ratings = clinic.write(
        "r.json", [{"objective_id": "breathing", "rating": "regressed", "comment": "missed"}]
    )
    assert run(capsys, "note", "rate", note_id, "--file", ratings).code == 0
    shown = json_of(capsys, "note", "show", note_id)
    assert shown["goal_progress"][0]["comment"] == "missed"
    bad = clinic.write("bad.json", {"objective_id": "gad7"})
    assert run(capsys, "note", "rate", note_id, "--file", bad).code == 2


def test_export_signed_plan_verifies(clinic: Clinic, capsys: pytest.CaptureFixture[str]) -> None:
    imported(capsys, clinic)
    out = clinic.tmp / "plan.docx"
    r = run(capsys, "plan", "export", "--client", clinic.client, "--out", str(out))
    assert r.code == 2 and not out.exists()  # no signed plan yet
    assert run(capsys, "plan", "sign", "--client", clinic.client).code == 0
    r = run(capsys, "plan", "export", "--client", clinic.client, "--out", str(out))
    assert r.code == 0, r.err
    assert verify_docx(out).ok
    assert run(capsys, "verify", str(out)).code == 0
    r = run(capsys, "plan", "export", "--client", clinic.client, "--out", str(out))
    assert r.code == 2 and "exists already" in r.err


def test_library_listing(clinic: Clinic, capsys: pytest.CaptureFixture[str]) -> None:
    groups = json_of(capsys, "plan", "library")
    assert {g["id"] for g in groups} >= {"depression", "anxiety", "trauma"}
    r = run(capsys, "plan", "library", "--group", "anxiety")
    assert r.code == 0 and "[0]" in r.out and "Objectives:" in r.out
    assert run(capsys, "plan", "library", "--group", "astrology").code == 2


def test_bad_input_is_one_line_in_a_process(clinic: Clinic, tmp_path: Path) -> None:
    bad = tmp_path / "p.json"
    bad.write_text(json.dumps(plan_json(service_type="couples")), encoding="utf-8")
    env = {"NOTEAPP_VAULT": str(clinic.vault), "NOTEAPP_PASSPHRASE": PASS}
    proc = noteapp("plan", "import", "--client", clinic.client, str(bad), env=env)
    assert_clean_failure(proc, 2)
    assert "service_type: must be individual, group or family" in proc.stderr
    proc = noteapp(
        "plan",
        "show",
        "--client",
        clinic.client,
        env={**env, "NOTEAPP_PASSPHRASE": "wrong passphrase!"},
    )
    assert_clean_failure(proc, 3)
