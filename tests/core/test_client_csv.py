"""`noteapp client list --csv` and `client import --csv [--check]`: documented columns, every
row's problems by row number, nothing written when any row is bad, formula-safe cells."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from noteapp.services.client_csv import COLUMNS
from tests.core.helpers import init_vault, json_of, run


def write_csv(path: Path, rows: list[dict[str, str]], columns: tuple[str, ...] = COLUMNS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_list_then_import_gives_the_same_clients(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    src = init_vault(capsys, tmp_path / "a.noteapp", monkeypatch)
    assert run(capsys, *src, "demo", "--clients", "7", "--notes", "0").code == 0
    tricky = [
        "client", "add", "--name", "=HYPERLINK(\"http://x\") Ünïcødé 🙂", "--code", "TR-1",
        "--dob", "1990-04-12", "--phone", "+1 555 0100", "--email", "@example",
        "--address", "1 Main St\nFlat 2", "--pronouns=-they/them",
        "--emergency-name", "'quoted", "--diagnosis", "F41.1:Anxiety; with a semicolon",
        "F32.1",
    ]  # fmt: skip
    assert run(capsys, *src, *tricky).code == 0, "tricky client"
    listed = run(capsys, *src, "client", "list", "--csv")
    assert listed.code == 0
    rows = list(csv.reader(io.StringIO(listed.out)))
    assert tuple(rows[0]) == COLUMNS
    # Cells a spreadsheet would evaluate start with an apostrophe.
    trick = next(r for r in rows if r[1] == "TR-1")
    cells = dict(zip(COLUMNS, trick, strict=True))
    assert cells["name"].startswith("'=")
    assert cells["phone"] == "'+1 555 0100"
    assert cells["email"] == "'@example"
    assert cells["pronouns"] == "'-they/them"
    assert cells["emergency_name"] == "''quoted"
    for row in rows[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)

    exported = tmp_path / "clients.csv"
    exported.write_text(listed.out, encoding="utf-8")
    dst = init_vault(capsys, tmp_path / "b.noteapp", monkeypatch)
    r = run(capsys, *dst, "client", "import", "--csv", str(exported))
    assert r.code == 0, r.err
    before = json_of(capsys, *src, "client", "list")
    assert r.out.split() == [c["id"] for c in _in_file_order(before, rows)]
    assert json_of(capsys, *dst, "client", "list") == before
    shown = json_of(capsys, *dst, "client", "show", "TR-1")
    assert shown["name"] == '=HYPERLINK("http://x") Ünïcødé 🙂'
    assert shown["contact"]["address"] == "1 Main St\nFlat 2"
    assert shown["diagnoses"] == [
        {"code": "F41.1", "description": "Anxiety; with a semicolon"},
        {"code": "F32.1", "description": ""},
    ]
    assert any(c["status"] == "discharged" for c in before)
    # Importing the same list again: every code and id is taken, nothing is written.
    again = run(capsys, *dst, "client", "import", "--csv", str(exported))
    assert again.code == 2
    assert "row 2:" in again.err and "already" in again.err
    assert json_of(capsys, *dst, "client", "list") == before


def _in_file_order(clients: list[dict[str, Any]], rows: list[list[str]]) -> list[dict[str, Any]]:
    by_id = {c["id"]: c for c in clients}
    return [by_id[r[0]] for r in rows[1:]]


def test_check_reports_every_row_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    v = init_vault(capsys, tmp_path / "v.noteapp", monkeypatch)
    path = write_csv(
        tmp_path / "in.csv",
        [
            {"name": "Jordan Avery", "dob": "1990-04-12", "diagnoses": "F41.1; F32.1"},
            {"name": "", "code": "has space"},
            {"name": "Riley Quimby", "dob": "12/04/1990", "diagnoses": "XYZ"},
            {"name": "Casey Ellery", "status": "gone"},
            {"name": "Skyler Hartwell", "code": "SH-1", "status": "discharged"},
            {"name": "Sage Ellery", "code": "SH-1"},
        ],
    )
    for extra in (["--check"], []):
        r = run(capsys, *v, "client", "import", "--csv", str(path), *extra)
        assert r.code == 2
        assert r.out == ""
        lines = r.err.splitlines()
        assert any(line.strip().startswith("row 3: name") for line in lines)
        assert any(line.strip().startswith("row 3: code") for line in lines)
        assert any(line.strip().startswith("row 4: dob") for line in lines)
        assert any(line.strip().startswith("row 4: diagnoses") for line in lines)
        assert any(line.strip().startswith("row 5: status") for line in lines)
        assert any("row 6: a discharged client needs discharged_on" in line for line in lines)
        assert any("row 7: the client code 'SH-1' is already used" in line for line in lines)
        assert not any("row 2" in line for line in lines)
        assert "nothing was imported" in r.err
        assert json_of(capsys, *v, "client", "list") == []

    good = write_csv(
        tmp_path / "good.csv", [{"name": "Jordan Avery", "code": "JA"}], ("name", "code")
    )
    r = run(capsys, *v, "client", "import", "--csv", str(good), "--check")
    assert r.code == 0, r.err
    assert "1 row(s) checked" in r.err
    assert json_of(capsys, *v, "client", "list") == []  # --check writes nothing
    r = run(capsys, *v, "client", "import", "--csv", str(good))
    assert r.code == 0
    assert [c["code"] for c in json_of(capsys, *v, "client", "list")] == ["JA"]
    assert r.out.strip() == json_of(capsys, *v, "client", "list")[0]["id"]


def test_bad_files_get_a_clear_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    v = init_vault(capsys, tmp_path / "v.noteapp", monkeypatch)
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("name,ssn\nJordan Avery,123\n", encoding="utf-8")
    r = run(capsys, *v, "client", "import", "--csv", str(unknown))
    assert r.code == 2 and "row 1: unknown column 'ssn'" in r.err
    latin = tmp_path / "latin.csv"
    latin.write_bytes("name\nJos\xe9 Avery\n".encode("latin-1"))
    r = run(capsys, *v, "client", "import", "--csv", str(latin))
    assert r.code == 2 and "not UTF-8" in r.err
    bom = tmp_path / "bom.csv"
    bom.write_bytes("\ufeffname,code\nJordan Avery,JA\n".encode())
    assert run(capsys, *v, "client", "import", "--csv", str(bom)).code == 0
    missing = run(capsys, *v, "client", "import", "--csv", str(tmp_path / "nope.csv"))
    assert missing.code == 2 and "Traceback" not in missing.err
