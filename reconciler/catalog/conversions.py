"""Values between Baton and Salesforce: what a Baton value becomes in a Salesforce field,
and what a Salesforce value becomes in a Baton field at import.

Salesforce's JSON form: dates `YYYY-MM-DD`, date-times ISO 8601 in UTC, numbers as JSON
numbers rounded to the field's scale, text as strings, lookups as 18-character IDs.
Baton-side percentages are numbers from 0 to 100.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from reconciler.catalog.fields import BatonField, baton_field
from reconciler.catalog.salesforce_id import canonical_id
from reconciler.catalog.status import STATUS_TO_SALESFORCE
from reconciler.errors import BatonSfError

_TEXT_TARGETS = frozenset(
    {"string", "textarea", "picklist", "multipicklist", "combobox", "url", "email", "phone"}
)
_NUMBER_TARGETS = frozenset({"double", "int", "long", "currency", "percent"})
_MONEY_KEYS = frozenset({"contractValue", "implementationBudget", "budgetShownToClient"})
_BY_BATON_TYPE = {
    "date": "date",
    "number": "double",
    "numeric": "double",
    "percent": "percent",
    "lookup": "reference",
}


class ConversionError(BatonSfError):
    """A value cannot be converted for the field it is meant for."""


def to_salesforce(
    key: str,
    value: Any,
    describe_field: Mapping[str, Any] | None,
    timezone: str,
    *,
    custom_type: str | None = None,
) -> Any:
    """The Baton value `value` of field `key`, in Salesforce's JSON form for the target field.

    `describe_field` is the target's describe entry; None (a field still to be created)
    converts by the Baton field's own type. Date-times are cut to a date in `timezone`; a
    `datetime` target takes midnight of that date in `timezone`, as UTC.
    """
    if value is None:
        return None
    field = _field(key, custom_type)
    value = _baton_side(field, value)
    target = _target_type(field, value, describe_field)
    describe = describe_field if describe_field is not None else {"type": target}
    converter = _CONVERTERS.get(_target_group(target))
    if converter is None:
        raise ConversionError(
            f"cannot write {key} into {describe.get('name', 'a field')} of type {target}",
            hint="map it to a field of a type the Baton field accepts (SPEC.md, Baton fields)",
        )
    return converter(value, describe, _zone(timezone))


def from_salesforce(
    key: str,
    value: Any,
    describe_field: Mapping[str, Any] | None = None,
    timezone: str = "UTC",
    *,
    custom_type: str | None = None,
) -> Any:
    """A Salesforce value (JSON form) for Baton field `key`, in Baton's API form.

    Text fields take text; due and start dates become midnight of the date in `timezone`
    as a UTC date-time (Baton's `*_datetime`); a custom date stays an ISO date; money
    fields become decimal strings with two places; other numbers stay numbers.
    """
    if value is None:
        return None
    field = _field(key, custom_type)
    kind = field.baton_type
    if kind == "custom":
        kind = _kind_of_value(value, describe_field)
    if kind == "date":
        day = _as_date(value, _zone(timezone))
        if field.key.startswith("custom."):
            return day.isoformat()
        return _midnight_utc(day, _zone(timezone))
    if kind in ("number", "numeric"):
        number = _decimal(value, key)
        if field.key in _MONEY_KEYS:
            return str(number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
        return _json_number(number)
    return _text(value, _zone(timezone))


def _field(key: str, custom_type: str | None) -> BatonField:
    field = baton_field(key, custom_type)
    if field is None:
        raise ConversionError(
            f"'{key}' is not a Baton field",
            hint="use a key of SPEC.md's Baton fields table, or custom.NAME",
        )
    return field


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConversionError(
            f"unknown timezone '{name}'", hint="use an IANA name such as America/New_York"
        ) from exc


def _baton_side(field: BatonField, value: Any) -> Any:
    """Values Baton stores in its own vocabulary, put in the one Salesforce shows."""
    if field.key == "status" and isinstance(value, str):
        return STATUS_TO_SALESFORCE.get(value, value)
    if field.key == "archived" and isinstance(value, bool):
        return "true" if value else "false"
    return value


def _target_type(field: BatonField, value: Any, describe: Mapping[str, Any] | None) -> str:
    if describe is not None:
        return str(describe.get("type", ""))
    if field.baton_type == "custom":
        return _BY_BATON_TYPE.get(_kind_of_value(value, None), "string")
    return _BY_BATON_TYPE.get(field.baton_type, "string")


def _target_group(sf_type: str) -> str:
    if sf_type in _TEXT_TARGETS:
        return "text"
    if sf_type in _NUMBER_TARGETS:
        return "number"
    return sf_type


def _kind_of_value(value: Any, describe: Mapping[str, Any] | None) -> str:
    """The kind of a custom field's value when the custom field's type is not known."""
    sf_type = (describe or {}).get("type")
    if sf_type == "date" or isinstance(value, date):
        return "date"
    if sf_type in _NUMBER_TARGETS or (
        isinstance(value, int | float | Decimal) and not isinstance(value, bool)
    ):
        return "number"
    return "text"


def _as_date(value: Any, zone: ZoneInfo) -> date:
    """A date from a date, a date-time (cut in `zone`) or their ISO text."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(zone).date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                return date.fromisoformat(text)
            return _as_date(datetime.fromisoformat(text.replace("+0000", "+00:00")), zone)
        except ValueError:
            pass
    raise ConversionError(
        f"'{value}' is not a date", hint="give an ISO date (YYYY-MM-DD) or date-time"
    )


def _midnight_utc(day: date, zone: ZoneInfo) -> str:
    moment = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _decimal(value: Any, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ConversionError(f"{what}: '{value}' is not a number", hint="give a number")
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except InvalidOperation as exc:
        raise ConversionError(f"{what}: '{value}' is not a number", hint="give a number") from exc
    if not number.is_finite():
        raise ConversionError(f"{what}: '{value}' is not a finite number", hint="give a number")
    return number


def _json_number(number: Decimal) -> int | float:
    if number == number.to_integral_value():
        return int(number)
    return float(number)


def _to_date(value: Any, describe: Mapping[str, Any], zone: ZoneInfo) -> str:
    return _as_date(value, zone).isoformat()


def _to_datetime(value: Any, describe: Mapping[str, Any], zone: ZoneInfo) -> str:
    return _midnight_utc(_as_date(value, zone), zone)


def _to_number(value: Any, describe: Mapping[str, Any], zone: ZoneInfo) -> int | float:
    name = str(describe.get("name", "the field"))
    number = _decimal(value, name)
    scale = _scale(describe)
    if scale is not None:
        number = number.quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP)
    _check_precision(number, describe, scale, name)
    if scale == 0:
        return int(number)
    return _json_number(number) if scale is None else float(number)


def _scale(describe: Mapping[str, Any]) -> int | None:
    """Decimal places the field keeps; None when unknown (a field still to be created)."""
    sf_type = describe.get("type")
    if sf_type in ("int", "long"):
        return 0
    scale = describe.get("scale")
    if isinstance(scale, int) and not isinstance(scale, bool) and scale >= 0:
        return scale
    return 0 if sf_type == "percent" else None


def _check_precision(
    number: Decimal, describe: Mapping[str, Any], scale: int | None, name: str
) -> None:
    precision = describe.get("precision") or describe.get("digits") or 0
    if not isinstance(precision, int) or precision <= 0:
        return
    whole_digits = precision - (scale or 0)
    if abs(number) >= Decimal(10) ** whole_digits:
        raise ConversionError(
            f"{number} does not fit {name}, which holds {whole_digits} digits before the point",
            hint="widen the Salesforce field or map a different one",
        )


def _text(value: Any, zone: ZoneInfo) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _to_text(value: Any, describe: Mapping[str, Any], zone: ZoneInfo) -> str:
    text = _text(value, zone)
    length = describe.get("length")
    # Known limit: text longer than the target field's length is cut to fit, with no marker,
    # so a long description arrives in Salesforce shortened.
    if isinstance(length, int) and not isinstance(length, bool) and length > 0:
        return text[:length]
    return text


def _to_reference(value: Any, describe: Mapping[str, Any], zone: ZoneInfo) -> str:
    record_id = canonical_id(value) if isinstance(value, str) else None
    if record_id is None:
        raise ConversionError(
            f"'{value}' is not a Salesforce record ID, which a lookup field takes",
            hint="resolve the email to the ID of the User, Group or Contact first",
        )
    return record_id


_CONVERTERS: dict[str, Callable[[Any, Mapping[str, Any], ZoneInfo], Any]] = {
    "date": _to_date,
    "datetime": _to_datetime,
    "number": _to_number,
    "text": _to_text,
    "reference": _to_reference,
}
