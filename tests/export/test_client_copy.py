"""The client's copy of a safety plan: written, re-read with python-docx, large print, plain
words, nothing clinical; LibreOffice (when installed) shows the same text. Synthetic only."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.shared import Pt

from noteapp.domain.clients import Client, Diagnosis
from noteapp.domain.ids import ClientId
from noteapp.domain.paper import PaperSize
from noteapp.domain.safety_plan import ClientCopy, SafetyPlan, SupportContact
from noteapp.export import write_client_copy
from noteapp.services.safety_plans import shipped_crisis_lines
from noteapp.templates.safety_document import STEPS, client_copy

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def sample_copy(**overrides: object) -> ClientCopy:
    plan = SafetyPlan(
        id="p",
        series="s",
        client_id="c",
        version=1,
        warning_signs=("Staying in bed past noon", "Thinking “nothing will change”"),
        internal_coping=("Walk Biscuit around the block", "Cold water on my face"),
        distractions=(SupportContact("Riverside library"),),
        people_to_ask=(SupportContact("Aunt May", "555-0123", "aunt"),),
        professionals=(SupportContact("Dana Whitfield", "555-0100", "therapist"),),
        crisis_lines=shipped_crisis_lines(),
        environment_safety=("My sister keeps my medicines for now",),
        reasons_for_living=("My niece's graduation in June", "Biscuit, who needs me"),
        signed_on=date(2026, 1, 5),
        signature_ids=("sig-0123456789abcdef",),
    )
    for key, value in overrides.items():
        plan = plan.__class__(**{**plan.__dict__, key: value})
    client = Client(
        id=ClientId("c"),
        name="Jordan Avery",
        code="C0004",
        preferred_name="Jo",
        diagnoses=(Diagnosis("F32.1", "Major depressive disorder, single episode, moderate"),),
    )
    return client_copy(plan, client)


def _text(path: Path) -> str:
    d = docx.Document(str(path))
    parts = [p.text for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.extend(p.text for p in cell.paragraphs)
    return "\n".join(parts)


def test_client_copy_has_every_step_988_and_reasons(tmp_path: Path) -> None:
    out = tmp_path / "copy.docx"
    write_client_copy(sample_copy(), out)
    assert (out.stat().st_mode & 0o777) == 0o600
    text = _text(out)
    assert "My safety plan" in text
    assert "For Jo" in text and "Avery" not in text  # first or preferred name only
    for _clinical, heading, prompt in STEPS:
        assert heading in text and prompt in text
    assert "Call or text 988" in text
    assert "Text HOME to 741741" in text and "Call 911" in text
    assert "My reasons for living" in text and "Biscuit, who needs me" in text
    assert "Keep this where you can find it." in text
    assert "January 5, 2026" in text


def test_client_copy_has_nothing_clinical(tmp_path: Path) -> None:
    out = tmp_path / "copy.docx"
    write_client_copy(sample_copy(), out)
    text = _text(out).lower()
    for word in ("hash", "fingerprint", "signed", "c0004", "f32", "depressive", "sig-0123"):
        assert word not in text


def test_items_are_large_print(tmp_path: Path) -> None:
    out = tmp_path / "copy.docx"
    write_client_copy(sample_copy(), out)
    d = docx.Document(str(out))
    items = [p for p in d.paragraphs if p.style is not None and p.style.name == "SafetyItem"]
    assert len(items) >= 8
    for p in items:
        assert p.style is not None and p.style.font.size is not None
        assert p.style.font.size >= Pt(14)
    for name in ("SafetyStep", "SafetyCall", "SafetyPrompt", "SafetyReason"):
        size = d.styles[name].font.size
        assert size is not None and size >= Pt(14), name
    assert d.styles["SafetyCall"].font.size >= Pt(24)


def test_empty_steps_leave_room_to_write_and_bad_characters_are_replaced(
    tmp_path: Path,
) -> None:
    out = tmp_path / "copy.docx"
    copy = sample_copy(distractions=(), warning_signs=("Bell\x07 rings", "Fine"))
    write_client_copy(copy, out)
    d = docx.Document(str(out))
    styles = [p.style.name if p.style is not None else "" for p in d.paragraphs]
    assert styles.count("SafetyWriteIn") == 2
    assert "Bell\ufffd rings" in _text(out)


def test_a_failed_write_leaves_no_file(tmp_path: Path) -> None:
    from noteapp.export import ExportWriteError

    with pytest.raises(ExportWriteError):
        write_client_copy(sample_copy(), tmp_path / "missing" / "copy.docx")


@pytest.mark.skipif(
    SOFFICE is None and not os.environ.get("CI"), reason="LibreOffice (soffice) is not installed"
)
def test_libreoffice_shows_the_client_copy(tmp_path: Path) -> None:
    assert SOFFICE is not None
    src = tmp_path / "copy.docx"
    write_client_copy(sample_copy(), src)
    profile = tmp_path / "profile"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "txt:Text (encoded):UTF8",
            "--outdir",
            str(tmp_path / "txt"),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    shown = (tmp_path / "txt" / "copy.txt").read_text(encoding="utf-8-sig")
    assert "My safety plan" in shown
    assert "Call or text 988" in shown
    assert "Step 6 — Making my surroundings safe" in shown
    assert "My niece's graduation in June" in shown


# --- page layout (LibreOffice renders; poppler measures) ------------------------------------


def _long_copy() -> ClientCopy:
    return sample_copy(
        warning_signs=tuple(
            f"Warning sign number {i}, in the client's own words" for i in range(7)
        ),
        internal_coping=tuple(f"Something I can do on my own, number {i}" for i in range(6)),
        distractions=tuple(SupportContact(f"Place {i}", "", "") for i in range(4)),
        people_to_ask=tuple(
            SupportContact(f"Friend {i}", f"555-01{i}0", "friend") for i in range(4)
        ),
        environment_safety=tuple(f"Step I take to keep safe at home, number {i}" for i in range(5)),
    )


LAYOUTS = {
    "sample": sample_copy,
    "long": _long_copy,
    "short": lambda: sample_copy(internal_coping=(), distractions=(), environment_safety=()),
    # The length of the demo's plans: the reasons box ended a page, the last line did not.
    "demo-like": lambda: sample_copy(
        warning_signs=("Lying awake after 2 a.m.", "Cancelling plans", "Feeling like a burden"),
        internal_coping=("Paced breathing", "A hot shower", "Draw or colour", "Read my notes"),
        distractions=tuple(SupportContact(x) for x in ("The gym", "Video call with Alex", "Park")),
        environment_safety=("Car keys stay with Morgan", "Old prescriptions dropped off"),
    ),
}


@pytest.mark.skipif(
    (SOFFICE is None or shutil.which("pdftotext") is None) and not os.environ.get("CI"),
    reason="LibreOffice and pdftotext (poppler-utils) are not installed",
)
@pytest.mark.parametrize("paper", [PaperSize.LETTER, PaperSize.A4], ids=["letter", "a4"])
@pytest.mark.parametrize("which", list(LAYOUTS))
def test_the_last_page_is_never_near_empty(tmp_path: Path, which: str, paper: PaperSize) -> None:
    from noteapp.export.client_copy import MARGIN_TWIPS
    from tests.export.pages import pages, to_pdf

    src = tmp_path / f"{which}.docx"
    write_client_copy(LAYOUTS[which](), src, paper=paper)
    laid_out = pages(to_pdf(src, tmp_path, tmp_path / "profile"))
    margin = MARGIN_TWIPS / 20  # points
    fills = [round(p.fill(margin), 2) for p in laid_out]
    assert "Keep this where you can find it" in laid_out[0].text()  # said up front
    if len(laid_out) > 1:
        assert fills[-1] >= 0.2, f"last page {fills[-1]:.0%} full ({fills})"
    assert "My reasons for living" in laid_out[-1].text()
