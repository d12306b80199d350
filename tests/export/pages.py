"""How LibreOffice lays a .docx out on pages: the page count and how full each page is.

The document is converted to PDF by LibreOffice (a second, independent renderer: Word is
not available on CI) and the PDF read with poppler's pdftotext, whose bounding boxes give
where the text of each page ends. Used to check that a document's last page is not a
near-empty page holding one line."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")

_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_BLOCK = re.compile(
    r'<block xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</block>', re.S
)
_WORD = re.compile(r"<word[^>]*>(.*?)</word>")


@dataclass(frozen=True)
class Page:
    height: float
    blocks: tuple[tuple[float, float, str], ...]  # (top, bottom, text), footer included

    def text(self) -> str:
        return " ".join(t for _top, _bottom, t in self.blocks)

    def fill(self, margin: float) -> float:
        """How far down the text area (between the margins) the body text reaches, 0–1;
        the footer, in the bottom margin, does not count."""
        body = [b for b in self.blocks if b[0] < self.height - margin]
        if not body:
            return 0.0
        bottom = max(b[1] for b in body)
        return (bottom - margin) / (self.height - 2 * margin)


def convert(src: Path, target: str, outdir: Path, profile: Path) -> Path:
    """LibreOffice's copy of `src` as `target` ("pdf", "txt:Text (encoded):UTF8", …)."""
    assert SOFFICE is not None
    outdir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    ext = target.split(":", 1)[0]
    out = outdir / f"{src.stem}.{ext}"
    assert out.exists(), f"LibreOffice did not write {out.name}"
    return out


def to_pdf(src: Path, outdir: Path, profile: Path) -> Path:
    return convert(src, "pdf", outdir, profile)


def pages(pdf: Path) -> list[Page]:
    assert PDFTOTEXT is not None
    xhtml = subprocess.run(
        [PDFTOTEXT, "-bbox-layout", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    out = []
    for _w, height, body in _PAGE.findall(xhtml):
        blocks = tuple(
            (float(top), float(bottom), " ".join(_WORD.findall(inner)))
            for top, bottom, inner in _BLOCK.findall(body)
        )
        out.append(Page(float(height), blocks))
    return out
