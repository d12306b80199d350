"""JSON read with the line of every value, so a checker can say "line 14: …" (stdlib only).

The document is parsed by `json_input.loads` (bounded: nesting, number length), so whatever
this module sees is valid JSON; a small scanner then walks the same text once and records,
for every value and every object key, the line it starts on, keyed by its path
(``("items", 3, "ask_if", "min")``). The scanner also reports keys that appear twice in one
object — `json.loads` silently keeps the last one, and a checker must not.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from noteapp.domain.json_input import loads

PathKey = tuple[str | int, ...]

# Whitespace, a string, a structural character, or a bare word (number, true, false, null).
_TOK = re.compile(r'\s+|"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+', re.DOTALL)


@dataclass
class _Frame:
    is_object: bool
    key: str | int = 0
    expect_key: bool = True
    seen: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class LineMap:
    """Where each value of a JSON document starts (1-based lines)."""

    lines: dict[PathKey, int]
    duplicates: tuple[tuple[int, str], ...] = ()  # (line, key) of a key seen twice

    def line(self, path: PathKey) -> int:
        """The line of `path`, else of its nearest enclosing value that exists."""
        probe = tuple(path)
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            probe = probe[:-1]
        return self.lines.get((), 1)


def scan_lines(text: str) -> LineMap:
    """Lines of every value of a document already known to be valid JSON."""
    lines: dict[PathKey, int] = {}
    duplicates: list[tuple[int, str]] = []
    stack: list[_Frame] = []
    line = 1

    def here() -> PathKey:
        return tuple(f.key for f in stack)

    for match in _TOK.finditer(text):
        tok = match.group()
        if tok[0].isspace():
            line += tok.count("\n")
            continue
        top = stack[-1] if stack else None
        if tok in ("{", "["):
            lines.setdefault(here(), line)
            stack.append(_Frame(is_object=tok == "{"))
        elif tok in ("}", "]"):
            stack.pop()
        elif tok == ",":
            if top is not None and top.is_object:
                top.expect_key = True
            elif top is not None and isinstance(top.key, int):
                top.key += 1
        elif tok == ":":
            continue
        elif tok[0] == '"' and top is not None and top.is_object and top.expect_key:
            key = str(json.loads(tok))
            if key in top.seen:
                duplicates.append((line, key))
            top.seen.add(key)
            top.key = key
            top.expect_key = False
            lines[here()] = line
        else:
            lines.setdefault(here(), line)
    return LineMap(lines, tuple(duplicates))


def loads_with_lines(text: str, *, what: str) -> tuple[Any, LineMap]:
    """Parse `text` (bounded, see json_input) and map each value to its line.

    Raises what `json_input.loads` raises for text that is not JSON or goes past a bound.
    """
    value = loads(text, what=what)
    return value, scan_lines(text)
