"""Hypothesis strategies for export jobs: odd characters, RTL, emoji, long and empty text."""

from __future__ import annotations

from hypothesis import strategies as st

from noteapp.domain.document import BulletList, Document, Heading, KeyValueTable, Paragraph
from noteapp.domain.export_model import (
    AddendumBlock,
    ClientBlock,
    CosignBlock,
    ExportedNote,
    ExportJob,
    Letterhead,
    SignatureLine,
)
from tests.export.samples import logo_png

_ODD = [
    "\x00",
    "\x07",
    "\x0b",
    "\x0c",
    "\x1f",
    "\ud800",
    "\udfff",
    "\ufffe",
    "\uffff",
    "\t",
    "\n",
    "\r",
    "\r\n",
    "\u00a0",
    "\u2028",
    "\u2029",
    "\u0085",
    "\u200b",
    "\u200f",
    "\ufeff",
    "\u00ad",
    "\u2011",
    "  ",
    " \n ",
    "\n\n",
    "{{ 7*7 }}",
    "<w:t>",
    "&amp;",
    "]]>",
    "שלום",
    "مرحبا بك",
    "👩🏽‍⚕️",
    "🧠",
    "é",
    "e\u0301",
    "漢字",
    "ı",
    "ß",
]

_any_char = st.characters(codec=None, exclude_categories=())
text = st.lists(
    st.one_of(st.sampled_from(_ODD), st.text(_any_char, max_size=12), st.just("word ")),
    max_size=8,
).map("".join)
long_text = st.text(st.sampled_from("abc \n"), min_size=2000, max_size=6000)
some_text = st.one_of(text, text, text, long_text)

blocks = st.one_of(
    st.builds(Heading, level=st.integers(1, 6), text=text),
    st.builds(Paragraph, text=some_text),
    st.builds(
        KeyValueTable,
        rows=st.lists(st.tuples(text, text), max_size=4).map(tuple),
    ),
    st.builds(BulletList, items=st.lists(text, max_size=4).map(tuple)),
)
documents = st.builds(Document, title=text, blocks=st.lists(blocks, max_size=6).map(tuple))
signatures = st.builds(SignatureLine, statement=text, fingerprint=text, content_hash=text)
addenda = st.builds(
    AddendumBlock,
    kind_label=st.sampled_from(["Addendum", "Amendment", "Late entry", ""]) | text,
    author=text,
    written_on=text,
    reason=text,
    text=some_text,
    signature=signatures,
    date_of_service=text,
)
notes = st.builds(
    ExportedNote,
    document=documents,
    signature=st.none() | signatures,
    addenda=st.lists(addenda, max_size=2).map(tuple),
    cosignatures=st.lists(
        st.builds(CosignBlock, statement=text, signature=signatures), max_size=2
    ).map(tuple),
    attestation=text,
)
letterheads = st.builds(
    Letterhead,
    agency_name=text,
    agency_address=text,
    agency_phone=text,
    logo_png=st.sampled_from([None, logo_png(60, 30), b"not a png", b"\x89PNG\r\n\x1a\nbroken"]),
)
jobs = st.builds(
    ExportJob,
    letterhead=letterheads,
    client=st.builds(ClientBlock, name=text, dob=text, code=text),
    notes=st.lists(notes, max_size=3).map(tuple),
    draft=st.booleans(),
    chart_title=st.sampled_from(["", "Chart"]) | text,
    extra=st.lists(documents, max_size=2).map(tuple),
    proof=st.none() | st.binary(max_size=200),
)
