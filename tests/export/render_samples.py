"""Write sample exports and render them to PNG: python -m tests.export.render_samples OUT."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from noteapp.domain.export_model import ExportJob
from noteapp.export import write_docx
from tests.export import samples

RENDER = Path(__file__).resolve().parents[3] / "shared" / "tools" / "render-docx"


def sample_jobs() -> dict[str, ExportJob]:
    """The five looks to check by eye: signed, amended, co-signed, draft, a 20-note chart."""
    return {
        "signed-soap": samples.job(samples.signed_note()),
        "amended": samples.job(samples.amended_note()),
        "cosigned": samples.job(samples.cosigned_note()),
        "draft": samples.job(replace(samples.signed_note(), signature=None), draft=True),
        "chart-20": samples.chart_job(20),
    }


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, job in sample_jobs().items():
        path = out / f"{name}.docx"
        write_docx(job, path)
        if RENDER.exists():
            subprocess.run([str(RENDER), str(path), str(out)], check=True, capture_output=True)
    print("\n".join(sorted(p.name for p in out.iterdir())))


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "out/exports"))
