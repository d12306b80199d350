"""A 1,000-note chart export: written, read back line for line, every note listed and signed.

Built directly as an ExportJob (synthetic notes from tests/export/samples.py); signing 1,000
notes is not what this checks. No timing assertions: it should take a few seconds.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from noteapp.domain.export_model import ExportedNote, ExportJob
from noteapp.export import expected_body_lines, expected_header_lines, read_docx, write_docx
from tests.export import samples

COUNT = 1000
FIRST_DAY = date(2023, 1, 2)


def _note(i: int) -> ExportedNote:
    """Note i: its own date of service, its own note hash, so each one can be found."""
    day = (FIRST_DAY + timedelta(days=i)).isoformat()
    note = samples.signed_note(day, i)
    assert note.signature is not None
    signature = replace(note.signature, content_hash=f"{i:016x}")
    return replace(note, signature=signature)


def _chart() -> ExportJob:
    notes = [_note(i) for i in range(COUNT)]
    last = (FIRST_DAY + timedelta(days=COUNT - 1)).isoformat()
    return replace(
        samples.job(*notes, logo=False),
        chart_title=f"Clinical Record — {FIRST_DAY.isoformat()} to {last}",
    )


def test_a_1000_note_chart_round_trips(tmp_path: Path) -> None:
    job = _chart()
    path = tmp_path / "chart-1000.docx"
    write_docx(job, path)
    assert path.stat().st_mode & 0o777 == 0o600

    result = read_docx(path)
    expected = expected_body_lines(job)
    assert result.body_lines == expected
    assert result.header_lines == expected_header_lines(job)
    assert result.proof == job.proof

    lines = result.body_lines
    start = lines.index("Contents")
    assert lines[start + 1] == "Date of service\tNote\tStatus"
    contents = lines[start + 2 : start + 2 + COUNT]
    assert len(contents) == COUNT
    assert all(line.endswith("\tSOAP Progress Note\tSigned") for line in contents)
    days = [line.split("\t")[0] for line in contents]
    assert days == [(FIRST_DAY + timedelta(days=i)).isoformat() for i in range(COUNT)]
    # The line after the contents is the first note's title, not a 1,001st entry.
    assert lines[start + 2 + COUNT] == f"SOAP Progress Note — {FIRST_DAY.isoformat()}"

    # Every note: its page title, its signature statement and its key/hash line, once each.
    counts: dict[str, int] = {}
    for line in lines:
        counts[line] = counts.get(line, 0) + 1
    for i, note in enumerate(job.notes):
        assert note.signature is not None
        day = (FIRST_DAY + timedelta(days=i)).isoformat()
        assert counts.get(f"SOAP Progress Note — {day}") == 1, day
        assert counts.get(note.signature.statement) == 1, day
        proof_line = f"Key fingerprint: {note.signature.fingerprint} · Note hash: {i:016x}"
        assert counts.get(proof_line) == 1, day
    assert sum(line.startswith("Electronically signed by ") for line in lines) == COUNT
