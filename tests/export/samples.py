"""Synthetic export jobs for the tests and the rendered screenshots (invented people only)."""

from __future__ import annotations

import math
import struct
import zlib
from dataclasses import replace

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

CLIENT = ClientBlock(name="Jordan Avery", dob="1990-04-12", code="C0004")


def logo_png(width: int = 360, height: int = 160) -> bytes:
    """A small invented logo: a teal river wave on a white ground, as PNG bytes."""
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            wave = height * 0.5 + math.sin(x / width * 2 * math.pi * 1.5) * height * 0.18
            dist = abs(y - wave)
            if dist < height * 0.09:
                row += bytes((16, 110, 120, 255))
            elif dist < height * 0.13 and y > wave:
                row += bytes((120, 180, 190, 255))
            else:
                row += bytes((255, 255, 255, 0))
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    phys = struct.pack(">IIB", 3780, 3780, 1)  # 96 dpi
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"pHYs", phys)
        + chunk(b"IDAT", raw)
        + chunk(b"IEND", b"")
    )


LETTERHEAD = Letterhead(
    agency_name="Riverbend Counseling (demo)",
    agency_address="1200 Riverbend Parkway, Suite 300, Springfield, IL 62704",
    agency_phone="Phone (555) 010-0142 · Fax (555) 010-0143",
    logo_png=None,
)


def signature(
    name: str = "Dana Whitfield, LCSW", when: str = "2026-03-04 16:12 CST"
) -> SignatureLine:
    return SignatureLine(
        statement=f"Electronically signed by {name} (License LCSW-0048213) on {when}",
        fingerprint="7F3A 91C2 0B5E D4A8",
        content_hash="3f9a1c7e52b0d4e8",
    )


def soap_document(date: str = "2026-03-04", variant: int = 0) -> Document:
    return Document(
        title="SOAP Progress Note",
        blocks=(
            KeyValueTable(
                rows=(
                    ("Date of service", date),
                    ("Time", "14:00–14:53 (53 min)"),
                    ("Service code", "90837 — Psychotherapy, 53+ minutes"),
                    ("Modality", "Telehealth (video)"),
                    ("Place of service", "10 — Telehealth in patient's home"),
                    ("Participants", "Client"),
                    (
                        "Diagnoses",
                        "F41.1 Generalized anxiety disorder\nF33.1 Major depressive "
                        "disorder, recurrent, moderate",
                    ),
                    ("Interventions", "CBT, cognitive restructuring, behavioural activation"),
                    ("Risk screen", "Suicidal ideation: denied; homicidal ideation: denied"),
                ),
            ),
            Heading(level=2, text="Subjective"),
            Paragraph(
                text=(
                    "Client reported sleeping 6–7 hours most nights this week, up from about 5. "
                    "Worry about work deadlines remains high (self-rated 7/10) but they describe "
                    f'it as "more manageable" (session {variant + 1}).\n'
                    'Client said: "I actually went to the climbing gym twice."'
                )
            ),
            Heading(level=2, text="Objective"),
            Paragraph(
                text=(
                    "Alert and oriented ×3, casually dressed, good eye contact. Speech normal in "
                    "rate and volume. Affect anxious but reactive, congruent with content. "
                    "PHQ-9 = 12 (moderate), down from 16 on 2026-02-04. GAD-7 = 11."
                )
            ),
            Heading(level=2, text="Assessment"),
            Paragraph(
                text=(
                    "Client is making moderate progress toward treatment-plan goal 1 (reduce "
                    "worry to ≤ 4/10 on most days). Response to cognitive restructuring is good; "
                    "behavioural activation is starting to lift mood.\n\n"
                    "Risk remains low: no suicidal ideation, intent or plan; protective factors "
                    "include partner, work and a dog."
                )
            ),
            Heading(level=2, text="Plan"),
            BulletList(
                items=(
                    "Continue weekly 53-minute sessions through 2026-04-30.",
                    "Homework: thought record on three worry episodes; two planned activities.",
                    "Coordinate with primary care re: sleep (release on file).",
                    "Next session: 2026-03-11 14:00.",
                )
            ),
        ),
    )


def signed_note(date: str = "2026-03-04", variant: int = 0) -> ExportedNote:
    return ExportedNote(
        document=soap_document(date, variant),
        signature=signature(when=f"{date} 16:12 CST"),
        attestation="I attest that I provided this service and that this note is accurate "
        "and complete.",
    )


def amended_note() -> ExportedNote:
    amendment = AddendumBlock(
        kind_label="Amendment",
        author="Dana Whitfield, LCSW",
        written_on="2026-03-06",
        reason="Corrected the GAD-7 score transcribed in the Objective section.",
        text="The GAD-7 score on 2026-03-04 was 9 (mild), not 11. All other content stands.",
        signature=SignatureLine(
            statement="Electronically signed by Dana Whitfield, LCSW (License LCSW-0048213) "
            "on 2026-03-06 09:41 CST",
            fingerprint="7F3A 91C2 0B5E D4A8",
            content_hash="a04c2e91d7f35b10",
        ),
    )
    late = AddendumBlock(
        kind_label="Late entry",
        author="Dana Whitfield, LCSW",
        written_on="2026-03-07",
        reason="Phone contact with the client's primary care office was not documented.",
        text="Spoke with the nurse at Springfield Family Medicine (release on file) about "
        "the client's sleep; they will review at the 2026-03-20 visit.",
        signature=SignatureLine(
            statement="Electronically signed by Dana Whitfield, LCSW (License LCSW-0048213) "
            "on 2026-03-07 11:05 CST",
            fingerprint="7F3A 91C2 0B5E D4A8",
            content_hash="c81d09ab33e2f774",
        ),
        date_of_service="2026-03-05",
    )
    return replace(signed_note(), addenda=(amendment, late))


def cosigned_note() -> ExportedNote:
    cosign = CosignBlock(
        statement="I have reviewed this note and agree with the assessment and plan.",
        signature=SignatureLine(
            statement="Electronically signed by Morgan Ellis, PhD, LP (License LP-0021877) "
            "on 2026-03-09 10:30 CST",
            fingerprint="C2D9 4417 8EA0 5B3F",
            content_hash="e5f8a2c490b3d117",
        ),
    )
    return replace(signed_note(), cosignatures=(cosign,))


def job(*notes: ExportedNote, logo: bool = True, **kw: object) -> ExportJob:
    head = replace(LETTERHEAD, logo_png=logo_png()) if logo else LETTERHEAD
    return ExportJob(
        letterhead=head,
        client=CLIENT,
        notes=notes or (signed_note(),),
        proof=b'{"format":"noteapp-proof-1","demo":true}',
        **kw,  # type: ignore[arg-type]
    )


def chart_job(count: int = 20, logo: bool = True) -> ExportJob:
    notes = []
    for i in range(count):
        date = f"2026-{1 + (i // 4) % 12:02d}-{1 + (i * 7) % 28:02d}"
        note = signed_note(date, i)
        if i == 2:
            note = replace(amended_note(), document=soap_document(date, i))
        if i == 5:
            note = replace(cosigned_note(), document=soap_document(date, i))
        notes.append(note)
    extra = Document(
        title="Treatment Plan (summary)",
        blocks=(
            Heading(level=2, text="Goals"),
            BulletList(items=("Reduce worry to ≤ 4/10 on most days.", "Sleep ≥ 7 hours.")),
        ),
    )
    return replace(
        job(*notes, logo=logo),
        chart_title="Clinical Record — 2026-01-01 to 2026-03-31",
        extra=(extra,),
    )
