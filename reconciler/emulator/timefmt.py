"""Dates and date-times as Salesforce and Baton write them.

Salesforce: dates `2026-01-31`, date-times `2026-01-31T10:00:00.000+0000` (always UTC).
Baton (Django REST Framework): date-times `2026-01-31T10:00:00Z`.
Storing date-times in UTC in one fixed format keeps text comparison equal to time order.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?"
)


def now() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(UTC)


def parse_date(value: object) -> date:
    """Read an ISO date (`2026-01-31`), or raise ValueError."""
    if isinstance(value, datetime):
        raise ValueError("a date-time where a date is expected")
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise ValueError("not a date in the form YYYY-MM-DD")
    return date.fromisoformat(value)


def parse_datetime(value: object) -> datetime:
    """Read an ISO 8601 date-time with an optional offset (none means UTC), in UTC."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str) and _DATETIME.fullmatch(value):
        parsed = datetime.fromisoformat(value)
    else:
        raise ValueError("not a date-time in the form YYYY-MM-DDThh:mm:ssZ")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def sf_datetime(moment: datetime) -> str:
    """Format a date-time the way Salesforce returns it."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def baton_datetime(moment: datetime) -> str:
    """Format a date-time the way Django REST Framework returns it."""
    moment = moment.astimezone(UTC)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond:06d}"
    return text + "Z"
