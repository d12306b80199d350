"""The case-management commands end to end (docs/cli.md): contact, release, referral,
medication, note --adherence and incident — ids on their own line, the --json shapes of the
contract, exit 2 with nothing changed for bad input, exported letters and reports that
`noteapp verify` accepts (exit 0) and rejects once edited (exit 1)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import docx
import pytest

from tests.core.helpers import init_vault, json_of, run

TODAY = date.today()


@pytest.fixture
def v(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> list[str]:
    vault = init_vault(capsys, tmp_path / "v.noteapp", monkeypatch)
    assert (
        run(
            capsys, *vault, "profile", "set", "--name", "Dana Whitfield", "--credentials", "LCSW"
        ).code
        == 0
    )
    return vault


def new_id(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    r = run(capsys, *argv)
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert len(lines) == 1 and len(lines[0]) == 32  # the id alone on its own line
    return lines[0]


def client(capsys: pytest.CaptureFixture[str], v: list[str]) -> str:
    return new_id(capsys, *v, "client", "add", "--name", "Jordan Avery", "--dob", "1990-04-12")


def test_contacts_round_trip(v: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    c = client(capsys, v)
    sister = new_id(
        capsys, *v, "contact", "add", "--client", c, "--name", "Sam Avery", "--role", "sister",
        "--category", "family", "--phone", "555-0101", "--emergency",
    )  # fmt: skip
    pcp = new_id(
        capsys, *v, "contact", "add", "--client", "C0001", "--name", "Dr. Casey Lin", "--role",
        "primary care physician", "--organization", "Riverside", "--email", "lin@example.org",
    )  # fmt: skip
    listed = json_of(capsys, *v, "contact", "list", "--client", c)
    assert [(x["id"], x["emergency"]) for x in listed] == [(sister, True), (pcp, False)]
    assert listed[1]["organization"] == "Riverside" and listed[1]["release"] is None
    assert run(capsys, *v, "contact", "edit", pcp[:8], "--emergency").code == 0
    shown = json_of(capsys, *v, "client", "show", c)
    assert shown["emergency_contact"]["name"] == "Dr. Casey Lin"  # the contract's shape
    text = run(capsys, *v, "contact", "list", "--client", c).out
    assert "EMERGENCY other  Dr. Casey Lin" in text
    assert run(capsys, *v, "contact", "remove", sister).code == 0
    assert [x["id"] for x in json_of(capsys, *v, "contact", "list", "--client", c)] == [pcp]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--email", "not-an-address"], "e-mail address"),
        (["--category", "cousin"], "invalid choice"),
        (["--name", ""], "name is required"),
    ],
)
def test_bad_contacts_exit_2_and_change_nothing(
    v: list[str], capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    c = client(capsys, v)
    base = ["contact", "add", "--client", c, "--name", "Sam", "--role", "sister"]
    r = run(capsys, *v, *base, *argv)
    assert r.code == 2 and message in r.err and "Traceback" not in r.err
    assert json_of(capsys, *v, "contact", "list", "--client", c) == []
    assert run(capsys, *v, "contact", "edit", "0" * 32, "--name", "X").code == 2
    assert run(capsys, *v, "contact", "list", "--client", "C9999").code == 2


def test_releases_round_trip(v: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    c = client(capsys, v)
    k = new_id(capsys, *v, "contact", "add", "--client", c, "--name", "Dr. Lin", "--role", "PCP")
    signed = (TODAY - timedelta(days=100)).isoformat()
    current = new_id(
        capsys, *v, "release", "add", "--client", c, "--contact", k, "--information",
        "diagnosis", "--purpose", "care", "--signed", signed,
        "--expires", (TODAY + timedelta(days=200)).isoformat(),
    )  # fmt: skip
    expired = new_id(
        capsys, *v, "release", "add", "--client", c, "--contact", k, "--information",
        "attendance", "--purpose", "school", "--signed", signed,
        "--expires", (TODAY - timedelta(days=1)).isoformat(),
    )  # fmt: skip
    event = new_id(
        capsys, *v, "release", "add", "--client", c, "--contact", k, "--information", "all",
        "--purpose", "court", "--signed", signed, "--expires-event", "end of the court case",
    )  # fmt: skip
    r = run(
        capsys, *v, "release", "revoke", event, "--date", TODAY.isoformat(), "--reason",
        "Client withdrew consent.",
    )  # fmt: skip
    assert r.code == 0
    listed = {x["id"]: x for x in json_of(capsys, *v, "release", "list", "--client", c)}
    assert {i: x["status"] for i, x in listed.items()} == {
        current: "current",
        expired: "expired",
        event: "revoked",
    }
    assert {"id", "contact", "expires", "status"} <= set(listed[current])
    assert listed[current]["contact"] == k
    assert json_of(capsys, *v, "contact", "list", "--client", c)[0]["release"] == current


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--signed", "yesterday", "--expires", "2030-01-01"], "must be a date"),
        (["--signed", "2025-01-01"], "expiry date or an expiry event"),
        (["--signed", "2025-01-01", "--expires", "2024-12-31"], "expires before"),
        (["--signed", "2099-01-01", "--expires", "2099-12-31"], "future"),
    ],
)
def test_bad_releases_exit_2(
    v: list[str], capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    c = client(capsys, v)
    k = new_id(capsys, *v, "contact", "add", "--client", c, "--name", "Dr. Lin", "--role", "PCP")
    base = ["release", "add", "--client", c, "--contact", k, "--information", "x", "--purpose", "y"]
    r = run(capsys, *v, *base, *argv)
    assert r.code == 2 and message in r.err
    assert json_of(capsys, *v, "release", "list", "--client", c) == []


def test_referrals_round_trip_and_the_letter_verifies(
    v: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    c = client(capsys, v)
    k = new_id(
        capsys, *v, "contact", "add", "--client", c, "--name", "Dr. Casey Lin", "--role", "PCP",
        "--organization", "Riverside Family Medicine",
    )  # fmt: skip
    sent = (TODAY - timedelta(days=10)).isoformat()
    letter = new_id(
        capsys, *v, "referral", "add", "--client", c, "--contact", k, "--reason",
        "Medication evaluation.", "--sent", sent,
        "--follow-up", (TODAY - timedelta(days=1)).isoformat(),
    )  # fmt: skip
    group = new_id(
        capsys, *v, "referral", "add", "--client", c, "--to", "Intake coordinator",
        "--organization", "Peer Support Network", "--reason", "Peer group.", "--sent", sent,
    )  # fmt: skip
    overdue = json_of(capsys, *v, "referral", "list", "--overdue")
    assert [(r["id"], r["client"], r["status"]) for r in overdue] == [(letter, c, "sent")]
    assert {"id", "client", "status", "follow_up"} <= set(overdue[0])
    r = run(
        capsys, *v, "referral", "update", group, "--status", "declined", "--date",
        TODAY.isoformat(), "--note", "Not now.",
    )  # fmt: skip
    assert r.code == 0
    assert [x["id"] for x in json_of(capsys, *v, "referral", "list", "--open")] == [letter]
    shown = json_of(capsys, *v, "referral", "show", group)
    assert [h["status"] for h in shown["history"]] == ["sent", "declined"]
    out = tmp_path / "letter.docx"
    assert run(capsys, *v, "referral", "export", letter, "--out", str(out)).code == 0
    assert run(capsys, *v, "verify", str(out)).code == 0
    assert json_of(capsys, *v, "referral", "show", letter)["letter_signed"] is True
    d = docx.Document(str(out))
    para = next(p for p in d.paragraphs if "Medication evaluation" in p.text)
    para.runs[0].text = "Please admit the client."
    d.save(str(tmp_path / "edited.docx"))
    assert run(capsys, *v, "verify", str(tmp_path / "edited.docx")).code == 1
    assert run(capsys, *v, "referral", "export", letter, "--out", str(out)).code == 2  # exists


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--to", "A", "--contact", "0" * 32], "not allowed with"),
        (["--organization", "X"], "one of the arguments --contact --to is required"),
        (["--to", "A", "--sent", "2099-01-01"], "future"),
        (["--to", "A", "--follow-up", "03/04/2026"], "must be a date"),
    ],
)
def test_bad_referrals_exit_2(
    v: list[str], capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    c = client(capsys, v)
    r = run(capsys, *v, "referral", "add", "--client", c, "--reason", "x", *argv)
    assert r.code == 2 and message in r.err
    assert json_of(capsys, *v, "referral", "list") == []
    assert run(capsys, *v, "referral", "update", "0" * 32, "--status", "closed").code == 2
    assert run(capsys, *v, "referral", "update", "0" * 32, "--status", "lost").code == 2


def test_medications_and_adherence_in_notes(
    v: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    c = client(capsys, v)
    med = new_id(
        capsys, *v, "medication", "add", "--client", c, "--name", "Sertraline", "--dose",
        "50 mg", "--schedule", "once daily", "--start", (TODAY - timedelta(days=30)).isoformat(),
    )  # fmt: skip
    other = new_id(capsys, *v, "medication", "add", "--client", c, "--name", "Buspirone")
    note = new_id(
        capsys, *v, "note", "new", "--client", c, "--template", "soap",
        "--adherence", f"{med[:8]}=partial:mild nausea", "--adherence", f"{other}=missed",
    )  # fmt: skip
    shown = json_of(capsys, *v, "note", "show", note)
    assert [(a["medication"], a["status"]) for a in shown["adherence"]] == [
        (med, "partial"),
        (other, "missed"),
    ]
    assert shown["adherence"][0]["side_effects"] == "mild nausea"
    assert run(capsys, *v, "note", "edit", note, "--adherence", f"{other}=as-prescribed").code == 0
    shown = json_of(capsys, *v, "note", "show", note)
    assert [a["status"] for a in shown["adherence"]] == ["partial", "as-prescribed"]
    assert "Medication adherence" in run(capsys, *v, "note", "show", note).out
    r = run(capsys, *v, "medication", "stop", other, "--date", TODAY.isoformat(), "--reason", "x")
    assert r.code == 0
    listed = json_of(capsys, *v, "medication", "list", "--client", c)
    assert [(m["name"], m["current"]) for m in listed] == [
        ("Sertraline", True),
        ("Buspirone", True),
    ]
    assert listed[1]["stop"] == TODAY.isoformat()


@pytest.mark.parametrize("value", ["nonsense", "=partial", "abc=partial", "SERTRALINE=sometimes"])
def test_bad_adherence_exits_2_and_writes_no_note(
    v: list[str], capsys: pytest.CaptureFixture[str], value: str
) -> None:
    c = client(capsys, v)
    med = new_id(capsys, *v, "medication", "add", "--client", c, "--name", "Sertraline")
    value = value.replace("SERTRALINE", med)
    r = run(capsys, *v, "note", "new", "--client", c, "--template", "soap", "--adherence", value)
    assert r.code == 2 and "Traceback" not in r.err
    assert json_of(capsys, *v, "note", "list") == []


def test_incidents_round_trip(
    v: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    c = client(capsys, v)
    fields = tmp_path / "fields.json"
    occurred = (TODAY - timedelta(days=3)).isoformat() + " 14:30"
    fields.write_text(
        json.dumps(
            {
                "occurred_at": occurred,
                "place": "Group room",
                "what_happened": "A chair was thrown; nobody was hit.",
                "immediate_actions": "De-escalated.",
                "people": [{"role": "staff", "name": "J. Park"}],
            }
        ),
        encoding="utf-8",
    )
    report = new_id(
        capsys, *v, "incident", "new", "--type", "aggression", "--fields", str(fields),
        "--client", c,
    )  # fmt: skip
    listed = json_of(capsys, *v, "incident", "list", "--overdue")
    assert [(i["id"], i["status"], i["overdue"]) for i in listed] == [(report, "draft", True)]
    assert json_of(capsys, *v, "incident", "list", "--client", c)[0]["reference"] == (
        f"IR-{TODAY.year}-001"
    )
    assert run(capsys, *v, "incident", "edit", report, "--type", "property").code == 0
    assert run(capsys, *v, "incident", "sign", report).code == 0
    r = run(capsys, *v, "incident", "edit", report, "--type", "fall")
    assert r.code == 2 and "signed" in r.err
    r = run(capsys, *v, "incident", "notify", report, "--to", "Director", "--how", "phone")
    assert r.code == 0
    shown = json_of(capsys, *v, "incident", "show", report)
    assert shown["status"] == "signed" and shown["type"] == "property"
    assert [n["to"] for n in shown["notifications"]] == ["Director"] and not shown["overdue"]
    out = tmp_path / "report.docx"
    assert run(capsys, *v, "incident", "export", report, "--out", str(out)).code == 0
    verified = json_of(capsys, *v, "verify", str(out))
    assert verified["ok"] and verified["notes"][0]["reference"] == f"IR-{TODAY.year}-001"


def test_bad_incidents_exit_2(
    v: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"occurred_at": "2026-01-01 10:00", "weather": "rain"}', encoding="utf-8")
    for argv, message in (
        (["new", "--type", "earthquake"], "No incident type"),
        (["new", "--type", "fall", "--fields", str(bad)], "Unknown incident field"),
        (["new", "--type", "fall", "--client", "C9999"], "No client"),
        (["edit", "IR-2020-001", "--type", "fall"], "No incident report"),
        (["show", "0" * 32], "No incident report"),
    ):
        r = run(capsys, *v, "incident", *argv)
        assert r.code == 2 and message in r.err, (argv, r.err)
    assert json_of(capsys, *v, "incident", "list") == []
    draft = new_id(capsys, *v, "incident", "new", "--type", "fall")
    r = run(capsys, *v, "incident", "export", draft, "--out", str(tmp_path / "d.docx"))
    assert r.code == 2 and "draft" in r.err
    r = run(capsys, *v, "incident", "sign", draft)
    assert r.code == 2 and "Say where it happened" in r.err


def test_record_text_is_shown_harmlessly(v: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    c = client(capsys, v)
    hostile = "Sam\x1b[2J\u202eAvery"
    new_id(capsys, *v, "contact", "add", "--client", c, "--name", hostile, "--role", "sister")
    out = run(capsys, *v, "contact", "list", "--client", c).out
    assert "\x1b" not in out and "\u202e" not in out and "\\x1b" in out
    raw = run(capsys, *v, "contact", "list", "--client", c, "--json").out
    assert "\x1b" not in raw and json.loads(raw)[0]["name"] == hostile
