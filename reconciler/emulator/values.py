"""Field values: from Salesforce's JSON form (or a seed file) to storage, and back.

Writes are checked the way Salesforce checks them, and a bad value raises ValueProblem
with Salesforce's error code and message wording.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from . import ids
from .describe import Field
from .sftypes import type_info
from .timefmt import parse_date, parse_datetime, sf_datetime

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_TIME = re.compile(r"\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?Z?")
_SF_DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000")


class ValueProblem(Exception):
    """A value cannot be stored in a field; carries Salesforce's error code."""

    def __init__(self, code: str, message: str, hint: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint


def to_storage(field: Field, value: Any) -> Any:
    """Convert a JSON (or seed) value into what SQLite stores for the field."""
    cached = _CONVERTERS.get(id(field))
    if cached is None or cached[0] is not field:
        cached = (field, _converter(field))
        _CONVERTERS[id(field)] = cached
    return cached[1](value)


# One converter per field, made once: seeding 100,000 records calls them millions of times.
# The field itself is kept beside its converter so that its id cannot be reused.
_CONVERTERS: dict[int, tuple[Field, Callable[[Any], Any]]] = {}


def _converter(field: Field) -> Callable[[Any], Any]:
    kind = type_info(field.type)
    if kind.storage == "boolean":
        return lambda value: _to_boolean(field, value)
    if kind.storage in ("real", "integer"):
        return _number_converter(field, kind.storage == "real")
    if field.type == "date":
        return _nullable(lambda value: _checked(field, value, _date, "YYYY-MM-DD"))
    if field.type == "datetime":
        return _nullable(lambda value: _checked(field, value, _datetime, "YYYY-MM-DDThh:mm:ssZ"))
    if kind.literal == "id":
        return _nullable(lambda value: _to_id(field, value))
    return _text_converter(field)


def _nullable(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else convert(value)


def _number_converter(field: Field, real: bool) -> Callable[[Any], Any]:
    """Convert numbers; whole numbers within range skip the decimal arithmetic."""
    if real:
        digits = field.precision - field.scale if field.precision else 0
    else:
        digits = field.digits or 18
    limit = 10**digits if digits else None

    def convert(value: Any) -> Any:
        if type(value) is int and (limit is None or -limit < value < limit):
            return float(value) if real else value
        return None if value is None else _to_number(field, value)

    return convert


def _date(value: Any) -> str:
    parsed = parse_date(value)
    return value if isinstance(value, str) else parsed.isoformat()


def _datetime(value: Any) -> str:
    if isinstance(value, str) and _SF_DATETIME.fullmatch(value):
        datetime.fromisoformat(value)
        return value
    return sf_datetime(parse_datetime(value))


def _text_converter(field: Field) -> Callable[[Any], Any]:
    plain = field.type not in ("email", "time") and not field.restricted_picklist
    limit = field.length or 1 << 62

    def convert(value: Any) -> Any:
        if plain and type(value) is str and 0 < len(value) <= limit:
            return value
        return None if value is None else _to_text(field, value)

    return convert


def to_json(field: Field, stored: Any) -> Any:
    """Convert a stored value into Salesforce's JSON form."""
    if stored is None:
        return None
    storage = type_info(field.type).storage
    if storage == "boolean":
        return bool(stored)
    if storage == "real":
        return float(stored)
    return stored


def _parse_error(field: Field, value: Any, expected: str) -> ValueProblem:
    kind = type_info(field.type).soap_type.split(":")[-1]
    return ValueProblem(
        "JSON_PARSER_ERROR",
        f"Cannot deserialize instance of {kind} from VALUE_STRING value {value} or request "
        f"may be missing a required field",
        f"write {field.name} as {expected}",
    )


def _checked(field: Field, value: Any, convert: Any, expected: str) -> Any:
    if isinstance(value, str | date | datetime):
        try:
            return convert(value)
        except ValueError:
            pass
    raise _parse_error(field, value, expected)


def _to_boolean(field: Field, value: Any) -> int:
    if value is None:
        return 1 if field.default_value is True else 0
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return int(value.lower() == "true")
    raise _parse_error(field, value, "true or false")


def _to_number(field: Field, value: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _parse_error(field, value, "a number")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise _parse_error(field, value, "a number") from None
    if not number.is_finite():
        raise _parse_error(field, value, "a number")
    storage = type_info(field.type).storage
    scale = 0 if storage == "integer" else field.scale
    rounded = number.quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP)
    _check_range(field, rounded)
    return int(rounded) if storage == "integer" else float(rounded)


def _check_range(field: Field, number: Decimal) -> None:
    if type_info(field.type).storage == "integer":
        integer_digits = field.digits or 18
    elif field.precision:
        integer_digits = field.precision - field.scale
    else:
        return
    if abs(number) >= Decimal(10) ** integer_digits:
        raise ValueProblem(
            "NUMBER_OUTSIDE_VALID_RANGE",
            f"{field.label}: value outside of valid range on numeric field: {number}",
            f"{field.name} holds at most {integer_digits} digits before the decimal point",
        )


def _to_id(field: Field, value: Any) -> str:
    text = _zero_padded(value)
    try:
        return ids.to_18(text)
    except ids.InvalidId as error:
        raise ValueProblem(
            "MALFORMED_ID",
            f"{field.label}: id value of incorrect type: {text}",
            f"{error}; give {field.name} a valid 15- or 18-character Salesforce ID",
        ) from None


# Known limit: YAML reads unquoted 0123 as the number 123; IDs get their zeros back, but a
# text value such as a phone number must be quoted in the seed to keep them.
def _zero_padded(value: Any) -> str:
    """Return an ID as text; a YAML reader turns 001000000000001 into an int, drop no zero."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**15:
        return f"{value:015d}"
    return str(value)


def _to_text(field: Field, value: Any) -> str | None:
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, int | float | str):
        text = str(value)
    elif isinstance(value, datetime | date):
        text = value.isoformat()
    else:
        raise _parse_error(field, value, "text")
    if text == "":
        return None
    _check_text(field, text)
    return text


def _check_text(field: Field, text: str) -> None:
    if field.length and len(text) > field.length:
        shown = text if len(text) <= 40 else text[:40] + "..."
        raise ValueProblem(
            "STRING_TOO_LONG",
            f"{field.label}: data value too large: {shown} (max length={field.length})",
            f"shorten {field.name} to at most {field.length} characters",
        )
    if field.type == "email" and not _EMAIL.fullmatch(text):
        raise ValueProblem(
            "INVALID_EMAIL_ADDRESS",
            f"{field.label}: invalid email address: {text}",
            f"give {field.name} an address such as name@example.com",
        )
    if field.type == "time" and not _TIME.fullmatch(text):
        raise _parse_error(field, text, "hh:mm:ss.sssZ")
    if field.restricted_picklist and field.type in ("picklist", "multipicklist"):
        _check_picklist(field, text)


def _check_picklist(field: Field, text: str) -> None:
    chosen = text.split(";") if field.type == "multipicklist" else [text]
    for value in chosen:
        if value not in field.picklist_values:
            raise ValueProblem(
                "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                f"{field.label}: bad value for restricted picklist field: {value}",
                f"use one of {', '.join(field.picklist_values)}",
            )
