"""`make screenshots`: every main screen of the app, in light and dark, on a 1280×720 screen,
into docs/screenshots/ (README.md and docs/ui.md show them).

The screens are those of tests/ui/screens.py marked `main_screen`, opened on the same
synthetic workspace the UI tests use (invented clients only: the demo data), at 7:05 pm on
10 March 2026. The screen is emulated with Qt's offscreen platform, so the pictures are the
same on every machine with the same fonts:

    python -m tools.screenshots [OUT_DIR] [--only NAME,...] [--schemes light,dark] [--size WxH]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from tests.ui.fit_check import configure


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--only", default="")
    parser.add_argument("--schemes", default="light,dark")
    parser.add_argument("--size", default="1280x720")
    parser.add_argument("--all", action="store_true", help="every screen, not only the main ones")
    args = parser.parse_args(argv)
    configure(args.size, 1)

    from PySide6.QtWidgets import QApplication

    from noteapp.ui import theme
    from tests.ui.screens import SCREENS, Session, opened_screen, settle

    app = QApplication(sys.argv[:1])
    only = {n for n in args.only.split(",") if n}
    args.out.mkdir(parents=True, exist_ok=True)
    written = []
    for scheme in args.schemes.split(","):
        theme.apply(app, theme.Appearance(scheme))
        # A fixed folder, so paths shown on screen are the same in every run's pictures.
        folder = Path(tempfile.gettempdir()) / "noteapp-screenshots"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        session = Session(folder)
        try:
            for entry in SCREENS:
                wanted = entry.name in only if only else (args.all or entry.main_screen)
                if not wanted:
                    continue
                with opened_screen(session, entry.name) as window:
                    settle()
                    file = args.out / f"{entry.name}-{scheme}.png"
                    window.grab().save(str(file), "PNG", 0)  # 0: smallest file
                    written.append(file)
        finally:
            session.close()
            shutil.rmtree(folder, ignore_errors=True)
    for file in written:
        print(file)
    return 0


if __name__ == "__main__":
    sys.exit(main())
