"""The `noteapp` entry point: the desktop app with no command (or `gui`), `desktop-check`,
else the CLI.

It sits above both front ends so that neither imports the other, and Qt is imported only
when the desktop app is really started.
"""

from __future__ import annotations

import sys

DESKTOP_CHECK = "desktop-check"  # are the system libraries for the window there? (Linux)


def _command(argv: list[str]) -> str | None:
    """The first word that is not an option (skipping the value of --vault)."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg == "--vault":
            skip = True
            continue
        if arg.startswith("-"):
            continue
        return arg
    return None


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    wants_help = any(a in ("-h", "--help", "--version") for a in args)
    command = _command(args)
    if command == DESKTOP_CHECK:
        from noteapp.desktop_check import main as check_main

        return check_main()
    if command == "gui" or (command is None and not wants_help):
        # Linux: name the missing system packages rather than let Qt abort (or fail to import).
        from noteapp.desktop_check import EXIT_MISSING, problem

        found = problem()
        if found:
            print(found, file=sys.stderr)
            return EXIT_MISSING
        from noteapp.ui.app import main as gui_main

        vault = None
        if "--vault" in args:
            i = args.index("--vault")
            vault = args[i + 1] if i + 1 < len(args) else None
        return gui_main(vault=vault)
    from noteapp.cli.main import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    raise SystemExit(main())
