"""The org's setup data that is not records: custom field definitions (the Tooling API's
`CustomField`), which fields keep history, and the installed packages.

A custom field created through the Tooling API is protected: the integration user sees it
only once field-level security grants it (see `access.py`), and its describe shows it only
after the configured delay.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from . import ids
from .custom_fields import split_name
from .describe import JsonDict
from .settings import HISTORY_LIMIT, InstalledPackage


@dataclass
class CustomFieldRecord:
    """One custom field's definition."""

    id: str
    object_name: str
    field_name: str
    metadata: JsonDict
    created: str
    modified: str
    protected: bool = False
    describe_after: float = 0.0

    @property
    def full_name(self) -> str:
        return f"{self.object_name}.{self.field_name}"

    @property
    def developer_name(self) -> str:
        return split_name(self.field_name)[1]

    @property
    def namespace(self) -> str | None:
        return split_name(self.field_name)[0]


@dataclass
class Metadata:
    """Custom field definitions, history tracking and packages of one org."""

    packages: tuple[InstalledPackage, ...] = ()
    _fields: dict[str, CustomFieldRecord] = field(default_factory=dict)
    _by_name: dict[tuple[str, str], str] = field(default_factory=dict)
    _tracked: dict[str, dict[str, str]] = field(default_factory=dict)

    def new_field_id(self) -> str:
        """Return the ID of the next custom field definition."""
        return ids.make_id("00N", len(self._fields) + 1)

    def add(self, record: CustomFieldRecord) -> None:
        """Keep a new definition."""
        self._fields[record.id] = record
        self._by_name[(record.object_name.lower(), record.field_name.lower())] = record.id

    def get(self, record_id: str) -> CustomFieldRecord | None:
        """Return the definition of an ID (15 or 18 characters)."""
        if not ids.is_id(record_id):
            return None
        return self._fields.get(ids.to_18(record_id))

    def find(self, object_name: str, field_name: str) -> CustomFieldRecord | None:
        """Return the definition of `object_name.field_name`."""
        found = self._by_name.get((object_name.lower(), field_name.lower()))
        return None if found is None else self._fields[found]

    def all(self) -> list[CustomFieldRecord]:
        """Return every definition, oldest first."""
        return list(self._fields.values())

    def protected(self, object_name: str) -> list[CustomFieldRecord]:
        """Return the definitions of an object that field-level security hides."""
        key = object_name.lower()
        return [r for r in self._fields.values() if r.protected and r.object_name.lower() == key]

    def pending(self, object_name: str) -> set[str]:
        """Return the (lower-case) names of an object's fields not yet shown by describe."""
        now = time.monotonic()
        key = object_name.lower()
        return {
            r.field_name.lower()
            for r in self._fields.values()
            if r.describe_after > now and r.object_name.lower() == key
        }

    def tracked(self, object_name: str) -> list[str]:
        """Return the names of an object's fields that keep history."""
        return list(self._tracked.get(object_name.lower(), {}).values())

    def is_tracked(self, object_name: str, field_name: str) -> bool:
        """Tell whether a field keeps history."""
        return field_name.lower() in self._tracked.get(object_name.lower(), {})

    def can_track(self, object_name: str, field_name: str) -> bool:
        """Tell whether tracking one more field stays within the limit of the object."""
        tracked = self._tracked.get(object_name.lower(), {})
        return field_name.lower() in tracked or len(tracked) < HISTORY_LIMIT

    def set_tracked(self, object_name: str, field_name: str, tracked: bool) -> None:
        """Turn history tracking of a field on or off (check `can_track` first)."""
        fields = self._tracked.setdefault(object_name.lower(), {})
        if tracked:
            fields[field_name.lower()] = field_name
        else:
            fields.pop(field_name.lower(), None)
