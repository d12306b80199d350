"""The resource limits of template rendering: one budget per render, and value sizes.

A hostile template (a shared folder, an emailed file) must not hang the app or eat its memory
on every start. Time and loop counts are checked as the template runs; memory is bounded by
measuring every value a template builds *before* anything expands it: a value's size is the
length it would have as text with every nested list written out, so ``[a] * 10`` of a large
``a`` counts ten times, and printing, joining, comparing or sorting any admitted value stays
within the limit. Sizes are cached per object for one render, so each container is measured
once (its children already have their sizes).
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Iterable, Iterator
from typing import Any

MAX_BODY_CHARS = 50_000  # the longest built-in body is ~1,600; compiling 1 MB takes ~20 s
MAX_NESTING = 32  # expressions and blocks, together; built-in bodies nest 6 deep
MAX_LOOP_NESTING = 10  # loops inside loops (Python refuses more than 20 nested blocks)
MAX_OUTPUT_CHARS = 2_000_000  # a note is a few pages; anything bigger is a runaway template
MAX_VALUE_CHARS = 2_000_000  # any single value built while rendering, written out as text
MAX_BUILT_CHARS = 20_000_000  # all values built in one render together (memory, in effect)
MAX_VALUE_DEPTH = 40  # lists inside lists (the render context itself nests at most 20)
MAX_ITERATIONS = 100_000  # loop iterations in one render, all loops together
MAX_RANGE = 10_000  # items from one range() call
MAX_INT_BITS = 4_096
MAX_WIDTH = 1_000  # widths, counts and separators given to filters (center, batch, indent…)
TIME_LIMIT_SECONDS = 5.0

_TOO_DEEP = f"the template nests lists more than {MAX_VALUE_DEPTH} deep"
_SCALAR_SIZE = 24  # the longest text of a float, None or bool; also any other object


class LimitExceeded(Exception):
    """A render limit (size, nesting, iterations, time) was hit; the message says which."""


class Budget:
    """Per-render counters and the size cache; reached through a context variable."""

    def __init__(self) -> None:
        self._iterations = 0
        self._built = 0
        self._deadline = time.monotonic() + TIME_LIMIT_SECONDS
        # id → (the object itself, so the id cannot be reused while cached; size; depth)
        self._sizes: dict[int, tuple[object, int, int]] = {}

    def tick(self, count: int = 1) -> None:
        self._iterations += count
        if self._iterations > MAX_ITERATIONS:
            raise LimitExceeded(f"the template loops more than {MAX_ITERATIONS:,} times")
        if time.monotonic() > self._deadline:
            raise LimitExceeded(f"rendering took longer than {TIME_LIMIT_SECONDS:g} seconds")

    def built(self, size: int) -> None:
        """Count ``size`` more characters of values built by the template."""
        self._built += size
        if self._built > MAX_BUILT_CHARS:
            raise LimitExceeded(
                f"the template builds more than {MAX_BUILT_CHARS:,} characters of values"
            )

    def measure(self, value: object, level: int = 0) -> tuple[int, int]:
        """(size, depth) of ``value``; raises :class:`LimitExceeded` past either limit."""
        if isinstance(value, str):
            return len(value), 0
        if isinstance(value, int) and not isinstance(value, bool):
            return value.bit_length() // 3 + 1, 0  # an upper bound of its decimal digits
        if not isinstance(value, list | tuple | dict):
            return _SCALAR_SIZE, 0
        cached = self._sizes.get(id(value))
        if cached is not None and cached[0] is value:
            return cached[1], cached[2]
        if level >= MAX_VALUE_DEPTH:
            raise LimitExceeded(_TOO_DEEP)
        size, depth = 2, 0
        parts: Iterable[Any] = (
            (part for pair in value.items() for part in pair) if isinstance(value, dict) else value
        )
        for part in parts:
            part_size, part_depth = self.measure(part, level + 1)
            size += part_size + 2  # a separator (", " or ": ") and quotes, as str() writes
            depth = max(depth, part_depth + 1)
            if size > MAX_VALUE_CHARS:
                raise LimitExceeded("the template builds a value that is too large")
        if depth > MAX_VALUE_DEPTH:  # [a] of a list `a` already measured: one level more
            raise LimitExceeded(_TOO_DEEP)
        self._sizes[id(value)] = (value, size, depth)
        return size, depth


_BUDGET: contextvars.ContextVar[Budget] = contextvars.ContextVar("noteapp_template_budget")


def budget() -> Budget:
    """The budget of the render in progress (a fresh one outside a render, e.g. in a test)."""
    current = _BUDGET.get(None)
    if current is None:
        current = Budget()
        _BUDGET.set(current)
    return current


def start_render() -> contextvars.Token[Budget]:
    """Begin a render with a fresh budget; pass the token to :func:`end_render`."""
    return _BUDGET.set(Budget())


def end_render(token: contextvars.Token[Budget]) -> None:
    _BUDGET.reset(token)


def size_of(value: object) -> int:
    """The size of ``value`` written out as text (raises :class:`LimitExceeded` if too large)."""
    return budget().measure(value)[0]


def admit(value: Any) -> Any:
    """Return a value the template just built if it is within the limits; raise otherwise."""
    current = budget()
    current.built(current.measure(value)[0])
    return value


def check_total(size: int, what: str = "builds a value") -> None:
    if size > MAX_VALUE_CHARS:
        raise LimitExceeded(f"the template {what} that is too large")


def iter_guard(iterable: Iterable[Any]) -> Iterator[Any]:
    """Every ``{% for %}`` loop iterates through here, so all loops share one count."""
    current = budget()
    for item in iterable:
        current.tick()
        yield item


def concat_guard(*parts: Any) -> str:
    """The ``~`` operator: measured before anything is turned into text."""
    budget().tick(0)
    check_total(sum(size_of(part) for part in parts))
    return "".join(str(part) for part in parts)


def range_guard(*args: int) -> range:
    result = range(*args)
    if len(result) > MAX_RANGE:
        raise LimitExceeded(f"range() may produce at most {MAX_RANGE:,} items")
    return result
