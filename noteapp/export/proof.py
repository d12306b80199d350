"""The signed proof as a custom XML part of the package (the kind Word keeps on re-save)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import uuid
from typing import Any

from docx.opc.packuri import PackURI
from docx.opc.part import Part
from lxml import etree

from noteapp.export.errors import ExportReadError

PROOF_NS = "urn:noteapp:proof:1"
PROOF_TAG = f"{{{PROOF_NS}}}noteappProof"
PROOF_PARTNAME = "/customXml/noteappProof1.xml"
PROOF_PROPS_PARTNAME = "/customXml/noteappProofProps1.xml"
CT_XML = "application/xml"
CT_PROPS = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
RT_CUSTOM_XML = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml"
RT_CUSTOM_XML_PROPS = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXmlProps"
)
DS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"
MAX_PROOF_BYTES = 20 * 1024 * 1024

_SAFE_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
)


def proof_xml(proof: bytes) -> bytes:
    """The part's XML: ``<noteappProof xmlns="urn:noteapp:proof:1" version="1">BASE64</…>``."""
    encoded = base64.b64encode(proof).decode("ascii")
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        f'<noteappProof xmlns="{PROOF_NS}" version="1">{encoded}</noteappProof>'
    ).encode("ascii")


def _props_xml(proof: bytes) -> bytes:
    # Word identifies a data-store item by this GUID; derive it from the proof so the
    # same job always gives the same package.
    item_id = (
        "{"
        + str(uuid.uuid5(uuid.NAMESPACE_URL, PROOF_NS + hashlib.sha256(proof).hexdigest())).upper()
        + "}"
    )
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='no'?>\n"
        f'<ds:datastoreItem ds:itemID="{item_id}" xmlns:ds="{DS_NS}">'
        f'<ds:schemaRefs><ds:schemaRef ds:uri="{PROOF_NS}"/></ds:schemaRefs></ds:datastoreItem>'
    ).encode("ascii")


def add_proof(document_part: Any, proof: bytes) -> None:
    """Add the proof part (and its data-store properties) related from the document part."""
    package = document_part.package
    part = Part(PackURI(PROOF_PARTNAME), CT_XML, proof_xml(proof), package)
    props = Part(PackURI(PROOF_PROPS_PARTNAME), CT_PROPS, _props_xml(proof), package)
    part.relate_to(props, RT_CUSTOM_XML_PROPS)
    document_part.relate_to(part, RT_CUSTOM_XML)


def parse_proof(blob: bytes) -> bytes | None:
    """The proof bytes of a custom XML part, or None when the part is not a noteapp proof.

    A part that claims to be a proof but is malformed raises :class:`ExportReadError`.
    """
    if PROOF_NS.encode() not in blob:
        return None
    try:
        root = etree.fromstring(blob, _SAFE_PARSER)
    except etree.XMLSyntaxError:
        raise ExportReadError("The signature part of this document is damaged.") from None
    if root.tag != PROOF_TAG:
        return None
    if root.get("version") != "1":
        raise ExportReadError("The signature part of this document has an unknown version.")
    text = "".join((root.text or "").split())
    if len(text) > MAX_PROOF_BYTES * 4 // 3 + 4:
        raise ExportReadError("The signature part of this document is too large.")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ExportReadError("The signature part of this document is damaged.") from None


def find_proof(package: Any) -> bytes | None:
    """The one proof in a loaded package; two or more is refused as ambiguous."""
    found: list[bytes] = []
    for part in package.iter_parts():
        if not str(part.partname).lower().startswith("/customxml/"):
            continue
        proof = parse_proof(part.blob)
        if proof is not None:
            found.append(proof)
    if len(found) > 1:
        raise ExportReadError("This document holds more than one signature part.")
    return found[0] if found else None
