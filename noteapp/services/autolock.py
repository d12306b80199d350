"""Auto-lock after idle time, driven by an injected clock (the UI polls `due()`)."""

from __future__ import annotations

from noteapp.domain.clock import Clock


class IdleTimer:
    def __init__(self, clock: Clock, minutes: int) -> None:
        self._clock = clock
        self.minutes = minutes
        self._last = clock.monotonic()

    def touch(self) -> None:
        """The user did something."""
        self._last = self._clock.monotonic()

    def set_minutes(self, minutes: int) -> None:
        self.minutes = minutes
        self.touch()

    def seconds_left(self) -> float | None:
        if self.minutes <= 0:
            return None
        return self.minutes * 60 - (self._clock.monotonic() - self._last)

    def due(self) -> bool:
        left = self.seconds_left()
        return left is not None and left <= 0
