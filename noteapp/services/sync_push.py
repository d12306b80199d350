"""What this device sends for a chart: every local version made since the last sync, in
order (a record's versions one after another; a chart's client and templates before its
notes, notes before their signatures), each naming the version it was made from. Records of
other members are never sent under this device's name, records written once never twice,
psychotherapy notes only when their author chose, and a discarded draft as a deletion."""

from __future__ import annotations

from dataclasses import dataclass

from noteapp.agency.envelope import VersionBody, version_id
from noteapp.agency.keys import ChartRole
from noteapp.agency.kinds import CHART_KINDS, WritePolicy, order_key
from noteapp.services.agency_local import LocalCharts, LocalScan
from noteapp.services.agency_state import ChartState

REVIEW_TYPES = ("cosignature", "return")


@dataclass(frozen=True)
class Outgoing:
    local_version: int  # the local version this is (0: a deletion)
    body: VersionBody

    @property
    def key(self) -> tuple[str, str]:
        return (self.body.kind, self.body.record_id)


def outgoing(
    state: ChartState,
    *,
    scan: LocalScan,
    local: LocalCharts,
    me: str,
    my_key: bytes,
    role: ChartRole,
    include_private: bool,
) -> list[Outgoing]:
    here = scan.charts.get(state.client_id, {})
    out: list[Outgoing] = []
    for kind, record_id in sorted(here, key=lambda k: order_key(*k)):
        spec = CHART_KINDS[kind]
        if role == ChartRole.SUPERVISOR and not spec.supervisors:
            continue
        synced = state.records.get((kind, record_id))
        sv = synced.version if synced else 0
        if here[(kind, record_id)] <= sv:
            continue
        if synced is not None and (
            spec.policy == WritePolicy.ONCE
            or (spec.policy == WritePolicy.AUTHOR and synced.creator not in ("", me))
        ):
            continue
        base = synced.vid if synced else ""
        for number, data in local.versions_after(kind, record_id, sv):
            if kind == "signed_item" and (
                data.get("public_key") != my_key.hex()
                or (role == ChartRole.SUPERVISOR and data.get("type") not in REVIEW_TYPES)
            ):
                break  # signed by someone else (a review received in a file), or not a review
            vid = version_id(kind, record_id, base, data)
            out.append(Outgoing(number, VersionBody(kind, record_id, vid, base, data)))
            base = vid
    for (kind, record_id), synced in sorted(
        state.records.items(), key=lambda kv: order_key(*kv[0])
    ):
        found = CHART_KINDS.get(kind)
        gone = (kind, record_id) not in here and (kind, record_id) not in scan.damaged
        if (
            found is None
            or not gone
            or not found.deletable
            or synced.version == 0
            or synced.creator != me
            or (found.private and not include_private)
        ):
            continue
        vid = version_id(kind, record_id, synced.vid, None)
        out.append(Outgoing(0, VersionBody(kind, record_id, vid, synced.vid, None)))
    return out
