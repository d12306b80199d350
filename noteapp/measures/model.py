"""The values an instrument is made of: answer options, items, bands, flags, subscales and the
outcome rules the caseload report uses. Built by `definition.parse_definition` from data; no
instrument is ever special-cased in code."""

from __future__ import annotations

from dataclasses import dataclass, field

from noteapp.domain.errors import InvalidInputError
from noteapp.domain.outcome_rules import OutcomeRules


@dataclass(frozen=True)
class Band:
    min: int
    max: int
    label: str


@dataclass(frozen=True)
class Flag:
    """Raised when item `item` (1-based) scores at least `min`. A `risk` flag holds the
    client's next note until a risk assessment and a current safety plan exist (or an
    audited override) — the same gate for every instrument that declares one."""

    id: str
    item: int
    min: int
    label: str
    risk: bool = False


@dataclass(frozen=True)
class AskIf:
    """An item is asked only when the scores of `items` (earlier, 1-based) add up to at least
    `min` — e.g. the AUDIT's "skip to questions 9 and 10"."""

    items: tuple[int, ...]
    min: int


@dataclass(frozen=True)
class Subscale:
    id: str
    name: str
    items: tuple[int, ...]  # 1-based
    multiplier: int
    total_min: int
    total_max: int
    bands: tuple[Band, ...]
    rules: OutcomeRules
    report: bool = True

    def band(self, score: int) -> Band | None:
        return next((b for b in self.bands if b.min <= score <= b.max), None)


@dataclass(frozen=True)
class Instrument:
    """An instrument as data. `answers[i]` lists item i's options as (value, label) in printed
    order: the value is what is entered and kept (the response); `scores[i]` gives each
    option's score (the value itself, unless the item is reverse-scored or weighted)."""

    id: str
    name: str
    title: str
    version: int
    stem: str
    source: str
    items: tuple[str, ...]
    answers: tuple[tuple[tuple[int, str], ...], ...]
    total_min: int
    total_max: int
    bands: tuple[Band, ...]
    flags: tuple[Flag, ...]
    remission_below: int | None = None
    extra_question: str = ""
    extra_answers: tuple[str, ...] = ()
    scores: tuple[tuple[int, ...], ...] = ()
    scored: tuple[bool, ...] = ()
    ask_if: tuple[AskIf | None, ...] = ()
    reverse_scored: tuple[int, ...] = ()
    method: str = "sum"  # "sum" | "max"
    multiplier: int = 1
    subscales: tuple[Subscale, ...] = ()
    rules: OutcomeRules = field(default_factory=OutcomeRules)
    report: bool = True  # the total is an outcome in caseload reports
    terms: str = ""
    builtin: bool = True

    def band(self, total: int) -> Band:
        for b in self.bands:
            if b.min <= total <= b.max:
                return b
        raise InvalidInputError(f"A {self.name} total of {total} is out of range.")

    def option_score(self, item: int, value: int) -> int | None:
        """The score of answer `value` to item `item` (0-based); None if not an option."""
        for (v, _label), score in zip(self.answers[item], self.item_scores(item), strict=True):
            if v == value:
                return score
        return None

    def item_scores(self, item: int) -> tuple[int, ...]:
        if self.scores:
            return self.scores[item]
        return tuple(v for v, _label in self.answers[item])

    def is_scored(self, item: int) -> bool:
        return self.scored[item] if self.scored else True

    def condition(self, item: int) -> AskIf | None:
        return self.ask_if[item] if self.ask_if else None

    @property
    def key(self) -> tuple[str, int]:
        return (self.id, self.version)


@dataclass(frozen=True)
class SubscaleScore:
    id: str
    name: str
    score: int
    severity: str


@dataclass(frozen=True)
class Score:
    instrument: str
    total: int
    severity: str
    flags: tuple[str, ...]  # flag ids raised
    risk: bool  # any raised flag is a risk flag
    answers: tuple[int | None, ...] | None  # None: a total from paper; None item: not asked
    total_only: bool = False
    subscales: tuple[SubscaleScore, ...] = ()
