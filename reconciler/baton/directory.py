"""Finding workspace objects by the names a spec uses: users by email, custom fields by
title (with their drop-down options), templates by title."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from reconciler.baton.project_data import JsonObject, id_of

T = TypeVar("T")


@dataclass(frozen=True)
class CustomField:
    """A workspace custom field; `options` maps each live drop-down value to its option ID."""

    id: int
    title: str
    type: str
    multiselect: bool = False
    options: Mapping[str, int] = field(default_factory=dict)

    def option_id(self, value: str) -> int | None:
        """The option whose value is `value` (exact, else case-insensitive), or None."""
        if value in self.options:
            return self.options[value]
        return _folded(self.options, value)


@dataclass(frozen=True)
class Directory:
    """Names to IDs in one workspace, for the parts a run has read."""

    users: Mapping[str, int] = field(default_factory=dict)
    custom_fields: Mapping[str, CustomField] = field(default_factory=dict)
    templates: Mapping[str, int] = field(default_factory=dict)

    def user_id(self, email: str) -> int | None:
        return self.users.get(email.strip().lower())

    def custom_field(self, title: str) -> CustomField | None:
        """The custom field titled `title` (exact, else case-insensitive), or None."""
        if title in self.custom_fields:
            return self.custom_fields[title]
        return _folded(self.custom_fields, title)

    def template_id(self, title: str) -> int | None:
        if title in self.templates:
            return self.templates[title]
        return _folded(self.templates, title)


def _folded(mapping: Mapping[str, T], name: str) -> T | None:
    matches = [value for key, value in mapping.items() if key.casefold() == name.casefold()]
    return matches[0] if len(matches) == 1 else None


def index_users(users: Iterable[JsonObject]) -> dict[str, int]:
    """User IDs by lower-case email; the first user wins when an email is shared."""
    index: dict[str, int] = {}
    for user in users:
        email = str(user.get("email") or "").strip().lower()
        if email and user.get("id") is not None:
            index.setdefault(email, int(user["id"]))
    return index


def index_custom_fields(
    fields: Iterable[JsonObject], options: Iterable[JsonObject] = ()
) -> dict[str, CustomField]:
    """Custom fields by title, each with its live (not archived) options."""
    by_field: dict[int, dict[str, int]] = {}
    for option in options:
        field_id = id_of(option.get("field"))
        if field_id is None or option.get("archived") or option.get("value") is None:
            continue
        by_field.setdefault(field_id, {}).setdefault(str(option["value"]), int(option["id"]))
    index: dict[str, CustomField] = {}
    for item in fields:
        title = item.get("title")
        if title is None or item.get("id") is None:
            continue
        field_id = int(item["id"])
        index.setdefault(
            str(title),
            CustomField(
                id=field_id,
                title=str(title),
                type=str(item.get("type") or "text"),
                multiselect=bool(item.get("multiselect")),
                options=by_field.get(field_id, {}),
            ),
        )
    return index


def index_templates(templates: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Template IDs by title; the first wins when a title is shared."""
    index: dict[str, int] = {}
    for template in templates:
        if template.get("title") is not None and template.get("id") is not None:
            index.setdefault(str(template["title"]), int(template["id"]))
    return index
