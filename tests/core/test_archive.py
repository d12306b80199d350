"""The archive service: what goes in, what comes back, and archives altered by someone who
knows the passphrase (hashes, the manifest's signature, the audit chain, stray files)."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from noteapp.domain.errors import CheckFailedError, RefusedError, WrongSecretError
from noteapp.services import archive, archive_import
from noteapp.services.archive_container import ContainerWriter, open_container
from noteapp.services.archive_layout import ArchiveSummary
from noteapp.services.workspace import Workspace
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.core.helpers import ARCHIVE_PASS, demo_workspace, new_workspace, reopen_workspace


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Workspace]:
    """A demo vault with one signed psychotherapy note."""
    ws = demo_workspace(tmp_path, "source")
    process = next(n for n in ws.notes.list() if n.psychotherapy)
    ws.signing.sign_note(process.id, passphrase=PASSPHRASE)
    yield ws
    ws.close()


def _export(ws: Workspace, out: Path, **kw: bool) -> ArchiveSummary:
    return archive.export_archive(ws, out=out, passphrase=ARCHIVE_PASS, params=FAST_KDF, **kw)


def _contents(path: Path) -> dict[str, bytes]:
    with path.open("rb") as handle:
        plain = open_container(handle, ARCHIVE_PASS)
    with zipfile.ZipFile(io.BytesIO(plain)) as z:
        return {n: z.read(n) for n in z.namelist()}


def _rewrite(src: Path, dest: Path, change: Callable[[dict[str, bytes]], None]) -> Path:
    """Decrypt, change the files, and encrypt again with the right passphrase: what someone
    who knows the passphrase could do. Only the signed manifest can catch it."""
    files = _contents(src)
    change(files)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    with dest.open("wb") as sink:
        writer = ContainerWriter(sink, ARCHIVE_PASS, FAST_KDF)
        writer.write(buffer.getvalue())
        writer.finish()
    return dest


def test_psychotherapy_notes_and_their_signatures_stay_out_unless_included(
    demo: Workspace, tmp_path: Path
) -> None:
    process = next(n for n in demo.notes.list() if n.psychotherapy)
    item = demo.signing.note_item(process.id)
    assert item is not None
    _export(demo, tmp_path / "without")
    _export(demo, tmp_path / "with", include_psychotherapy=True)
    without, with_ = _contents(tmp_path / "without"), _contents(tmp_path / "with")
    assert f"records/signed_item/{item.id}.json" not in without
    assert f"exports/{process.id}.docx" not in without
    assert not any(process.id in json.loads(without["manifest.json"])["exports"] for _ in [0])
    assert f"records/psychotherapy_note/{process.id}.json" in with_
    assert f"records/signed_item/{item.id}.json" in with_
    assert f"exports/{process.id}.docx" in with_
    assert json.loads(with_["manifest.json"])["include_psychotherapy"] is True


def test_every_version_and_the_order_of_records_come_back(demo: Workspace, tmp_path: Path) -> None:
    kinds = sorted(k for k in demo._vault.kinds())
    before = {
        k: [
            (r.id, [h.data for h in demo._vault.history(k, r.id)])
            for r in demo._vault.load_kind(k).records
        ]
        for k in kinds
    }
    assert any(len(v) > 1 for k in kinds for _i, v in before[k]), "some record has versions"
    _export(demo, tmp_path / "a", include_psychotherapy=True)
    target = new_workspace(tmp_path, "target")
    archive_import.import_archive(target, tmp_path / "a", passphrase=ARCHIVE_PASS)
    target.close()
    target = reopen_workspace(tmp_path, "target")
    after = {
        k: [
            (r.id, [h.data for h in target._vault.history(k, r.id)])
            for r in target._vault.load_kind(k).records
        ]
        for k in kinds
    }
    assert after == before
    assert target.audit.verify().ok
    # New signatures use the archived key (the profile came along with it).
    assert target.profile.get() == demo.profile.get()
    target.close()


def test_import_refused_when_the_vault_holds_records(demo: Workspace, tmp_path: Path) -> None:
    _export(demo, tmp_path / "a")
    target = new_workspace(tmp_path, "target")
    target.clients.add(name="Riley Quimby")
    with pytest.raises(RefusedError, match="already holds records"):
        archive_import.import_archive(target, tmp_path / "a", passphrase=ARCHIVE_PASS)
    assert [c.name for c in target.clients.list()] == ["Riley Quimby"]
    target.close()


def test_a_changed_file_is_named(demo: Workspace, tmp_path: Path) -> None:
    _export(demo, tmp_path / "a")
    client = demo.clients.list()[0]

    def edit(files: dict[str, bytes]) -> None:
        path = f"records/client/{client.id}.json"
        files[path] = files[path].replace(client.name.encode(), b"Someone Else")

    bad = _rewrite(tmp_path / "a", tmp_path / "b", edit)
    report = archive_import.verify_archive(bad, passphrase=ARCHIVE_PASS)
    assert not report.ok
    assert report.problems == (
        f"records/client/{client.id}.json does not match its hash in the manifest: it was changed.",
    )
    target = new_workspace(tmp_path, "target")
    with pytest.raises(CheckFailedError, match="does not match its hash"):
        archive_import.import_archive(target, bad, passphrase=ARCHIVE_PASS)
    assert target._vault.count() == 0
    target.close()


def test_a_changed_manifest_fails_its_signature(demo: Workspace, tmp_path: Path) -> None:
    _export(demo, tmp_path / "a")

    def edit(files: dict[str, bytes]) -> None:
        manifest = json.loads(files["manifest.json"])
        manifest["include_psychotherapy"] = True
        files["manifest.json"] = json.dumps(manifest).encode()

    report = archive_import.verify_archive(
        _rewrite(tmp_path / "a", tmp_path / "b", edit), passphrase=ARCHIVE_PASS
    )
    assert not report.ok
    assert "signature does not verify" in report.problems[0]


def test_added_and_removed_files_are_named(demo: Workspace, tmp_path: Path) -> None:
    _export(demo, tmp_path / "a")
    signed = next(n for n in demo.notes.list() if n.is_signed and not n.psychotherapy)

    def edit(files: dict[str, bytes]) -> None:
        del files[f"exports/{signed.id}.docx"]
        files["records/client/ffff.json"] = b"{}"

    report = archive_import.verify_archive(
        _rewrite(tmp_path / "a", tmp_path / "b", edit), passphrase=ARCHIVE_PASS
    )
    assert f"exports/{signed.id}.docx is listed in the manifest but missing." in report.problems
    assert "records/client/ffff.json is in the archive but not in the manifest: it was added." in (
        report.problems
    )


def test_unexpected_paths_are_refused(demo: Workspace, tmp_path: Path) -> None:
    _export(demo, tmp_path / "a")

    def edit(files: dict[str, bytes]) -> None:
        files["../../evil.sh"] = b"rm -rf ~"

    report = archive_import.verify_archive(
        _rewrite(tmp_path / "a", tmp_path / "b", edit), passphrase=ARCHIVE_PASS
    )
    assert not report.ok and "unexpected file" in report.problems[0]


def test_wrong_passphrase_and_not_an_archive(demo: Workspace, tmp_path: Path) -> None:
    _export(demo, tmp_path / "a")
    with pytest.raises(WrongSecretError):
        archive_import.verify_archive(tmp_path / "a", passphrase="another passphrase")
    (tmp_path / "note.txt").write_text("hello")
    report = archive_import.verify_archive(tmp_path / "note.txt", passphrase=ARCHIVE_PASS)
    assert report.problems == ("This file is not a noteapp archive (its first bytes differ).",)


def test_inflated_kdf_parameters_are_refused_before_any_work(tmp_path: Path) -> None:
    from noteapp.crypto import Argon2Params
    from noteapp.services.archive_container import MAGIC, ContainerHeader

    raw = ContainerHeader(Argon2Params(64 * 1024 * 1024, 3, 4), b"\0" * 16).to_bytes()
    import hashlib
    import struct

    prefix = MAGIC + struct.pack(">I", len(raw)) + raw + b"\0" * 28
    (tmp_path / "big").write_bytes(prefix + hashlib.sha256(prefix).digest())
    report = archive_import.verify_archive(tmp_path / "big", passphrase=ARCHIVE_PASS)
    assert report.problems == (
        "The archive is damaged or was altered: its header is unreadable or out of bounds.",
    )


def test_export_needs_a_profile(tmp_path: Path) -> None:
    ws = new_workspace(tmp_path, "empty")
    with pytest.raises(RefusedError, match="profile"):
        _export(ws, tmp_path / "a")
    assert not (tmp_path / "a").exists()
    assert [e.action for e in ws.audit.entries()][-1] != "archive-export"
    ws.close()


def test_an_encrypted_zip_entry_is_a_plain_error(demo: Workspace, tmp_path: Path) -> None:
    """zipfile raises RuntimeError for an entry flagged as encrypted: still a sentence."""
    _export(demo, tmp_path / "a")
    files = _contents(tmp_path / "a")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    raw = bytearray(buffer.getvalue())
    # Set the "encrypted" flag in the entry's central-directory header (46 bytes before
    # the name; the flag is at offset 8): zipfile then refuses to read it without a password.
    header = raw.rindex(b"audit/log.json") - 46
    assert raw[header : header + 4] == b"PK\x01\x02"
    raw[header + 8] |= 0x1
    buffer = io.BytesIO(bytes(raw))
    with (tmp_path / "b").open("wb") as sink:
        writer = ContainerWriter(sink, ARCHIVE_PASS, FAST_KDF)
        writer.write(buffer.getvalue())
        writer.finish()
    report = archive_import.verify_archive(tmp_path / "b", passphrase=ARCHIVE_PASS)
    assert report.problems == ("audit/log.json in the archive is damaged.",)


def test_every_signed_docx_in_the_archive_verifies(demo: Workspace, tmp_path: Path) -> None:
    from noteapp.services.verification import verify_docx

    _export(demo, tmp_path / "a", include_psychotherapy=True)
    files = _contents(tmp_path / "a")
    docs = {n: b for n, b in files.items() if n.startswith("exports/")}
    signed = [i for n in demo.notes.list() if (i := demo.signing.note_item(n.id))]
    assert len(docs) >= len(signed) > 0  # notes, plus signed plan and safety-plan versions
    for name, data in docs.items():
        path = tmp_path / name.replace("/", "_")
        path.write_bytes(data)
        report = verify_docx(path)
        assert report.ok, (name, report.summary)
