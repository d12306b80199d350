"""Shared helpers for the benchmarks: child processes, medians, synthetic notes, tables."""

from __future__ import annotations

import json
import os
import platform
import random
import statistics
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from noteapp.crypto import Argon2Params

# OWASP's minimum, as in tests/conftest.py: a real Argon2id run that costs little, so the
# figures "beyond the KDF" are not drowned by it (the KDF is measured on its own).
FAST_KDF = Argon2Params(memory_kib=19 * 1024, iterations=2, lanes=1)
PASSPHRASE = "benchmark vault passphrase"  # synthetic vaults only
REPEATS = 3


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def run_child(module: str, *args: str) -> dict[str, Any]:
    """Run `python -m <module> --child ...` in a fresh interpreter; it prints one JSON line."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    proc = subprocess.run(
        [sys.executable, "-m", module, "--child", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark child failed ({' '.join(args)}):\n{proc.stderr}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    mem = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    return {
        "cpus": str(os.cpu_count()),
        "cpu": cpu,
        "ram": mem,
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
    }


# --- synthetic clinical text ---------------------------------------------------------------

_OPENERS = [
    "Client reported",
    "Client described",
    "Clinician observed",
    "Session focused on",
    "Client and clinician reviewed",
    "Client identified",
    "Discussed",
    "Client practiced",
]
_MIDDLES = [
    "increased worry about work deadlines and difficulty falling asleep",
    "a decrease in panic episodes since the last session",
    "low mood most days of the week with reduced interest in hobbies",
    "use of the breathing exercise twice daily with partial benefit",
    "conflict with a family member and subsequent rumination",
    "progress toward the goal of attending a weekly social activity",
    "cognitive distortions, especially all-or-nothing thinking",
    "avoidance of crowded places and the feared consequences",
    "sleep hygiene strategies and a consistent wake time",
    "the thought record completed as homework",
    "grounding techniques when intrusive memories occur",
    "values clarification and small committed actions",
]
_CLOSERS = [
    "Affect was congruent and the client was engaged throughout.",
    "Client denied suicidal ideation, intent or plan.",
    "Client agreed to continue the homework before the next session.",
    "Progress toward treatment goals is moderate.",
    "No safety concerns were identified today.",
    "Client was receptive to feedback and asked relevant questions.",
]


def clinical_text(rng: random.Random, sentences: int) -> str:
    out = []
    for _ in range(sentences):
        if rng.random() < 0.25:
            out.append(rng.choice(_CLOSERS))
        else:
            out.append(f"{rng.choice(_OPENERS)} {rng.choice(_MIDDLES)}.")
    return " ".join(out)


def synthetic_note(rng: random.Random, index: int, client_ids: Sequence[str]) -> dict[str, Any]:
    """A note-like record of about 2 KB of JSON; invented content only."""
    day = 1 + index % 28
    month = 1 + (index // 28) % 12
    return {
        "id": f"{rng.getrandbits(128):032x}",
        "client_id": rng.choice(client_ids),
        "template_id": rng.choice(["dap", "birp", "soap", "intake"]),
        "template_version": 3,
        "status": rng.choice(["draft", "signed", "signed", "signed"]),
        "session": {
            "date": f"2026-{month:02d}-{day:02d}",
            "start": f"{9 + index % 8:02d}:00",
            "duration_minutes": rng.choice([30, 45, 53, 60]),
            "service_code": rng.choice(["90832", "90834", "90837", "90847"]),
            "location": rng.choice(["office", "telehealth"]),
        },
        "fields": {
            "data": clinical_text(rng, 6),
            "assessment": clinical_text(rng, 5),
            "plan": clinical_text(rng, 4),
            "interventions": clinical_text(rng, 3),
            "risk": "Client denied suicidal and homicidal ideation. No safety plan changes.",
        },
        "goals": [
            {"goal_id": f"g{g}", "rating": rng.randint(0, 4), "comment": clinical_text(rng, 1)}
            for g in range(2)
        ],
        "measures": [{"instrument": "PHQ-9", "score": rng.randint(0, 27)}],
        "author": {"name": "Dana Whitfield", "credentials": "LCSW", "license": "LCSW-000000"},
    }


@dataclass(frozen=True)
class Row:
    name: str
    value: str
    target: str = ""
    verdict: str = ""


def print_table(title: str, rows: Sequence[Row]) -> None:
    headers = ("measure", "value", "target", "")
    cols = list(
        zip(*[headers, *[(r.name, r.value, r.target, r.verdict) for r in rows]], strict=True)
    )
    widths = [max(len(x) for x in col) for col in cols]
    print(f"\n## {title}\n")
    for i, line in enumerate([headers, *[(r.name, r.value, r.target, r.verdict) for r in rows]]):
        print("| " + " | ".join(x.ljust(w) for x, w in zip(line, widths, strict=True)) + " |")
        if i == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")


def verdict(value: float, target: float) -> str:
    return "ok" if value < target else "MISSED"
