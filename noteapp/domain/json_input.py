"""JSON from outside — a file, a user, an exported document — read within bounds (stdlib only).

``json.loads`` recurses once per nested array or object, so a few kilobytes of ``[`` end in a
``RecursionError``, and Python refuses integers of more than 4,300 digits with a plain
``ValueError``: both escaped every reader as "unexpected error". Every reader of JSON that
did not come from noteapp's own encrypted records goes through here. Nesting is checked on
the text, before the parser runs, and each failure is a sentence naming the real cause.
Sizes stay with the callers, which read at most their own limit from a file.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from noteapp.domain.errors import InvalidInputError

# The deepest document noteapp writes (a chart's signature proof) nests about a dozen levels.
MAX_DEPTH = 64

# A JSON string (an unterminated one runs to the end): brackets inside strings do not nest.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


class JsonLimitError(ValueError):
    """The JSON goes beyond a bound (nesting, number length); the message is a sentence."""


def nesting_depth(text: str, *, stop_after: int = MAX_DEPTH) -> int:
    """How deeply arrays and objects nest in ``text`` (counting stops past ``stop_after``)."""
    skeleton = _NOT_BRACKET.sub("", _STRING.sub("", text))
    depth = deepest = 0
    for char in skeleton:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if depth > stop_after:
                break
        else:
            depth -= 1
    return deepest


def loads(text: str, *, what: str, max_depth: int = MAX_DEPTH) -> Any:
    """``json.loads`` within bounds. ``what`` names the input in messages ("plan file").

    Raises :class:`JsonLimitError` past a bound, else what ``json.loads`` raises
    (``json.JSONDecodeError`` for text that is not JSON). Both are ``ValueError``.
    """
    too_deep = JsonLimitError(
        f"This {what} nests data more deeply than noteapp allows ({max_depth} levels); "
        "it was not read."
    )
    if nesting_depth(text, stop_after=max_depth) > max_depth:
        raise too_deep
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except RecursionError:  # only from a caller already near Python's recursion limit
        raise too_deep from None
    except ValueError:  # an integer longer than Python reads (sys.int_info)
        digits = sys.get_int_max_str_digits()
        raise JsonLimitError(
            f"This {what} holds a number of more than {digits:,} digits; it was not read."
        ) from None


def parse_json(raw: bytes, *, what: str) -> Any:
    """Parse UTF-8 JSON bytes from a user's file; raise InvalidInputError with a sentence."""
    try:
        return loads(raw.decode("utf-8"), what=what)
    except UnicodeDecodeError:
        raise InvalidInputError(f"The {what} is not UTF-8 text.") from None
    except json.JSONDecodeError as exc:
        raise InvalidInputError(
            f"The {what} is not valid JSON (line {exc.lineno}, column {exc.colno})."
        ) from None
    except JsonLimitError as exc:
        raise InvalidInputError(str(exc)) from None
