"""The agency's pure parts, without a server: sealing to X25519 keys, version envelopes and
their places, chart-key commitments, freshness checks, merges, and the connection policy."""

from __future__ import annotations

import subprocess
import sys

import pytest

from noteapp import crypto
from noteapp.agency import freshness
from noteapp.agency.envelope import (
    NO_PREVIOUS,
    Place,
    VersionBody,
    open_version,
    seal_version,
    version_id,
)
from noteapp.agency.keys import ChartRole, Epoch, commitment, unwrap_key, wrap_key
from noteapp.agency.kinds import client_of
from noteapp.agency.merge import Action, Synced, classify, local_chain, merge_fields
from noteapp.agency.server.connection import conninfo_for
from noteapp.domain.errors import InvalidInputError, RefusedError, ServerIntegrityError

CHART = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"


def test_sealed_boxes_open_only_for_their_recipient_and_place() -> None:
    private, public = crypto.generate_exchange_keypair()
    other, _ = crypto.generate_exchange_keypair()
    sealed = crypto.seal(public, b"chart key", b"place")
    assert crypto.open_sealed(private, sealed, b"place") == b"chart key"
    for key, ad in ((other, b"place"), (private, b"another place")):
        with pytest.raises(crypto.DecryptionError):
            crypto.open_sealed(key, sealed, ad)
    with pytest.raises(crypto.DecryptionError):  # a low-order ephemeral key is refused
        crypto.open_sealed(private, bytes(32) + sealed[32:], b"place")


def _place(seq: int = 1, **kw: object) -> Place:
    base = dict(agency_id="ag", chart_id=CHART, seq=seq, epoch=1, author="m1", previous=NO_PREVIOUS)
    return Place(**{**base, **kw})  # type: ignore[arg-type]


def test_a_version_opens_only_at_its_place_under_its_key_and_author() -> None:
    key = crypto.random_bytes(32)
    signing, public = crypto.generate_signing_keypair()
    data = {"id": "n1", "client_id": "c1", "fields": {"x": "y"}}
    body = VersionBody("note", "n1", version_id("note", "n1", "", data), "", data)
    blob = seal_version(
        body, cipher=crypto.Aead(key), signer=crypto.Signer(signing), place=_place()
    )
    opened = open_version(
        blob, cipher=crypto.Aead(key), author=crypto.Verifier(public), place=_place()
    )
    assert opened == body
    _, stranger = crypto.generate_signing_keypair()
    for place, author, k in (
        (_place(seq=2), public, key),  # moved to another number
        (_place(chart_id="ffffffff-4b5a-6978-8796-a5b4c3d2e1f0"), public, key),  # another chart
        (_place(previous=b"\1" * 32), public, key),  # a forked history
        (_place(author="m2"), public, key),  # claimed by another member
        (_place(), stranger, key),  # signed by someone else
        (_place(), public, crypto.random_bytes(32)),  # another chart key
    ):
        with pytest.raises(ServerIntegrityError):
            open_version(blob, cipher=crypto.Aead(k), author=crypto.Verifier(author), place=place)


def test_version_ids_are_content_addressed() -> None:
    a = version_id("note", "n1", "", {"x": 1})
    assert a == version_id("note", "n1", "", {"x": 1})
    assert a != version_id("note", "n1", "base", {"x": 1})
    assert a != version_id("note", "n1", "", {"x": 2})
    assert version_id("note", "n1", a, None) != version_id("note", "n1", a, {})


def test_a_chart_key_is_taken_only_when_it_matches_the_commitment() -> None:
    private, public = crypto.generate_exchange_keypair()
    key = crypto.random_bytes(32)
    epoch = Epoch(CHART, 2, commitment(key, "ag", CHART, 2), (("m1", ChartRole.CLINICIAN),), 0)
    wrapped = wrap_key(key, to=public, agency_id="ag", chart_id=CHART, epoch=2, member="m1")
    assert (
        unwrap_key(private, wrapped, agency_id="ag", chart_id=CHART, epoch=epoch, member="m1")
        == key
    )
    slipped = wrap_key(
        crypto.random_bytes(32), to=public, agency_id="ag", chart_id=CHART, epoch=2, member="m1"
    )
    with pytest.raises(ServerIntegrityError, match="not the one the administrator certified"):
        unwrap_key(private, slipped, agency_id="ag", chart_id=CHART, epoch=epoch, member="m1")
    with pytest.raises(ServerIntegrityError, match="does not open"):
        unwrap_key(private, wrapped, agency_id="ag", chart_id=CHART, epoch=epoch, member="m2")


def test_freshness() -> None:
    freshness.check_head(CHART, known=3, served=3)
    with pytest.raises(ServerIntegrityError, match="older state"):
        freshness.check_head(CHART, known=3, served=2)
    freshness.check_sequence(CHART, after=3, seqs=[4, 5], head=5)
    for seqs in ([5], [4, 6], [5, 4], [4, 5, 6]):
        with pytest.raises(ServerIntegrityError, match="gap"):
            freshness.check_sequence(CHART, after=3, seqs=seqs, head=5)
    e1 = Epoch(CHART, 1, "c1", (("m1", ChartRole.CLINICIAN),), 0)
    e2 = Epoch(CHART, 2, "c2", (("m1", ChartRole.CLINICIAN),), 7)
    freshness.check_epochs(CHART, known={1: e1}, served=[e1, e2])
    assert freshness.epoch_at({1: e1, 2: e2}, 7) == e1
    assert freshness.epoch_at({1: e1, 2: e2}, 8) == e2
    with pytest.raises(ServerIntegrityError, match="older state"):
        freshness.check_epochs(CHART, known={1: e1, 2: e2}, served=[e1])
    with pytest.raises(ServerIntegrityError, match="changed"):
        freshness.check_epochs(CHART, known={1: e1}, served=[Epoch(CHART, 1, "x", (), 0)])
    with pytest.raises(ServerIntegrityError, match="go back"):
        freshness.check_epochs(CHART, known={}, served=[e2.__class__(CHART, 1, "c", (), 9), e2])


def test_merge_and_classify() -> None:
    base = {"name": "A", "pronouns": "she/her", "contact": {"phone": "", "email": ""}}
    local = {"name": "A", "pronouns": "they/them", "contact": {"phone": "1", "email": ""}}
    remote = {"name": "B", "pronouns": "he/him", "contact": {"phone": "", "email": "e"}}
    merged, clashes = merge_fields(base, local, remote)
    assert merged == {"name": "B", "pronouns": "they/them", "contact": {"phone": "1", "email": "e"}}
    assert clashes == ["pronouns"]
    chain = local_chain("note", "n1", "v0", [(2, {"a": 1}), (3, {"a": 2})])
    assert list(chain.values()) == [2, 3]
    synced = Synced(1, "v0", "m1")
    assert classify(current=3, synced=synced, incoming=next(iter(chain)), mine=chain) == Action.MINE
    assert classify(current=1, synced=synced, incoming="x", mine={}) == Action.APPLY
    assert classify(current=3, synced=synced, incoming="x", mine=chain) == Action.CONFLICT


def test_which_chart_a_record_belongs_to() -> None:
    assert client_of("client", {"id": "c1"}, {}) == "c1"
    assert client_of("note", {"client_id": "c1"}, {}) == "c1"
    assert client_of("signed_item", {"note_id": "n1"}, {"n1": "c1"}) == "c1"
    assert client_of("signed_item", {"note_id": "n9"}, {"n1": "c1"}) == ""


def test_connection_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PGHOST", "PGSERVICE", "PGSSLMODE"):
        monkeypatch.delenv(name, raising=False)
    assert conninfo_for("host=/run/postgresql dbname=a") == "host=/run/postgresql dbname=a"
    assert conninfo_for("postgresql://dana@localhost/a") == "postgresql://dana@localhost/a"
    assert "sslmode=verify-full" in conninfo_for("postgresql://dana@db.example.org/a")
    assert "sslmode=verify-full" in conninfo_for("service=agency")
    with pytest.raises(RefusedError, match="verify-full"):
        conninfo_for("postgresql://dana@db.example.org/a?sslmode=require")
    monkeypatch.setenv("PGSSLMODE", "prefer")
    with pytest.raises(RefusedError, match="sslmode=prefer"):
        conninfo_for("host=10.0.0.5 dbname=a")
    with pytest.raises(InvalidInputError, match="pgpass"):
        conninfo_for("postgresql://dana:hunter2@localhost/a")
    with pytest.raises(InvalidInputError):
        conninfo_for("this is not = a conninfo ===")


def test_the_app_and_the_cli_start_without_the_postgresql_driver() -> None:
    # psycopg costs a tenth of a second to import: a vault outside any agency never pays it,
    # and the server module is loaded only when the server is first reached.
    code = (
        "import sys, noteapp.services.workspace, noteapp.cli.main; "
        "late = ('psycopg', 'noteapp.agency.server'); "
        "print(sorted(m for m in sys.modules if m.startswith(late)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    assert out.strip() == "[]"
