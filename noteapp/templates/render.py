"""Sandboxed Jinja2 rendering of note templates into structured documents, with hard limits."""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import TracebackType
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2 import Template as JinjaTemplate
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.filters import FILTERS
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer

from noteapp.domain.document import Document
from noteapp.templates.context import plain_context
from noteapp.templates.markup import encode_value, parse_markup
from noteapp.templates.model import Template, TemplateProblem, TemplateRenderError

MAX_OUTPUT_CHARS = 2_000_000  # a note is a few pages; anything bigger is a runaway template
MAX_VALUE_CHARS = 2_000_000  # any single string or list built while rendering
MAX_ITERATIONS = 100_000  # loop iterations in one render, all loops together
MAX_RANGE = 10_000  # items from one range() call
MAX_INT_BITS = 4_096
TIME_LIMIT_SECONDS = 5.0

_ITER = "noteapp_iter_guard"
_CONCAT = "noteapp_concat_guard"
_FORBIDDEN_NODES: dict[type[nodes.Node], str] = {
    nodes.Macro: "macros",
    nodes.CallBlock: "call blocks",
    nodes.Import: "imports",
    nodes.FromImport: "imports",
    nodes.Include: "includes",
    nodes.Extends: "extends",
}
_SAFE_FILTERS = (
    "abs", "attr", "batch", "capitalize", "count", "d", "default", "dictsort", "e", "escape",
    "first", "float", "groupby", "int", "items", "last", "length", "list", "lower", "map", "max",
    "min", "reject", "rejectattr", "reverse", "round", "safe", "select", "selectattr", "slice",
    "sort", "string", "striptags", "sum", "title", "tojson", "trim", "truncate", "unique",
    "upper", "wordcount", "wordwrap",
)  # fmt: skip
# str methods that can build huge strings from a short call; the filters cover real needs.
_DENIED_STR_METHODS = frozenset(
    {"center", "ljust", "rjust", "zfill", "expandtabs", "format", "format_map", "join",
     "replace", "translate", "encode"}
)  # fmt: skip


class _LimitExceeded(Exception):
    """A render limit (size, iterations, time) was hit."""


class _Budget:
    """Per-render counters; reached through a context variable so threads never share one."""

    def __init__(self) -> None:
        self._iterations = 0
        self._deadline = time.monotonic() + TIME_LIMIT_SECONDS

    def _tick(self, count: int = 1) -> None:
        self._iterations += count
        if self._iterations > MAX_ITERATIONS:
            raise _LimitExceeded(f"the template loops more than {MAX_ITERATIONS} times")
        if time.monotonic() > self._deadline:
            raise _LimitExceeded(f"rendering took longer than {TIME_LIMIT_SECONDS:g} seconds")


_BUDGET: contextvars.ContextVar[_Budget] = contextvars.ContextVar("noteapp_template_budget")


def _budget() -> _Budget:
    budget = _BUDGET.get(None)
    if budget is None:  # only when called outside render_note, e.g. by a test
        budget = _Budget()
        _BUDGET.set(budget)
    return budget


def _check_size(value: object) -> None:
    if isinstance(value, str | list | tuple) and len(value) > MAX_VALUE_CHARS:
        raise _LimitExceeded("the template builds a value that is too large")


def _iter_guard(iterable: Iterable[Any]) -> Iterator[Any]:
    budget = _budget()
    for item in iterable:
        budget._tick()
        yield item


def _concat_guard(*parts: Any) -> str:
    _budget()._tick(0)
    texts = [str(part) for part in parts]
    if sum(len(text) for text in texts) > MAX_VALUE_CHARS:
        raise _LimitExceeded("the template builds a value that is too large")
    return "".join(texts)


def _range_guard(*args: int) -> range:
    result = range(*args)
    if len(result) > MAX_RANGE:
        raise _LimitExceeded(f"range() may produce at most {MAX_RANGE} items")
    return result


def _join_filter(value: Iterable[Any], d: str = "") -> str:
    texts = [str(item) for item in value]
    total = sum(len(text) for text in texts) + len(str(d)) * max(0, len(texts) - 1)
    if total > MAX_VALUE_CHARS:
        raise _LimitExceeded("the template builds a value that is too large")
    return str(d).join(texts)


def _replace_filter(value: Any, old: str, new: str, count: int | None = None) -> str:
    text, old, new = str(value), str(old), str(new)
    hits = text.count(old) if count is None else min(text.count(old), max(count, 0))
    if len(text) + hits * max(0, len(new) - len(old)) > MAX_VALUE_CHARS:
        raise _LimitExceeded("the template builds a value that is too large")
    return text.replace(old, new, -1 if count is None else count)


def _width_capped(name: str) -> Callable[..., Any]:
    original = FILTERS[name]

    def capped(value: Any, width: Any = 4, *args: Any, **kwargs: Any) -> Any:
        if isinstance(width, int) and width > 1_000:
            raise _LimitExceeded(f"the '{name}' width is too large")
        return original(value, width, *args, **kwargs)

    return capped


def _finalize(value: Any) -> str:
    # Every {{ ... }} output passes here: the value is encoded so it is data, never markup.
    if value is None:
        text = ""
    elif isinstance(value, str):
        text = value
    elif isinstance(value, list | tuple):
        text = ", ".join("" if item is None else str(item) for item in value)
    else:
        text = str(value)  # StrictUndefined raises here for unknown variables
    if len(text) > MAX_VALUE_CHARS:
        raise _LimitExceeded("the template prints a value that is too large")
    return encode_value(text)


class _NoteEnvironment(ImmutableSandboxedEnvironment):
    """Immutable sandbox with size-checked arithmetic and a narrower set of callables."""

    intercepted_binops = frozenset({"*", "**", "+"})

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        _budget()._tick(0)
        numbers = isinstance(left, int) and isinstance(right, int)
        if numbers and operator == "**" and right > 0:
            too_big = max(left.bit_length(), 1) * right > MAX_INT_BITS
        elif numbers and operator == "*":
            too_big = left.bit_length() + right.bit_length() > MAX_INT_BITS
        elif operator == "*":
            seq, times = (left, right) if isinstance(right, int) else (right, left)
            sized = isinstance(seq, str | list | tuple) and isinstance(times, int)
            limit = MAX_VALUE_CHARS if isinstance(seq, str) else MAX_ITERATIONS
            too_big = sized and len(seq) * max(times, 0) > limit
        elif operator == "+":
            sized = isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple)
            too_big = sized and len(left) + len(right) > MAX_VALUE_CHARS
        else:
            too_big = False
        if too_big:
            raise _LimitExceeded("the template builds a value or number that is too large")
        return super().call_binop(context, operator, left, right)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, str) and attr in _DENIED_STR_METHODS:
            return False
        return super().is_safe_attribute(obj, attr, value)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        # str.format and format_map are refused outright (see is_safe_attribute).
        return None

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _budget()._tick(0)
        result = super().call(__context, __obj, *args, **kwargs)
        _check_size(result)
        return result


def _make_environment() -> _NoteEnvironment:
    env = _NoteEnvironment(
        undefined=StrictUndefined,
        autoescape=False,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,
        cache_size=0,
    )
    env.filters = {name: FILTERS[name] for name in _SAFE_FILTERS}
    env.filters.update(
        join=_join_filter,
        replace=_replace_filter,
        center=_width_capped("center"),
        indent=_width_capped("indent"),
    )
    env.globals = {"range": _range_guard, "dict": dict, _ITER: _iter_guard, _CONCAT: _concat_guard}
    return env


_ENV = _make_environment()
_CACHE: dict[str, JinjaTemplate] = {}
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 64


class _Guard(NodeTransformer):
    """Route every loop and ``~`` concatenation through the budget; reject risky constructs."""

    def __init__(self) -> None:
        self.problems: list[tuple[int, str]] = []

    def generic_visit(self, node: nodes.Node, *args: Any, **kwargs: Any) -> nodes.Node:
        for kind, what in _FORBIDDEN_NODES.items():
            if isinstance(node, kind):
                self.problems.append((node.lineno, f"{what} are not allowed in note templates"))
        return super().generic_visit(node, *args, **kwargs)

    def visit_For(self, node: nodes.For) -> nodes.Node:
        node = self.generic_visit(node)  # type: ignore[assignment]
        if node.recursive:
            self.problems.append((node.lineno, "recursive loops are not allowed"))
        node.iter = nodes.Call(
            nodes.Name(_ITER, "load", lineno=node.lineno), [node.iter], [], None, None,
            lineno=node.lineno,
        )  # fmt: skip
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        node = self.generic_visit(node)  # type: ignore[assignment]
        return nodes.Call(
            nodes.Name(_CONCAT, "load", lineno=node.lineno), list(node.nodes), [], None, None,
            lineno=node.lineno,
        )  # fmt: skip


def _compile(body: str) -> JinjaTemplate:
    """Compile a body in the sandbox (cached); raises TemplateSyntaxError or TemplateRenderError."""
    with _CACHE_LOCK:
        cached = _CACHE.get(body)
    if cached is not None:
        return cached
    tree = _ENV.parse(body)
    guard = _Guard()
    guard.visit(tree)
    if guard.problems:
        line, message = min(guard.problems)
        raise TemplateRenderError(message, line)
    tree.set_environment(_ENV)
    compiled = _ENV.from_string(tree)
    with _CACHE_LOCK:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[body] = compiled
    return compiled


def _file_line(template: Template, body_line: int | None) -> int | None:
    return None if body_line is None else template.body_line + body_line - 1


def body_syntax_problem(template: Template) -> TemplateProblem | None:
    """Compile the body; return the first syntax problem with its file line, or ``None``."""
    try:
        _compile(template.body)
    except TemplateSyntaxError as exc:
        line = _file_line(template, exc.lineno) or template.body_line
        return TemplateProblem(line, f"template syntax error: {exc.message or 'invalid syntax'}")
    except TemplateRenderError as exc:
        return TemplateProblem(_file_line(template, exc.line) or template.body_line, exc.message)
    return None


def _template_lineno(tb: TracebackType | None) -> int | None:
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _describe(exc: BaseException) -> str:
    # Messages must not carry client data: only template-side facts are kept.
    if isinstance(exc, _LimitExceeded):
        return f"limit exceeded: {exc}"
    if isinstance(exc, SecurityError):
        return f"forbidden in the template sandbox: {exc}"
    if isinstance(exc, UndefinedError):
        return f"unknown variable or attribute: {exc.message}"
    if isinstance(exc, OverflowError):
        return "a range or number in the template is too large"
    if isinstance(exc, TypeError | ZeroDivisionError):
        return f"{type(exc).__name__}: {exc}"
    return f"{type(exc).__name__} while rendering the template"


def render_markup(template: Template, context: Mapping[str, Any]) -> str:
    """Render ``template`` with ``context`` to encoded markup text (see :mod:`markup`)."""
    try:
        compiled = _compile(template.body)
    except TemplateSyntaxError as exc:
        raise TemplateRenderError(
            f"template syntax error: {exc.message or 'invalid syntax'}",
            _file_line(template, exc.lineno),
        ) from None
    except TemplateRenderError as exc:
        raise TemplateRenderError(exc.message, _file_line(template, exc.line)) from None
    try:
        data = plain_context(context)
    except TypeError as exc:
        raise TemplateRenderError(str(exc)) from None
    token = _BUDGET.set(_Budget())
    try:
        chunks: list[str] = []
        size = 0
        for chunk in compiled.generate(data):
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise _LimitExceeded("the rendered note is larger than 2 MB")
            _budget()._tick(0)
            chunks.append(chunk)
        return "".join(chunks)
    except Exception as exc:
        line = _template_lineno(exc.__traceback__)
        raise TemplateRenderError(_describe(exc), _file_line(template, line)) from None
    finally:
        _BUDGET.reset(token)


def render_note(template: Template, context: Mapping[str, Any]) -> Document:
    """Render a note to a :class:`Document` inside the sandbox.

    ``context`` holds plain values only (see :func:`build_render_context`). Field values
    are data: they are never evaluated and never become headings, bullets or rows.
    Raises :class:`TemplateRenderError` for template bugs, forbidden operations and limits.
    """
    markup = render_markup(template, context)
    return parse_markup(markup.split("\n"), default_title=template.name)
