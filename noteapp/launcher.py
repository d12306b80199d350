"""The `noteapp` entry point: the desktop app with no command (or `gui`), else the CLI.

It sits above both front ends so that neither imports the other, and Qt is imported only
when the desktop app is really started.
"""

from __future__ import annotations

import sys


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
    if command == "gui" or (command is None and not wants_help):
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
