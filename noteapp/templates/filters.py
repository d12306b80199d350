"""The filters a note template may use, each bounded: no filter can build an oversized value.

Every filter checks the clock and has its result measured (see :mod:`limits`). Filters whose
output can grow far beyond their input from one short argument — a width, a count, a
separator repeated on every line — check that argument, or the size they are about to build,
*before* they run: measuring afterwards would be too late for memory.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from jinja2 import pass_environment
from jinja2.environment import Environment
from jinja2.filters import FILTERS, make_attrgetter

from noteapp.templates.limits import (
    MAX_WIDTH,
    LimitExceeded,
    admit,
    budget,
    check_total,
    size_of,
)

_SAFE_FILTERS = (
    "abs", "attr", "capitalize", "count", "d", "default", "dictsort", "e", "escape",
    "first", "float", "groupby", "int", "items", "last", "length", "list", "lower", "map", "max",
    "min", "reject", "rejectattr", "reverse", "round", "safe", "select", "selectattr",
    "sort", "string", "striptags", "title", "trim", "truncate", "unique",
    "upper", "wordcount",
)  # fmt: skip

Precheck = Callable[[Mapping[str, Any]], None]
# Letters copied while breaking long words in one 'wordwrap' call (about a second).
MAX_WRAP_WORK = 10_000_000_000
_PASSED_NAMES = frozenset({"environment", "env", "eval_ctx", "context"})


def _width(arguments: Mapping[str, Any], name: str, filter_name: str) -> int:
    """A width-like argument (a number, or text used as one): at most MAX_WIDTH."""
    value = arguments.get(name)
    width = len(value) if isinstance(value, str) else value if isinstance(value, int) else 0
    if width > MAX_WIDTH:
        raise LimitExceeded(f"the '{name}' of '{filter_name}' may be at most {MAX_WIDTH:,}")
    return max(width, 0)


def _text(value: Any) -> str:
    size_of(value)  # before str(): a value is only turned into text once it is known to fit
    return str(value)


def _center(arguments: Mapping[str, Any]) -> None:
    _width(arguments, "width", "center")


def _indent(arguments: Mapping[str, Any]) -> None:
    width = _width(arguments, "width", "indent")
    text = _text(arguments["s"])
    check_total(len(text) + (text.count("\n") + 1) * width)


def _wordwrap(arguments: Mapping[str, Any]) -> None:
    width = _width(arguments, "width", "wordwrap")
    wrap = _width(arguments, "wrapstring", "wordwrap")
    text = _text(arguments["s"])
    check_total(len(text) * (1 + wrap))  # at worst a line break after every character
    # Breaking a long word copies the rest of it for every piece (textwrap): quadratic in
    # the word's length, out of reach of the render clock. A 2-million-letter word at width
    # 1 took 63 s in one call, on every start of the app (the registry renders templates).
    if arguments.get("break_long_words", True):
        longest = max((len(word) for word in text.split()), default=0)
        if longest * longest > MAX_WRAP_WORK * max(width, 1):
            raise LimitExceeded("'wordwrap' was given a word too long to break at that width")


def _batch(arguments: Mapping[str, Any]) -> None:
    _width(arguments, "linecount", "batch")


def _slice(arguments: Mapping[str, Any]) -> None:
    _width(arguments, "slices", "slice")


def _tojson(arguments: Mapping[str, Any]) -> None:
    indent = _width(arguments, "indent", "tojson")
    size, depth = budget().measure(arguments["value"])
    check_total(size * (1 + depth * indent))  # every item on its own, indented line


_PRECHECKS: dict[str, Precheck] = {
    "center": _center,
    "indent": _indent,
    "wordwrap": _wordwrap,
    "batch": _batch,
    "slice": _slice,
    "tojson": _tojson,
}


def _bounded(original: Callable[..., Any], precheck: Precheck | None = None) -> Callable[..., Any]:
    signature = inspect.signature(original)  # of the plain function, for async-ready filters
    first = next(iter(signature.parameters), "")
    # Jinja passes the environment or context first; a wrapped filter may not list it.
    skip = int(hasattr(original, "jinja_pass_arg") and first not in _PASSED_NAMES)

    @functools.wraps(original)  # keeps Jinja's pass_environment/pass_context marker
    def bounded(*args: Any, **kwargs: Any) -> Any:
        budget().tick(0)
        if precheck is not None:
            try:
                bound = signature.bind(*args[skip:], **kwargs)
            except TypeError:
                pass  # the filter itself reports wrong arguments
            else:
                bound.apply_defaults()
                precheck(bound.arguments)
        return admit(original(*args, **kwargs))

    return bounded


def _join(value: Iterable[Any], d: str = "") -> str:
    separator = _text(d)
    texts: list[str] = []
    total = 0
    for item in value:
        text = _text(item)
        total += len(text) + (len(separator) if texts else 0)
        check_total(total)
        texts.append(text)
    return separator.join(texts)


def _replace(value: Any, old: str, new: str, count: int | None = None) -> str:
    text, old, new = _text(value), _text(old), _text(new)
    hits = text.count(old) if count is None else min(text.count(old), max(count, 0))
    check_total(len(text) + hits * max(0, len(new) - len(old)))
    return text.replace(old, new, -1 if count is None else count)


@pass_environment
def _sum(
    environment: Environment,
    iterable: Iterable[Any],
    attribute: str | int | None = None,
    start: Any = 0,
) -> Any:
    # Python's sum also concatenates lists, quadratically; a note only ever adds numbers.
    values = list(iterable)
    if attribute is not None:
        getter = make_attrgetter(environment, attribute)
        values = [getter(value) for value in values]
    if not all(isinstance(value, int | float) for value in (start, *values)):
        raise LimitExceeded("'sum' adds numbers only")
    return sum(values, start)


def note_filters() -> dict[str, Callable[..., Any]]:
    """The filter table of the note sandbox."""
    table = {name: _bounded(FILTERS[name]) for name in _SAFE_FILTERS}
    table.update({name: _bounded(FILTERS[name], check) for name, check in _PRECHECKS.items()})
    table.update(join=_bounded(_join), replace=_bounded(_replace), sum=_bounded(_sum))
    return table
