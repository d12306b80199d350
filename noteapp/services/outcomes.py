"""The caseload outcome report (docs/measures.md, "The outcome report"): this service gathers
clients and scores; every figure is computed by the pure functions of domain.outcomes; the
CLI and the Reports view only show what comes back.

By clinician: a vault belongs to one clinician, so there is no clinician grouping yet. The
domain groups by `CaseloadClient.clinician` as soon as agency data supplies it (a later
issue): this service is the one place that will fill it in.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from noteapp.domain.chart_spec import (
    ChartTheme,
    change_histogram,
    measurement_rates,
    rates_over_time,
)
from noteapp.domain.clock import Clock
from noteapp.domain.diagnosis_groups import diagnosis_group
from noteapp.domain.errors import InvalidInputError
from noteapp.domain.measures import Measure
from noteapp.domain.outcomes import (
    CaseloadClient,
    OutcomeDef,
    OutcomeRow,
    OutcomeScore,
    outcome_row,
)
from noteapp.domain.outcomes_csv import csv_rows, csv_text
from noteapp.domain.paper import PaperSize
from noteapp.export.charts import bar_list_png, histogram_png, line_chart_png
from noteapp.export.files import write_atomic
from noteapp.export.report_docx import write_report_docx
from noteapp.services.audit import AuditService
from noteapp.services.clients import ClientService
from noteapp.services.measures import MeasureService
from noteapp.services.outcome_document import report_document


@dataclass(frozen=True)
class OutcomeReport:
    start: date
    end: date
    generated_on: date
    rows: tuple[OutcomeRow, ...]
    active_clients: int
    groups: dict[str, str]  # client id → diagnosis group (never leaves the service as a name)


class OutcomeService:
    def __init__(
        self,
        *,
        clients: ClientService,
        measures: MeasureService,
        audit: AuditService,
        clock: Clock,
        paper: Callable[[], PaperSize],
    ) -> None:
        self._clients = clients
        self._measures = measures
        self._audit = audit
        self._clock = clock
        self._paper = paper

    # --- the figures -------------------------------------------------------------------

    def outcomes(self) -> list[tuple[OutcomeDef, Callable[[Measure], int | None]]]:
        """Every reportable outcome: an instrument's total, or a subscale (DASS-21 …)."""
        out: list[tuple[OutcomeDef, Callable[[Measure], int | None]]] = []
        for inst in sorted(self._measures.instruments().values(), key=lambda i: i.name):
            if inst.report:
                out.append((OutcomeDef(inst.id, inst.name, inst.rules), _total_of(inst.id)))
            for sub in inst.subscales:
                if sub.report:
                    ident = f"{inst.id}/{sub.id}"
                    name = f"{inst.name} {sub.name}"
                    out.append((OutcomeDef(ident, name, sub.rules), _subscale_of(inst.id, sub.id)))
        return out

    def report(
        self, *, start: date | None = None, end: date | None = None, instrument: str | None = None
    ) -> OutcomeReport:
        now = self._clock.now()
        # The app shows local dates: "today" is the later of UTC's and the computer's.
        today = max(now.date(), now.astimezone().date())
        end = end or today
        if end > today:
            raise InvalidInputError("The report cannot end after today.")
        measures = self._measures.all()
        start = start or (measures[0].on if measures else end)
        if start > end:
            raise InvalidInputError("The report's start date is after its end date.")
        clients = [
            CaseloadClient(
                id=c.id,
                diagnosis_group=diagnosis_group(c.diagnoses),
                admitted_on=c.admitted_on,
                discharged=c.status.value == "discharged",
                discharged_on=c.discharged_on,
            )
            for c in self._clients.list()
        ]
        wanted = self._wanted(instrument)
        rows = []
        for outcome, value_of in self.outcomes():
            if wanted is not None and outcome.id not in wanted:
                continue
            scores = [
                OutcomeScore(m.client_id, m.on, v, m.created_at.isoformat() if m.created_at else "")
                for m in measures
                if (v := value_of(m)) is not None
            ]
            row = outcome_row(outcome, scores, clients, start, end)
            if row.figures.clients_measured or wanted is not None:
                rows.append(row)
        active = sum(1 for c in clients if c.active_on(end))
        groups = {c.id: c.diagnosis_group for c in clients}
        return OutcomeReport(start, end, today, tuple(rows), active, groups)

    def _wanted(self, instrument: str | None) -> set[str] | None:
        if instrument is None:
            return None
        ident = instrument.strip().lower()
        ids = {o.id for o, _v in self.outcomes()}
        if ident in ids:
            return {ident}
        inst = self._measures.catalog.get(ident)  # raises with the known ids
        found = {i for i in ids if i == inst.id or i.startswith(inst.id + "/")}
        if not found:
            raise InvalidInputError(f"{inst.name} has no outcome to report (a screen only).")
        return found

    # --- files -------------------------------------------------------------------------

    def write_csv(self, report: OutcomeReport, path: Path) -> int:
        """The de-identified CSV (domain.outcomes_csv); returns the number of rows."""
        clients = sorted({c.client_id for row in report.rows for c in row.clients})
        keys: dict[str, str] = {}
        used: set[str] = set()
        for client_id in clients:
            key = "C-" + secrets.token_hex(4).upper()
            while key in used:
                key = "C-" + secrets.token_hex(4).upper()
            used.add(key)
            keys[client_id] = key
        data = csv_rows(
            report.rows, keys=keys, groups=report.groups, start=report.start, end=report.end
        )
        text = csv_text(data)
        write_atomic(Path(path), lambda fh: fh.write(text.encode("utf-8")))
        self._audit.record("report-csv", detail={"rows": len(data), "outcomes": len(report.rows)})
        return len(data)

    def charts(self, report: OutcomeReport, theme: ChartTheme | None = None) -> dict[str, bytes]:
        """PNG charts: "measurement", and per outcome "ID:change" and "ID:over-time"."""
        out = {"measurement": bar_list_png(measurement_rates(report.rows), theme)}
        for row in report.rows:
            out[f"{row.outcome.id}:change"] = histogram_png(change_histogram(row), theme)
            out[f"{row.outcome.id}:over-time"] = line_chart_png(rates_over_time(row), theme)
        return out

    def write_docx(self, report: OutcomeReport, path: Path) -> None:
        document = report_document(report.rows, report.start, report.end, report.generated_on)
        write_report_docx(Path(path), document, paper=self._paper())
        self._audit.record("report-docx", detail={"outcomes": len(report.rows)})


def _total_of(instrument_id: str) -> Callable[[Measure], int | None]:
    def value(m: Measure) -> int | None:
        return m.total if m.instrument == instrument_id else None

    return value


def _subscale_of(instrument_id: str, subscale_id: str) -> Callable[[Measure], int | None]:
    def value(m: Measure) -> int | None:
        if m.instrument != instrument_id:
            return None
        return next((s.score for s in m.subscales if s.id == subscale_id), None)

    return value
