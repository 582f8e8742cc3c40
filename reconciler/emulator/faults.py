"""The faults file of `emulator up --faults FILE`: how often and how each service fails.

```yaml
seed: 11                # the same seed replays the same faults for the same requests
salesforce:
  errorRate: 0.1        # 5xx answers
  lockRate: 0.05        # whole writes refused with UNABLE_TO_LOCK_ROW
  partialRate: 0.05     # records of a collection or Bulk API job failing with it
  dailyLimit: 100000    # then REQUEST_LIMIT_EXCEEDED
  describeDelaySeconds: 0
baton:
  errorRate: 0.1        # 5xx answers
  ratePerMinute: 1000   # then 429 with Retry-After
dropRate: 0.02          # connections closed without an answer
latencyMs: 20
```

Every key is optional; a bad one fails `up` with one line naming the key and the fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from .errors import EmulatorError

DAILY_API_LIMIT = 100_000
BATON_RATE_PER_MINUTE = 1000


@dataclass(frozen=True)
class SalesforceFaults:
    """Faults and limits of the Salesforce side."""

    error_rate: float = 0.0
    lock_rate: float = 0.0
    partial_rate: float = 0.0
    daily_limit: int = DAILY_API_LIMIT
    describe_delay_seconds: float = 0.0


@dataclass(frozen=True)
class BatonFaults:
    """Faults and limits of the Baton side."""

    error_rate: float = 0.0
    rate_per_minute: int = BATON_RATE_PER_MINUTE


@dataclass(frozen=True)
class FaultConfig:
    """A whole faults file; the defaults are a healthy pair of services with real limits."""

    seed: int | None = None
    salesforce: SalesforceFaults = field(default_factory=SalesforceFaults)
    baton: BatonFaults = field(default_factory=BatonFaults)
    drop_rate: float = 0.0
    latency_ms: float = 0.0


_SALESFORCE_KEYS = {
    "errorRate": ("error_rate", "rate"),
    "lockRate": ("lock_rate", "rate"),
    "partialRate": ("partial_rate", "rate"),
    "dailyLimit": ("daily_limit", "count"),
    "describeDelaySeconds": ("describe_delay_seconds", "duration"),
}
_BATON_KEYS = {
    "errorRate": ("error_rate", "rate"),
    "ratePerMinute": ("rate_per_minute", "count"),
}
_TOP_KEYS = {
    "dropRate": ("drop_rate", "rate"),
    "latencyMs": ("latency_ms", "duration"),
}
_FIXES = {
    "rate": "give a fraction from 0 to 1, such as 0.05",
    "count": "give a whole number of at least 1, such as 1000",
    "duration": "give a number of at least 0, such as 20",
}


def read_faults(path: Path) -> FaultConfig:
    """Read and check a faults file; raise EmulatorError naming the key and the fix."""
    data = _load(path)
    if data is None:
        return FaultConfig()
    if not isinstance(data, dict):
        raise EmulatorError(
            f"{path}: a faults file is a mapping of seed, salesforce, baton, dropRate and "
            "latencyMs, such as `salesforce: {errorRate: 0.1}`"
        )
    allowed = ["seed", "salesforce", "baton", *_TOP_KEYS]
    _refuse_unknown(path, "", data, allowed)
    return FaultConfig(
        seed=_seed(path, data.get("seed")),
        salesforce=SalesforceFaults(**_section(path, "salesforce", data, _SALESFORCE_KEYS)),
        baton=BatonFaults(**_section(path, "baton", data, _BATON_KEYS)),
        **_values(path, "", data, _TOP_KEYS),
    )


def _load(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise EmulatorError(
            f"{path}: cannot read the faults file ({error}); check the path"
        ) from None
    try:
        return YAML(typ="safe", pure=True).load(text)
    except YAMLError as error:
        reason = " ".join(str(error).split())
        raise EmulatorError(f"{path}: not valid YAML ({reason}); fix the syntax") from None


def _refuse_unknown(path: Path, prefix: str, data: dict[str, Any], allowed: list[str]) -> None:
    for key in data:
        if key not in allowed:
            raise EmulatorError(
                f"{path}: {prefix}{key}: unknown key; use one of {', '.join(allowed)}"
            )


def _seed(path: Path, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise EmulatorError(f"{path}: seed: {value!r} is not a whole number; give one, such as 11")
    return value


def _section(
    path: Path, name: str, data: dict[str, Any], keys: dict[str, tuple[str, str]]
) -> dict[str, Any]:
    part = data.get(name)
    if part is None:
        return {}
    if not isinstance(part, dict):
        raise EmulatorError(
            f"{path}: {name}: expected a mapping of {', '.join(keys)}; give one, such as "
            f"{name}: {{{next(iter(keys))}: 0.1}}"
        )
    _refuse_unknown(path, f"{name}.", part, list(keys))
    return _values(path, f"{name}.", part, keys)


def _values(
    path: Path, prefix: str, data: dict[str, Any], keys: dict[str, tuple[str, str]]
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, (attribute, kind) in keys.items():
        if data.get(key) is not None:
            values[attribute] = _checked(path, f"{prefix}{key}", data[key], kind)
    return values


def _checked(path: Path, place: str, value: Any, kind: str) -> float | int:
    number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
    valid = number is not None and (
        (kind == "rate" and 0 <= number <= 1)
        or (kind == "count" and isinstance(number, int) and number >= 1)
        or (kind == "duration" and number >= 0)
    )
    if not valid or number is None:
        raise EmulatorError(f"{path}: {place}: {value!r} is not valid; {_FIXES[kind]}")
    return number
