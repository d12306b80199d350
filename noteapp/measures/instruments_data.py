"""The shipped instruments: data files in noteapp/measures/instruments/, read by the same
checker as a user's own file (definition.py), so adding one means adding a file.

Versions: every file carries its instrument's version. A change to what a client is given
(items, answers, scoring) is a new file with a higher version; the old file stays, named
``ID.vN.json``, so a score always finds the exact instrument it was given with.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from noteapp.measures.definition import parse_definition
from noteapp.measures.model import Instrument


@lru_cache(maxsize=1)
def builtin_versions() -> dict[tuple[str, int], Instrument]:
    """Every shipped instrument version, by (id, version)."""
    folder = resources.files("noteapp.measures").joinpath("instruments")
    out: dict[tuple[str, int], Instrument] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            inst = parse_definition(json.loads(entry.read_text("utf-8")), builtin=True)
            if inst.key in out:
                raise ValueError(f"{entry.name}: {inst.id} version {inst.version} is shipped twice")
            out[inst.key] = inst
    return out


@lru_cache(maxsize=1)
def load_instruments() -> dict[str, Instrument]:
    """The current version of every shipped instrument, by id."""
    out: dict[str, Instrument] = {}
    for inst in builtin_versions().values():
        if inst.id not in out or inst.version > out[inst.id].version:
            out[inst.id] = inst
    return out
