"""CLI: `verify --require-trusted`, impersonation hints, no review of one's own note, and
`note show` listing the co-signatures and returns received (issue #9, points 4, 16, 20)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.core.test_cli_records import KDF, json_of, run, vault
from tests.core.test_cli_signing import (
    Clinic,
    amended,
    clinic,
    no_vault,
    one_line_error,
    signed_note_in,
    supervisor,
    trust_key,
    trust_supervisor,
)

__all__ = ["amended", "clinic", "supervisor", "vault"]  # fixtures used here


def cosign(capsys: pytest.CaptureFixture[str], vault_path: Path, src: Path, out: Path) -> None:
    r = run(
        capsys,
        "--vault",
        str(vault_path),
        "review",
        "cosign",
        str(src),
        "--out",
        str(out),
        "--statement",
        "Reviewed; I agree\nwith the plan.",
    )
    assert r.code == 0, r.err


# --- point 4: verify --require-trusted ---------------------------------------------------


def test_require_trusted_without_a_vault_fails_and_says_why(
    amended: tuple[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, path = amended
    no_vault(monkeypatch)
    assert run(capsys, "verify", str(path)).code == 0  # intact and validly signed
    r = run(capsys, "verify", str(path), "--require-trusted")
    assert r.code == 1 and "Traceback" not in r.err
    assert "no vault was given, so no signer's key is trusted" in r.out
    r = run(capsys, "verify", str(path), "--require-trusted", "--json")
    assert r.code == 1
    report = json.loads(r.out)
    assert report["ok"] is False and report["status"] == "valid-unknown-signer"
    assert report["all_trusted"] is False
    assert "no vault was given" in report["problems"][-1]
    # A vault path that does not exist trusts nothing either.
    monkeypatch.setenv("NOTEAPP_VAULT", str(path.parent / "nowhere.noteapp"))
    assert run(capsys, "verify", str(path), "--require-trusted").code == 1


def test_require_trusted_accepts_only_trusted_signers(
    amended: tuple[str, Path],
    clinic: Clinic,
    supervisor: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, path = amended
    sup = ["--vault", str(supervisor)]
    r = run(capsys, *sup, "verify", str(path), "--require-trusted")
    assert r.code == 1
    assert "not trusted in this vault" in r.out and "keys trust" in r.out
    trust_key(capsys, [], sup, clinic.tmp / "dana.key")
    r = run(capsys, *sup, "verify", str(path), "--require-trusted")
    assert r.code == 0, r.out
    report = json_of(capsys, *sup, "verify", str(path), "--require-trusted")
    assert report["ok"] is True and report["all_trusted"] is True and report["problems"] == []
    # The signer's own vault trusts its own key.
    assert run(capsys, "verify", str(path), "--require-trusted").code == 0


def test_a_forgery_under_a_trusted_name_names_the_trusted_key(
    amended: tuple[str, Path],
    clinic: Clinic,
    supervisor: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`verify || echo "do not trust"` accepted this; --require-trusted does not."""
    _, genuine = amended
    sup = ["--vault", str(supervisor)]
    trust_key(capsys, [], sup, clinic.tmp / "dana.key")
    dana = json_of(capsys, "profile", "show")["fingerprint"]
    # A forger's vault with the same name, credentials and license.
    forger = clinic.tmp / "forger.noteapp"
    f = ["--vault", str(forger)]
    assert run(capsys, *f, "init", *KDF).code == 0
    profile = ["--name", "Dana Whitfield", "--credentials", "LCSW", "--license", "LCSW-000000"]
    assert run(capsys, *f, "profile", "set", *profile).code == 0
    note = signed_note_in(capsys, f, clinic.fields, "Jordan Avery")
    forged = clinic.tmp / "forged.docx"
    assert run(capsys, *f, "export", note, "--out", str(forged)).code == 0

    assert run(capsys, *sup, "verify", str(forged)).code == 0  # a valid signature…
    r = run(capsys, *sup, "verify", str(forged), "--require-trusted")
    assert r.code == 1  # …but not by the key trusted for that name
    assert "Possible impersonation" in r.out and dana in r.out
    r = run(capsys, *sup, "verify", str(forged), "--require-trusted", "--json")
    report = json.loads(r.out)
    (sig,) = report["notes"][0]["signatures"]
    assert sig["trusted"] is False and sig["trusted_for_name"] == [dana]
    report = json_of(capsys, *sup, "verify", str(genuine))
    assert all(s["trusted_for_name"] == [] for s in report["notes"][0]["signatures"])


# --- point 16 and 20 ---------------------------------------------------------------------


def test_no_one_cosigns_their_own_note_in_the_cli(
    amended: tuple[str, Path], clinic: Clinic, capsys: pytest.CaptureFixture[str]
) -> None:
    _, path = amended
    out = clinic.tmp / "self.docx"
    r = run(capsys, "review", "cosign", str(path), "--out", str(out))
    assert r.code == 2 and one_line_error(r.err) and "own note" in r.err
    assert not out.exists()
    r = run(capsys, "review", "return", str(path), "--out", str(out), "--comments", "Hm.")
    assert r.code == 2 and "own note" in r.err and not out.exists()


def test_note_show_lists_cosignatures_and_returns(
    amended: tuple[str, Path],
    clinic: Clinic,
    supervisor: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    note_id, path = amended
    sup = ["--vault", str(supervisor)]
    cosigned = clinic.tmp / "cosigned.docx"
    cosign(capsys, supervisor, path, cosigned)
    returned = clinic.tmp / "returned.docx"
    r = run(
        capsys,
        *sup,
        "review",
        "return",
        str(path),
        "--out",
        str(returned),
        "--comments",
        "Add\x1b[2J it.",
    )
    assert r.code == 0, r.err
    shown = json_of(capsys, "note", "show", note_id)
    assert shown["reviews"] == [] and len(shown["addenda"]) == 1  # existing fields stay
    trust_supervisor(capsys, supervisor, clinic.tmp)
    for f in (cosigned, returned):
        assert run(capsys, "review", "import", str(f)).code == 0
    morgan = json_of(capsys, *sup, "profile", "show")["fingerprint"]

    shown = json_of(capsys, "note", "show", note_id)
    assert [
        (r["type"], r["author"], r["credentials"], r["fingerprint"]) for r in shown["reviews"]
    ] == [
        ("cosignature", "Morgan Hale", "PhD", morgan),
        ("return", "Morgan Hale", "PhD", morgan),
    ]
    cos, ret = shown["reviews"]
    assert cos["statement"] == "Reviewed; I agree\nwith the plan." and cos["comments"] is None
    assert ret["comments"] == "Add\x1b[2J it." and ret["statement"] is None
    assert cos["signed_at"] and cos["signed_at_display"]

    text = run(capsys, "note", "show", note_id).out
    assert "Co-signatures and returns (2):" in text
    assert f"Co-signature · Morgan Hale, PhD · {cos['signed_at_display']} · key {morgan}" in text
    assert "Statement: Reviewed; I agree\n" in text and "with the plan." in text
    assert "Returned for revision · Morgan Hale, PhD" in text and "Comments: Add" in text
