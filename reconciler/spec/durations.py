"""Durations as specs write them: `30m`, `4h`, `1d`, or combined, `1h30m`."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Final

DURATION: Final = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")


def parse_duration(text: str) -> timedelta:
    """The timedelta `text` names; ValueError when it is not `<n>d<n>h<n>m<n>s` (any part
    may be left out, at least one given) or is zero."""
    match = DURATION.match(text.strip())
    if match is None or not any(match.groups()):
        raise ValueError(f"'{text}' is not a duration")
    days, hours, minutes, seconds = (int(part or 0) for part in match.groups())
    duration = timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
    if duration <= timedelta(0):
        raise ValueError(f"'{text}' is not a positive duration")
    return duration


def format_duration(duration: timedelta) -> str:
    """The shortest spec form of `duration`, e.g. `4h` or `1h30m`."""
    seconds = int(duration.total_seconds())
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0s"
