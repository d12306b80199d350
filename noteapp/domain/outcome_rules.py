"""An instrument's outcome rules as data — response, remission and reliable change — and the
one definition of each that a client's trend and the caseload report both use.

Definitions (docs/measures.md, "Outcome rules"):

* **improvement** is the fall from baseline to the latest score (the rise, for an instrument
  where higher is better);
* **response**: an improvement of at least `response_percent` % of the room there was to
  improve at baseline — baseline minus the scale's floor (for every shipped instrument
  whose floor is 0 this is simply "a fall of at least 50 % from baseline"; the K10's floor
  is 10). A client whose baseline is already at the floor cannot respond;
* **remission**: the latest score below `remission_below` (or at or above
  `remission_at_or_above` where higher is better);
* **reliable improvement / deterioration**: a change of at least `reliable_change` points
  in the good / bad direction (the instrument's published threshold, cited in its data).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OutcomeRules:
    floor: int = 0
    ceiling: int = 0
    higher_is_better: bool = False
    response_percent: int | None = 50
    remission_below: int | None = None
    remission_at_or_above: int | None = None
    remission_source: str = ""
    reliable_change: int | None = None
    reliable_change_source: str = ""

    @property
    def has_remission(self) -> bool:
        return self.remission_below is not None or self.remission_at_or_above is not None

    def improvement(self, baseline: int, latest: int) -> int:
        return latest - baseline if self.higher_is_better else baseline - latest

    def responded(self, baseline: int, latest: int) -> bool | None:
        """None when the instrument has no response rule."""
        if self.response_percent is None:
            return None
        room = self.ceiling - baseline if self.higher_is_better else baseline - self.floor
        if room <= 0:
            return False
        # Integers only: improvement / room >= percent / 100, without rounding.
        return self.improvement(baseline, latest) * 100 >= self.response_percent * room

    def remitted(self, latest: int) -> bool | None:
        if self.remission_below is not None:
            return latest < self.remission_below
        if self.remission_at_or_above is not None:
            return latest >= self.remission_at_or_above
        return None

    def reliably_improved(self, baseline: int, latest: int) -> bool | None:
        if self.reliable_change is None:
            return None
        return self.improvement(baseline, latest) >= self.reliable_change

    def reliably_deteriorated(self, baseline: int, latest: int) -> bool | None:
        if self.reliable_change is None:
            return None
        return -self.improvement(baseline, latest) >= self.reliable_change
