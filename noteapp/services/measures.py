"""Outcome measures given to clients (kind "measure"): scoring through the instrument data,
trends, same-day summaries for notes, and the PHQ-9 item-9 risk flag with its sign gate.

A risk flag stays open until a signed note dated on or after the measure addresses it: a
completed structured risk assessment signed while the client has a current safety plan, or
an override reason recorded on signing (see SigningService.sign_note). The resolution is
written onto the measure record and audited.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from noteapp.domain.checklist import ChecklistFacts
from noteapp.domain.clock import Clock
from noteapp.domain.errors import InvalidInputError, NotFoundError, RecordIntegrityError
from noteapp.domain.ids import new_id
from noteapp.domain.measures import (
    Measure,
    MeasureMode,
    SameDayMeasure,
    SubscaleResult,
    Trend,
    TrendPoint,
    change_summary,
    measure_from_dict,
    measure_to_dict,
)
from noteapp.domain.notes import Note
from noteapp.measures import Instrument, load_instruments, score_answers, score_total
from noteapp.services.audit import AuditService
from noteapp.services.clients import ClientService
from noteapp.services.instruments import InstrumentService
from noteapp.services.notes import NoteService
from noteapp.vault.store import Vault

KIND = "measure"
RISK_RULE = "risk_flag_followup"


def instruments() -> dict[str, Instrument]:
    """Every shipped instrument by id (custom ones: `MeasureService.instruments()`)."""
    return load_instruments()


def instrument(instrument_id: str) -> Instrument:
    found = load_instruments().get(str(instrument_id).strip().lower().replace("-", ""))
    if found is None:
        raise InvalidInputError(
            f"No instrument '{str(instrument_id)[:20]}'. Known: "
            + ", ".join(sorted(load_instruments()))
            + "."
        )
    return found


# A measure a plan measures progress with is due when it was not given in this many days
# (PHQ-9 and GAD-7 ask about the last two weeks; monthly keeps a trend without burdening).
MEASURE_EVERY_DAYS = 30


@dataclass(frozen=True)
class MeasureDue:
    """An instrument a client's current plan measures progress with, not given lately."""

    client_id: str
    instrument: str  # id, e.g. "phq9"
    name: str  # "PHQ-9"
    last_given: date | None


def _name_pattern(name: str) -> re.Pattern[str]:
    """An instrument's name as written in a plan: "PHQ-9", "phq 9" and "PHQ9" alike, as a
    whole word ("AUDIT" is not found inside "AUDIT-C")."""
    parts = [p for p in re.split(r"[\s\-_]+", name) if p]
    body = r"[\s\-_]?".join(re.escape(p) for p in parts)
    return re.compile(rf"(?<![A-Za-z0-9]){body}(?![\-_]?[A-Za-z0-9])", re.IGNORECASE)


def instruments_named(
    text: str, known: Mapping[str, Instrument] | None = None
) -> builtins.list[str]:
    """Ids of the instruments (`known`, by default the shipped ones) a text names, e.g.
    "PHQ-9 every 2 weeks" → phq9. Where names overlap ("AUDIT C"), the longest wins."""
    found: list[tuple[int, int, str]] = []
    for inst_id, inst in (known if known is not None else load_instruments()).items():
        found += [(m.start(), m.end(), inst_id) for m in _name_pattern(inst.name).finditer(text)]
    kept = {
        i
        for start, end, i in found
        if not any(s <= start and end <= e and (e - s) > (end - start) for s, e, _ in found)
    }
    return sorted(kept)


class MeasureService:
    def __init__(
        self,
        *,
        vault: Vault,
        audit: AuditService,
        clients: ClientService,
        clock: Clock,
        notes: NoteService | None = None,
        has_current_safety_plan: Callable[[str], bool] | None = None,
        catalog: InstrumentService | None = None,
    ) -> None:
        self._vault = vault
        # Built-in and custom instruments, every version (a score names its version).
        self.catalog = catalog or InstrumentService()
        self._audit = audit
        self._clients = clients
        self._clock = clock
        self._notes = notes
        # The safety-plan service provides this (ws.safety_plans.has_current); until it is
        # wired, no client has a current safety plan.
        self.has_current_safety_plan: Callable[[str], bool] = has_current_safety_plan or (
            lambda _client_id: False
        )
        self._measures: dict[str, Measure] = {}
        self.problems: list[RecordIntegrityError] = []
        self.reload()
        if notes is not None:
            notes.fact_providers.append(self._facts)
            notes.measure_sources.append(self._note_measures)
            notes.listeners.append(self._note_written)

    def reload(self) -> None:
        self._measures = {}
        result = self._vault.load_kind(KIND)
        self.problems = list(result.failures)
        for r in result.records:
            m = measure_from_dict(r.data, version=r.version)
            self._measures[m.id] = m

    # --- giving and reading ------------------------------------------------------------

    def add(
        self,
        *,
        client_id: str,
        instrument: str,
        answers: builtins.list[Any] | None = None,
        total: Any = None,
        on: date | None = None,
        mode: MeasureMode | str = MeasureMode.IN_SESSION,
        note_id: str = "",
        difficulty: str = "",
    ) -> Measure:
        """Score and store a measure: item `answers`, or a `total` only (from paper).
        Raises InvalidInputError for a wrong count, an out-of-range answer or a non-number."""
        client = self._clients.get(client_id)
        inst = self.catalog.get(instrument)
        try:
            how = MeasureMode(mode)
        except ValueError:
            raise InvalidInputError("The mode is 'in-session' or 'paper'.") from None
        if (answers is None) == (total is None):
            raise InvalidInputError("Give the item answers, or a total only (from paper).")
        if answers is not None:
            score = score_answers(inst, list(answers))
        else:
            score = score_total(inst, total)
            how = MeasureMode.PAPER  # a total without answers comes from a paper form
        difficulty = difficulty.strip()
        if difficulty:
            allowed = {a.casefold(): a for a in inst.extra_answers}
            if difficulty.casefold() not in allowed:
                raise InvalidInputError(
                    f"{inst.name}'s follow-up question is answered with: "
                    + ", ".join(inst.extra_answers)
                    if inst.extra_answers
                    else f"{inst.name} has no follow-up question."
                )
            difficulty = allowed[difficulty.casefold()]
        today = self._clock.now().date()
        when = on or today
        if when > today:
            raise InvalidInputError("A measure cannot be dated in the future.")
        labels = {f.id: f.label for f in inst.flags}
        measure = Measure(
            id=new_id(),
            client_id=client.id,
            instrument=inst.id,
            instrument_version=inst.version,
            name=inst.name,
            on=when,
            mode=how,
            total=score.total,
            severity=score.severity,
            answers=score.answers,
            flags=score.flags,
            flag_labels=tuple(labels[f] for f in score.flags),
            risk=score.risk,
            note_id=note_id,
            created_at=self._clock.now(),
            difficulty=difficulty,
            subscales=tuple(
                SubscaleResult(s.id, s.name, s.score, s.severity) for s in score.subscales
            ),
        )
        with self._vault.transaction():
            measure = self._write(measure, "create")
            if measure.risk:
                self._audit.record(
                    "risk-flag", kind=KIND, record_id=measure.id, detail={"flags": score.flags}
                )
        return measure

    def list(self, client_id: str, instrument: str | None = None) -> builtins.list[Measure]:
        """A client's measures, oldest first (by date, then by when entered)."""
        client = self._clients.get(client_id)
        inst = self._instrument_id(instrument) if instrument else None
        out = [
            m
            for m in self._measures.values()
            if m.client_id == client.id and (inst is None or m.instrument == inst)
        ]
        return sorted(out, key=_order)

    def instruments(self) -> dict[str, Instrument]:
        """Every instrument that can be given now, built-in and custom, by id."""
        return self.catalog.current()

    def instrument_of(self, m: Measure) -> Instrument | None:
        """The exact instrument version a measure was given with."""
        return self.catalog.at(m.instrument, m.instrument_version)

    def all(self) -> builtins.list[Measure]:
        """Every measure of every client, oldest first (the caseload report)."""
        return sorted(self._measures.values(), key=_order)

    def _instrument_id(self, instrument: str) -> str:
        try:
            return self.catalog.get(instrument).id
        except InvalidInputError:
            # An instrument no longer readable still names its own scores.
            known = {m.instrument for m in self._measures.values()}
            if instrument.strip().lower() in known:
                return instrument.strip().lower()
            raise

    def get(self, measure_id: str) -> Measure:
        m = self._measures.get(measure_id)
        if m is None:
            matches = [x for x in self._measures.values() if x.id.startswith(measure_id)]
            if len(measure_id) >= 6 and len(matches) == 1:
                return matches[0]
            raise NotFoundError(f"No measure with id '{measure_id[:32]}'.")
        return m

    def delete(self, measure_id: str, *, reason: str = "") -> None:
        """Remove a measure entered by mistake (audited, with the reason)."""
        m = self.get(measure_id)
        with self._vault.transaction():
            self._vault.delete(KIND, m.id, expected_version=m.version)
            self._audit.record(
                "delete",
                kind=KIND,
                record_id=m.id,
                detail={"reason": reason.strip()} if reason.strip() else None,
            )
        del self._measures[m.id]

    # --- trends ------------------------------------------------------------------------

    def trend(self, client_id: str, instrument: str) -> Trend:
        inst = self.catalog.get(instrument)
        points = tuple(
            TrendPoint(m.id, m.on, m.total, m.severity, m.risk)
            for m in self.list(client_id, inst.id)
        )
        return Trend(
            client_id=self._clients.get(client_id).id,
            instrument=inst.id,
            name=inst.name,
            points=points,
            bands=tuple((b.min, b.max, b.label) for b in inst.bands),
            total_min=inst.total_min,
            total_max=inst.total_max,
            remission_below=inst.remission_below,
            rules=inst.rules,
        )

    def same_day(self, client_id: str, on: date) -> builtins.list[SameDayMeasure]:
        """The measures given on that day, each with its score, band and change since the
        previous one and since baseline (the first) of the same instrument."""
        out = []
        for m in self.list(client_id):
            if m.on != on:
                continue
            series = self.list(client_id, m.instrument)
            index = next(i for i, x in enumerate(series) if x.id == m.id)
            baseline = series[0]
            previous = series[index - 1] if index > 0 else None
            since_last = m.total - previous.total if previous else None
            since_base = m.total - baseline.total if index > 0 else None
            summary = change_summary(
                m.name,
                m.total,
                m.severity,
                since_last=since_last,
                since_baseline=since_base,
                previous_is_baseline=index == 1,
                total_only=m.total_only,
                risk=m.risk,
                risk_labels=self._risk_labels(m),
            )
            out.append(SameDayMeasure(m, since_last, since_base, summary))
        return out

    def due(
        self,
        *,
        named_by: Mapping[str, Sequence[str]],
        today: date,
        every_days: int = MEASURE_EVERY_DAYS,
    ) -> builtins.list[MeasureDue]:
        """Measures due: for each client, every instrument its plan's "measured by" texts
        name (`named_by`: client id → texts) that was never given, or not in `every_days`.
        Never given first, then the longest since."""
        known = self.instruments()
        wanted = {
            (cid, inst)
            for cid, texts in named_by.items()
            for t in texts
            for inst in instruments_named(t, known)
        }
        if not wanted:
            return []
        last: dict[tuple[str, str], date] = {}
        for m in list(self._measures.values()):
            key = (m.client_id, m.instrument)
            if key in wanted and (key not in last or m.on > last[key]):
                last[key] = m.on
        names = {i: inst.name for i, inst in known.items()}
        out = [
            MeasureDue(cid, inst, names[inst], last.get((cid, inst)))
            for cid, inst in wanted
            if (cid, inst) not in last or (today - last[(cid, inst)]).days > every_days
        ]
        return sorted(out, key=lambda d: (d.last_given or date.min, d.name, d.client_id))

    def _risk_labels(self, m: Measure) -> tuple[str, ...]:
        inst = self.instrument_of(m)
        if inst is None:
            return m.flag_labels
        return tuple(f.label for f in inst.flags if f.risk and f.id in m.flags)

    # --- risk flags --------------------------------------------------------------------

    def open_risk_flags(self, client_id: str | None = None) -> builtins.list[Measure]:
        """Measures whose risk flag is not addressed yet, oldest first (chart, Today)."""
        cid = self._clients.get(client_id).id if client_id else None
        return sorted(
            (
                m
                for m in self._measures.values()
                if m.open_risk and (cid is None or m.client_id == cid)
            ),
            key=_order,
        )

    def _open_flags_for(self, note: Note) -> builtins.list[Measure]:
        return [
            m
            for m in self._measures.values()
            if m.open_risk and m.client_id == note.client_id and m.on <= note.session.date
        ]

    def _facts(self, note: Note, facts: ChecklistFacts) -> ChecklistFacts:
        if note.psychotherapy:
            return facts
        flagged = bool(self._open_flags_for(note))
        return replace(
            facts,
            unresolved_risk_flag=flagged,
            has_current_safety_plan=self.has_current_safety_plan(note.client_id),
        )

    def _note_measures(self, note: Note) -> tuple[dict[str, Any], ...]:
        return tuple(s.to_note_dict() for s in self.same_day(note.client_id, note.session.date))

    def _note_written(self, note: Note) -> None:
        """A note was signed: close the risk flags it addresses (dated on or before it)."""
        if not note.is_signed or note.psychotherapy:
            return
        flags = self._open_flags_for(note)
        if not flags:
            return
        overridden = any(o.get("rule") == RISK_RULE for o in note.overrides)
        assessed = note.risk_assessment is not None and note.risk_assessment.is_complete()
        if overridden:
            how = "override"
        elif assessed and self.has_current_safety_plan(note.client_id):
            how = "assessment and safety plan"
        else:
            return  # e.g. the rule was switched off in Settings: the flag stays open
        today = self._clock.now().date()
        with self._vault.transaction():
            for m in flags:
                self._write(
                    replace(m, addressed_by=note.id, addressed_on=today, addressed_how=how),
                    "risk-flag-addressed",
                    detail={"note": note.id, "how": how},
                )

    # --- storage -----------------------------------------------------------------------

    def _write(self, m: Measure, action: str, detail: dict[str, Any] | None = None) -> Measure:
        with self._vault.transaction():
            version = self._vault.put(KIND, m.id, measure_to_dict(m), expected_version=m.version)
            self._audit.record(action, kind=KIND, record_id=m.id, detail=detail)
        m = replace(m, version=version)
        self._measures[m.id] = m
        return m


def _order(m: Measure) -> tuple[date, str]:
    return (m.on, m.created_at.isoformat() if m.created_at else "")


__all__ = ["KIND", "MeasureService", "instrument", "instruments"]
