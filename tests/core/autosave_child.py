"""Child process for test_autosave_crash: types into a draft and autosaves, acknowledging
each save on stdout only after it returned, until it is killed."""

from __future__ import annotations

import sys
from pathlib import Path

from noteapp.services.paths import AppPaths
from noteapp.services.workspace import Workspace


def main() -> None:
    vault, home, note_id = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    ws = Workspace.unlock(
        vault, "correct horse battery staple", paths=AppPaths(home / "data", home / "config")
    )
    text = ws.notes.get(note_id).text("subjective")
    i = 0
    while True:
        i += 1
        text += f" word{i}"
        ws.notes.save(note_id, fields={"subjective": text}, autosave=True)
        sys.stdout.write(f"{len(text)}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
