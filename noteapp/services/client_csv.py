"""Client lists as CSV: the documented columns, a strict check of every row, and cells a
spreadsheet would run as formulas neutralised on the way out (docs/archive.md).

A file is checked as a whole and every row's problems are reported with the row number a
spreadsheet shows (the header is row 1); if any row has a problem nothing is imported.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from noteapp.domain.clients import (
    Client,
    ClientStatus,
    Contact,
    Diagnosis,
    EmergencyContact,
    validate_client_code,
    validate_name,
)
from noteapp.domain.errors import InvalidInputError, NoteappError
from noteapp.domain.ids import ClientId, new_id

COLUMNS = (
    "id",
    "code",
    "name",
    "preferred_name",
    "dob",
    "pronouns",
    "phone",
    "email",
    "address",
    "emergency_name",
    "emergency_relationship",
    "emergency_phone",
    "diagnoses",
    "status",
    "admitted_on",
    "discharged_on",
    "discharge_reason",
)
MAX_CSV_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
MAX_CELL = 2000
# A cell starting with one of these is a formula to Excel and LibreOffice (CSV injection);
# on export such cells get a leading apostrophe, which import takes off again.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")
_ID = re.compile(r"^[0-9a-f]{32}$")


def _safe(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _unsafe(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(_FORMULA_START) else cell


def _d(value: date | None) -> str:
    return value.isoformat() if value else ""


def client_row(c: Client) -> list[str]:
    ec = c.emergency_contact
    return [
        c.id,
        c.code,
        c.name,
        c.preferred_name,
        _d(c.dob),
        c.pronouns,
        c.contact.phone,
        c.contact.email,
        c.contact.address,
        ec.name,
        ec.relationship,
        ec.phone,
        "\n".join(f"{d.code}: {d.description}" if d.description else d.code for d in c.diagnoses),
        c.status.value,
        _d(c.admitted_on),
        _d(c.discharged_on),
        c.discharge_reason,
    ]


def clients_to_csv(clients: Iterable[Client]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for c in clients:
        writer.writerow([_safe(cell) for cell in client_row(c)])
    return out.getvalue()


@dataclass(frozen=True)
class CsvCheck:
    """The clients a file would create, or every row's problems (then nothing is created)."""

    clients: tuple[Client, ...] = ()
    problems: tuple[str, ...] = ()
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Row:
    number: int
    cells: dict[str, str]
    problems: list[str] = field(default_factory=list)

    def text(self, column: str) -> str:
        value = self.cells.get(column, "").strip()
        if len(value) > MAX_CELL:
            self.problems.append(f"{column} is too long ({MAX_CELL:,} characters at most)")
            return ""
        return value

    def date(self, column: str, today: date) -> date | None:
        value = self.text(column)
        if not value:
            return None
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            self.problems.append(f"{column} '{value[:20]}' is not a date like 1990-04-12")
            return None
        if parsed > today:
            self.problems.append(f"{column} {value} is in the future")
        return parsed

    def check(self, what: str, fn: Callable[[str], str], value: str) -> str:
        try:
            return fn(value)
        except NoteappError as exc:
            self.problems.append(f"{what}: {str(exc).rstrip('.')}")
            return ""


def read_csv_file(path: Path) -> str:
    """The file's text (UTF-8, with or without the BOM Excel writes), bounded."""
    try:
        with Path(path).open("rb") as handle:
            raw = handle.read(MAX_CSV_BYTES + 1)
    except OSError as exc:
        raise InvalidInputError(f"Cannot read {path}: {exc.strerror or 'unreadable'}.") from None
    if len(raw) > MAX_CSV_BYTES:
        raise InvalidInputError("The CSV file is larger than 20 MB; split it.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInputError(
            "The CSV file is not UTF-8 text: save it as 'CSV UTF-8' and try again."
        ) from None


def _diagnoses(row: _Row) -> tuple[Diagnosis, ...]:
    text = row.text("diagnoses")
    parts = text.splitlines() if "\n" in text else text.split(";")
    out = []
    for part in (p.strip() for p in parts):
        if not part:
            continue
        code, _, description = part.partition(":")
        try:
            out.append(Diagnosis.parse(code, description))
        except NoteappError as exc:
            row.problems.append(f"diagnoses: {str(exc).rstrip('.')}")
    return tuple(out)


def parse_clients_csv(text: str, *, existing: Sequence[Client], today: date) -> CsvCheck:
    """Check every row; the clients to create when no row has a problem."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return CsvCheck(problems=("the file is empty (it needs a header row)",))
    except csv.Error as exc:
        return CsvCheck(problems=(f"row 1: {exc}",))
    columns = [h.strip().lower().lstrip("\ufeff") for h in header]
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown or "name" not in columns or len(set(columns)) != len(columns):
        why = (
            f"unknown column '{unknown[0][:30]}'"
            if unknown
            else "the 'name' column is missing"
            if "name" not in columns
            else "a column appears twice"
        )
        return CsvCheck(problems=(f"row 1: {why}; the columns are: {', '.join(COLUMNS)}",))
    ids: set[str] = {c.id for c in existing}
    taken_codes = {c.code.casefold() for c in existing}
    clients: list[Client] = []
    problems: list[str] = []
    rows: list[_Row] = []
    try:
        for number, cells in enumerate(reader, start=2):
            if len(rows) >= MAX_ROWS:
                return CsvCheck(problems=(f"more than {MAX_ROWS:,} rows; split the file",))
            if not any(cell.strip() for cell in cells):
                continue
            row = _Row(number, {c: _unsafe(v) for c, v in zip(columns, cells, strict=False)})
            if len(cells) > len(columns):
                row.problems.append(f"{len(cells)} cells but {len(columns)} columns")
            rows.append(row)
    except csv.Error as exc:
        return CsvCheck(problems=(f"row {reader.line_num}: {exc}",))
    for row in rows:
        client = _client(row, today, taken_codes, ids, len(existing) + len(clients))
        if client is not None:
            clients.append(client)
        problems += [f"row {row.number}: {p}" for p in row.problems]
    return CsvCheck(tuple(clients) if not problems else (), tuple(problems), len(rows))


def _client(row: _Row, today: date, codes: set[str], ids: set[str], count: int) -> Client | None:
    name = row.check("name", validate_name, row.text("name"))
    record_id = row.text("id").lower() or new_id()
    if not _ID.match(record_id):
        row.problems.append("id must be 32 hexadecimal characters (or empty for a new id)")
    elif record_id in ids:
        row.problems.append("a client with this id already exists")
    code = row.text("code")
    if code:
        code = row.check("code", validate_client_code, code)
    else:  # the next free code, as 'client add' gives
        n = count + 1
        while f"c{n:04d}" in codes:
            n += 1
        code = f"C{n:04d}"
    if code and code.casefold() in codes:
        row.problems.append(f"the client code '{code}' is already used")
    status_text = row.text("status").lower() or "active"
    if status_text not in ("active", "discharged"):
        row.problems.append("status is 'active' or 'discharged'")
    dob, admitted = row.date("dob", today), row.date("admitted_on", today) or today
    discharged = row.date("discharged_on", today)
    if status_text == "discharged" and discharged is None:
        row.problems.append("a discharged client needs discharged_on")
    if discharged and discharged < admitted:
        row.problems.append("discharged_on is before admitted_on")
    if status_text != "discharged" and (discharged or row.text("discharge_reason")):
        row.problems.append("discharged_on and discharge_reason are for discharged clients")
    diagnoses = _diagnoses(row)
    # Taken even by a row with problems: a code or id twice in one file is a problem too.
    codes.add(code.casefold())
    ids.add(record_id)
    if row.problems:
        return None
    return Client(
        id=ClientId(record_id),
        name=name,
        code=code,
        preferred_name=row.text("preferred_name"),
        dob=dob,
        pronouns=row.text("pronouns"),
        contact=Contact(row.text("phone"), row.text("email"), row.text("address")),
        emergency_contact=EmergencyContact(
            row.text("emergency_name"),
            row.text("emergency_relationship"),
            row.text("emergency_phone"),
        ),
        diagnoses=diagnoses,
        status=ClientStatus(status_text),
        admitted_on=admitted,
        discharged_on=discharged,
        discharge_reason=row.text("discharge_reason"),
    )
