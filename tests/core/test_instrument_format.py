"""`instrument check`: every kind of problem in an instrument file, each on the line it is
about (the expected line is found by searching the file's text for a marker, independently
of the checker), all problems at once, and the CLI's exit codes and output."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from noteapp.domain.json_lines import loads_with_lines, scan_lines
from noteapp.measures import check_bytes, check_text
from tests.core.test_cli_records import json_of, run, vault

__all__ = ["vault"]

BASE: dict[str, Any] = {
    "format": 1,
    "id": "mood5",
    "name": "Mood-5",
    "title": "Five invented mood questions",
    "version": 1,
    "source": "Invented for the tests.",
    "terms": "Ours.",
    "answers": [
        {"value": 0, "label": "Never"},
        {"value": 1, "label": "Sometimes"},
        {"value": 2, "label": "Often"},
    ],
    "items": ["One", "Two", "Three", "Four", "Five"],
    "bands": [
        {"min": 0, "max": 3, "label": "low"},
        {"min": 4, "max": 6, "label": "middle"},
        {"min": 7, "max": 10, "label": "high"},
    ],
    "flags": [{"id": "five", "item": 5, "min": 1, "label": "Item five endorsed", "risk": True}],
    "remission": {"below": 4, "source": "Invented."},
    "reliable_change": {"points": 3, "source": "Invented."},
}


def text_of(data: Any) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False)


def line_with(text: str, marker: str) -> int:
    """The 1-based line of `marker` (the test's own reckoning). "A>>B" is the first B after
    the first A: '"bands">>{>>{' is the line where the second band starts."""
    index = 0
    for step, part in enumerate(marker.split(">>")):
        index = text.index(part, index + (len(part) if step else 0))
    return text.count("\n", 0, index) + 1


def test_the_base_file_is_valid() -> None:
    inst, problems = check_text(text_of(BASE))
    assert problems == [] and inst is not None
    assert (inst.total_min, inst.total_max) == (0, 10)
    assert inst.rules.remission_below == 4 and inst.rules.reliable_change == 3


def mutate(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


_DELETE = object()

# (what is changed, new value, marker for the expected line, words in the message)
CASES: list[tuple[tuple[Any, ...], Any, str, str]] = [
    (("format",), 2, '"format"', "format 2 is not known"),
    (("id",), "Mood 5!", '"id"', "lowercase letters"),
    (("name",), "", '"name"', "non-empty text"),
    (("version",), 0, '"version"', "between 1 and"),
    (("version",), True, '"version"', "whole number"),
    (("source",), _DELETE, "{", 'missing "source"'),
    (("colour",), "blue", '"colour"', 'unknown key "colour"'),
    (("answers", 1, "value"), 0, '"Never">>"value"', "uses the value 0 twice"),
    (("answers",), [{"value": 0, "label": "Only"}], '"answers"', "2 to 20 answer options"),
    (("answers", 2, "shade"), "red", '"shade"', 'unknown key "shade"'),
    (("items",), [], '"items"', "1 to 200 items"),
    (("items", 2), {"text": "3", "ask_if": {"items": [4], "min": 1}}, '"ask_if">>4', "1 and 2"),
    (("items", 2), {"text": "3", "ask_if": {"items": [1], "min": 9}}, '"min": 9', "never be asked"),
    (("items", 3), {"text": "Four", "scored": "no"}, '"scored"', "true or false"),
    (("reverse_scored",), [2, 9], '"reverse_scored">>9', "between 1 and 5"),
    (("reverse_scored",), [2, 2], '"reverse_scored">>2,>>2', "listed twice"),
    (("scoring",), {"method": "average"}, '"method"', '"sum" or "max"'),
    (("scoring",), {"max": 12}, '"max": 12', "maximum total of 10"),
    (("bands", 1, "min"), 5, '"bands">>{>>{', "leaves 4 uncovered"),
    (("bands", 1, "min"), 3, '"bands">>{>>{', "overlap at 3"),
    (("bands", 2, "max"), 11, '"bands">>{>>{>>{', "highest possible score is 10"),
    (("bands", 0, "min"), 1, '"bands">>{', "lowest possible score is 0"),
    (("bands", 1), {"min": 6, "max": 4, "label": "middle"}, '"bands">>{>>{', "after its end"),
    (("flags", 0, "item"), 12, '"item": 12', "there are 5 items"),
    (("flags", 0, "min"), 3, '"min": 3', "could never be raised"),
    (("flags", 0, "min"), 0, '"flags">>"min": 0', "every answer"),
    (("flags", 0, "risk"), "yes", '"risk"', "true or false"),
    (("remission",), {"below": 40, "source": "x"}, '"below": 40', "between 1 and 10"),
    (("remission",), {"below": 4}, '"remission"', 'missing "source"'),
    (("remission",), {"at_or_above": 4, "source": "x"}, '"at_or_above"', 'uses "below"'),
    (("reliable_change",), {"points": 3}, '"reliable_change"', 'missing "source"'),
    (("reliable_change",), {"points": 0, "source": "x"}, '"points": 0', "between 1 and 10"),
    (("subscales",), [{"id": "a", "name": "A", "items": [1, 9]}], '"subscales">>9', "1 and 5"),
    (("extra",), {"text": "How hard?", "answers": ["One"]}, '"extra">>"answers"', "at least two"),
    # Text shown on every score and printed in documents is plain, one-line text (red team).
    (("name",), "Mood\x1b[2J5", '"name"', "control or invisible character (\\x1b)"),
    (("title",), "Mood \u202efive", '"title"', "control or invisible character (\\u202e)"),
    (("items", 0), "One\x00", '"items">>"One', "control or invisible character (\\x00)"),
    (("answers", 0, "label"), "Ne\u200bver", '"Ne', "invisible character (\\u200b)"),
    (("bands", 0, "label"), "low\nhigh", '"low', "control or invisible character (\\x0a)"),
    (("name",), "Mood\ud8005", '"name"', "control or invisible character (\\ud800)"),
    (("extra",), {"text": "How?", "answers": ["a", "b\x9b"]}, '"extra">>"b', "answer 2 of"),
]  # fmt: skip


@pytest.mark.parametrize(("path", "value", "marker", "words"), CASES)
def test_each_kind_of_problem_is_reported_on_its_line(
    path: tuple[Any, ...], value: Any, marker: str, words: str
) -> None:
    text = text_of(mutate(path, value))
    inst, problems = check_text(text)
    assert inst is None
    matching = [p for p in problems if words in p.message]
    assert matching, [str(p) for p in problems]
    assert matching[0].line == line_with(text, marker), [str(p) for p in problems]


def test_a_key_twice_and_every_problem_at_once() -> None:
    text = text_of(mutate(("flags", 0, "item"), 12))[:-2] + ',\n "id": "again"\n}'
    text = text.replace('"colourless": 1', "")
    inst, problems = check_text(text)
    assert inst is None
    messages = [p.message for p in problems]
    assert any('"id" appears twice' in m for m in messages)
    assert any("there are 5 items" in m for m in messages)
    twice = next(p for p in problems if "appears twice" in p.message)
    assert twice.line == line_with(text, '"again"')


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b'{"format": 1,\n "id": "x"\n "name": 3}', "not valid JSON"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"[" * 5000 + b"]" * 5000, "nests data more deeply"),
        (b'{"n": ' + b"9" * 5000 + b"}", "digits"),
        (b" " * (256 * 1024 + 1), "larger than 256 KiB"),
        (b"[1, 2]", "must be an object"),
    ],
)
def test_files_that_are_not_instruments_at_all(raw: bytes, words: str) -> None:
    inst, problems = check_bytes(raw)
    assert inst is None and len(problems) == 1 and words in problems[0].message


def test_bad_json_names_its_line() -> None:
    _inst, problems = check_bytes(b'{"format": 1,\n "id": "x"\n "name": 3}')
    assert problems[0].line == 3


def test_the_line_map_of_nested_values() -> None:
    text = '{\n "a": [\n  1,\n  {"b": "x,y[z]", "c": null}\n ],\n "d": {}\n}'
    value, lines = loads_with_lines(text, what="test")
    assert value["a"][1]["b"] == "x,y[z]"
    assert lines.line(("a",)) == 2 and lines.line(("a", 0)) == 3
    assert lines.line(("a", 1, "c")) == 4 and lines.line(("d",)) == 6
    assert lines.line(("a", 1, "missing")) == 4  # the enclosing value
    assert scan_lines('{"k": 1, "k": 2}').duplicates == ((1, "k"),)


# --- the CLI -----------------------------------------------------------------------------


def test_cli_check_exit_codes_and_line_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.json"
    good.write_text(text_of(BASE), encoding="utf-8")
    r = run(capsys, "instrument", "check", str(good))
    assert r.code == 0 and "no problems found" in r.out
    bad = tmp_path / "bad.json"
    text = text_of(mutate(("bands", 1, "min"), 5))
    bad.write_text(text, encoding="utf-8")
    r = run(capsys, "instrument", "check", str(bad))
    assert r.code == 1
    middle = line_with(text, '"bands">>{>>{')
    assert f"bad.json:{middle}: the total leaves 4 uncovered" in r.out
    report = json.loads(run(capsys, "instrument", "check", str(bad), "--json").out)
    assert report["ok"] is False and report["problems"][0]["line"] == middle
    builtin = tmp_path / "phq.json"
    builtin.write_text(text_of(dict(BASE, id="phq9")), encoding="utf-8")
    assert "built-in instrument" in run(capsys, "instrument", "check", str(builtin)).out
    r = run(capsys, "instrument", "check", str(tmp_path / "missing.json"))
    assert r.code == 2 and "No instrument file" in r.err


def test_cli_add_and_list(vault: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.json"
    good.write_text(text_of(BASE), encoding="utf-8")
    r = run(capsys, "instrument", "add", str(good))
    assert r.code == 0 and r.out == "mood5\n"
    r = run(capsys, "instrument", "add", str(good))
    assert r.code == 2 and "already in this vault" in r.err
    bad = tmp_path / "bad.json"
    bad.write_text(text_of(mutate(("flags", 0, "item"), 12)), encoding="utf-8")
    r = run(capsys, "instrument", "add", str(bad))
    assert r.code == 2 and "bad.json:" in r.err and "there are 5 items" in r.err
    listed = {i["id"]: i for i in json_of(capsys, "instrument", "list")}
    assert {"phq9", "gad7", "pcl5", "auditc", "audit", "phqa", "k10", "dass21"} <= set(listed)
    assert listed["mood5"]["builtin"] is False and listed["mood5"]["versions"] == [1]
    assert listed["phqa"]["risk_flags"] == ["suicide-risk", "serious-thoughts-past-month"]
    client = run(capsys, "client", "add", "--name", "Sam Synthetic").out.strip()
    r = run(capsys, "measure", "add", "--client", client, "--instrument", "mood5",
            "--answers", "0,0,0,0,2", "--json")  # fmt: skip
    assert r.code == 0 and json.loads(r.out)["risk"] is True
