"""An instrument definition file (format 1, docs/measures.md "Your own instruments") read into
an `Instrument`, with every problem reported on its line.

The same reader loads the shipped instruments, so they obey exactly the rules a user's file
must: bands that cover every possible total, flags on real items that can be raised,
thresholds inside the scale, a cited source for every threshold. Fail closed: an unknown key
is an error, not something to ignore.
"""

from __future__ import annotations

import json
from typing import Any

from noteapp.domain.errors import InvalidInputError
from noteapp.domain.json_input import JsonLimitError
from noteapp.domain.json_lines import LineMap, PathKey, loads_with_lines, scan_lines
from noteapp.measures.checks import MAX_TEXT, Checker, Problem, bands, options
from noteapp.measures.definition_parts import read_extra, read_flags, read_rules, read_subscales
from noteapp.measures.model import AskIf, Band, Instrument

FORMAT = 1
MAX_FILE_BYTES = 256 * 1024
MAX_ITEMS = 200

_TOP = {
    "format", "id", "name", "title", "version", "stem", "source", "terms", "answers", "items",
    "reverse_scored", "scoring", "bands", "subscales", "flags", "higher_is_better", "response",
    "remission", "reliable_change", "report", "extra",
}  # fmt: skip
_ITEM = {"text", "answers", "scored", "ask_if"}


class DefinitionError(InvalidInputError):
    """An instrument definition with problems; `problems` has each one with its line."""

    def __init__(self, problems: list[Problem], what: str = "The instrument file") -> None:
        self.problems = list(problems)
        first = str(self.problems[0]) if self.problems else "it is not valid"
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(f"{what} has problems: {first}{more}.")


def check_text(text: str) -> tuple[Instrument | None, list[Problem]]:
    """Read a definition from the text of a file: the instrument, or every problem found."""
    try:
        data, lines = loads_with_lines(text, what="instrument file")
    except json.JSONDecodeError as exc:
        return None, [Problem(exc.lineno, f"this is not valid JSON ({exc.msg}).")]
    except JsonLimitError as exc:
        return None, [Problem(1, str(exc))]
    c = Checker(lines)
    for line, key in lines.duplicates:
        c.problems.append(Problem(line, f'the key "{key}" appears twice in the same object.'))
    inst = _read(c, data, builtin=False)
    return (inst if not c.problems else None), c.problems


def check_bytes(raw: bytes) -> tuple[Instrument | None, list[Problem]]:
    if len(raw) > MAX_FILE_BYTES:
        kib = MAX_FILE_BYTES // 1024
        return None, [Problem(1, f"the file is larger than {kib} KiB; it was not read.")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, [Problem(1, "the file is not UTF-8 text.")]
    return check_text(text.removeprefix("\ufeff"))


def parse_definition(data: dict[str, Any], *, builtin: bool) -> Instrument:
    """A definition already parsed (a shipped file, or one stored in the vault). Raises
    DefinitionError — for stored data, lines refer to its canonical JSON text."""
    text = json.dumps(data, indent=1, ensure_ascii=False)
    c = Checker(scan_lines(text))
    inst = _read(c, data, builtin=builtin)
    if c.problems or inst is None:
        raise DefinitionError(c.problems, f"The instrument '{str(data.get('id', '?'))[:32]}'")
    return inst


# --- the reader ------------------------------------------------------------------------


def _read(c: Checker, data: Any, *, builtin: bool) -> Instrument | None:
    top = c.obj(data, (), "The file")
    if top is None:
        return None
    c.known_keys(top, (), _TOP, "The instrument")
    fmt = c.integer(top, "format", (), "The instrument", lo=1, hi=99)
    if fmt is not None and fmt != FORMAT:
        c.error(("format",), f"format {fmt} is not known here (this noteapp reads format 1).")
    ident = c.ident(top, "id", (), "the instrument")
    name = c.text(top, "name", (), "the instrument", max_len=40)
    title = c.text(top, "title", (), "the instrument")
    version = c.integer(top, "version", (), "the instrument", lo=1, hi=1_000_000)
    stem = c.text(top, "stem", (), "the instrument", required=False, max_len=MAX_TEXT) or ""
    source = c.text(top, "source", (), "the instrument", max_len=MAX_TEXT)
    terms = c.text(top, "terms", (), "the instrument", max_len=MAX_TEXT)
    shared = None
    if "answers" in top:
        shared = options(c, top["answers"], ("answers",), "the shared answer scale")
    items = _items(c, top, shared)
    if items is None:
        return None
    texts, answers, scores, scored, ask_if = items
    scores = _reverse(c, top, answers, scores)
    _ask_if_reachable(c, ask_if, scores)
    method, mult, lo, hi = _scoring(c, top, scores, scored)
    higher = c.flag(top, "higher_is_better", (), "the instrument", False)
    subscales = read_subscales(c, top, scores, scored, higher)
    total_bands: tuple[Band, ...] = ()
    if "bands" in top:
        total_bands = bands(c, top["bands"], ("bands",), "the total", lo, hi)
    elif not subscales:
        c.error((), 'the instrument needs "bands" for its total (or subscales with bands).')
    flags = read_flags(c, top, scores)
    rules = read_rules(c, top, (), "the total", lo, hi, higher)
    report = c.flag(top, "report", (), "the instrument", True)
    extra_q, extra_a = read_extra(c, top)
    if c.problems:
        return None
    assert ident and name and title and version and source and terms
    return Instrument(
        id=ident,
        name=name,
        title=title,
        version=version,
        stem=stem,
        source=source,
        items=texts,
        answers=answers,
        total_min=lo,
        total_max=hi,
        bands=total_bands,
        flags=flags,
        remission_below=rules.remission_below,
        extra_question=extra_q,
        extra_answers=extra_a,
        scores=scores,
        scored=scored,
        ask_if=ask_if,
        reverse_scored=tuple(sorted(top.get("reverse_scored", []))),
        method=method,
        multiplier=mult,
        subscales=subscales,
        rules=rules,
        report=report,
        terms=terms,
        builtin=builtin,
    )


_Items = tuple[
    tuple[str, ...],
    tuple[tuple[tuple[int, str], ...], ...],
    tuple[tuple[int, ...], ...],
    tuple[bool, ...],
    tuple[AskIf | None, ...],
]


def _items(c: Checker, top: dict[str, Any], shared: Any) -> _Items | None:
    raw = c.lst(top.get("items"), ("items",), '"items"') if "items" in top else None
    if "items" not in top:
        c.error((), 'the instrument is missing "items".')
    if raw is None:
        return None
    if not 1 <= len(raw) <= MAX_ITEMS:
        c.error(("items",), f"an instrument has 1 to {MAX_ITEMS} items; this one has {len(raw)}.")
        return None
    texts: list[str] = []
    answers: list[tuple[tuple[int, str], ...]] = []
    scores: list[tuple[int, ...]] = []
    scored: list[bool] = []
    ask_if: list[AskIf | None] = []
    for n, item in enumerate(raw):
        where: PathKey = ("items", n)
        what = f"item {n + 1}"
        entry: dict[str, Any] = {"text": item} if isinstance(item, str) else {}
        if not isinstance(item, str):
            found = c.obj(item, where, f"{what} (text, or an object)")
            if found is None:
                continue
            entry = found
            c.known_keys(entry, where, _ITEM, what)
        text = c.text(entry, "text", where, what, max_len=MAX_TEXT)
        opts = (
            options(c, entry["answers"], (*where, "answers"), what)
            if "answers" in entry
            else shared
        )
        if "answers" not in entry and shared is None and "answers" not in top:
            c.error(where, f'{what} has no answers: give "answers" for it or a shared scale.')
        scored.append(c.flag(entry, "scored", where, what, True))
        ask_if.append(_condition(c, entry, where, what, n))
        if text is None or opts is None:
            continue
        values, explicit = opts
        texts.append(text)
        answers.append(values)
        scores.append(explicit if explicit is not None else tuple(v for v, _l in values))
    if len(texts) != len(raw):
        return None
    if not any(scored):
        c.error(("items",), "no item is scored: the total would always be the same.")
    return tuple(texts), tuple(answers), tuple(scores), tuple(scored), tuple(ask_if)


def _condition(
    c: Checker, entry: dict[str, Any], where: PathKey, what: str, n: int
) -> AskIf | None:
    if "ask_if" not in entry:
        return None
    path = (*where, "ask_if")
    cond = c.obj(entry["ask_if"], path, f'"ask_if" of {what}')
    if cond is None:
        return None
    c.known_keys(cond, path, {"items", "min"}, f'"ask_if" of {what}')
    refs = c.lst(cond.get("items"), (*path, "items"), f'"items" of the ask_if of {what}')
    minimum = c.integer(cond, "min", path, f'"ask_if" of {what}', lo=1, hi=10000)
    if refs is None or minimum is None:
        return None
    numbers: list[int] = []
    for k, ref in enumerate(refs):
        num = c.number(
            ref, (*path, "items", k), f"an item number in the ask_if of {what}", lo=1, hi=n
        )
        if num is not None:
            numbers.append(num)
    if not refs:
        c.error(path, f"the ask_if of {what} must name earlier items (1–{n}).")
    if not numbers or len(numbers) != len(refs):
        return None
    return AskIf(tuple(numbers), minimum)


def _ask_if_reachable(
    c: Checker, ask_if: tuple[AskIf | None, ...], scores: tuple[tuple[int, ...], ...]
) -> None:
    for n, cond in enumerate(ask_if):
        if cond is None:
            continue
        most = sum(max(scores[i - 1]) for i in cond.items)
        if cond.min > most:
            c.error(
                ("items", n, "ask_if", "min"),
                f"item {n + 1} would never be asked: items "
                + ", ".join(map(str, cond.items))
                + f" add up to at most {most}, below {cond.min}.",
            )


def _reverse(
    c: Checker,
    top: dict[str, Any],
    answers: tuple[tuple[tuple[int, str], ...], ...],
    scores: tuple[tuple[int, ...], ...],
) -> tuple[tuple[int, ...], ...]:
    if "reverse_scored" not in top:
        return scores
    refs = c.lst(top["reverse_scored"], ("reverse_scored",), '"reverse_scored"')
    if refs is None:
        return scores
    out = list(scores)
    seen: set[int] = set()
    for k, ref in enumerate(refs):
        path: PathKey = ("reverse_scored", k)
        num = c.number(ref, path, "an item number in reverse_scored", lo=1, hi=len(answers))
        if num is None:
            continue
        if num in seen:
            c.error(path, f"item {num} is listed twice in reverse_scored.")
            continue
        seen.add(num)
        values = tuple(v for v, _label in answers[num - 1])
        if scores[num - 1] != values:
            c.error(path, f"item {num} has its own scores; it cannot also be reverse-scored.")
            continue
        # The top printed option scores what the bottom one would, and so on.
        out[num - 1] = tuple(min(values) + max(values) - v for v in values)
    return tuple(out)


def _scoring(
    c: Checker,
    top: dict[str, Any],
    scores: tuple[tuple[int, ...], ...],
    scored: tuple[bool, ...],
) -> tuple[str, int, int, int]:
    spec: dict[str, Any] = {}
    if "scoring" in top:
        spec = c.obj(top["scoring"], ("scoring",), '"scoring"') or {}
        c.known_keys(spec, ("scoring",), {"method", "multiplier", "min", "max"}, '"scoring"')
    method = spec.get("method", "sum")
    if method not in ("sum", "max"):
        c.error(("scoring", "method"), '"method" of "scoring" is "sum" or "max".')
        method = "sum"
    mult = c.integer(spec, "multiplier", ("scoring",), '"scoring"', required=False, lo=1, hi=10)
    mult = mult or 1
    lows = [min(s) for s, on in zip(scores, scored, strict=True) if on]
    highs = [max(s) for s, on in zip(scores, scored, strict=True) if on]
    if not lows:
        return method, mult, 0, 0
    if method == "sum":
        lo, hi = sum(lows) * mult, sum(highs) * mult
    else:
        lo, hi = max(lows) * mult, max(highs) * mult
    for key, computed in (("min", lo), ("max", hi)):
        stated = c.integer(
            spec, key, ("scoring",), '"scoring"', required=False, lo=-10000, hi=10000
        )
        if stated is not None and stated != computed:
            c.error(
                ("scoring", key),
                f"scoring.{key} is {stated}, but the items give a {key}imum total of {computed}.",
            )
    return method, mult, lo, hi


__all__ = ["FORMAT", "DefinitionError", "LineMap", "check_bytes", "check_text", "parse_definition"]
