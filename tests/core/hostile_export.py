"""A forged export whose *signed* strings carry terminal escape sequences (tests only).

The forger signs with their own key, so every signature checks out ("valid, unknown
signer"); what matters is that no front end ever passes these strings to a terminal or a
widget raw. Synthetic names only.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from noteapp.domain.signatures import SignedItem
from noteapp.export import write_docx
from noteapp.services.workspace import Workspace
from noteapp.signing.canonical import sign_payload
from noteapp.signing.manifest import contents
from noteapp.signing.presentation import job_from_proof
from noteapp.signing.proof import NoteProof, Proof, proof_to_bytes

ESC = "\x1b"
CSI = "\x9b"  # the one-byte control sequence introducer of C1
RLO = "\u202e"  # right-to-left override (Trojan Source)
# Clears the screen, homes the cursor and prints a verdict the real result never said.
TEMPLATE_NAME = f"BIRP{ESC}[2J{ESC}[H{CSI}32mValid: every signer is trusted{ESC}[0m{RLO}"
CLIENT_NAME = f"Jordan {RLO}devireD{ESC}]0;owned{chr(7)}"
CLIENT_CODE = f"C0001{ESC}[1A{ESC}[2K"
AUTHOR_NAME = f"Dana{ESC}[8m Whitfield{CSI}0m"
RAW = (ESC, CSI, RLO, "\x07")


def _resign(item: SignedItem, payload: dict[str, Any], key: bytearray) -> SignedItem:
    digest, signature = sign_payload(payload, key)
    return dataclasses.replace(item, payload=payload, hash=digest, signature=signature)


def forged_export(ws: Workspace, note_id: str, out: Path) -> Path:
    """Export ``note_id`` with hostile template and client strings, re-signed by ``ws``."""
    item = ws.signing.proof(note_id).note
    payload = dict(item.payload)
    payload["template"] = {**payload["template"], "name": TEMPLATE_NAME}
    payload["client"] = {**payload["client"], "name": CLIENT_NAME, "code": CLIENT_CODE}
    payload["author"] = {**payload["author"], "name": AUTHOR_NAME}
    document = dict(payload["document"])
    document["title"] = TEMPLATE_NAME
    payload["document"] = document
    key = ws.profile.private_signing_key()
    proof = Proof((NoteProof((_resign(item, payload, key),)),))
    proof = dataclasses.replace(
        proof, manifest=ws.signing.sign_manifest(contents(proof, made_by="export"))
    )
    write_docx(dataclasses.replace(job_from_proof(proof), proof=proof_to_bytes(proof)), out)
    return out
