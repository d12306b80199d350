"""The supervisor's review inbox inside the agency (issue #14, point 4): the Today page's
"Notes waiting for your review" fed by the supervised charts (`SupervisionService.queue`),
so a supervisee's signed note shows up after a sync — no file round trip.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from datetime import date

from noteapp.services.clients import ClientService
from noteapp.services.supervision import QueueEntry, SupervisionService
from noteapp.services.worklist_items import Place, WorkItem

EMPTY = (
    "No note from your supervisees is waiting for your review; new ones arrive with each "
    "sync. Notes sent to you as files open on the Review screen."
)


class SupervisionInbox:
    """The worklist's `ReviewInbox` for a member who supervises agency charts."""

    def __init__(
        self,
        *,
        supervision: SupervisionService,
        clients: ClientService,
        today: Callable[[], date],
    ) -> None:
        self._supervision = supervision
        self._clients = clients
        self._today = today

    def active(self) -> bool:
        return self._supervision.is_supervisor()

    def empty(self) -> str:
        return EMPTY

    def entries(self) -> builtins.list[QueueEntry]:
        return self._supervision.queue()

    def entry(self, note_id: str) -> QueueEntry | None:
        return next((e for e in self.entries() if e.note_id == note_id), None)

    def waiting(self) -> builtins.list[WorkItem]:
        names: dict[str, str] = {str(c.id): c.name for c in self._clients.list()}
        today = self._today()
        out = []
        for e in self.entries():
            on = date.fromisoformat(e.date_of_service)
            why = "corrected since your review" if e.reason == "revised" else "new"
            out.append(
                WorkItem(
                    client_id=e.client_id,
                    client=names.get(e.client_id, e.client_code),
                    summary=f"{e.title or 'Note'} by {e.author} · {why}",
                    on=on,
                    place=Place.REVIEW,
                    note_id=e.note_id,
                    age_days=(today - on).days,
                )
            )
        return out
