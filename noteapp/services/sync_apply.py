"""Writing a pulled version into this vault (agency.md, principle 4): this device's own
version coming back changes nothing; a version with no local change since the last sync is
written as it is; when both sides changed, drafts and plans keep both versions (this
device's stays current and a conflict is shown to the user), client details merge field by
field, and records written once must be identical or are refused."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from noteapp.agency.envelope import VersionBody
from noteapp.agency.kinds import CHART_KINDS, Merge, is_draft
from noteapp.agency.merge import Action, Synced, classify, local_chain, merge_fields
from noteapp.domain.clock import Clock
from noteapp.services.agency_local import LocalCharts
from noteapp.services.agency_state import ChartState


@dataclass(frozen=True)
class Applied:
    written: int  # local versions written (0: nothing changed here)
    conflict: dict[str, Any] | None = None
    refused: str = ""


class Applier:
    def __init__(self, *, local: LocalCharts, me: str, clock: Clock) -> None:
        self._local = local
        self._me = me
        self._clock = clock

    def apply(self, state: ChartState, body: VersionBody, *, author: str) -> Applied:
        key = (body.kind, body.record_id)
        synced = state.records.get(key)
        base = synced.vid if synced else ""
        if body.base != base:
            return Applied(0, refused="it was not made from the version this chart holds")
        current = self._local.current(*key)
        cv, data = current if current else (0, None)
        sv = synced.version if synced else 0
        mine: dict[str, int] = {}
        if cv > sv:
            mine = local_chain(*key, base, self._local.versions_after(*key, sv))
        action = classify(current=cv, synced=synced, incoming=body.vid, mine=mine)
        creator = synced.creator if synced and synced.creator else author
        if action == Action.MINE:
            state.records[key] = Synced(mine[body.vid], body.vid, creator)
            return Applied(0)
        if action == Action.APPLY:
            return self._take(state, body, creator, author, cv, data)
        return self._conflict(state, body, creator, author, cv, data, sv)

    def _take(
        self,
        state: ChartState,
        body: VersionBody,
        creator: str,
        author: str,
        cv: int,
        data: dict[str, Any] | None,
    ) -> Applied:
        key = (body.kind, body.record_id)
        if is_draft(body.kind, body.data) and author != self._me:
            # Another member's draft is not part of the record until they sign it.
            state.records[key] = Synced(cv, body.vid, creator)
            return Applied(0)
        if body.data is None:
            if cv:
                self._local.remove(*key, expected=cv)
            state.records[key] = Synced(0, body.vid, creator)
            return Applied(1 if cv else 0)
        if cv and data == body.data:
            state.records[key] = Synced(cv, body.vid, creator)
            return Applied(0)
        version = self._local.write(*key, body.data, expected=cv, client_id=state.client_id)
        state.records[key] = Synced(version, body.vid, creator)
        return Applied(1)

    def _conflict(
        self,
        state: ChartState,
        body: VersionBody,
        creator: str,
        author: str,
        cv: int,
        data: dict[str, Any] | None,
        sv: int,
    ) -> Applied:
        key = (body.kind, body.record_id)
        spec = CHART_KINDS[body.kind]
        if spec.merge == Merge.NEVER:
            if data == body.data:
                state.records[key] = Synced(cv, body.vid, creator)
                return Applied(0)
            return Applied(0, refused="it differs from the copy of a record written once here")
        assert data is not None
        note = {
            "kind": body.kind,
            "id": body.record_id,
            "by": author,
            "at": self._clock.now().isoformat(),
            "fields": [],
        }
        if body.data is None:
            # Deleted on another device while changed here: this device's version is kept and
            # shared again, on top of the deletion.
            version = self._local.write(*key, data, expected=cv, client_id=state.client_id)
            state.records[key] = Synced(cv, body.vid, creator)
            return Applied(1, {**note, "reason": "deleted-elsewhere", "mine": version, "theirs": 0})
        if spec.merge == Merge.FIELDS:
            before = self._local.version_data(*key, sv) if sv else None
            merged, clashes = merge_fields(before, data, body.data)
            theirs = self._local.write(*key, body.data, expected=cv, client_id=state.client_id)
            state.records[key] = Synced(theirs, body.vid, creator)
            if merged == body.data:
                return Applied(1)
            mine = self._local.write(*key, merged, expected=theirs, client_id=state.client_id)
            conflict = {
                **note,
                "reason": "both-changed",
                "fields": clashes,
                "mine": mine,
                "theirs": theirs,
            }
            return Applied(2, conflict if clashes else None)
        theirs = self._local.write(*key, body.data, expected=cv, client_id=state.client_id)
        state.records[key] = Synced(theirs, body.vid, creator)
        if body.data.get("status") == "signed" and data.get("status") != "signed":
            # Signed on another device: the note is locked; the draft edited here meanwhile
            # stays in the note's history.
            return Applied(1, {**note, "reason": "signed-elsewhere", "mine": cv, "theirs": theirs})
        mine = self._local.write(*key, data, expected=theirs, client_id=state.client_id)
        return Applied(2, {**note, "reason": "both-changed", "mine": mine, "theirs": theirs})
