"""What a served chart may look like: never older than what this device saw, no gaps, and
key epochs that only move forward (agency.md, principle 5).

Each device remembers, per chart, the highest sequence number it has applied, the hash of
that version and the epochs it has verified. A server that serves less (an older state), skips
a number, changes an epoch already seen or takes one back is refused, and nothing it served
is written. What no device can notice on its own — a server that stops showing anything new
— is said in docs/agency.md.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

from noteapp.agency.keys import Epoch
from noteapp.domain.errors import ServerIntegrityError


def _short(chart_id: str) -> str:
    return chart_id[:8]


def check_head(chart_id: str, *, known: int, served: int) -> None:
    if served < known:
        raise ServerIntegrityError(
            f"The server served an older state of chart {_short(chart_id)}: it shows {served} "
            f"versions where this device has already seen {known}. Nothing was written; ask "
            "your administrator whether the server was restored from a backup."
        )


def check_sequence(chart_id: str, *, after: int, seqs: Sequence[int], head: int) -> None:
    """The versions served after `after` must be after+1, after+2, … with none missing, up to
    the head the server named."""
    expected = list(range(after + 1, after + 1 + len(seqs)))
    if list(seqs) != expected or (seqs and seqs[-1] > head):
        raise ServerIntegrityError(
            f"The server left a gap in chart {_short(chart_id)} (versions missing or out of "
            "order). Nothing from it was written."
        )


def check_epochs(chart_id: str, *, known: Mapping[int, Epoch], served: Sequence[Epoch]) -> None:
    """Epochs are 1, 2, … with non-decreasing starting points; those seen before are served
    unchanged, and none is taken back."""
    numbers = [e.epoch for e in served]
    if numbers != list(range(1, len(served) + 1)):
        raise ServerIntegrityError(
            f"The server's key records of chart {_short(chart_id)} are not numbered 1, 2, …"
        )
    if known and max(known) > len(served):
        raise ServerIntegrityError(
            f"The server served an older state of chart {_short(chart_id)}: a key record this "
            "device has seen is missing. Nothing was written."
        )
    for before, after in itertools.pairwise(served):
        if after.from_seq < before.from_seq:
            raise ServerIntegrityError(
                f"The key records of chart {_short(chart_id)} go back in the chart's history."
            )
    for e in served:
        seen = known.get(e.epoch)
        if seen is not None and seen != e:
            raise ServerIntegrityError(
                f"The server changed a key record of chart {_short(chart_id)} this device had "
                "already seen. Nothing was written."
            )


def epoch_at(epochs: Mapping[int, Epoch], seq: int) -> Epoch | None:
    """The epoch in force for the version at `seq`: the newest one issued before it."""
    found = None
    for number in sorted(epochs):
        if epochs[number].from_seq < seq:
            found = epochs[number]
    return found
