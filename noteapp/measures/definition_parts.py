"""Parts of an instrument definition read by `definition.py`: subscales, flags, the outcome
rules (response, remission, reliable change — each threshold with its cited source) and the
unscored follow-up question. Same conventions: every problem on its line, nothing raised."""

from __future__ import annotations

from typing import Any

from noteapp.domain.json_lines import PathKey
from noteapp.domain.outcome_rules import OutcomeRules
from noteapp.measures.checks import MAX_TEXT, Checker, bands
from noteapp.measures.model import Flag, Subscale

_SUBSCALE = {"id", "name", "items", "multiplier", "bands", "response", "remission"}
_SUBSCALE |= {"reliable_change", "report"}


def read_subscales(
    c: Checker,
    top: dict[str, Any],
    scores: tuple[tuple[int, ...], ...],
    scored: tuple[bool, ...],
    higher: bool,
) -> tuple[Subscale, ...]:
    if "subscales" not in top:
        return ()
    raw = c.lst(top["subscales"], ("subscales",), '"subscales"')
    out: list[Subscale] = []
    ids: set[str] = set()
    for n, entry in enumerate(raw or []):
        where: PathKey = ("subscales", n)
        what = f"subscale {n + 1}"
        sub = c.obj(entry, where, what)
        if sub is None:
            continue
        c.known_keys(sub, where, _SUBSCALE, what)
        ident = c.ident(sub, "id", where, what)
        name = c.text(sub, "name", where, what, max_len=60)
        if ident is not None and ident in ids:
            c.error((*where, "id"), f'two subscales are called "{ident}".')
        ids.add(ident or "")
        refs = c.lst(sub.get("items"), (*where, "items"), f'"items" of {what}')
        mult = c.integer(sub, "multiplier", where, what, required=False, lo=1, hi=10) or 1
        numbers: list[int] = []
        for k, ref in enumerate(refs or []):
            path: PathKey = (*where, "items", k)
            num = c.number(ref, path, f"an item number of {what}", lo=1, hi=len(scores))
            if num is None:
                continue
            if num in numbers:
                c.error(path, f"{what} lists item {num} twice.")
            elif not scored[num - 1]:
                c.error(path, f"{what} lists item {num}, which is not scored.")
            numbers.append(num)
        if not numbers:
            c.error((*where, "items"), f"{what} needs the numbers of its items.")
            continue
        lo = sum(min(scores[i - 1]) for i in numbers) * mult
        hi = sum(max(scores[i - 1]) for i in numbers) * mult
        label = f'subscale "{name or ident}"'
        sub_bands = bands(c, sub.get("bands"), (*where, "bands"), label, lo, hi)
        rules = read_rules(c, sub, where, label, lo, hi, higher)
        report = c.flag(sub, "report", where, what, True)
        if ident and name:
            out.append(
                Subscale(ident, name, tuple(numbers), mult, lo, hi, sub_bands, rules, report)
            )
    return tuple(out)


def read_flags(
    c: Checker, top: dict[str, Any], scores: tuple[tuple[int, ...], ...]
) -> tuple[Flag, ...]:
    if "flags" not in top:
        return ()
    raw = c.lst(top["flags"], ("flags",), '"flags"')
    out: list[Flag] = []
    ids: set[str] = set()
    for n, entry in enumerate(raw or []):
        where: PathKey = ("flags", n)
        what = f"flag {n + 1}"
        flag = c.obj(entry, where, what)
        if flag is None:
            continue
        c.known_keys(flag, where, {"id", "item", "min", "label", "risk"}, what)
        ident = c.ident(flag, "id", where, what)
        if ident is not None and ident in ids:
            c.error((*where, "id"), f'two flags are called "{ident}".')
        ids.add(ident or "")
        label = c.text(flag, "label", where, what)
        risk = c.flag(flag, "risk", where, what, False)
        item = c.integer(flag, "item", where, what, lo=-10000, hi=10000)
        minimum = c.integer(flag, "min", where, what, lo=-10000, hi=10000)
        if item is not None and not 1 <= item <= len(scores):
            c.error(
                (*where, "item"),
                f'flag "{ident or n + 1}" names item {item}, but there are {len(scores)} items.',
            )
            continue
        if item is None or minimum is None or ident is None or label is None:
            continue
        low, high = min(scores[item - 1]), max(scores[item - 1])
        if minimum > high:
            c.error(
                (*where, "min"),
                f'flag "{ident}" needs item {item} to score at least {minimum}, but it scores at '
                f"most {high}: it could never be raised.",
            )
        elif minimum <= low:
            c.error(
                (*where, "min"),
                f'flag "{ident}" would be raised by every answer to item {item} (its lowest '
                f"score is {low}); set min above {low}.",
            )
        else:
            out.append(Flag(ident, item, minimum, label, risk))
    return tuple(out)


def read_rules(
    c: Checker, obj: dict[str, Any], where: PathKey, what: str, lo: int, hi: int, higher: bool
) -> OutcomeRules:
    percent: int | None = 50
    if "response" in obj and obj["response"] is not None:
        spec = c.obj(obj["response"], (*where, "response"), f'"response" of {what}') or {}
        c.known_keys(spec, (*where, "response"), {"percent"}, f'"response" of {what}')
        percent = c.integer(
            spec, "percent", (*where, "response"), f'"response" of {what}', lo=1, hi=100
        )
    elif "response" in obj:
        percent = None
    below = at_least = None
    remission_source = ""
    if obj.get("remission") is not None:
        path = (*where, "remission")
        spec = c.obj(obj["remission"], path, f'"remission" of {what}') or {}
        c.known_keys(spec, path, {"below", "at_or_above", "source"}, f'"remission" of {what}')
        key = "at_or_above" if higher else "below"
        other = "below" if higher else "at_or_above"
        if other in spec:
            direction = "higher" if higher else "lower"
            c.error((*path, other), f'{what}: {direction} is better, so remission uses "{key}".')
        value = c.integer(spec, key, path, f'"remission" of {what}', lo=lo + 1, hi=hi)
        below, at_least = (None, value) if higher else (value, None)
        remission_source = (
            c.text(spec, "source", path, f'"remission" of {what}', max_len=MAX_TEXT) or ""
        )
    points = None
    change_source = ""
    if obj.get("reliable_change") is not None:
        path = (*where, "reliable_change")
        spec = c.obj(obj["reliable_change"], path, f'"reliable_change" of {what}') or {}
        c.known_keys(spec, path, {"points", "source"}, f'"reliable_change" of {what}')
        points = c.integer(
            spec, "points", path, f'"reliable_change" of {what}', lo=1, hi=max(hi - lo, 1)
        )
        change_source = (
            c.text(spec, "source", path, f'"reliable_change" of {what}', max_len=MAX_TEXT) or ""
        )
    return OutcomeRules(
        floor=lo,
        ceiling=hi,
        higher_is_better=higher,
        response_percent=percent,
        remission_below=below,
        remission_at_or_above=at_least,
        remission_source=remission_source,
        reliable_change=points,
        reliable_change_source=change_source,
    )


def read_extra(c: Checker, top: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    if "extra" not in top:
        return "", ()
    spec = c.obj(top["extra"], ("extra",), '"extra"')
    if spec is None:
        return "", ()
    c.known_keys(spec, ("extra",), {"text", "answers", "scored"}, '"extra"')
    if spec.get("scored", False) is not False:
        c.error(("extra", "scored"), 'the "extra" question is never scored ("scored": false).')
    text = c.text(spec, "text", ("extra",), '"extra"', max_len=MAX_TEXT) or ""
    answers = c.lst(spec.get("answers"), ("extra", "answers"), '"answers" of "extra"') or []
    labels = [a.strip() for a in answers if isinstance(a, str) and a.strip()]
    for n, a in enumerate(answers):
        if isinstance(a, str):
            c.plain(a, ("extra", "answers", n), f'answer {n + 1} of "extra"')
    if len(labels) != len(answers) or len(labels) < 2:
        c.error(("extra", "answers"), '"answers" of "extra" must be at least two texts.')
    return text, tuple(labels)
