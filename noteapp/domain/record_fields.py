"""Checks shared by the case-management records (contacts, releases, referrals, medications,
incident reports): text, dates and times typed by a person or read from a file, each
failure a plain sentence naming the field. Values read back from the vault are trusted and
parsed with the small `*_or_none` helpers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from noteapp.domain.errors import InvalidInputError

SHORT = 200  # a name, a role, a phone number
LONG = 20_000  # a narrative: what happened, a letter


def text(value: Any, what: str, *, limit: int = LONG, required: bool = False) -> str:
    """Text with surrounding whitespace removed; None counts as empty."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInputError(f"The {what} must be text.")
    result: str = value.strip()
    if required and not result:
        raise InvalidInputError(f"The {what} is required.")
    if len(result) > limit:
        raise InvalidInputError(f"The {what} is too long ({limit:,} characters at most).")
    return result


def line(value: Any, what: str, *, limit: int = SHORT, required: bool = False) -> str:
    """One line of text: inner runs of whitespace (a pasted newline) become one space."""
    return " ".join(text(value, what, limit=limit, required=required).split())


def a_date(value: Any, what: str) -> date | None:
    """A date from text like 2026-03-15 (or a date already); None or "" is no date."""
    if value is None or value == "":
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InvalidInputError(f"The {what} must be a date like 2026-03-15.")


def a_time(value: Any, what: str) -> datetime | None:
    """A date and time like 2026-03-15 14:30 (or with a T); without an offset it is the
    local time of this computer. Always returned timezone-aware."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.astimezone()
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip().replace(" ", "T", 1))
        except ValueError:
            parsed = None
        if parsed is not None and len(value.strip()) > 10:
            return parsed if parsed.tzinfo else parsed.astimezone()
    raise InvalidInputError(f"The {what} must be a date and time like 2026-03-15 14:30.")


def iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def date_or_none(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def time_or_none(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def iso_time(value: datetime | None) -> str | None:
    return value.isoformat(timespec="minutes") if value else None


def unknown_keys(data: dict[str, Any], known: frozenset[str], what: str) -> None:
    """Fail closed on a key nobody reads: a typo would otherwise be dropped silently."""
    extra = sorted(str(k) for k in set(data) - known)
    if extra:
        raise InvalidInputError(
            f"Unknown {what} field “{extra[0][:40]}”; the fields are: "
            + ", ".join(sorted(known))
            + "."
        )
