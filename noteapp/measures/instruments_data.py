"""Instruments are data files (items, answer options with values, scoring rule, bands, flags):
adding one means adding a JSON file, not code. Scoring is exact and strict: a wrong count,
an out-of-range answer or a non-number is refused with a plain sentence."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from noteapp.domain.errors import InvalidInputError


@dataclass(frozen=True)
class Band:
    min: int
    max: int
    label: str


@dataclass(frozen=True)
class Flag:
    id: str
    item: int  # 1-based item number
    min: int  # the flag is raised when that item's answer is at least this
    label: str
    risk: bool = False


@dataclass(frozen=True)
class Instrument:
    id: str
    name: str
    title: str
    version: int
    stem: str
    source: str
    items: tuple[str, ...]
    answers: tuple[tuple[tuple[int, str], ...], ...]  # per item: (value, label) options
    total_min: int
    total_max: int
    bands: tuple[Band, ...]
    flags: tuple[Flag, ...]
    remission_below: int | None = None
    extra_question: str = ""
    extra_answers: tuple[str, ...] = ()

    def band(self, total: int) -> Band:
        for b in self.bands:
            if b.min <= total <= b.max:
                return b
        raise InvalidInputError(f"A {self.name} total of {total} is out of range.")


@dataclass(frozen=True)
class Score:
    instrument: str
    total: int
    severity: str
    flags: tuple[str, ...]  # flag ids raised
    risk: bool  # any raised flag is a risk flag
    answers: tuple[int, ...] | None  # None: a total entered from paper
    total_only: bool = False


def _parse(d: dict[str, Any]) -> Instrument:
    items = tuple(str(i) for i in d["items"])
    if "item_answers" in d:
        answers = tuple(
            tuple((int(a["value"]), str(a["label"])) for a in opts) for opts in d["item_answers"]
        )
    else:
        common = tuple((int(a["value"]), str(a["label"])) for a in d["answers"])
        answers = tuple(common for _ in items)
    if len(answers) != len(items):
        raise ValueError(f"{d['id']}: answer options for {len(answers)} of {len(items)} items")
    extra = d.get("extra") or {}
    return Instrument(
        id=d["id"],
        name=d["name"],
        title=d["title"],
        version=int(d["version"]),
        stem=d.get("stem", ""),
        source=d.get("source", ""),
        items=items,
        answers=answers,
        total_min=int(d["scoring"]["min"]),
        total_max=int(d["scoring"]["max"]),
        bands=tuple(Band(int(b["min"]), int(b["max"]), b["label"]) for b in d["bands"]),
        flags=tuple(
            Flag(f["id"], int(f["item"]), int(f["min"]), f["label"], bool(f.get("risk", False)))
            for f in d.get("flags", [])
        ),
        remission_below=d.get("remission_below"),
        extra_question=extra.get("text", ""),
        extra_answers=tuple(extra.get("answers", [])),
    )


@lru_cache(maxsize=1)
def load_instruments() -> dict[str, Instrument]:
    """Every instrument shipped in noteapp/measures/instruments/*.json, by id."""
    folder = resources.files("noteapp.measures").joinpath("instruments")
    out = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            inst = _parse(json.loads(entry.read_text("utf-8")))
            out[inst.id] = inst
    return out


def score_answers(instrument: Instrument, answers: list[Any]) -> Score:
    """Score item answers. Raises InvalidInputError for a wrong count or a bad answer."""
    if len(answers) != len(instrument.items):
        raise InvalidInputError(
            f"{instrument.name} has {len(instrument.items)} items; {len(answers)} answers were "
            "given."
        )
    values: list[int] = []
    for number, (raw, options) in enumerate(zip(answers, instrument.answers, strict=True), 1):
        if isinstance(raw, bool):
            raise InvalidInputError(f"Answer {number} is not a number.")
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise InvalidInputError(
                f"Answer {number} (“{str(raw)[:10]}”) is not a number."
            ) from None
        allowed = [v for v, _label in options]
        if value not in allowed:
            raise InvalidInputError(
                f"Answer {number} is {value}; {instrument.name} answers are "
                f"{min(allowed)}–{max(allowed)}."
            )
        values.append(value)
    total = sum(values)
    raised = tuple(f.id for f in instrument.flags if values[f.item - 1] >= f.min)
    risk = any(f.risk for f in instrument.flags if f.id in raised)
    return Score(instrument.id, total, instrument.band(total).label, raised, risk, tuple(values))


def score_total(instrument: Instrument, total: Any) -> Score:
    """A total entered from paper (no item answers: no item flags can be known)."""
    try:
        value = int(str(total).strip())
    except ValueError:
        raise InvalidInputError("The total is not a number.") from None
    if not instrument.total_min <= value <= instrument.total_max:
        raise InvalidInputError(
            f"A {instrument.name} total is {instrument.total_min}–{instrument.total_max}."
        )
    return Score(
        instrument.id, value, instrument.band(value).label, (), False, None, total_only=True
    )
