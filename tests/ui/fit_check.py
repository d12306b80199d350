"""Open every screen of tests/ui/screens.py on one emulated laptop screen and report what
does not fit: a window larger than the screen, a widget outside its window (or outside the
part of it that holds it), a button, label, check box or tab whose text is wider than the
widget (clipped: "Add problen").

Run by tests/ui/test_fit.py in a subprocess per screen, because the screen (its size, its
scale) is fixed when Qt starts:

    python -m tests.ui.fit_check --screen 1366x768 [--scale 2] --out problems.json

The offscreen platform is given a screen of that size through its configuration file; with
--scale 2 the screen is 2× the size in device pixels and QT_SCALE_FACTOR=2, which is what a
2560×1440 laptop at 200 % gives: 1280×720 logical pixels, fonts and lines drawn at 2×.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path


def configure(screen: str, scale: int) -> None:
    """Set up Qt's environment; must run before anything imports PySide6."""
    width, height = (int(v) for v in screen.split("x"))
    config = {
        "synchronousWindowSystemEvents": False,
        "windowFrameMargins": False,
        "screens": [
            {
                "name": "laptop",
                "x": 0,
                "y": 0,
                "width": width * scale,
                "height": height * scale,
                "logicalDpi": 96,
                "logicalBaseDpi": 96,
                "dpr": 1,
            }
        ],
    }
    folder = Path(tempfile.mkdtemp(prefix="noteapp-screen-"))
    (folder / "screen.json").write_text(json.dumps(config), encoding="utf-8")
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={folder / 'screen.json'}"
    os.environ["QT_SCALE_FACTOR"] = str(scale)
    os.environ.setdefault("NOTEAPP_HOME", str(folder / "home"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--screen", required=True)
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--only", default="")
    args = parser.parse_args(argv)
    configure(args.screen, args.scale)

    from PySide6.QtWidgets import QApplication

    from noteapp.ui import theme
    from tests.ui.fit_rules import window_problems
    from tests.ui.screens import SCREENS, Session, opened_screen

    app = QApplication(sys.argv[:1])
    theme.apply(app, theme.Appearance.LIGHT)
    only = {n for n in args.only.split(",") if n}
    report: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        session = Session(Path(tmp))
        try:
            for entry in SCREENS:
                if only and entry.name not in only:
                    continue
                try:
                    with opened_screen(session, entry.name) as window:
                        found = window_problems(window)
                        if entry.check is not None:
                            found += entry.check(window)
                except Exception as exc:  # a screen that cannot open is a problem too
                    found = [f"could not be opened: {type(exc).__name__}: {exc}"]
                if found:
                    report[entry.name] = found
        finally:
            session.close()
    args.out.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
