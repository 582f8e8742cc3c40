"""Whether a Salesforce value already equals the value a plan would write."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any


def same_value(before: Any, after: Any) -> bool:
    """Whether a Salesforce value already equals the value to write, as Salesforce compares."""
    if is_empty(before) and is_empty(after):
        return True
    if is_empty(before) or is_empty(after):
        return False
    numbers = as_decimal(before), as_decimal(after)
    if numbers[0] is not None and numbers[1] is not None and not isinstance(before, str):
        return numbers[0] == numbers[1]
    moments = as_moment(before), as_moment(after)
    if moments[0] is not None and moments[1] is not None:
        return moments[0] == moments[1]
    return str(before) == str(after)


def is_empty(value: Any) -> bool:
    return value is None or value == ""


def as_decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def as_moment(value: Any) -> datetime | date | None:
    """A date or an aware date-time from Salesforce's JSON forms, or None."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        parsed = datetime.fromisoformat(value.replace("+0000", "+00:00").replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
