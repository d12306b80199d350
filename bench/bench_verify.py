"""`noteapp verify FILE.docx` as a whole process (target < 0.3 s), on a signed demo note."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from noteapp.crypto import Argon2Params
from noteapp.demo import fill_demo
from noteapp.domain.notes import NoteStatus
from noteapp.services.paths import AppPaths
from noteapp.services.workspace import Workspace

PASSPHRASE = "benchmark passphrase only"


def _signed_export(folder: Path) -> Path:
    ws, _ = Workspace.create(
        folder / "v.noteapp",
        PASSPHRASE,
        params=Argon2Params(19 * 1024, 2, 1),
        paths=AppPaths(folder / "data", folder / "config"),
    )
    try:
        fill_demo(ws, clients=3, notes=20, passphrase=PASSPHRASE)
        note = ws.notes.list(status=NoteStatus.SIGNED)[0]
        out = folder / "note.docx"
        ws.exports.export_note(note.id, out)
        return out
    finally:
        ws.close()


def run(quick: bool = False) -> list[tuple[str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = _signed_export(Path(tmp))
        env = {k: v for k, v in os.environ.items() if k != "NOTEAPP_VAULT"}
        times = []
        for _ in range(3 if quick else 7):
            start = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, "-m", "noteapp", "verify", str(path)],
                capture_output=True,
                env=env,
                check=False,
            )
            times.append(time.perf_counter() - start)
            if proc.returncode != 0:
                return [("noteapp verify", f"FAILED (exit {proc.returncode})")]
    median = statistics.median(times)
    verdict = "ok" if median < 0.3 else "MISSED"
    return [
        (
            "noteapp verify of one signed note, whole process (median)",
            f"{median * 1000:.0f} ms ({verdict}, target < 300 ms)",
        ),
        ("fastest / slowest", f"{min(times) * 1000:.0f} / {max(times) * 1000:.0f} ms"),
    ]


def main(quick: bool = False) -> None:
    print("\n# bench_verify\n")
    print("| measure | figure |\n|---|---|")
    for measure, figure in run(quick):
        print(f"| {measure} | {figure} |")


if __name__ == "__main__":
    main("--quick" in sys.argv)
