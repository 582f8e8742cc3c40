"""Safe SOQL: queries are built from typed values, never by pasting user text.

Every literal passes through :func:`literal`, which types the value against the field's
describe and escapes strings the way Salesforce documents. Field names come from the spec
and are checked against a strict identifier pattern before they enter a query.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from simple_salesforce.format import quote_soql_value

from reconciler.errors import SalesforceError

_PATH = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$")
_LIKE_ESCAPES = str.maketrans({"%": "\\%", "_": "\\_"})

TEXT_TYPES = frozenset(
    {
        "string",
        "textarea",
        "picklist",
        "multipicklist",
        "combobox",
        "url",
        "email",
        "phone",
        "id",
        "reference",
        "encryptedstring",
    }
)
NUMBER_TYPES = frozenset({"double", "int", "long", "currency", "percent"})

_OPERATORS = {"eq": "=", "ne": "!=", "gt": ">", "ge": ">=", "lt": "<", "le": "<=", "like": "LIKE"}


def field_name(path: str) -> str:
    """Return `path` when it is a plain (possibly dotted) SOQL field name, else refuse it."""
    if not _PATH.match(path):
        raise SalesforceError(
            f"'{path}' is not a Salesforce field path",
            hint="use API names such as Amount or Account.Name",
        )
    return path


def literal(value: Any, field_type: str | None = None) -> str:
    """Render one value as a SOQL literal typed for a field of `field_type`."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if field_type in TEXT_TYPES:
        return str(quote_soql_value(_as_text(value)))
    if isinstance(value, datetime):
        return _datetime_literal(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return _number_literal(value)
    return str(quote_soql_value(str(value)))


def like_pattern(value: str) -> str:
    """A LIKE pattern whose `%` and `_` stay wildcards while everything else is escaped."""
    return str(quote_soql_value(value))


def like_text(value: str) -> str:
    """A LIKE pattern matching `value` literally (wildcards escaped)."""
    return str(quote_soql_value(value)).translate(_LIKE_ESCAPES)


def in_list(values: Iterable[Any], field_type: str | None = None) -> str:
    """A parenthesized list of literals for IN and NOT IN."""
    items = [literal(value, field_type) for value in values]
    return "(" + ", ".join(items) + ")"


def comparison(path: str, op: str, value: Any, field_type: str | None) -> str:
    """One condition such as `Amount > 10000`, from a spec operator and a typed value."""
    name = field_name(path)
    if op == "isNull":
        return f"{name} = null" if value else f"{name} != null"
    if op == "in":
        return f"{name} IN {in_list(_as_sequence(value), field_type)}"
    if op == "notIn":
        return f"{name} NOT IN {in_list(_as_sequence(value), field_type)}"
    if op == "like":
        return f"{name} LIKE {like_pattern(_as_text(value))}"
    if op not in _OPERATORS:
        raise SalesforceError(f"unknown operator '{op}' on {path}", hint="see SPEC.md operators")
    return f"{name} {_OPERATORS[op]} {literal(value, field_type)}"


def select(
    object_name: str,
    fields: Iterable[str],
    where: str | None = None,
    order_by: str | None = None,
) -> str:
    """A SELECT statement over checked field names, with an already-built WHERE clause."""
    names = sorted({field_name(path) for path in fields}, key=_field_order)
    query = f"SELECT {', '.join(names)} FROM {field_name(object_name)}"
    if where:
        query += f" WHERE {where}"
    if order_by:
        query += f" ORDER BY {field_name(order_by)}"
    return query


def conjunction(parts: Sequence[str], operator: str = "AND") -> str:
    """Join conditions with AND or OR, each in parentheses when there are several."""
    if len(parts) == 1:
        return parts[0]
    return f" {operator} ".join(f"({part})" for part in parts)


def field_types(describe: Mapping[str, Any]) -> dict[str, str]:
    """Map each field name of a describe payload to its type."""
    return {field["name"]: field["type"] for field in describe.get("fields", [])}


def _field_order(name: str) -> tuple[int, str]:
    return (0 if name == "Id" else 1, name)


def _as_text(value: Any) -> str:
    if isinstance(value, datetime):
        return _datetime_literal(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _as_sequence(value: Any) -> Sequence[Any]:
    if isinstance(value, list | tuple | set | frozenset):
        return list(value)
    return [value]


def _datetime_literal(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _number_literal(value: int | float | Decimal) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
