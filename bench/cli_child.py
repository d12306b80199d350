"""One CLI command in a fresh interpreter, as a user runs it: `python -m bench.cli_child ARGS`.

It imports only what `noteapp ARGS` imports, runs it with its output thrown away, and prints
one JSON line on the real stdout: the exit code and the process's peak resident memory
(VmHWM: this process's own, unlike ru_maxrss of a child, which counts the parent's too).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def _vm_hwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    real_stdout = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    from noteapp.cli.main import main as cli_main

    try:
        code = cli_main(sys.argv[1:])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    sys.stdout.flush()
    os.write(real_stdout, (json.dumps({"exit": code, "rss_mb": _vm_hwm_mb()}) + "\n").encode())


if __name__ == "__main__":
    main()
