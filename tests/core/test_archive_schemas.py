"""Every record in an archive validates against its kind's JSON Schema (docs/schemas), and
no kind goes without one."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from noteapp.services.workspace import Workspace
from tests.conftest import FAST_KDF
from tests.core.helpers import ARCHIVE_PASS, demo_workspace

jsonschema = pytest.importorskip("jsonschema")
SCHEMAS = Path(__file__).resolve().parents[2] / "docs" / "schemas"


@pytest.fixture
def every_kind(tmp_path: Path) -> Iterator[Workspace]:
    """A demo vault in which every kind of record exists at least once."""
    from noteapp import crypto
    from noteapp.domain.reference import reference_to_dict

    ws = demo_workspace(tmp_path)
    ws.settings.update(auto_lock_minutes=15)
    ws.reference.update(reference_to_dict(ws.reference.get()))
    ws.reference.save_phrases(ws.reference.phrases())
    ws.speller.add("Exampleton")
    ws.goal_library.save(ws.goal_library.groups())
    ws.safety_plans.save_crisis_line_defaults(ws.safety_plans.crisis_line_defaults())
    ws.incidents.save_types(ws.incidents.types())
    _private, public = crypto.generate_signing_keypair()
    key_file = tmp_path / "colleague.key.json"
    key_file.write_text(
        json.dumps(
            {"format": "noteapp-public-key/1", "name": "A. Colleague", "public_key": public.hex()}
        ),
        encoding="utf-8",
    )
    ws.signing.trust_key_file(key_file)
    from tests.core.test_instruments import EPDS_SHAPED, raw

    ws.instruments.add(raw(EPDS_SHAPED))
    yield ws
    ws.close()


def test_every_record_validates_against_its_kind_schema(
    every_kind: Workspace, tmp_path: Path
) -> None:
    from noteapp.services.archive import export_archive
    from noteapp.services.archive_container import open_container

    out = tmp_path / "a"
    export_archive(
        every_kind, out=out, passphrase=ARCHIVE_PASS, params=FAST_KDF, include_psychotherapy=True
    )
    with (
        out.open("rb") as handle,
        zipfile.ZipFile(io.BytesIO(open_container(handle, ARCHIVE_PASS))) as z,
    ):
        files = {n: z.read(n) for n in z.namelist()}
    published = {p.name: p.read_bytes() for p in SCHEMAS.glob("*.schema.json")}
    carried = {n.removeprefix("schemas/"): b for n, b in files.items() if n.startswith("schemas/")}
    assert carried == published  # the archive carries the published schemas, byte for byte

    kinds = {n.split("/")[1] for n in files if n.startswith("records/")}
    missing = sorted(k for k in kinds if f"{k}.schema.json" not in published)
    assert not missing, f"record kinds without a schema in docs/schemas: {missing}"
    # And no schema is stale: the vault above makes every kind that has one.
    assert {n.removesuffix(".schema.json") for n in published} == kinds

    validators = {}
    for name, raw in published.items():
        schema = json.loads(raw)
        jsonschema.Draft202012Validator.check_schema(schema)
        validators[name.removesuffix(".schema.json")] = jsonschema.Draft202012Validator(
            schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        )
    checked = 0
    for name, raw in files.items():
        if name.startswith("records/"):
            kind = name.split("/")[1]
            errors = list(validators[kind].iter_errors(json.loads(raw)))
            assert not errors, f"{name}: {errors[0].message} at {list(errors[0].absolute_path)}"
            checked += 1
    assert checked > 50


def test_the_schemas_reject_what_they_describe_as_wrong() -> None:
    schema = json.loads((SCHEMAS / "client.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    good = {
        "format": "noteapp-archive-record/1",
        "kind": "client",
        "id": "0" * 32,
        "versions": [
            {"version": 1, "data": {"id": "0" * 32, "name": "Jordan Avery", "code": "C1"}}
        ],
    }
    assert validator.is_valid(good)
    bad_diagnosis = json.loads(json.dumps(good))
    bad_diagnosis["versions"][0]["data"]["diagnoses"] = [{"code": "not-icd"}]
    assert not validator.is_valid(bad_diagnosis)
    bad_date = json.loads(json.dumps(good))
    bad_date["versions"][0]["data"]["dob"] = "12/04/1990"
    assert not validator.is_valid(bad_date)
    wrong_kind = {**good, "kind": "note"}
    assert not validator.is_valid(wrong_kind)
