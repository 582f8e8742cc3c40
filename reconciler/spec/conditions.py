"""The `when` of an import rule: criteria on fields, grouped with `all` and `any`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from reconciler.spec.diagnostics import Location

Operator = Literal["eq", "ne", "in", "notIn", "gt", "ge", "lt", "le", "like", "isNull"]
OPERATORS: tuple[Operator, ...] = (
    "eq",
    "ne",
    "in",
    "notIn",
    "gt",
    "ge",
    "lt",
    "le",
    "like",
    "isNull",
)
LIST_OPERATORS: frozenset[str] = frozenset({"in", "notIn"})
ORDER_OPERATORS: frozenset[str] = frozenset({"gt", "ge", "lt", "le"})

ScalarValue = str | bool | int | float | datetime | date | None
CriterionValue = ScalarValue | tuple[ScalarValue, ...]


class Criterion(BaseModel):
    """`{field: StageName, eq: Closed Won}`: one test of one field path.

    `location` is the criterion's mapping; `field_location` the field path's value, and
    `value_locations` each operand (one per list item for `in` and `notIn`), so that a check
    against the org can point at the part that is wrong.
    """

    model_config = ConfigDict(frozen=True)

    field: str
    op: Operator
    value: CriterionValue
    location: Location
    field_location: Location | None = None
    value_locations: tuple[Location, ...] = ()

    def field_at(self) -> Location:
        """Where the field path is written."""
        return self.field_location or self.location

    def value_at(self, index: int = 0) -> Location:
        """Where operand `index` is written (the item of a list operand)."""
        if 0 <= index < len(self.value_locations):
            return self.value_locations[index]
        return self.location


class Group(BaseModel):
    """`all:` or `any:` of nested conditions."""

    model_config = ConfigDict(frozen=True)

    mode: Literal["all", "any"]
    items: tuple[Condition, ...]
    location: Location

    def criteria(self) -> tuple[Criterion, ...]:
        """Every criterion in the group and its nested groups, in document order."""
        found: list[Criterion] = []
        for item in self.items:
            found.extend(item.criteria() if isinstance(item, Group) else (item,))
        return tuple(found)


Condition = Criterion | Group
Group.model_rebuild()
