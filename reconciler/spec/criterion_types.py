"""Whether a criterion's values fit the field they test, by the field's describe.

The SOQL builder types each value against the field: text fields quote whatever they are
given, but a date, number, checkbox or ID field needs a value of its own kind, and a
restricted picklist only matches its listed values. Each problem names the operand it is
about (its index in a list operand), so that the diagnostic points at it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from reconciler.catalog import canonical_id
from reconciler.spec.conditions import ORDER_OPERATORS, Criterion, ScalarValue
from reconciler.spec.diagnostics import nearest
from reconciler.spec.yamltree import scalar_kind

TEXT_TYPES: Final = frozenset(
    {
        "string",
        "textarea",
        "picklist",
        "multipicklist",
        "combobox",
        "url",
        "email",
        "phone",
        "encryptedstring",
    }
)
NUMBER_TYPES: Final = frozenset({"double", "int", "long", "currency", "percent"})
ID_TYPES: Final = frozenset({"id", "reference"})
PICKLIST_TYPES: Final = frozenset({"picklist", "multipicklist"})
_LISTED: Final = 12


@dataclass(frozen=True)
class ValueProblem:
    """One operand that does not fit; `error` False makes it a warning."""

    index: int
    code: str
    message: str
    hint: str
    error: bool = True


def value_problems(criterion: Criterion, field: Mapping[str, Any]) -> Iterator[ValueProblem]:
    """Every operand of `criterion` that does not fit the described `field`."""
    name = str(field.get("name", criterion.field))
    sf_type = str(field.get("type", ""))
    if criterion.op == "isNull":
        return
    if criterion.op == "like" and sf_type not in TEXT_TYPES:
        yield ValueProblem(
            0,
            "criterion-value-type",
            f"like matches text, but {name} is of type {sf_type}",
            "use eq, in or a comparison for this field",
        )
        return
    if criterion.op in ORDER_OPERATORS and sf_type == "boolean":
        yield ValueProblem(
            0,
            "criterion-value-type",
            f"{criterion.op} cannot order the checkbox {name}",
            "test a checkbox with eq: true or eq: false",
        )
        return
    values = criterion.value if isinstance(criterion.value, tuple) else (criterion.value,)
    for index, value in enumerate(values):
        problem = _type_problem(value, name, sf_type, field)
        if problem is not None:
            yield ValueProblem(index, "criterion-value-type", *problem)
        elif sf_type in PICKLIST_TYPES and criterion.op != "like":
            yield from _picklist_problems(index, value, name, field, criterion.op)


def _type_problem(
    value: ScalarValue, name: str, sf_type: str, field: Mapping[str, Any]
) -> tuple[str, str] | None:
    """(message, hint) when `value` cannot be compared with a field of `sf_type`."""
    if value is None:
        return None
    shown = scalar_kind(value)
    if sf_type in TEXT_TYPES:
        if isinstance(value, bool):
            return f"{name} is a text field, but the value is {shown}", "quote it: 'true'"
        return None
    if sf_type in NUMBER_TYPES:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return None
        return f"{name} is a number field ({sf_type}), but the value is {shown}", (
            "write the number unquoted, e.g. 10000"
        )
    if sf_type == "boolean":
        if isinstance(value, bool):
            return None
        return f"{name} is a checkbox, but the value is {shown}", "write true or false, unquoted"
    if sf_type == "date":
        if isinstance(value, date) and not isinstance(value, datetime):
            return None
        return f"{name} is a date field, but the value is {shown}", (
            "write the date unquoted as YYYY-MM-DD, e.g. 2026-01-01"
        )
    if sf_type == "datetime":
        if isinstance(value, datetime):
            return None
        return f"{name} is a date-time field, but the value is {shown}", (
            "write the moment unquoted with its offset, e.g. 2026-01-01T00:00:00Z"
        )
    if sf_type in ID_TYPES:
        return _id_problem(value, name, shown, field)
    return None


def _id_problem(
    value: ScalarValue, name: str, shown: str, field: Mapping[str, Any]
) -> tuple[str, str] | None:
    if isinstance(value, str) and canonical_id(value.strip()) is not None:
        return None
    relationship = field.get("relationshipName")
    hint = (
        f"test a field of the related record instead, e.g. {relationship}.Name"
        if isinstance(relationship, str) and relationship
        else "give a 15- or 18-character record ID"
    )
    return f"{name} holds record IDs, but the value is {shown}", hint


def _picklist_problems(
    index: int, value: ScalarValue, name: str, field: Mapping[str, Any], op: str
) -> Iterator[ValueProblem]:
    allowed = _active_values(field)
    if not allowed or not isinstance(value, str):
        return
    folded = {option.lower() for option in allowed}
    parts = value.split(";") if field.get("type") == "multipicklist" else [value]
    restricted = bool(field.get("restrictedPicklist"))
    for part in parts:
        if part.strip().lower() in folded:
            continue
        close = nearest(part.strip(), allowed)
        listed = ", ".join(allowed[:_LISTED]) + (", ..." if len(allowed) > _LISTED else "")
        kind = "restricted picklist" if restricted else "picklist"
        yield ValueProblem(
            index,
            "picklist-value",
            f"'{part.strip()}' is not a value of the {kind} {name}"
            + ("" if restricted else _open_effect(op)),
            f"did you mean '{close}'?" if close else f"values: {listed}",
            error=restricted,
        )


def _open_effect(op: str) -> str:
    """What an unlisted value of an open picklist does to the criterion."""
    if op in ("ne", "notIn"):
        return ", so excluding it leaves out only records that hold it anyway"
    return ", so it matches only records that hold it anyway"


def _active_values(field: Mapping[str, Any]) -> list[str]:
    entries = field.get("picklistValues") or ()
    return [
        str(entry["value"])
        for entry in entries
        if isinstance(entry, Mapping)
        and entry.get("value") is not None
        and entry.get("active", True)
    ]
