"""Issue #9, point 6: a third party can verify an export by following docs/signing.md alone.

The verifier below uses only the standard library (zipfile, xml.etree, json, base64,
hashlib) and PyNaCl's Ed25519 (libsodium) — no noteapp code. noteapp only makes the files.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

from noteapp.demo import fill_demo
from noteapp.services.paths import AppPaths
from noteapp.services.workspace import Workspace
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.export.samples import logo_png

DOC = Path(__file__).resolve().parents[2] / "docs" / "signing.md"

# --- the verifier, written from docs/signing.md ----------------------------------------

PREFIX = b"noteapp-signed-payload-v1\n"
CORRECTIONS = {"addendum", "amendment", "late-entry", "plan-review"}
DOCUMENTS = {"note", "plan", "safety-plan", "referral", "incident"}


def canonical(value: Any) -> bytes:
    text = json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return text.encode("utf-8")


def proof_of(path: Path) -> dict[str, Any]:
    found = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if not (name.startswith("customXml/") and name.endswith(".xml")):
                continue
            root = ElementTree.fromstring(z.read(name))
            if root.tag == "{urn:noteapp:proof:1}noteappProof" and root.get("version") == "1":
                found.append(base64.b64decode("".join((root.text or "").split()), validate=True))
    assert len(found) == 1, "exactly one proof part"
    proof: dict[str, Any] = json.loads(found[0].decode("utf-8"))
    assert proof["format"] == "noteapp-proof/2"
    return proof


def fingerprint(public_key: bytes) -> str:
    digest = hashlib.sha256(b"noteapp-ed25519-fingerprint\0" + public_key).hexdigest()[:32]
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4)).upper()


def check_item(item: dict[str, Any]) -> None:
    signed = PREFIX + canonical(item["payload"])
    assert hashlib.sha256(signed).hexdigest() == item["hash"], "hash"
    key = bytes.fromhex(item["public_key"])
    VerifyKey(key).verify(signed, base64.b64decode(item["signature"], validate=True))
    assert item["payload"]["type"] == item["type"]
    assert item["payload"]["note_id"] == item["note_id"]
    assert item["payload"]["author"]["fingerprint"] == fingerprint(key)


def chain_hash(hashes: list[str]) -> str:
    return hashlib.sha256(("noteapp-chain-v1\n" + "\n".join(hashes)).encode()).hexdigest()


def check_record(items: list[dict[str, Any]]) -> None:
    first = items[0]
    assert first["type"] in DOCUMENTS
    chain = [first["hash"]]
    for item in items:
        check_item(item)
    for item in items[1:]:
        if item["type"] in CORRECTIONS:
            assert item["payload"]["amends"] == first["hash"]
            assert item["payload"]["previous"] == chain[-1]
            chain.append(item["hash"])
        else:
            assert item["type"] in ("cosignature", "return")
            assert item["payload"]["covers"] in {
                chain_hash(chain[: k + 1]) for k in range(len(chain))
            }
            assert item["public_key"] != first["public_key"]  # no one reviews their own note


def verify(path: Path) -> dict[str, Any]:
    """Every step of docs/signing.md "Verifying without noteapp" (1–6). Returns the manifest."""
    proof = proof_of(path)
    for record in proof["notes"]:
        check_record(record)
    manifest = proof["manifest"]
    assert manifest["type"] == "manifest"
    check_item(manifest)
    keys = {i["public_key"] for record in proof["notes"] for i in record}
    assert manifest["public_key"] in keys
    listed = manifest["payload"]
    assert [
        (r["id"], r["type"], [(i["type"], i["hash"]) for i in r["items"]])
        for r in listed["records"]
    ] == [
        (rec[0]["note_id"], rec[0]["type"], [(i["type"], i["hash"]) for i in rec])
        for rec in proof["notes"]
    ]
    for record in proof["notes"]:
        # An incident report names no client: its id counts as "" (docs/signing.md, step 6).
        assert record[0]["payload"].get("client", {}).get("id", "") == listed["client"]["id"]
    assert listed["chart_title"] == proof["chart_title"]
    extra = [hashlib.sha256(canonical(d)).hexdigest() for d in proof.get("extra", [])]
    assert listed["presentation"]["extra"] == extra
    logo = proof.get("logo_png")
    logo_hash = hashlib.sha256(base64.b64decode(logo)).hexdigest() if logo else ""
    assert listed["presentation"]["logo_png"] == logo_hash
    return dict(listed)


# --- the tests ---------------------------------------------------------------------------


@pytest.fixture
def exports(workspace: Workspace, tmp_path: Path) -> dict[str, Path]:
    """A demo chart (plan, notes, measures summary) with a correction, and its co-signed copy."""
    ws = workspace
    fill_demo(ws, clients=1, notes=4, passphrase=PASSPHRASE)
    ws.settings.update(confirm_passphrase_to_sign=False)
    ws.profile.set(logo_png=logo_png())
    client = ws.clients.list()[0]
    note = next(n for n in ws.notes.list(client_id=client.id) if n.is_signed)
    ws.signing.add_correction(note.id, kind="amendment", text="Score was 9.", reason="Typo")
    chart = tmp_path / "chart.docx"
    ws.exports.export_chart(client.id, chart)
    single = tmp_path / "note.docx"
    ws.exports.export_note(note.id, single)
    sup, _ = Workspace.create(
        tmp_path / "sup.noteapp",
        PASSPHRASE,
        params=FAST_KDF,
        paths=AppPaths(tmp_path / "s-data", tmp_path / "s-config"),
    )
    try:
        sup.profile.set(name="Morgan Hale", credentials="PhD", role="supervisor")
        sup.settings.update(confirm_passphrase_to_sign=False)
        cosigned = tmp_path / "cosigned.docx"
        sup.review.cosign(single, cosigned, statement="Reviewed and agree.")
    finally:
        sup.close()
    return {"chart": chart, "note": single, "cosigned": cosigned}


def test_exports_verify_with_an_independent_ed25519(exports: dict[str, Path]) -> None:
    chart = verify(exports["chart"])
    proof = proof_of(exports["chart"])
    assert proof["extra"] and proof["logo_png"]  # the summary pages and logo are bound too
    assert {r[0]["type"] for r in proof["notes"]} == {"plan", "note"}
    assert chart["made_by"] == "export" and chart["chart_title"].startswith("Clinical record")
    assert verify(exports["note"])["made_by"] == "export"
    cosigned = verify(exports["cosigned"])
    assert cosigned["made_by"] == "review"
    assert [i["type"] for i in cosigned["records"][0]["items"]][-1] == "cosignature"


def test_the_independent_verifier_rejects_a_changed_payload(
    exports: dict[str, Path], tmp_path: Path
) -> None:
    proof = proof_of(exports["note"])
    proof["notes"][0][0]["payload"]["fields"] = {"plan": "Monthly CBT."}
    with pytest.raises((AssertionError, BadSignatureError)):
        check_item(proof["notes"][0][0])


def _block(after: str, language: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index(after)
    match = re.compile(rf"```{language}\n(.*?)\n```", re.S).search(text, start)
    assert match is not None
    return match.group(1)


def test_the_worked_example_in_the_document_verifies() -> None:
    payload = json.loads(_block("### Worked example", "json"))
    signed_text = _block("Its signed bytes", "text")
    values = dict(line.split(None, 1) for line in _block("```text\nhash", "text").splitlines())
    signed = PREFIX + canonical(payload)
    assert signed == signed_text.encode("utf-8")
    assert hashlib.sha256(signed).hexdigest() == values["hash"]
    key = bytes.fromhex(values["public_key"])
    VerifyKey(key).verify(signed, base64.b64decode(values["signature"]))
    assert payload["author"]["fingerprint"] == fingerprint(key)
    with pytest.raises(BadSignatureError):
        VerifyKey(key).verify(
            signed.replace(b"denied", b"endorsed"), base64.b64decode(values["signature"])
        )


def test_referral_letters_and_incident_reports_verify_independently(
    workspace: Workspace, tmp_path: Path
) -> None:
    from tests.core.casemgmt_helpers import a_client, ready

    ws = ready(workspace)
    client = a_client(ws)
    pcp = ws.contacts.add(client_id=client.id, name="Dr. Casey Lin", role="PCP")
    referral = ws.referrals.add(client_id=client.id, contact_id=pcp.id, reason="Evaluation.")
    ws.referrals.sign_letter(referral.id)
    report = ws.incidents.new(
        type_ref="fall",
        fields={
            "occurred_at": "2026-01-04 10:00",
            "place": "Waiting room",
            "what_happened": "Slipped.",
            "immediate_actions": "First aid.",
            "people": [{"role": "staff", "name": "A. Moreno"}],
        },
        client_ids=[client.id],
    )
    ws.incidents.sign(report.id)
    ws.incidents.add_notification(report.id, to="Practice manager", how="in person")
    letter, incident = tmp_path / "letter.docx", tmp_path / "incident.docx"
    ws.exports.export_signed_record(referral.id, letter, what="referral")
    ws.exports.export_signed_record(report.id, incident, what="incident")
    assert verify(letter)["client"]["code"] == client.code
    listed = verify(incident)
    assert listed["client"] == {"id": "", "code": ""}
    assert [i["type"] for i in listed["records"][0]["items"]] == ["incident", "addendum"]
    proof = proof_of(incident)
    proof["notes"][0][1]["payload"]["notification"]["to"] = "Nobody"
    with pytest.raises((AssertionError, BadSignatureError)):
        check_item(proof["notes"][0][1])
