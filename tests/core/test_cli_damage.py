"""A damaged record is never dropped silently (issue #9, point 7): lists, show, search and
exports from the command line. One flipped bit in a signed note used to make `note list`
omit it, `note show` say there is no such note, and the chart export 10 of 11 notes, exit 0.

Exit 4 (the vault is partly corrupt) whenever output is printed but incomplete; the damaged
record is named on stderr by kind, short id and client code, never by anything it held.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from noteapp.export import read_docx
from noteapp.services.verification import verify_docx
from tests.core.damaging import flip_record
from tests.core.test_cli_records import run, vault
from tests.core.test_cli_signing import Clinic, clinic, days_ago, new_note, signed_note

__all__ = ["clinic", "vault"]  # fixtures: a vault with a profile and one client, C0001
NAME = "Jordan"  # the client's first name: never in a warning


@dataclass
class Chart:
    clinic: Clinic
    signed: list[str]  # oldest first
    draft: str


@pytest.fixture
def chart(clinic: Clinic, capsys: pytest.CaptureFixture[str]) -> Chart:
    signed = [signed_note(capsys, clinic, "--date", days_ago(n)) for n in (3, 2, 1)]
    draft = new_note(capsys, clinic, "--date", days_ago(0))
    return Chart(clinic, signed, draft)


def _docx_lines(path: Path) -> str:
    return "\n".join(read_docx(path).body_lines)


def test_damaged_signed_note_stays_in_the_list(
    chart: Chart, capsys: pytest.CaptureFixture[str]
) -> None:
    damaged = chart.signed[1]
    flip_record(chart.clinic.vault, "note", damaged)

    r = run(capsys, "note", "list", "--json")
    assert r.code == 4
    entries = json.loads(r.out)
    assert len(entries) == 4  # three readable notes and the damaged one
    (entry,) = [e for e in entries if e["damaged"]]
    assert entry["id"] == damaged and entry["status"] == "damaged"
    # Known from its signature record: whose it is, when, which template.
    assert entry["client"] == chart.clinic.client and entry["client_code"] == "C0001"
    assert entry["date"] == days_ago(2) and entry["template"] == "birp"
    assert entry["damage"]["kind"] == "note" and "damaged" in entry["damage"]["problem"]
    assert entry["damage"]["restore_from"]  # a backup taken before holds it
    assert all(e["damaged"] is False for e in entries if e is not entry)
    assert f"note {damaged[:8]} (client C0001)" in r.err
    assert NAME not in r.err

    text = run(capsys, "note", "list", "--client", "C0001")
    assert text.code == 4
    (row,) = [line for line in text.out.splitlines() if damaged in line]
    assert "DAMAGED" in row and days_ago(2) in row and "C0001" in row
    assert "restore the backup of" in text.err


def test_show_of_a_damaged_note_says_so_never_no_such_note(
    chart: Chart, capsys: pytest.CaptureFixture[str]
) -> None:
    damaged = chart.signed[1]
    flip_record(chart.clinic.vault, "note", damaged)

    for key in (damaged, damaged[:10]):
        r = run(capsys, "note", "show", key)
        assert r.code == 4, r.err
        assert f"Note {damaged[:8]} is damaged and cannot be read" in r.err
        assert "No note" not in r.err
        assert r.out.startswith(f"DAMAGED · note {damaged}")
        assert "client C0001" in r.out and days_ago(2) in r.out
    r = run(capsys, "note", "show", damaged, "--json")
    assert r.code == 4
    doc = json.loads(r.out)
    assert doc["damaged"] is True and doc["damage"]["client_code"] == "C0001"
    # Other notes show as before.
    ok = run(capsys, "note", "show", chart.signed[0], "--json")
    assert ok.code == 0 and json.loads(ok.out)["damaged"] == []


def test_chart_with_a_damaged_note_is_complete_from_its_signature_records(
    chart: Chart, capsys: pytest.CaptureFixture[str]
) -> None:
    """The note's own record is damaged, but everything it asserts is signed and intact:
    the chart holds all three signed notes (not two of three), and verifies."""
    flip_record(chart.clinic.vault, "note", chart.signed[1])
    out = chart.clinic.tmp / "chart.docx"
    r = run(capsys, "export", "--client", "C0001", "--out", str(out))
    assert r.code == 0, r.err
    report = verify_docx(out)
    assert report.ok, report.summary
    assert len(report.notes) == 3
    assert f"note {chart.signed[1][:8]}" in r.err  # named all the same
    single = chart.clinic.tmp / "note.docx"
    assert run(capsys, "export", chart.signed[1], "--out", str(single)).code == 0
    assert verify_docx(single).ok


def test_chart_missing_a_damaged_correction_is_refused_or_marked_incomplete(
    chart: Chart, capsys: pytest.CaptureFixture[str]
) -> None:
    note = chart.signed[2]
    r = run(capsys, "note", "addendum", note, "--text", "Called to reschedule.")
    assert r.code == 0, r.err
    addendum = r.out.strip()
    flip_record(chart.clinic.vault, "signed_item", addendum)

    out = chart.clinic.tmp / "chart.docx"
    r = run(capsys, "export", "--client", "C0001", "--out", str(out))
    assert r.code == 4
    assert not out.exists()  # nothing passed off as complete
    assert "would be incomplete" in r.err and f"signature record {addendum[:8]}" in r.err
    assert "--allow-incomplete" in r.err
    assert run(capsys, "export", note, "--out", str(out)).code == 4  # the note alone too
    assert not out.exists()

    r = run(capsys, "export", "--client", "C0001", "--out", str(out), "--allow-incomplete")
    assert r.code == 4  # written, but incomplete
    body = _docx_lines(out)
    assert "INCOMPLETE" in body.splitlines()[1] or "INCOMPLETE" in body[:400]
    assert "What this chart is missing" in body and f"Signature record {addendum[:8]}" in body
    report = verify_docx(out)  # the notice is part of what the file verifies against
    assert report.ok, report.summary

    shown = run(capsys, "note", "show", note)
    assert shown.code == 4
    assert "may be missing a correction" in shown.err
    # The audit log says whose signature record it was: other notes are not affected.
    assert run(capsys, "note", "show", chart.signed[0]).code == 0
    assert f"signature record {addendum[:8]} (of {note[:8]}, client C0001)" in shown.err


def test_damaged_draft_does_not_block_a_chart(
    chart: Chart, capsys: pytest.CaptureFixture[str]
) -> None:
    """Drafts are never in a chart, and with every signature record readable a note without
    one is known to be a draft."""
    flip_record(chart.clinic.vault, "note", chart.draft)
    out = chart.clinic.tmp / "chart.docx"
    r = run(capsys, "export", "--client", "C0001", "--out", str(out))
    assert r.code == 0, r.err
    assert len(verify_docx(out).notes) == 3
    listed = run(capsys, "note", "list", "--status", "signed", "--json")
    assert listed.code == 0  # the damaged draft is not a signed note
    assert run(capsys, "note", "list", "--status", "draft").code == 4


def test_search_says_what_it_could_not_search(
    chart: Chart, capsys: pytest.CaptureFixture[str]
) -> None:
    flip_record(chart.clinic.vault, "note", chart.signed[0])
    r = run(capsys, "search", "anxiety", "--json")
    assert r.code == 4
    hits = json.loads(r.out)
    (gap,) = [h for h in hits if h["damaged"]]
    assert gap["id"] == chart.signed[0] and gap["kind"] == "note"
    text = run(capsys, "search", "anxiety")
    assert text.code == 4 and "could not be searched" in text.err
    assert NAME not in text.err


def test_damaged_client_is_listed_and_shown_as_damaged(
    chart: Chart, capsys: pytest.CaptureFixture[str]
) -> None:
    client = chart.clinic.client
    flip_record(chart.clinic.vault, "client", client)
    r = run(capsys, "client", "list", "--json")
    assert r.code == 4
    (entry,) = json.loads(r.out)
    assert entry["damaged"] is True and entry["id"] == client
    assert entry["code"] == "C0001" and entry["name"] is None  # code from a signed note
    for key in (client, "C0001", "c0001"):
        shown = run(capsys, "client", "show", key)
        assert shown.code == 4 and "is damaged" in shown.err, shown.err
        assert "No client" not in shown.err
    # Its notes are readable and still listed; the missing client code makes it exit 4.
    notes = run(capsys, "note", "list", "--client", client, "--json")
    assert notes.code == 4 and len(json.loads(notes.out)) == 4
    assert NAME not in r.err + notes.err


def test_swapped_rows_are_named_as_such(chart: Chart, capsys: pytest.CaptureFixture[str]) -> None:
    """Rows moved between records are not "damaged": the warning names the real cause."""
    import sqlite3

    first, second = chart.signed[0], chart.signed[1]
    conn = sqlite3.connect(chart.clinic.vault)
    try:
        blobs = {
            i: conn.execute(
                "SELECT blob FROM records WHERE kind='note' AND id=? AND latest=1", (i,)
            ).fetchone()[0]
            for i in (first, second)
        }
        for a, b in ((first, second), (second, first)):
            conn.execute(
                "UPDATE records SET blob=? WHERE kind='note' AND id=? AND latest=1", (blobs[b], a)
            )
        conn.commit()
    finally:
        conn.close()
    r = run(capsys, "note", "show", first)
    assert r.code == 4
    assert f"note {first[:8]} (client C0001) holds another record's data" in r.err
    assert "swapped or replayed" in r.err
