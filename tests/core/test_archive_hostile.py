"""Red team: hostile archives, complete with a valid signed manifest (the forger signs with
a key of their own: the manifest proves only that the archive is as its signer made it).

Each of these imported cleanly before; the one with a note record lacking its id left a
vault in which every command stopped with "unexpected error (KeyError)". Now verify names
the problem and import refuses the whole archive, leaving the new vault empty and usable.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from noteapp import crypto
from noteapp.domain.errors import CheckFailedError
from noteapp.services import archive, archive_import
from noteapp.services.archive_container import ContainerWriter, open_container
from noteapp.services.archive_layout import MANIFEST, SIGNATURE, SIGNATURE_PREFIX, dump_json
from noteapp.services.workspace import Workspace
from tests.conftest import FAST_KDF
from tests.core.helpers import ARCHIVE_PASS, demo_workspace, new_workspace

Files = dict[str, bytes]


@pytest.fixture
def source(tmp_path: Path) -> Iterator[Workspace]:
    ws = demo_workspace(tmp_path, "source")
    yield ws
    ws.close()


def _forge(ws: Workspace, dest: Path, change: Callable[[Files, dict], bytearray | None]) -> Path:
    """Export, change files and manifest records, then sign and encrypt as a forger would:
    the manifest lists every file's hash and is signed by the key the profile names."""
    plain_path = dest.with_suffix(".orig")
    archive.export_archive(ws, out=plain_path, passphrase=ARCHIVE_PASS, params=FAST_KDF)
    with (
        plain_path.open("rb") as handle,
        zipfile.ZipFile(io.BytesIO(open_container(handle, ARCHIVE_PASS))) as z,
    ):
        files = {n: z.read(n) for n in z.namelist()}
    manifest = json.loads(files.pop(MANIFEST))
    files.pop(SIGNATURE)
    key = change(files, manifest) or ws.profile.private_signing_key()
    manifest["files"] = [
        {"path": n, "sha256": crypto.sha256(d).hex(), "size": len(d)} for n, d in files.items()
    ]
    raw = dump_json(manifest)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
        z.writestr(MANIFEST, raw)
        z.writestr(SIGNATURE, crypto.sign(key, SIGNATURE_PREFIX + raw))
    with dest.open("wb") as sink:
        writer = ContainerWriter(sink, ARCHIVE_PASS, FAST_KDF)
        writer.write(buffer.getvalue())
        writer.finish()
    return dest


def _record(files: Files, manifest: dict, kind: str, rid: str, *versions: dict) -> None:
    files[f"records/{kind}/{rid}.json"] = dump_json(
        {
            "format": "noteapp-archive-record/1",
            "kind": kind,
            "id": rid,
            "versions": [{"version": n, "data": d} for n, d in enumerate(versions, start=1)],
        }
    )
    manifest["records"].append({"kind": kind, "id": rid, "versions": len(versions)})


def _edit_record(files: Files, kind: str, edit: Callable[[dict], None]) -> str:
    name = next(n for n in sorted(files) if n.startswith(f"records/{kind}/"))
    doc = json.loads(files[name])
    edit(doc["versions"][-1]["data"])
    files[name] = dump_json(doc)
    return str(doc["id"])


def _unknown_kind(files: Files, manifest: dict) -> None:
    _record(files, manifest, "zzz", "x1", {"hello": 1})


def _note_without_id(files: Files, manifest: dict) -> None:
    _record(files, manifest, "note", "d" * 32, {"garbage": True})


def _note_filed_under_another_id(files: Files, manifest: dict) -> None:
    doc = json.loads(files[next(n for n in sorted(files) if n.startswith("records/note/"))])
    _record(files, manifest, "note", "e" * 32, *[v["data"] for v in doc["versions"]])


def _trusted_key_under_another_fingerprint(files: Files, manifest: dict) -> None:
    _private, public = crypto.generate_signing_keypair()
    _record(
        files,
        manifest,
        "trusted_key",
        "aaaabbbbccccdddd",
        {
            "fingerprint": "AAAA BBBB CCCC DDDD",
            "public_key": public.hex(),
            "name": "Dr. Supervisor",
            "credentials": "PhD",
            "added_on": "2026-01-01",
        },
    )


def _signed_item_edited(files: Files, manifest: dict) -> None:
    def edit(data: dict) -> None:
        data["payload"]["attestation"] = "I did not see this client."

    _edit_record(files, "signed_item", edit)


def _profile_with_another_key(files: Files, manifest: dict) -> bytearray:
    private, public = crypto.generate_signing_keypair()

    def edit(data: dict) -> None:
        data["public_key"] = public.hex()
        data["fingerprint"] = crypto.key_fingerprint(public)

    _edit_record(files, "profile", edit)
    manifest["signer"].update(public_key=public.hex(), fingerprint=crypto.key_fingerprint(public))
    return bytearray(private)  # the manifest is signed with the profile's (new) key


def _without_profile(files: Files, manifest: dict) -> bytearray:
    # A stranger's archive: no profile, signed with a key of the stranger's own.
    for name in [n for n in files if n.startswith(("records/profile/", "records/signing_key/"))]:
        del files[name]
    manifest["records"] = [
        r for r in manifest["records"] if r["kind"] not in ("profile", "signing_key")
    ]
    private, public = crypto.generate_signing_keypair()
    manifest["signer"].update(public_key=public.hex(), fingerprint=crypto.key_fingerprint(public))
    return bytearray(private)


def _audit_entry_of_other_shapes(files: Files, manifest: dict) -> None:
    from noteapp.vault.audit import _entry_hash

    log = json.loads(files["audit/log.json"])
    prev = "0" * 64
    for entry in log["entries"]:  # the chain recomputed: it is only a hash over the content
        if entry["seq"] == 3:
            entry.update(time=12345, action={"x": ["\x1b[2J"]}, record_id=["a"], detail="x")
        entry["prev"] = prev
        entry["hash"] = prev = _entry_hash({k: v for k, v in entry.items() if k != "hash"})
    files["audit/log.json"] = dump_json(log)


def _instrument_posing_as_phq9(files: Files, manifest: dict) -> None:
    # It imported cleanly and then scored every new "phq9" with the forger's own bands.
    from tests.core.test_instruments import EPDS_SHAPED

    fake = dict(EPDS_SHAPED, id="phq9", name="PHQ-9", version=9)
    _record(files, manifest, "instrument", "phq9", {"definition": fake, "added_at": ""})


def _record_listed_twice(files: Files, manifest: dict) -> None:
    # Verify called it intact; import stopped halfway with "changed elsewhere".
    manifest["records"].append(dict(next(r for r in manifest["records"] if r["kind"] == "client")))


def _manifest_text_unbounded(files: Files, manifest: dict) -> None:
    # Imported cleanly, and the megabyte went into the archive-import audit entry for good.
    manifest["source_vault"] = "\x1b[2J" + "x" * 1_000_000


def _manifest_psychotherapy_not_a_flag(files: Files, manifest: dict) -> None:
    manifest["include_psychotherapy"] = "no"  # was reported as "psychotherapy notes included"


HOSTILE: dict[str, tuple[Callable[[Files, dict], bytearray | None], str]] = {
    "unknown-kind": (_unknown_kind, "kind this noteapp does not know (zzz)"),
    "note-without-id": (_note_without_id, "not one this noteapp can read"),
    "note-under-another-id": (_note_filed_under_another_id, "holds another record"),
    "trusted-key-mislabelled": (_trusted_key_under_another_fingerprint, "trusted_key/"),
    "signed-item-edited": (_signed_item_edited, "signature does not verify"),
    "profile-key-mismatch": (_profile_with_another_key, "signing key is not the key"),
    "no-profile": (_without_profile, "holds no profile"),
    "audit-entry-shapes": (_audit_entry_of_other_shapes, "audit log is malformed"),
    "instrument-as-phq9": (_instrument_posing_as_phq9, "instrument/phq9 in the archive"),
    "record-listed-twice": (_record_listed_twice, "twice"),
    "manifest-text-unbounded": (_manifest_text_unbounded, "manifest is malformed"),
    "manifest-flag-not-a-flag": (_manifest_psychotherapy_not_a_flag, "manifest is malformed"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_archive_is_named_by_verify_and_refused_by_import(
    name: str, source: Workspace, tmp_path: Path
) -> None:
    change, expected = HOSTILE[name]
    forged = _forge(source, tmp_path / f"{name}.arc", change)
    report = archive_import.verify_archive(forged, passphrase=ARCHIVE_PASS)
    assert not report.ok
    assert any(expected in p for p in report.problems), report.problems
    target = new_workspace(tmp_path, "target")
    with pytest.raises(CheckFailedError, match="Nothing was imported"):
        archive_import.import_archive(target, forged, passphrase=ARCHIVE_PASS)
    assert target._vault.count() == 0  # nothing written; the vault still opens and works
    target.clients.add(name="Riley Quimby")
    assert [c.name for c in target.clients.list()] == ["Riley Quimby"]
    target.close()


def test_records_only_the_apps_own_readers_reject_roll_back_the_import(
    source: Workspace, tmp_path: Path
) -> None:
    # Settings are not decoded before writing: the trial opening of the imported vault
    # (inside the import's transaction) catches them, and nothing stays behind.
    def bad_reference(files: Files, manifest: dict) -> None:
        _record(files, manifest, "reference", "reference", {"service_codes": 7})

    forged = _forge(source, tmp_path / "ref.arc", bad_reference)
    target = new_workspace(tmp_path, "target")
    with pytest.raises(CheckFailedError, match="Nothing was imported"):
        archive_import.import_archive(target, forged, passphrase=ARCHIVE_PASS)
    assert target._vault.count() == 0
    target.close()


def test_an_audit_log_that_is_not_an_object_is_named(source: Workspace, tmp_path: Path) -> None:
    # It stopped 'archive verify' with "unexpected error (AttributeError)".
    def as_list(files: Files, manifest: dict) -> None:
        files["audit/log.json"] = b"[]"

    forged = _forge(source, tmp_path / "list.arc", as_list)
    report = archive_import.verify_archive(forged, passphrase=ARCHIVE_PASS)
    assert report.problems == ("The archive's audit log is malformed.",)
