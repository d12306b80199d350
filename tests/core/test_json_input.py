"""The bounded JSON reader: nesting checked on the text first, every failure a sentence."""

from __future__ import annotations

import json

import pytest

from noteapp.domain.errors import InvalidInputError
from noteapp.domain.json_input import (
    MAX_DEPTH,
    JsonLimitError,
    loads,
    nesting_depth,
    parse_json,
)


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("1", 0),
        ("[]", 1),
        ('{"a": [1, {"b": []}], "c": {}}', 4),
        ('{"a": "[[[[{{{{"}', 1),  # brackets inside strings do not nest
        ('["say \\"[[[\\" twice", "\\\\", [[]]]', 3),  # escaped quotes and backslashes
        ('["unterminated [[[[', 1),  # a broken string runs to the end
    ],
)
def test_nesting_depth(text: str, depth: int) -> None:
    assert nesting_depth(text) == depth


def test_depth_up_to_the_bound_is_read_beyond_it_refused() -> None:
    at_bound = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert loads(at_bound, what="plan file") == json.loads(at_bound)
    beyond = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)
    with pytest.raises(JsonLimitError) as info:
        loads(beyond, what="plan file")
    assert str(info.value) == (
        "This plan file nests data more deeply than noteapp allows (64 levels); it was not read."
    )
    assert isinstance(info.value, ValueError)  # callers that catch ValueError still refuse it


def test_a_million_brackets_are_refused_without_parsing() -> None:
    # json.loads itself stops with a RecursionError after about a thousand levels.
    with pytest.raises(JsonLimitError, match="nests data more deeply"):
        loads('{"a": ' + "[" * 1_000_000, what="fields file")
    with pytest.raises(JsonLimitError, match="nests data more deeply"):
        loads("[{" * 500_000 + "}]" * 500_000, what="fields file")


def test_a_number_longer_than_python_reads_is_a_sentence() -> None:
    with pytest.raises(JsonLimitError) as info:
        loads("[" + "7" * 5000 + "]", what="ratings file")
    assert str(info.value) == (
        "This ratings file holds a number of more than 4,300 digits; it was not read."
    )


def test_text_that_is_not_json_raises_as_json_does() -> None:
    with pytest.raises(json.JSONDecodeError):
        loads("{not json", what="plan file")


@pytest.mark.parametrize(
    ("raw", "sentence"),
    [
        (b"\xff\xfe{}", "The plan file is not UTF-8 text."),
        (b'{\n  "a": tru\n}', "The plan file is not valid JSON (line 2, column 8)."),
        (b"[" * 100 + b"]" * 100, "This plan file nests data more deeply than noteapp allows"),
        (b"-" + b"1" * 4301, "This plan file holds a number of more than 4,300 digits"),
    ],
)
def test_parse_json_gives_an_input_error_with_a_sentence(raw: bytes, sentence: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        parse_json(raw, what="plan file")
    assert str(info.value).startswith(sentence)
    assert info.value.exit_code == 2


def test_parse_json_reads_good_json() -> None:
    assert parse_json('{"plan": "Weekly CBT — 8 sessions"}'.encode(), what="plan file") == {
        "plan": "Weekly CBT — 8 sessions"
    }
