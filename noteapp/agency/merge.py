"""How a pulled version meets this device's own changes (agency.md, principle 4).

Each record's sync state is the local version last synced and the server version id it
corresponds to. A pulled version is this device's own (an interrupted push coming back: its
content-addressed id matches one of the local versions made since), a change to apply (no
local change since the last sync), or a conflict (both sides changed): drafts keep both
versions, client details merge field by field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from noteapp.agency.envelope import version_id


class Action(StrEnum):
    MINE = "mine"  # already here: this device made it
    APPLY = "apply"  # no local change since the last sync: take it
    CONFLICT = "conflict"  # both sides changed


@dataclass(frozen=True)
class Synced:
    version: int  # the local version that corresponds to `vid` (0: not in this vault)
    vid: str
    creator: str  # the member whose first version made the record


def local_chain(
    kind: str, record_id: str, base: str, versions: Sequence[tuple[int, dict[str, Any] | None]]
) -> dict[str, int]:
    """The version ids this device's unsynced local versions have (or had, when pushed):
    each one made from the one before, starting at the last synced id."""
    out: dict[str, int] = {}
    for number, data in versions:
        base = version_id(kind, record_id, base, data)
        out[base] = number
    return out


def classify(
    *, current: int, synced: Synced | None, incoming: str, mine: Mapping[str, int]
) -> Action:
    if incoming in mine:
        return Action.MINE
    if current == (synced.version if synced else 0):
        return Action.APPLY
    return Action.CONFLICT


def merge_fields(
    base: Mapping[str, Any] | None, local: Mapping[str, Any], remote: Mapping[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """A three-way merge of two versions of a record, field by field (one level into objects
    such as a client's contact). A field changed only on one side takes that side's value; a
    field changed on both sides to different values keeps this device's value and is named
    in the list returned (the other value stays in the history and is shown to the user)."""
    base = base or {}
    merged: dict[str, Any] = {}
    conflicts: list[str] = []
    for key in sorted(set(local) | set(remote)):
        b, mine, theirs = base.get(key), local.get(key), remote.get(key)
        if isinstance(b, dict) and isinstance(mine, dict) and isinstance(theirs, dict):
            inner, clashes = merge_fields(b, mine, theirs)
            merged[key] = inner
            conflicts += [f"{key}.{c}" for c in clashes]
        elif mine == theirs or theirs == b:
            merged[key] = mine
        elif mine == b:
            merged[key] = theirs
        else:
            merged[key] = mine
            conflicts.append(key)
    return merged, conflicts
