"""The structured document model: dict round trip and deterministic plain text."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from noteapp.domain.document import (
    BulletList,
    Document,
    Heading,
    KeyValueTable,
    Paragraph,
    document_from_dict,
    document_plain_text,
    document_to_dict,
)

SAMPLE = Document(
    title="SOAP Progress Note",
    blocks=(
        KeyValueTable((("Client", "Jordan Avery (JA-0142)"), ("Date of service", "2024-03-05"))),
        Heading(2, "Subjective"),
        Paragraph('Client said: "better this week".\nSecond line.'),
        BulletList(("Reviewed safety plan", "Gave 988 information")),
    ),
)

_text = st.text(max_size=30)
_block = st.one_of(
    st.builds(Heading, st.integers(1, 6), _text),
    st.builds(Paragraph, _text),
    st.builds(KeyValueTable, st.lists(st.tuples(_text, _text), max_size=4).map(tuple)),
    st.builds(BulletList, st.lists(_text, max_size=4).map(tuple)),
)
_document = st.builds(Document, _text, st.lists(_block, max_size=6).map(tuple))


def test_dict_round_trip_through_json() -> None:
    data = json.loads(json.dumps(document_to_dict(SAMPLE)))
    assert document_from_dict(data) == SAMPLE


@given(_document)
def test_any_document_round_trips(doc: Document) -> None:
    assert document_from_dict(json.loads(json.dumps(document_to_dict(doc)))) == doc


def test_plain_text_is_one_line_per_printed_paragraph() -> None:
    assert document_plain_text(SAMPLE) == (
        "SOAP Progress Note\n"
        "Client\tJordan Avery (JA-0142)\n"
        "Date of service\t2024-03-05\n"
        "Subjective\n"
        'Client said: "better this week".\nSecond line.\n'
        "Reviewed safety plan\n"
        "Gave 988 information"
    )
    assert document_plain_text(SAMPLE) == document_plain_text(
        document_from_dict(document_to_dict(SAMPLE))
    )


@pytest.mark.parametrize(
    "data",
    [
        {"title": 1, "blocks": []},
        {"title": "t", "blocks": "nope"},
        {"title": "t", "blocks": [{"type": "video"}]},
        {"title": "t", "blocks": [{"type": "heading", "level": 0, "text": "x"}]},
        {"title": "t", "blocks": [{"type": "table", "rows": [["only-key"]]}]},
        {"title": "t", "blocks": [{"type": "bullets", "items": [1]}]},
        {"version": 99, "title": "t", "blocks": []},
    ],
)
def test_bad_dicts_are_rejected(data: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        document_from_dict(data)
