"""Bulk API 2.0: CSV in and out, shaped to look exactly like the REST API's JSON.

A Bulk query answers CSV whose parent fields are dotted headers (`Account.Name`) and whose
values are all text. :func:`rows_from_csv` turns it back into REST's nested records, typed by
describe, so the planner sees the same data whichever way it was read. :func:`csv_value`
goes the other way for ingest jobs, and :func:`failed_records` reads an ingest job's
failures into per-record errors with Salesforce's own code.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

BULK_NULL: Final = "#N/A"
_INT_TYPES: Final = frozenset({"int", "long"})
_FLOAT_TYPES: Final = frozenset({"double", "currency", "percent"})
# "CODE:message" or, as Salesforce writes it, "CODE:message:Field1,Field2 --".
_FIELDS_SUFFIX: Final = re.compile(r"^(?P<message>.*?):(?P<fields>[A-Za-z0-9_, ]*) --$", re.DOTALL)
_ORDER_BY: Final = re.compile(r"\s+ORDER\s+BY\s+[A-Za-z0-9_.,\s]+$", re.IGNORECASE)
_FROM: Final = re.compile(r"\sFROM\s+([A-Za-z][A-Za-z0-9_]*)", re.IGNORECASE)

TypeOf = Callable[[str], str | None]
"""The describe type of a (possibly dotted) field path of the queried object."""


@dataclass(frozen=True)
class FailedRecord:
    """One record an ingest job refused."""

    record_id: str
    code: str
    message: str
    fields: tuple[str, ...]


def object_of(soql: str) -> str | None:
    """The object a SELECT statement reads (the first FROM after the field list)."""
    match = _FROM.search(soql)
    return match.group(1) if match else None


def bulk_soql(soql: str) -> str:
    """The statement for a Bulk query job: a trailing ORDER BY is dropped, since Bulk API
    2.0 returns records in no promised order and callers sort them themselves."""
    return _ORDER_BY.sub("", soql)


def rows_from_csv(text: str, type_of: TypeOf) -> Iterator[dict[str, Any]]:
    """The records of one page of Bulk query results, in the REST API's nested JSON form."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header:
        return
    types = [type_of(name) for name in header]
    paths = [tuple(name.split(".")) for name in header]
    # Values repeat from record to record (stages, types, dates); a page's records share
    # one string for each, so that a hundred thousand records hold far fewer strings.
    seen: dict[Any, Any] = {}
    for values in reader:
        if not values:
            continue
        typed = [_typed(v, t) for v, t in zip(values, types, strict=True)]
        yield _nest(paths, [seen.setdefault(v, v) if type(v) is str else v for v in typed])


def csv_value(value: Any) -> str:
    """A JSON-form value as a Bulk ingest CSV cell; an empty cell leaves a field unchanged
    in Bulk API 2.0, so a null is written as #N/A, which clears it."""
    if value is None or value == "":
        return BULK_NULL
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def ingest_rows(records: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Update records (`id` plus fields, as for sObject Collections) as CSV rows keyed by
    column, every row carrying every column so that no cell is left empty by accident."""
    columns = sorted({key for record in records for key in record if key.lower() != "id"})
    return [
        {
            "Id": str(record.get("id", record.get("Id"))),
            **{c: csv_value(record.get(c)) for c in columns},
        }
        for record in records
    ]


def failed_records(text: str) -> list[FailedRecord]:
    """The rows of an ingest job's failedResults CSV as per-record errors."""
    rows = csv.DictReader(io.StringIO(text, newline=""))
    return [_failure(row) for row in rows]


def unprocessed_ids(text: str) -> list[str]:
    """The record IDs in an ingest job's unprocessedrecords CSV."""
    rows = csv.DictReader(io.StringIO(text, newline=""))
    return [str(row.get("Id") or row.get("ID") or row.get("id") or "") for row in rows]


def successful_ids(text: str) -> list[str]:
    """The record IDs in an ingest job's successfulResults CSV."""
    rows = csv.DictReader(io.StringIO(text, newline=""))
    return [str(row.get("sf__Id") or row.get("Id") or "") for row in rows]


def _failure(row: Mapping[str, str | None]) -> FailedRecord:
    record_id = str(row.get("sf__Id") or row.get("Id") or row.get("id") or "")
    error = str(row.get("sf__Error") or "")
    code, _, rest = error.partition(":")
    fields: tuple[str, ...] = ()
    match = _FIELDS_SUFFIX.match(rest)
    if match:
        rest = match.group("message")
        fields = tuple(name.strip() for name in match.group("fields").split(",") if name.strip())
    if not fields:
        # Without Salesforce's field list, the columns of the row that the message names.
        columns = [key for key in row if key and not key.startswith("sf__") and key != "Id"]
        fields = tuple(column for column in columns if column in rest)
    return FailedRecord(record_id, code.strip() or "UNKNOWN_ERROR", rest.strip(), fields)


def _typed(text: str, field_type: str | None) -> Any:
    if text == "":
        return None
    if field_type == "boolean":
        return text.lower() == "true"
    if field_type in _INT_TYPES:
        return int(Decimal(text))
    if field_type in _FLOAT_TYPES:
        return float(text)
    if field_type == "datetime":
        return _rest_datetime(text)
    return text


def _rest_datetime(text: str) -> str:
    """A date-time as the REST API writes it: 2026-01-31T10:00:00.000+0000."""
    if text.endswith("Z"):
        text = text[:-1] + "+0000"
    if "." not in text and len(text) >= 19 and text[10] == "T":
        text = text[:19] + ".000" + text[19:]
    return text


def _nest(paths: Sequence[tuple[str, ...]], values: Sequence[Any]) -> dict[str, Any]:
    """Dotted columns (split at their dots) as nested records; a parent whose every column
    is empty is null, as the REST API answers when the lookup is empty."""
    row: dict[str, Any] = {}
    for parts, value in zip(paths, values, strict=True):
        target = row
        for part in parts[:-1]:
            child = target.get(part)
            if not isinstance(child, dict):
                child = {}
                target[part] = child
            target = child
        target[parts[-1]] = value
    return {key: _null_if_empty(value) for key, value in row.items()}


def _null_if_empty(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    nested = {key: _null_if_empty(item) for key, item in value.items()}
    return None if all(item is None for item in nested.values()) else nested
