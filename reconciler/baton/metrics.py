"""The computed sync-back fields: three percentages and the average milestone feedback.

Percentages are whole numbers from 0 to 100, rounded half up (as a Percent(3, 0) field
would store the exact ratio); one with nothing to divide by is None, which clears the
Salesforce field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal

from reconciler.baton.assumptions import MINUTES_PER_HOUR, TASK_COMPLETED
from reconciler.baton.project_data import JsonObject, decimal_or_none

_HUNDRED = Decimal(100)
_ONE_DECIMAL = Decimal("0.1")


def percentage(part: Decimal, whole: Decimal | None) -> int | None:
    """`part` of `whole` as a whole percentage within 0..100; None when `whole` is not
    positive.

    Known limit: a value above 100% (more hours or cost than planned) is written as 100,
    since the sync-back fields are percentages of 0 to 100.
    """
    if whole is None or whole <= 0:
        return None
    exact = part * _HUNDRED / whole
    rounded = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return max(0, min(100, rounded))


def tasks_complete_percentage(tasks: Iterable[JsonObject]) -> int | None:
    """Completed tasks over all of the project's tasks."""
    statuses = [task.get("status") for task in tasks]
    done = sum(1 for status in statuses if status == TASK_COMPLETED)
    return percentage(Decimal(done), Decimal(len(statuses)))


def entry_hours(entry: JsonObject) -> Decimal:
    """The hours of one time entry: `inputted_duration` when set, else
    `calculated_duration`, both in minutes; a missing or negative one counts 0."""
    minutes = decimal_or_none(entry.get("inputted_duration"))
    if minutes is None:
        minutes = decimal_or_none(entry.get("calculated_duration"))
    if minutes is None or minutes < 0:
        return Decimal(0)
    return minutes / MINUTES_PER_HOUR


def entry_cost(entry: JsonObject) -> Decimal:
    """Hours times the entry's `rate.hourly_rate`; an entry without a rate costs 0."""
    rate = entry.get("rate")
    hourly = decimal_or_none(rate.get("hourly_rate")) if isinstance(rate, Mapping) else None
    if hourly is None or hourly < 0:
        return Decimal(0)
    return entry_hours(entry) * hourly


def hours_used_percentage(entries: Iterable[JsonObject], estimated_hours: object) -> int | None:
    """Time entered on the project over its estimated duration (hours)."""
    used = sum((entry_hours(entry) for entry in entries), Decimal(0))
    return percentage(used, decimal_or_none(estimated_hours))


def budget_used_percentage(entries: Iterable[JsonObject], budget: object) -> int | None:
    """Cost of the time entered (hours times hourly rate) over the implementation budget."""
    spent = sum((entry_cost(entry) for entry in entries), Decimal(0))
    return percentage(spent, decimal_or_none(budget))


def average_feedback(feedback: Iterable[JsonObject]) -> Decimal | None:
    """The mean rating of the project's milestone feedback to one decimal, rounded half up;
    None when no feedback has a rating."""
    ratings = [decimal_or_none(item.get("rating")) for item in feedback]
    known = [rating for rating in ratings if rating is not None]
    if not known:
        return None
    mean = sum(known, Decimal(0)) / len(known)
    return mean.quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP)
