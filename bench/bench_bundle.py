"""The built desktop app (dist/noteapp, `make bundle`): its size on disk and as the download,
and its start to the unlock screen — cold (page cache dropped, as after a reboot; needs root)
and warm — beside the same start from the source tree.

"To the unlock screen" is from the moment the process is started to the first turn of Qt's
event loop after the window was shown (the app prints that CLOCK_MONOTONIC time when
NOTEAPP_QUIT_AFTER is set; ui/quit_after.py), offscreen, on a vault that exists.
Prints "no built app" and nothing else when dist/noteapp is missing.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import FAST_KDF, PASSPHRASE, Row, print_table
from noteapp.services.paths import AppPaths
from noteapp.services.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
APP = DIST / "noteapp" / "noteapp"
_SHOWN = re.compile(r"event loop running at monotonic ([0-9.]+)")


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def _drop_page_cache() -> bool:
    """Linux, as root: forget every cached file page, so the next start reads from disk."""
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError:
        return False
    return True


def _start(command: list[str], vault: Path, home: Path) -> float:
    """Seconds from starting `command` to the unlock screen's first event-loop turn."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NOTEAPP_", "QT_"))}
    env.update(NOTEAPP_HOME=str(home), QT_QPA_PLATFORM="offscreen", NOTEAPP_QUIT_AFTER="0")
    begun = time.monotonic()
    done = subprocess.run(
        [*command, "gui", "--vault", str(vault)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    shown = _SHOWN.search(done.stderr)
    if done.returncode != 0 or shown is None or "screen: unlockView" not in done.stderr:
        raise RuntimeError(f"the app did not reach the unlock screen:\n{done.stderr[-2000:]}")
    return float(shown.group(1)) - begun


def run(quick: bool = False) -> list[Row]:
    archives = sorted(DIST.glob("noteapp-*.tar.gz"))
    rows = [
        Row("bundle folder dist/noteapp", f"{_size(APP.parent) / 2**20:.0f} MiB"),
        Row(
            "download (.tar.gz)",
            f"{archives[-1].stat().st_size / 2**20:.0f} MiB" if archives else "not built",
        ),
    ]
    repeats = 3 if quick else 7
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        vault = folder / "bench.noteapp"
        ws, _ = Workspace.create(
            vault, PASSPHRASE, params=FAST_KDF, paths=AppPaths(folder / "d", folder / "c")
        )
        ws.close()
        home = folder / "home"
        if _drop_page_cache():
            cold = _start([str(APP)], vault, home)
            rows.append(Row("built app, cold start to the unlock screen", f"{cold:.2f} s"))
        else:
            rows.append(Row("built app, cold start", "not measured (needs root on Linux)"))
        warm = [_start([str(APP)], vault, home) for _ in range(repeats)]
        rows.append(
            Row(
                f"built app, warm start (median of {repeats})",
                f"{statistics.median(warm):.2f} s ({min(warm):.2f}–{max(warm):.2f})",
            )
        )
        source = [_start([sys.executable, "-m", "noteapp"], vault, home) for _ in range(repeats)]
        rows.append(
            Row(
                f"from the source tree, warm (median of {repeats})",
                f"{statistics.median(source):.2f} s",
            )
        )
    return rows


def main(quick: bool = False) -> None:
    if not APP.is_file():
        print("no built app: `make bundle` first (dist/noteapp)")
        return
    print_table("Desktop bundle", run(quick))


if __name__ == "__main__":
    main("--quick" in sys.argv)
