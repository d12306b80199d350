"""Strict scoring: item answers (with the instrument's skip rules, reverse-scored items and
weights) or a total from paper. A wrong count, an answer that is not one of the item's
options, a missing answer to a question that is asked, or an answer to one that is not
asked is refused with a plain sentence — never guessed."""

from __future__ import annotations

from typing import Any

from noteapp.domain.errors import InvalidInputError
from noteapp.measures.model import Instrument, Score, SubscaleScore

# What a person types for a question that was not asked (CLI: "-", or nothing).
BLANKS = {"", "-", "—", "–"}


def _value(raw: Any, number: int) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise InvalidInputError(f"Answer {number} is not a number.")
    text = str(raw).strip()
    if text in BLANKS:
        return None
    try:
        return int(text)
    except ValueError:
        raise InvalidInputError(f"Answer {number} (“{text[:10]}”) is not a number.") from None


def _allowed(inst: Instrument, item: int) -> str:
    values = [v for v, _label in inst.answers[item]]
    if values == list(range(min(values), max(values) + 1)):
        return f"{min(values)}–{max(values)}"
    return ", ".join(map(str, values))


def score_answers(instrument: Instrument, answers: list[Any]) -> Score:
    """Score item answers (in item order). Raises InvalidInputError with the reason."""
    inst = instrument
    if len(answers) != len(inst.items):
        raise InvalidInputError(
            f"{inst.name} has {len(inst.items)} items; {len(answers)} answers were given."
        )
    kept: list[int | None] = []
    item_scores: list[int] = []
    for index, raw in enumerate(answers):
        number = index + 1
        value = _value(raw, number)
        cond = inst.condition(index)
        asked = cond is None or sum(item_scores[i - 1] for i in cond.items) >= cond.min
        lowest = min(inst.item_scores(index))
        if not asked:
            # A question that was not asked scores its lowest value (the WHO AUDIT: 0; an
            # explicit lowest answer on a paper form means the same and is accepted).
            if value is not None and inst.option_score(index, value) != lowest:
                raise InvalidInputError(
                    f"Question {number} of the {inst.name} is asked only when items "
                    + ", ".join(map(str, cond.items if cond else ()))
                    + f" add up to at least {cond.min if cond else 0}; leave it blank ('-')."
                )
            kept.append(None)
            item_scores.append(lowest)
            continue
        if value is None:
            raise InvalidInputError(
                f"Answer {number} is missing; {inst.name} asks question {number}."
            )
        score = inst.option_score(index, value)
        if score is None:
            raise InvalidInputError(
                f"Answer {number} is {value}; {inst.name} answers to question {number} are "
                f"{_allowed(inst, index)}."
            )
        kept.append(value)
        item_scores.append(score)
    counted = [s for i, s in enumerate(item_scores) if inst.is_scored(i)]
    raw_total = sum(counted) if inst.method == "sum" else max(counted)
    total = raw_total * inst.multiplier
    subscales = tuple(
        _subscale(inst, sub_index, item_scores) for sub_index in range(len(inst.subscales))
    )
    raised = tuple(f.id for f in inst.flags if item_scores[f.item - 1] >= f.min)
    risk = any(f.risk for f in inst.flags if f.id in raised)
    severity = _severity(inst, total, subscales)
    return Score(inst.id, total, severity, raised, risk, tuple(kept), subscales=subscales)


def _subscale(inst: Instrument, index: int, item_scores: list[int]) -> SubscaleScore:
    sub = inst.subscales[index]
    score = sum(item_scores[i - 1] for i in sub.items) * sub.multiplier
    band = sub.band(score)
    return SubscaleScore(sub.id, sub.name, score, band.label if band else "")


def _severity(inst: Instrument, total: int, subscales: tuple[SubscaleScore, ...]) -> str:
    if inst.bands:
        return inst.band(total).label
    return "; ".join(f"{s.name.lower()} {s.severity}" for s in subscales if s.severity)


def score_total(instrument: Instrument, total: Any) -> Score:
    """A total entered from paper (no item answers: no item flag and no subscale is known)."""
    inst = instrument
    try:
        value = int(str(total).strip())
    except ValueError:
        raise InvalidInputError("The total is not a number.") from None
    if not inst.total_min <= value <= inst.total_max:
        raise InvalidInputError(f"A {inst.name} total is {inst.total_min}–{inst.total_max}.")
    if value % inst.multiplier:
        raise InvalidInputError(
            f"A {inst.name} total is a multiple of {inst.multiplier} (the item sum is "
            f"multiplied by {inst.multiplier})."
        )
    severity = inst.band(value).label if inst.bands else "total only; subscales not known"
    return Score(inst.id, value, severity, (), False, None, total_only=True)
