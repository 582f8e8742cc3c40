"""One project with the related objects its sync-back fields are derived from.

Baton serves a project's tasks, time entries, feedback, members and custom values as
separate collections; observe reads each collection the spec needs once and groups it by
project into a :class:`ProjectData`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

JsonObject = Mapping[str, Any]


@dataclass(frozen=True)
class Member:
    """A project user: their role and email. `order` (the project user's id) decides which
    one counts when a role is held twice: the first."""

    role: str
    email: str | None
    order: int = 0


@dataclass(frozen=True)
class CustomValue:
    """A project's value of one custom field: its `type` and the value in Python form
    (text, a Decimal, an ISO date, or the selected options' values joined with `;`)."""

    type: str
    value: Any


@dataclass(frozen=True, slots=True)
class ProjectData:
    """A project as the API serves it, and what belongs to it."""

    project: JsonObject
    members: tuple[Member, ...] = ()
    tasks: tuple[JsonObject, ...] = ()
    time_entries: tuple[JsonObject, ...] = ()
    feedback: tuple[JsonObject, ...] = ()
    custom: Mapping[str, CustomValue] = field(default_factory=dict)

    @property
    def id(self) -> int:
        return int(self.project["id"])

    def member_email(self, role: str) -> str | None:
        """The email of the first project user in `role`, or None."""
        holders = sorted((m for m in self.members if m.role == role), key=lambda m: m.order)
        return holders[0].email if holders else None

    def custom_value(self, title: str) -> CustomValue | None:
        """The value of the custom field titled `title` (exact, else case-insensitive)."""
        if title in self.custom:
            return self.custom[title]
        folded = [
            value for name, value in self.custom.items() if name.casefold() == title.casefold()
        ]
        return folded[0] if len(folded) == 1 else None


def id_of(relation: Any) -> int | None:
    """The integer ID of a relation given as an ID, a URI or an embedded object."""
    if isinstance(relation, bool):
        return None
    if isinstance(relation, int):
        return relation
    if isinstance(relation, Mapping):
        return id_of(relation.get("id"))
    if isinstance(relation, str):
        tail = relation.rstrip("/").rsplit("/", 1)[-1]
        return int(tail) if tail.isdigit() else None
    return None


def decimal_or_none(value: Any) -> Decimal | None:
    """A number from Baton's JSON (a number or a decimal string), or None when it is not one."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def group_by_project(objects: Iterable[JsonObject]) -> dict[int, list[JsonObject]]:
    """Objects that name a project, by that project's ID, in the order given."""
    grouped: dict[int, list[JsonObject]] = {}
    for item in objects:
        project_id = id_of(item.get("project"))
        if project_id is not None:
            grouped.setdefault(project_id, []).append(item)
    return grouped


def custom_value(item: JsonObject) -> CustomValue | None:
    """A custom field value as served (`field {id, title, type}` embedded), in Python form."""
    field_info = item.get("field")
    if not isinstance(field_info, Mapping):
        return None
    kind = str(field_info.get("type") or "text")
    if kind == "dropdown":
        option = item.get("selected_option")
        value = option.get("value") if isinstance(option, Mapping) else None
    elif kind == "numeric":
        value = decimal_or_none(item.get("value_numeric"))
    elif kind == "date":
        value = item.get("value_date")
    else:
        value = item.get("value_text")
    return CustomValue(kind, value)


def custom_values(items: Iterable[JsonObject]) -> dict[str, CustomValue]:
    """One project's custom values by field title.

    A drop-down with several values (a multi-select) gives the selected values joined with
    `;`, as a Salesforce multi-select picklist holds them; for other types the newest
    value (highest id) wins.
    """
    by_title: dict[str, list[tuple[int, CustomValue]]] = {}
    for item in items:
        value = custom_value(item)
        field_info = item.get("field")
        if value is None or not isinstance(field_info, Mapping) or field_info.get("title") is None:
            continue
        by_title.setdefault(str(field_info["title"]), []).append((int(item.get("id") or 0), value))
    return {
        title: _one_value(sorted(found, key=lambda pair: pair[0]))
        for title, found in by_title.items()
    }


def _one_value(found: list[tuple[int, CustomValue]]) -> CustomValue:
    kind = found[-1][1].type
    if kind == "dropdown" and len(found) > 1:
        chosen = [str(value.value) for _, value in found if value.value is not None]
        return CustomValue(kind, ";".join(chosen) if chosen else None)
    return found[-1][1]


def members(project_users: Iterable[JsonObject], emails: Mapping[int, str]) -> tuple[Member, ...]:
    """A project's members with their emails (`emails` by user ID)."""
    found = []
    for item in project_users:
        user_id = id_of(item.get("user"))
        email = emails.get(user_id) if user_id is not None else None
        found.append(Member(str(item.get("role") or ""), email, int(item.get("id") or 0)))
    return tuple(found)
