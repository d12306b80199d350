"""Domain: diagnoses, client codes and names, Client values and their dict form."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from noteapp.domain.clients import (
    Client,
    ClientStatus,
    Contact,
    Diagnosis,
    EmergencyContact,
    client_from_dict,
    client_to_dict,
    validate_client_code,
    validate_name,
)
from noteapp.domain.errors import InvalidInputError
from noteapp.domain.ids import ClientId, new_id

# --- Diagnosis.parse ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("F41.1", "F41.1"),
        ("f41.1", "F41.1"),
        ("f411", "F41.1"),
        ("  F43.10 ", "F43.10"),
        ("F4310", "F43.10"),
        ("F32.A", "F32.A"),  # depression, unspecified: a letter after the dot
        ("F90.0", "F90.0"),
        ("F41", "F41"),  # a three-character category is a valid code
        ("T74.11XA", "T74.11XA"),  # seven characters, with the X placeholder
        ("C4A.0", "C4A.0"),  # a letter in third position
        ("Z3A.01", "Z3A.01"),
        ("M1A.00X0", "M1A.00X0"),
    ],
)
def test_diagnosis_parse_normalises(raw: str, expected: str) -> None:
    assert Diagnosis.parse(raw).code == expected


def test_diagnosis_parse_strips_description() -> None:
    dx = Diagnosis.parse("f411", "  Generalized anxiety disorder ")
    assert dx == Diagnosis("F41.1", "Generalized anxiety disorder")


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "XYZ",
        "F4",
        "41.1",
        "FF1.1",
        "F41.",
        "F41..1",
        "F4.11",
        "F41.11111",  # eight characters: longer than any ICD-10-CM code
        "F41-1",
        "F41 .1",
        "F41.1;DROP",
        "F4C.1",  # a third-position letter is only ever A or B (C4A, C7B...)
    ],
)
def test_diagnosis_parse_rejects(raw: str) -> None:
    with pytest.raises(InvalidInputError) as err:
        Diagnosis.parse(raw)
    assert "ICD-10-CM" in str(err.value)


def test_diagnosis_error_message_is_bounded() -> None:
    with pytest.raises(InvalidInputError) as err:
        Diagnosis.parse("X" * 500)
    assert len(str(err.value)) < 120


@pytest.mark.parametrize("raw", ["U07.1", "U09.9"])
def test_diagnosis_accepts_icd10cm_u_codes(raw: str) -> None:
    assert Diagnosis.parse(raw).code == raw


# --- client codes and names --------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("C0001", "C0001"), (" ab_1 ", "ab_1"), ("x", "x"), ("A" * 16, "A" * 16), ("9-z", "9-z")],
)
def test_client_code_valid(raw: str, expected: str) -> None:
    assert validate_client_code(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "  ", "-abc", "_abc", "A" * 17, "a b", "é1", "../x", "a/b", "a.b", "C:1"]
)
def test_client_code_invalid(raw: str) -> None:
    with pytest.raises(InvalidInputError):
        validate_client_code(raw)


def test_validate_name_collapses_whitespace_and_bounds_length() -> None:
    assert validate_name("  Jordan   Avery\t") == "Jordan Avery"
    with pytest.raises(InvalidInputError):
        validate_name("   ")
    assert validate_name("A" * 200) == "A" * 200
    with pytest.raises(InvalidInputError) as err:
        validate_name("A" * 201)
    assert "A" * 20 not in str(err.value)  # the rejected name is not echoed


# --- Client ----------------------------------------------------------------------------


def _client(**kw: object) -> Client:
    base: dict[str, object] = {"id": ClientId(new_id()), "name": "Jordan Avery", "code": "C0001"}
    base.update(kw)
    return Client(**base)  # type: ignore[arg-type]


# Letters that appear in neither "Client(id=..., code=...)" nor in hex ids or codes, so a
# name made of them can only show up in repr() if repr leaks it.
_NAME_ALPHABET = "ghjkmpqrsuvwxyzGHJKMPQRSUVWXYZ "


@given(name=st.text(alphabet=_NAME_ALPHABET, min_size=3).filter(lambda s: s.strip()))
def test_client_repr_never_contains_the_name(name: str) -> None:
    c = _client(name=name, preferred_name=name, code="C0042")
    assert name not in repr(c)
    assert name not in str(c)
    assert "C0042" in repr(c)


def test_display_and_first_name() -> None:
    assert _client().display_name == "Jordan Avery"
    assert _client().first_name == "Jordan"
    c = _client(name="Jordan Lee Avery", preferred_name="Jo")
    assert c.display_name == "Jo Avery"
    assert c.first_name == "Jo"
    single = _client(name="Cher", preferred_name="C")
    assert single.display_name == "C"
    assert _client(name="Cher").first_name == "Cher"
    assert _client(name="").first_name == ""


def test_discharged_and_reactivated() -> None:
    c = _client()
    d = c.discharged(on=date(2026, 3, 1), reason="Goals met")
    assert (d.status, d.discharged_on, d.discharge_reason) == (
        ClientStatus.DISCHARGED,
        date(2026, 3, 1),
        "Goals met",
    )
    assert c.status is ClientStatus.ACTIVE  # frozen: the original is untouched
    r = d.reactivated()
    assert (r.status, r.discharged_on, r.discharge_reason) == (ClientStatus.ACTIVE, None, "")


_text = st.text(max_size=40)
_codes = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9_-]{0,15}\Z")
_diagnoses = st.builds(
    Diagnosis,
    code=st.sampled_from(["F41.1", "F43.10", "F32.A", "F90.0", "T74.11XA"]),
    description=_text,
)
_clients = st.builds(
    Client,
    id=st.text(alphabet="0123456789abcdef", min_size=32, max_size=32).map(ClientId),
    name=st.text(min_size=1, max_size=60),
    code=_codes,
    preferred_name=_text,
    dob=st.none() | st.dates(),
    pronouns=_text,
    contact=st.builds(Contact, phone=_text, email=_text, address=_text),
    emergency_contact=st.builds(EmergencyContact, name=_text, relationship=_text, phone=_text),
    diagnoses=st.lists(_diagnoses, max_size=3).map(tuple),
    status=st.sampled_from(ClientStatus),
    admitted_on=st.none() | st.dates(),
    discharged_on=st.none() | st.dates(),
    discharge_reason=_text,
)


@given(_clients)
def test_client_dict_round_trip(client: Client) -> None:
    # Through JSON, as the vault stores it.
    stored = json.loads(json.dumps(client_to_dict(client), ensure_ascii=False))
    assert client_from_dict(stored) == client


def test_client_from_minimal_dict_uses_defaults() -> None:
    c = client_from_dict({"id": "ab" * 16, "name": "Jordan Avery", "code": "C0001"})
    assert c.status is ClientStatus.ACTIVE
    assert c.contact == Contact() and c.emergency_contact == EmergencyContact()
    assert c.diagnoses == () and c.dob is None


def test_client_to_dict_is_plain_json() -> None:
    c = _client(dob=date(1990, 2, 3), diagnoses=(Diagnosis("F41.1", "GAD"),))
    d = client_to_dict(c)
    assert d["dob"] == "1990-02-03"
    assert d["status"] == "active"
    assert d["diagnoses"] == [{"code": "F41.1", "description": "GAD"}]
    json.dumps(d)  # nothing that needs a custom encoder
