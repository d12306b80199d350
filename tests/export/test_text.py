"""clean_text, the whitespace rules and default file names."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from noteapp.export import clean_text, default_file_name
from noteapp.export.text import normalise, split_paragraphs

_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@given(st.text(st.characters(codec=None, exclude_categories=())))
def test_clean_text_always_fits_in_xml(raw: str) -> None:
    cleaned = clean_text(raw)
    assert not _BAD.search(cleaned)
    assert "\r" not in cleaned
    el = etree.Element("t")
    el.text = cleaned  # lxml refuses anything XML cannot hold
    assert etree.fromstring(etree.tostring(el)).text in (cleaned, None)


def test_clean_text_marks_what_it_replaced() -> None:
    assert clean_text("a\x00b\x1fc\ufffed\ud800") == "a\ufffdb\ufffdc\ufffdd\ufffd"
    assert clean_text("tab\tand\nlines\r\nand\rcr") == "tab\tand\nlines\nand\ncr"
    assert clean_text("שלום 👩🏽‍⚕️ {{ 7*7 }}") == "שלום 👩🏽‍⚕️ {{ 7*7 }}"


def test_normalise_keeps_words_and_drops_harmless_spacing() -> None:
    assert normalise("  a\u00a0\u00a0b\t c  \n  d  ") == "a b c\nd"
    assert normalise("a\n\nb") == "a\n\nb"
    assert normalise("word") != normalise("w0rd")


@given(st.text())
def test_normalise_is_idempotent(raw: str) -> None:
    once = normalise(raw)
    assert normalise(once) == once


def test_split_paragraphs_at_blank_lines() -> None:
    assert split_paragraphs("one\ntwo\n \n\nthree\n\n") == ["one\ntwo", "three"]
    assert split_paragraphs(" \n ") == []


def test_default_file_names_hold_code_and_dates_only() -> None:
    assert default_file_name("C0004", "2026-03-04") == "C0004_2026-03-04_note.docx"
    assert (
        default_file_name("C0004", "2026-01-01 to 2026-03-31", "chart")
        == "C0004_2026-01-01_to_2026-03-31_chart.docx"
    )
    assert default_file_name("../x/..", "2026/03/04") == "x_2026-03-04_note.docx"
    assert default_file_name("", "") == "client_undated_note.docx"


@given(st.text(), st.text(), st.text())
def test_default_file_names_are_file_system_safe(code: str, date: str, kind: str) -> None:
    name = default_file_name(code, date, kind)
    assert re.fullmatch(r"[A-Za-z0-9._-]+\.docx", name)
    assert not name.startswith(".")
    assert len(name) < 200
