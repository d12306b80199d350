"""Sandboxed Jinja2 rendering of note templates into structured documents, with hard limits.

Nothing in a template is evaluated while it is compiled (Jinja's constant folding is off),
so every operation runs under the render budget of :mod:`limits`; the template's size and
how deeply it nests are checked before it is compiled at all.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2 import Template as JinjaTemplate
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.lexer import (
    TOKEN_LBRACE,
    TOKEN_LBRACKET,
    TOKEN_LPAREN,
    TOKEN_RBRACE,
    TOKEN_RBRACKET,
    TOKEN_RPAREN,
)
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer

from noteapp.domain.document import Document
from noteapp.templates.context import plain_context
from noteapp.templates.filters import note_filters
from noteapp.templates.limits import (
    MAX_BODY_CHARS,
    MAX_INT_BITS,
    MAX_LOOP_NESTING,
    MAX_NESTING,
    MAX_OUTPUT_CHARS,
    LimitExceeded,
    admit,
    budget,
    check_total,
    concat_guard,
    end_render,
    iter_guard,
    range_guard,
    size_of,
    start_render,
)
from noteapp.templates.markup import encode_value, parse_markup
from noteapp.templates.model import Template, TemplateProblem, TemplateRenderError

_ITER = "noteapp_iter_guard"
_CONCAT = "noteapp_concat_guard"
_VALUE = "noteapp_value_guard"
_FORBIDDEN_NODES: dict[type[nodes.Node], str] = {
    nodes.Macro: "macros",
    nodes.CallBlock: "call blocks",
    nodes.Import: "imports",
    nodes.FromImport: "imports",
    nodes.Include: "includes",
    nodes.Extends: "extends",
    # These collect output in memory, out of reach of the output limit; notes never need them.
    nodes.Block: "blocks",
    nodes.AssignBlock: "'set' blocks (use {% set name = value %})",
    nodes.FilterBlock: "filter blocks",
    # Jinja evaluates an autoescape setting while compiling; notes are not HTML anyway.
    nodes.EvalContextModifier: "autoescape settings",
    nodes.ScopedEvalContextModifier: "autoescape settings",
}
_OPENING = frozenset({TOKEN_LPAREN, TOKEN_LBRACKET, TOKEN_LBRACE})
_CLOSING = frozenset({TOKEN_RPAREN, TOKEN_RBRACKET, TOKEN_RBRACE})
_NESTING_MESSAGE = f"the template nests expressions or blocks more than {MAX_NESTING} deep"
# Methods that build huge values from a short call; the filters cover real needs.
_DENIED_METHODS: dict[type, frozenset[str]] = {
    str: frozenset(
        {"center", "ljust", "rjust", "zfill", "expandtabs", "format", "format_map", "join",
         "replace", "translate", "encode"}
    ),
    int: frozenset({"to_bytes"}),
}  # fmt: skip


def _finalize(value: Any) -> str:
    # Every {{ ... }} output passes here: the value is encoded so it is data, never markup.
    size_of(value)  # measured before it is turned into text
    if value is None:
        text = ""
    elif isinstance(value, str):
        text = value
    elif isinstance(value, list | tuple):
        text = ", ".join("" if item is None else str(item) for item in value)
    else:
        text = str(value)  # StrictUndefined raises here for unknown variables
    check_total(len(text), "prints a value")
    return encode_value(text)


def _check_binop(operator: str, left: Any, right: Any) -> None:
    """Refuse an operation whose result would be too large, before Python computes it."""
    if operator == "%" and isinstance(left, str):
        # printf-style formatting pads to any width ('%1500000000d'): refused like str.format.
        raise SecurityError("'%' text formatting is not available (join text with '~')")
    ints = isinstance(left, int) and isinstance(right, int)
    if operator == "**" and ints and right > 0:
        if max(left.bit_length(), 1) * right > MAX_INT_BITS:
            raise LimitExceeded("the template builds a number that is too large")
    elif operator == "*" and ints:
        if left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise LimitExceeded("the template builds a number that is too large")
    elif operator == "*":
        seq, times = (left, right) if isinstance(right, int) else (right, left)
        if isinstance(times, int) and isinstance(seq, str | list | tuple):
            check_total(size_of(seq) * max(times, 0))
    elif operator == "+" and all(isinstance(side, str | list | tuple) for side in (left, right)):
        check_total(size_of(left) + size_of(right))


class _NoFoldCodeGenerator(CodeGenerator):
    """Compiles ``{{ … }}`` to code that runs at render time, never to a folded constant.

    Jinja folds constant output while compiling — outside every render limit, on each start
    of the app ('%1500000000d' % 1 took 25 s and 6 GB). Literal text is still kept as is.
    """

    def _output_child_to_const(
        self, node: nodes.Expr, frame: Frame, finalize: CodeGenerator._FinalizeInfo
    ) -> str:
        if not isinstance(node, nodes.TemplateData):
            raise nodes.Impossible()
        return super()._output_child_to_const(node, frame, finalize)


class _NoteEnvironment(ImmutableSandboxedEnvironment):
    """Immutable sandbox: every operator, call and filter is size-checked and budgeted."""

    code_generator_class = _NoFoldCodeGenerator
    # Intercepted operators run through call_binop, and Jinja never folds them at compile time.
    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        budget().tick(0)
        _check_binop(operator, left, right)
        return admit(super().call_binop(context, operator, left, right))

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        for kind, denied in _DENIED_METHODS.items():
            if isinstance(obj, kind) and attr in denied:
                return False
        return super().is_safe_attribute(obj, attr, value)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        # str.format and format_map are refused outright (see is_safe_attribute).
        return None

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        budget().tick(0)
        return admit(super().call(__context, __obj, *args, **kwargs))


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
        optimized=False,  # the optimizer folds constants at compile time: see above
    )
    env.filters = note_filters()
    env.globals = {
        "range": range_guard,
        "dict": dict,
        _ITER: iter_guard,
        _CONCAT: concat_guard,
        _VALUE: admit,
    }
    return env


_ENV = _make_environment()
_CACHE: dict[str, JinjaTemplate] = {}
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 64


def _guard_call(name: str, node: nodes.Node, args: list[nodes.Node]) -> nodes.Call:
    guard = nodes.Name(name, "load", lineno=node.lineno)
    return nodes.Call(guard, args, [], None, None, lineno=node.lineno)


class _Guard(NodeTransformer):
    """Route every loop, ``~`` and literal list through the budget; reject risky constructs."""

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
        node.iter = _guard_call(_ITER, node, [node.iter])
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        node = self.generic_visit(node)  # type: ignore[assignment]
        return _guard_call(_CONCAT, node, [*node.nodes])

    def _literal(self, node: nodes.Expr) -> nodes.Node:
        # [a, a, a] of a large `a` is a large value too: measured like any value built.
        visited = self.generic_visit(node)
        assert isinstance(visited, nodes.Expr)
        return _guard_call(_VALUE, visited, [visited])

    visit_List = visit_Dict = _literal

    def visit_Tuple(self, node: nodes.Tuple) -> nodes.Node:
        if node.ctx != "load":  # a target: {% for key, value in … %}
            return self.generic_visit(node)
        return self._literal(node)


def _bracket_problem(body: str) -> tuple[int, str] | None:
    """Brackets nested too deeply (checked on tokens, before the parser recurses into them)."""
    depth = 0
    for line, kind, _value in _ENV.lex(body):
        if kind in _OPENING:
            depth += 1
            if depth > MAX_NESTING:
                return line, _NESTING_MESSAGE
        elif kind in _CLOSING:
            depth -= 1
    return None


def _structure_problem(tree: nodes.Template) -> tuple[int, str] | None:
    """Too deep a tree of expressions and blocks, or of loops (checked without recursion)."""
    stack: list[tuple[nodes.Node, int, int]] = [(tree, 0, 0)]
    while stack:
        node, depth, loops = stack.pop()
        if depth > MAX_NESTING:
            return node.lineno, _NESTING_MESSAGE
        if isinstance(node, nodes.For):
            loops += 1
            if loops > MAX_LOOP_NESTING:
                return node.lineno, f"the template nests loops more than {MAX_LOOP_NESTING} deep"
        stack.extend((child, depth + 1, loops) for child in node.iter_child_nodes())
    return None


def _parse(body: str) -> nodes.Template:
    """Parse a body within the size and nesting limits; raises TemplateRenderError."""
    if len(body) > MAX_BODY_CHARS:
        raise TemplateRenderError(
            f"the template body is longer than {MAX_BODY_CHARS:,} characters", 1
        )
    try:
        problem = _bracket_problem(body)
        tree = _ENV.parse(body) if problem is None else None
    except RecursionError:  # e.g. 'not not not …': nesting without brackets
        raise TemplateRenderError(_NESTING_MESSAGE, 1) from None
    except ValueError:  # Python reads integers of at most 4,300 digits
        raise TemplateRenderError("a number in the template is too long", 1) from None
    if tree is not None:
        problem = _structure_problem(tree)
    if problem is not None:
        raise TemplateRenderError(problem[1], problem[0])
    assert tree is not None
    return tree


def _compile(body: str) -> JinjaTemplate:
    """Compile a body in the sandbox (cached); raises TemplateSyntaxError or TemplateRenderError."""
    with _CACHE_LOCK:
        cached = _CACHE.get(body)
    if cached is not None:
        return cached
    tree = _parse(body)
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
    if isinstance(exc, LimitExceeded):
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
    token = start_render()
    try:
        chunks: list[str] = []
        size = 0
        for chunk in compiled.generate(data):
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise LimitExceeded("the rendered note is larger than 2 MB")
            budget().tick(0)
            chunks.append(chunk)
        return "".join(chunks)
    except Exception as exc:
        line = _template_lineno(exc.__traceback__)
        raise TemplateRenderError(_describe(exc), _file_line(template, line)) from None
    finally:
        end_render(token)


def render_note(template: Template, context: Mapping[str, Any]) -> Document:
    """Render a note to a :class:`Document` inside the sandbox.

    ``context`` holds plain values only (see :func:`build_render_context`). Field values
    are data: they are never evaluated and never become headings, bullets or rows.
    Raises :class:`TemplateRenderError` for template bugs, forbidden operations and limits.
    """
    markup = render_markup(template, context)
    return parse_markup(markup.split("\n"), default_title=template.name)
