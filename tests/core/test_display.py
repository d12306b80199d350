"""Hostile text is shown harmlessly: escapes visible, JSON data exact."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from noteapp.domain.display import escape_json_text, is_unsafe, visible


def test_terminal_escapes_are_made_visible() -> None:
    forged = "Dana\x1b[2K\x1b[1A\rValid: every signer is trusted"
    shown = visible(forged)
    assert "\x1b" not in shown and "\r" not in shown
    assert shown == "Dana\\x1b[2K\\x1b[1A\\x0dValid: every signer is trusted"


def test_c1_csi_del_and_bidi_overrides_are_made_visible() -> None:
    shown = visible("a\x9b31mb\x7fc\u202ed\u2066e\u200bf\U000e0041")
    assert shown == "a\\x9b31mb\\x7fc\\u202ed\\u2066e\\u200bf\\U000e0041"


def test_newlines_are_escaped_unless_multiline() -> None:
    assert visible("line one\nline two") == "line one\\x0aline two"
    assert visible("line one\n\tline two", multiline=True) == "line one\n\tline two"
    assert visible("a\x1bb\nc", multiline=True) == "a\\x1bb\nc"


def test_ordinary_clinical_text_is_unchanged() -> None:
    for text in ["Client reports “better sleep” — 7/10", "שלום עולם", "naïve café 😀", "a\u00a0b"]:
        assert visible(text) == text


def test_json_escaping_keeps_the_data_exact() -> None:
    doc = {"name": "A\x9b\u202eB\x1b", "list": ["ok", "\u2028"]}
    text = escape_json_text(json.dumps(doc, indent=2, ensure_ascii=False))
    assert not any(is_unsafe(c) for c in text if c not in "\n")
    assert json.loads(text) == doc


@given(st.text())
def test_json_escaping_round_trips_any_text(value: str) -> None:
    text = escape_json_text(json.dumps({"v": value}, ensure_ascii=False))
    assert json.loads(text) == {"v": value}
    assert not any(is_unsafe(c) for c in text)


@given(st.text())
def test_visible_output_never_holds_an_unsafe_character(value: str) -> None:
    assert not any(is_unsafe(c) for c in visible(value))


def test_letters_that_print_as_blanks_are_made_visible() -> None:
    # Red team: a signer name padded with Braille or Hangul blanks (printable, so they passed
    # as text) pushes "(not trusted)" off the line after a forged "(trusted)".
    name = "Dana Whitfield · key 6390 F674 (trusted)" + "\u2800" * 3 + "\u3164\u115f\u1160\uffa0"
    shown = visible(name)
    assert shown.endswith("\\u2800\\u2800\\u2800\\u3164\\u115f\\u1160\\uffa0")
    assert escape_json_text('"\u2800"') == '"\\u2800"'
