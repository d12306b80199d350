"""Outcome measures given to a client: plain values (scoring itself is in noteapp.measures)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from noteapp.domain.outcome_rules import OutcomeRules


class MeasureMode(StrEnum):
    IN_SESSION = "in-session"
    PAPER = "paper"


@dataclass(frozen=True)
class SubscaleResult:
    """A subscale's score as given (DASS-21 depression, …), kept with the measure so that a
    later version of the instrument never re-scores it."""

    id: str
    name: str
    score: int
    severity: str


@dataclass(frozen=True)
class Measure:
    """One administration of an instrument. `answers` is None for a total entered from
    paper (`total_only`); an item that was not asked (a skip rule) is None. A risk flag
    stays open until `addressed_by` names the signed note that addressed it (a completed
    risk assessment with a current safety plan, or an override reason recorded on signing).
    `instrument_version` is the version it was given with: a later version never re-scores
    it."""

    id: str
    client_id: str
    instrument: str
    instrument_version: int
    name: str  # the instrument's short name, e.g. "PHQ-9"
    on: date
    mode: MeasureMode
    total: int
    severity: str
    answers: tuple[int | None, ...] | None
    flags: tuple[str, ...] = ()
    flag_labels: tuple[str, ...] = ()
    risk: bool = False
    note_id: str = ""
    created_at: datetime | None = None
    addressed_by: str = ""  # the note id
    addressed_on: date | None = None
    addressed_how: str = ""  # "assessment and safety plan" | "override"
    version: int = 0
    # The instrument's unscored follow-up (PHQ-9: how difficult have these problems made …)
    difficulty: str = ""
    subscales: tuple[SubscaleResult, ...] = ()

    @property
    def total_only(self) -> bool:
        return self.answers is None

    @property
    def open_risk(self) -> bool:
        return self.risk and not self.addressed_by


def measure_to_dict(m: Measure) -> dict[str, Any]:
    return {
        "id": m.id,
        "client_id": m.client_id,
        "instrument": m.instrument,
        "instrument_version": m.instrument_version,
        "name": m.name,
        "on": m.on.isoformat(),
        "mode": m.mode.value,
        "total": m.total,
        "severity": m.severity,
        "answers": list(m.answers) if m.answers is not None else None,
        "total_only": m.total_only,
        "flags": list(m.flags),
        "flag_labels": list(m.flag_labels),
        "risk": m.risk,
        "note_id": m.note_id,
        "created_at": m.created_at.isoformat() if m.created_at else None,
        "addressed_by": m.addressed_by,
        "addressed_on": m.addressed_on.isoformat() if m.addressed_on else None,
        "addressed_how": m.addressed_how,
        "difficulty": m.difficulty,
        "subscales": [
            {"id": s.id, "name": s.name, "score": s.score, "severity": s.severity}
            for s in m.subscales
        ],
    }


def measure_from_dict(d: dict[str, Any], *, version: int = 0) -> Measure:
    answers = d.get("answers")
    return Measure(
        id=str(d["id"]),
        client_id=str(d["client_id"]),
        instrument=str(d["instrument"]),
        instrument_version=int(d.get("instrument_version", 1)),
        name=str(d.get("name", d["instrument"])),
        on=date.fromisoformat(d["on"]),
        mode=MeasureMode(d.get("mode", "in-session")),
        total=int(d["total"]),
        severity=str(d.get("severity", "")),
        answers=(
            tuple(None if a is None else int(a) for a in answers) if answers is not None else None
        ),
        flags=tuple(d.get("flags", [])),
        flag_labels=tuple(d.get("flag_labels", [])),
        risk=bool(d.get("risk", False)),
        note_id=str(d.get("note_id", "")),
        created_at=datetime.fromisoformat(d["created_at"]) if d.get("created_at") else None,
        addressed_by=str(d.get("addressed_by", "")),
        addressed_on=date.fromisoformat(d["addressed_on"]) if d.get("addressed_on") else None,
        addressed_how=str(d.get("addressed_how", "")),
        version=version,
        difficulty=str(d.get("difficulty", "")),
        subscales=tuple(
            SubscaleResult(str(x["id"]), str(x["name"]), int(x["score"]), str(x["severity"]))
            for x in d.get("subscales", [])
        ),
    )


@dataclass(frozen=True)
class TrendPoint:
    measure_id: str
    on: date
    total: int
    severity: str
    risk: bool = False


@dataclass(frozen=True)
class Trend:
    """Scores of one instrument for one client over time (oldest first)."""

    client_id: str
    instrument: str
    name: str
    points: tuple[TrendPoint, ...]
    bands: tuple[tuple[int, int, str], ...]  # (min, max, label) for shading a chart
    total_min: int
    total_max: int
    remission_below: int | None
    rules: OutcomeRules | None = None  # None: a 50 % fall from baseline, as before

    @property
    def baseline(self) -> TrendPoint | None:
        return self.points[0] if self.points else None

    @property
    def latest(self) -> TrendPoint | None:
        return self.points[-1] if self.points else None

    @property
    def previous(self) -> TrendPoint | None:
        return self.points[-2] if len(self.points) >= 2 else None

    @property
    def change_since_baseline(self) -> int | None:
        """Latest minus baseline (negative = fewer symptoms); None with fewer than 2 points."""
        if len(self.points) < 2:
            return None
        return self.points[-1].total - self.points[0].total

    @property
    def change_since_last(self) -> int | None:
        if len(self.points) < 2:
            return None
        return self.points[-1].total - self.points[-2].total

    @property
    def _rules(self) -> OutcomeRules:
        return self.rules or OutcomeRules(
            floor=self.total_min, ceiling=self.total_max, remission_below=self.remission_below
        )

    @property
    def response(self) -> bool:
        """An improvement of at least 50 % of the room there was at baseline (outcome_rules)."""
        if len(self.points) < 2:
            return False
        return bool(self._rules.responded(self.points[0].total, self.points[-1].total))

    @property
    def remission(self) -> bool:
        """The latest total is below the instrument's remission threshold (if it has one)."""
        if not self.points:
            return False
        return bool(self._rules.remitted(self.points[-1].total))


@dataclass(frozen=True)
class SameDayMeasure:
    """A measure given on a note's date, with its change, as the note shows it."""

    measure: Measure
    change_since_last: int | None
    change_since_baseline: int | None
    summary: str  # "PHQ-9 14 (moderate), down 4 since last, 6 since baseline"

    def to_note_dict(self) -> dict[str, Any]:
        """What a signed note keeps in `Note.measures`."""
        m = self.measure
        return {
            "id": m.id,
            "instrument": m.instrument,
            "name": m.name,
            "date": m.on.isoformat(),
            "total": m.total,
            "severity": m.severity,
            "total_only": m.total_only,
            "risk": m.risk,
            "change_since_last": self.change_since_last,
            "change_since_baseline": self.change_since_baseline,
            "summary": self.summary,
        }


def _change(delta: int, since: str, word: bool = True) -> str:
    if delta == 0:
        return f"unchanged since {since}"
    direction = "down" if delta < 0 else "up"
    return f"{direction + ' ' if word else ''}{abs(delta)} since {since}"


def change_summary(
    name: str,
    total: int,
    severity: str,
    *,
    since_last: int | None,
    since_baseline: int | None,
    previous_is_baseline: bool = False,
    total_only: bool = False,
    risk: bool = False,
    risk_labels: tuple[str, ...] = (),
) -> str:
    """ "PHQ-9 14 (moderate), down 4 since last, 6 since baseline"."""
    text = f"{name} {total} ({severity})"
    if total_only:
        text += ", total from paper"
    if since_last is None or since_baseline is None:
        text += ", baseline"
    elif previous_is_baseline:
        text += ", " + _change(since_baseline, "baseline")
    else:
        text += ", " + _change(since_last, "last")
        same_direction = (since_last < 0) == (since_baseline < 0) and since_last != 0
        text += ", " + _change(since_baseline, "baseline", word=not same_direction)
    if risk:
        # The instrument's own words for what was endorsed (PHQ-9 item 9, PHQ-A, …).
        text += "; risk flag: " + ("; ".join(risk_labels) or "a risk item endorsed")
    return text
