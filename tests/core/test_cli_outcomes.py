"""`noteapp report outcomes` through the CLI on a small synthetic caseload: the JSON fields of
the contract with hand-computed values, the de-identified CSV (no names, dates of birth,
codes or exact dates; a new random key per report), the Word report with its charts, and
refusals (existing files, bad dates) that change nothing."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest

from tests.core.test_cli_records import json_of, run, vault

__all__ = ["vault"]

FIELDS = {
    "instrument",
    "clients_measured",
    "clients_with_two_or_more",
    "baseline_mean",
    "latest_mean",
    "mean_change",
    "response_rate",
    "remission_rate",
    "reliable_improvement_rate",
    "reliable_deterioration_rate",
    "measurement_rate",
}
PERIOD = ("--from", "2025-01-01", "--to", "2025-06-30")


@pytest.fixture
def caseload(vault: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """Three clients: Avery 18 → 8, Blake 10 → 10, Casey one score; all PHQ-9."""
    ids = {}
    for name, code, dob, dx in (
        ("Avery Quill", "AQ01", "1980-02-03", "F32.1"),
        ("Blake Rowan", "BR02", "1975-06-07", "F41.1"),
        ("Casey Stone", "CS03", "1990-09-10", "F32.1"),
    ):
        argv = ["--admitted", "2024-12-01", "--name", name, "--code", code, "--dob", dob]
        r = run(capsys, "client", "add", *argv, "--diagnosis", dx)
        assert r.code == 0, r.err
        ids[name] = r.out.strip()

    def give(name: str, day: str, answers: str) -> None:
        r = run(capsys, "measure", "add", "--client", ids[name], "--instrument", "phq9",
                "--answers", answers, "--date", day)  # fmt: skip
        assert r.code == 0, r.err

    give("Avery Quill", "2025-01-20", "2,2,2,2,2,2,2,2,2")  # 18
    give("Avery Quill", "2025-06-10", "1,1,1,1,1,1,1,1,0")  # 8
    give("Blake Rowan", "2025-02-01", "2,2,2,2,2,0,0,0,0")  # 10
    give("Blake Rowan", "2025-04-01", "2,2,2,2,2,0,0,0,0")  # 10
    give("Casey Stone", "2025-03-15", "1,1,1,1,1,1,1,0,0")  # 7
    give("Casey Stone", "2025-08-01", "0,0,0,0,0,0,0,0,0")  # after the period
    return ids


def test_json_has_the_contract_fields_with_hand_computed_values(
    caseload: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    rows = json_of(capsys, "report", "outcomes", *PERIOD)
    assert [r["instrument"] for r in rows] == ["phq9"]
    phq = rows[0]
    assert set(phq) >= FIELDS
    assert (phq["clients_measured"], phq["clients_with_two_or_more"]) == (3, 2)
    assert (phq["baseline_mean"], phq["latest_mean"], phq["mean_change"]) == (14.0, 9.0, -5.0)
    assert phq["response_rate"] == 0.5  # Avery 18 → 8 (≥ 50 %)
    assert phq["remission_rate"] == 0.0  # 8 and 10 are not below 5
    assert phq["reliable_improvement_rate"] == 0.5  # Avery −10 ≥ 6
    assert phq["reliable_deterioration_rate"] == 0.0
    assert phq["measurement_rate"] == pytest.approx(1 / 3, abs=1e-4)  # Avery (10 June)
    groups = {g["group"]: g for g in phq["by_diagnosis_group"]}
    assert groups["F30–F39 Mood (affective) disorders"]["clients_measured"] == 2
    assert phq["by_clinician"] is None
    only = json_of(capsys, "report", "outcomes", *PERIOD, "--instrument", "PHQ9")
    assert [r["instrument"] for r in only] == ["phq9"]
    dass = json_of(capsys, "report", "outcomes", *PERIOD, "--instrument", "dass21")
    assert [r["instrument"] for r in dass] == [
        "dass21/depression",
        "dass21/anxiety",
        "dass21/stress",
    ]
    assert all(r["clients_measured"] == 0 and r["response_rate"] is None for r in dass)


def test_csv_is_de_identified_and_keys_are_new_each_time(
    caseload: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    assert run(capsys, "report", "outcomes", *PERIOD, "--csv", str(first)).code == 0
    assert run(capsys, "report", "outcomes", *PERIOD, "--csv", str(second)).code == 0
    text = first.read_text("utf-8")
    for secret in ("Avery", "Quill", "Blake", "Casey", "AQ01", "BR02", "CS03", "1980-02-03",
                   "2025-01-20", "2025-06-10", *caseload.values()):  # fmt: skip
        assert secret not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 3 and {r["outcome"] for r in rows} == {"PHQ-9"}
    months = sorted((r["baseline_month"], r["latest_month"], r["change"]) for r in rows)
    assert months == [("2025-01", "2025-06", "-10"), ("2025-02", "2025-04", "0"),
                      ("2025-03", "2025-03", "")]  # fmt: skip
    keys_a = {r["report_key"] for r in rows}
    keys_b = {r["report_key"] for r in csv.DictReader(io.StringIO(second.read_text("utf-8")))}
    assert len(keys_a) == 3 and not keys_a & keys_b
    assert first.stat().st_mode & 0o077 == 0  # owner-only, like every export


def test_word_report_embeds_the_charts(
    caseload: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.docx"
    r = run(capsys, "report", "outcomes", *PERIOD, "--docx", str(out))
    assert r.code == 0, r.err
    with zipfile.ZipFile(out) as z:
        images = [n for n in z.namelist() if n.startswith("word/media/")]
        body = z.read("word/document.xml").decode("utf-8")
        core = z.read("docProps/core.xml").decode("utf-8")
    assert len(images) == 3  # measurement rate, change histogram, over time
    assert all(z_name.endswith(".png") for z_name in images)
    assert "PHQ-9" in body and "Avery" not in body and "AQ01" not in body
    assert 'descr="PHQ-9: change from baseline to latest for 2 clients' in body
    assert "python-docx" not in core
    audit = json_of(capsys, "audit", "list")
    assert "report-docx" in {e["action"] for e in audit}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--from", "2025-07-01", "--to", "2025-06-30"], "after its end"),
        (["--to", "2999-01-01"], "after today"),
        (["--from", "July"], "date like"),
        (["--instrument", "nope"], "No instrument 'nope'"),
        (["--instrument", "auditc-x"], "No instrument"),
    ],
)
def test_bad_input_exits_2(
    caseload: dict[str, str], capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    r = run(capsys, "report", "outcomes", *argv)
    assert r.code == 2 and message in r.err and r.out == ""


def test_existing_files_are_never_overwritten(
    caseload: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    taken = tmp_path / "taken.csv"
    taken.write_text("mine", encoding="utf-8")
    r = run(capsys, "report", "outcomes", "--csv", str(taken))
    assert r.code == 2 and "exists already" in r.err and taken.read_text("utf-8") == "mine"
    text = run(capsys, "report", "outcomes", *PERIOD)
    assert text.code == 0 and "PHQ-9" in text.out and "RESPONSE" in text.out
    assert json.loads(run(capsys, "report", "outcomes", "--from", "2020-01-01", "--to",
                          "2020-01-31", "--json").out) == []  # fmt: skip
