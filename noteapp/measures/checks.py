"""Small line-aware checks shared by the instrument definition reader: typed fields, unknown
keys, answer options, and bands that must cover a range exactly. Every problem is a
sentence with the line it is about; nothing here raises on bad data."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from noteapp.domain.display import is_unsafe, visible
from noteapp.domain.json_lines import LineMap, PathKey
from noteapp.measures.model import Band

ID_RE = re.compile(r"^[a-z][a-z0-9_-]{1,31}$")
MAX_TEXT = 1000
MAX_LABEL = 200
MAX_OPTIONS = 20
MAX_BANDS = 20


@dataclass(frozen=True)
class Problem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class Checker:
    """Collects problems against a line map; the typed getters return None when a value is
    missing or wrong (and say so), so checking goes on and every problem is reported."""

    lines: LineMap
    problems: list[Problem] = field(default_factory=list)

    def error(self, path: PathKey, message: str) -> None:
        self.problems.append(Problem(self.lines.line(path), message))

    def known_keys(self, obj: dict[str, Any], path: PathKey, allowed: set[str], what: str) -> None:
        for key in obj:
            if key not in allowed:
                self.error(
                    (*path, key),
                    f'{what} has an unknown key "{_short(key)}" (allowed: '
                    + ", ".join(sorted(allowed))
                    + ").",
                )

    def obj(self, value: Any, path: PathKey, what: str) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.error(path, f"{what} must be an object {{…}}.")
            return None
        return value

    def lst(self, value: Any, path: PathKey, what: str) -> list[Any] | None:
        if not isinstance(value, list):
            self.error(path, f"{what} must be a list […].")
            return None
        return value

    def text(
        self,
        obj: dict[str, Any],
        key: str,
        path: PathKey,
        what: str,
        *,
        required: bool = True,
        max_len: int = MAX_LABEL,
    ) -> str | None:
        if key not in obj:
            if required:
                self.error(path, f'{what} is missing "{key}".')
            return None
        value = obj[key]
        if not isinstance(value, str) or not value.strip():
            self.error((*path, key), f'"{key}" of {what} must be non-empty text.')
            return None
        if len(value) > max_len:
            self.error((*path, key), f'"{key}" of {what} is longer than {max_len} characters.')
            return None
        if not self.plain(value, (*path, key), f'"{key}" of {what}'):
            return None
        return value.strip()

    def plain(self, value: str, path: PathKey, what: str) -> bool:
        """Text an instrument shows (names, questions, labels) is plain, one-line text: a
        control, bidi or invisible character would be obeyed by a terminal, reorder what a
        clinician reads on a score, or (NUL, a lone surrogate) break the .docx or the vault
        write that carries it. Refused here, so no front end has to cope."""
        bad = next((ch for ch in value if is_unsafe(ch)), None)
        if bad is None:
            return True
        self.error(
            path,
            f"{what} holds a control or invisible character ({visible(bad)}); "
            "use plain text on one line.",
        )
        return False

    def integer(
        self,
        obj: dict[str, Any],
        key: str,
        path: PathKey,
        what: str,
        *,
        required: bool = True,
        lo: int = -1000,
        hi: int = 1000,
    ) -> int | None:
        if key not in obj:
            if required:
                self.error(path, f'{what} is missing "{key}".')
            return None
        return self.number(obj[key], (*path, key), f'"{key}" of {what}', lo=lo, hi=hi)

    def number(self, value: Any, path: PathKey, what: str, *, lo: int, hi: int) -> int | None:
        # bool is an int in Python; true/false in a file is never meant as 1/0.
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(path, f"{what} must be a whole number.")
            return None
        if not lo <= value <= hi:
            self.error(path, f"{what} is {value}; it must be between {lo} and {hi}.")
            return None
        return value

    def flag(self, obj: dict[str, Any], key: str, path: PathKey, what: str, default: bool) -> bool:
        if key not in obj:
            return default
        value = obj[key]
        if not isinstance(value, bool):
            self.error((*path, key), f'"{key}" of {what} must be true or false.')
            return default
        return value

    def ident(self, obj: dict[str, Any], key: str, path: PathKey, what: str) -> str | None:
        value = self.text(obj, key, path, what, max_len=32)
        if value is not None and not ID_RE.match(value):
            self.error(
                (*path, key),
                f'"{key}" of {what} ("{_short(value)}") must be 2–32 lowercase letters, digits, '
                "'-' or '_', starting with a letter.",
            )
            return None
        return value


def _span(lo: int, hi: int) -> str:
    return str(lo) if lo == hi else f"{lo}–{hi}"


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "…"


def options(
    c: Checker, value: Any, path: PathKey, what: str
) -> tuple[tuple[tuple[int, str], ...], tuple[int, ...] | None] | None:
    """An answer scale: [{"value": 0, "label": "…", "score"?: n}, …]. Returns the options in
    printed order and their explicit scores (None when the values are the scores)."""
    items = c.lst(value, path, what)
    if items is None:
        return None
    if not 2 <= len(items) <= MAX_OPTIONS:
        c.error(path, f"{what} needs 2 to {MAX_OPTIONS} answer options; it has {len(items)}.")
        return None
    out: list[tuple[int, str]] = []
    scores: list[int | None] = []
    ok = True
    for n, raw in enumerate(items):
        where = (*path, n)
        opt = c.obj(raw, where, f"answer option {n + 1} of {what}")
        if opt is None:
            ok = False
            continue
        c.known_keys(opt, where, {"value", "label", "score"}, f"answer option {n + 1} of {what}")
        v = c.integer(opt, "value", where, f"answer option {n + 1} of {what}", lo=-100, hi=100)
        label = c.text(opt, "label", where, f"answer option {n + 1} of {what}")
        score = c.integer(
            opt, "score", where, f"answer option {n + 1} of {what}", required=False, lo=-100
        )
        if v is None or label is None:
            ok = False
            continue
        if any(v == seen for seen, _label in out):
            c.error((*where, "value"), f"{what} uses the value {v} twice.")
            ok = False
        out.append((v, label))
        scores.append(score)
    if not ok:
        return None
    given = [s for s in scores if s is not None]
    if given and len(given) != len(scores):
        c.error(path, f'{what}: give a "score" for every option or for none.')
        return None
    return tuple(out), (tuple(given) if given else None)


def bands(c: Checker, value: Any, path: PathKey, what: str, lo: int, hi: int) -> tuple[Band, ...]:
    """Bands that cover lo..hi exactly: no gap, no overlap, nothing outside."""
    items = c.lst(value, path, what)
    if items is None:
        return ()
    if not 1 <= len(items) <= MAX_BANDS:
        c.error(path, f"{what} needs 1 to {MAX_BANDS} bands.")
        return ()
    parsed: list[tuple[Band, PathKey]] = []
    for n, raw in enumerate(items):
        where = (*path, n)
        spec = c.obj(raw, where, f"band {n + 1} of {what}")
        if spec is None:
            continue
        c.known_keys(spec, where, {"min", "max", "label"}, f"band {n + 1} of {what}")
        b_lo = c.integer(spec, "min", where, f"band {n + 1} of {what}", lo=-10000, hi=10000)
        b_hi = c.integer(spec, "max", where, f"band {n + 1} of {what}", lo=-10000, hi=10000)
        label = c.text(spec, "label", where, f"band {n + 1} of {what}")
        if b_lo is None or b_hi is None or label is None:
            continue
        if b_lo > b_hi:
            c.error(where, f'band "{label}" of {what} starts at {b_lo}, after its end {b_hi}.')
            continue
        parsed.append((Band(b_lo, b_hi, label), where))
    if len(parsed) != len(items):
        return ()
    before = len(c.problems)
    ordered = sorted(parsed, key=lambda p: (p[0].min, p[0].max))
    for band, where in ordered:
        if band.max < lo or band.min > hi:
            c.error(
                where,
                f'band "{band.label}" ({band.min}–{band.max}) of {what} lies outside the '
                f"possible scores {lo}–{hi}.",
            )
    first, first_at = ordered[0]
    if first.min != lo:
        c.error(
            first_at,
            f'the lowest band of {what} ("{first.label}") starts at {first.min}, but the lowest '
            f"possible score is {lo}.",
        )
    last, last_at = ordered[-1]
    if last.max != hi:
        c.error(
            last_at,
            f'the highest band of {what} ("{last.label}") ends at {last.max}, but the highest '
            f"possible score is {hi}.",
        )
    for (a, _a_at), (b, b_at) in itertools.pairwise(ordered):
        if b.min > a.max + 1:
            c.error(
                b_at,
                f'{what} leaves {_span(a.max + 1, b.min - 1)} uncovered (between "{a.label}" and '
                f'"{b.label}").',
            )
        elif b.min <= a.max:
            c.error(
                b_at,
                f'bands "{a.label}" ({a.min}–{a.max}) and "{b.label}" ({b.min}–{b.max}) of '
                f"{what} overlap at {_span(b.min, min(a.max, b.max))}.",
            )
    if len(c.problems) != before:
        return ()
    return tuple(band for band, _where in ordered)
