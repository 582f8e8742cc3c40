"""Custom fields baton-sf creates for a SyncBack: the Salesforce type each Baton field gets.

The types follow SPEC.md's "Baton fields" table: the link field is Text(255) External ID,
Unique, case-insensitive; dates are Date; percentages Percent(3, 0); text is Text(255),
or Long Text for the descriptions and notes. The Tooling API takes the `metadata`; the
`describe_entry` is what describe will show once the field exists, so the plan can convert
values for a field that is still to be created.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

from reconciler.catalog import baton_field, is_custom_key

LONG_TEXT_LENGTH: Final = 32768
_LONG_TEXT_KEYS: Final = frozenset({"description", "privateNotes", "healthNote"})
_DATE_KEYS: Final = frozenset(
    {"dueDate", "startDate", "projectedDueDate", "startedDate", "completedDate"}
)
_PERCENT_KEYS: Final = frozenset(
    {"tasksCompletePercentage", "hoursUsedPercentage", "budgetUsedPercentage"}
)
_NUMBER_KEYS: Final = frozenset(
    {"contractValue", "implementationBudget", "budgetShownToClient", "estimatedDurationHours"}
)
_LOOKUP_KEYS: Final = frozenset({"vendorLeadEmail", "clientLeadEmail"})
_CUSTOM_NAME: Final = re.compile(r"^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*__c$")


@dataclass(frozen=True)
class FieldSpec:
    """A custom field to create: its Tooling metadata and the describe entry it will have."""

    object: str
    name: str
    metadata: dict[str, Any]
    describe_entry: dict[str, Any]

    @property
    def full_name(self) -> str:
        return f"{self.object}.{self.name}"


class NotCreatable(ValueError):
    """The field cannot be created by baton-sf; the message says why and what to do."""


def field_spec(object_name: str, name: str, key: str) -> FieldSpec:
    """The custom field `object_name.name` typed for Baton field `key`."""
    if not _CUSTOM_NAME.match(name):
        raise NotCreatable(
            f"{object_name}.{name} is not a custom field name (Letters_and_digits__c, no "
            "double underscore inside), so it cannot be created"
        )
    if key in _LOOKUP_KEYS:
        lookup = baton_field(key)
        targets = ", ".join(sorted(lookup.lookup_objects)) if lookup else "a record"
        raise NotCreatable(
            f"{object_name}.{name} receives {key}, a lookup to {targets}; baton-sf does not "
            f"create lookup fields. Create it in Setup as Lookup({targets}) and plan again"
        )
    metadata = {"label": label_of(name), **_typed(key)}
    metadata["description"] = f"Baton {_baton_label(key)}, written by baton-sf."
    return FieldSpec(object_name, name, metadata, describe_entry(name, metadata))


def label_of(name: str) -> str:
    """A field label from its API name: Baton_Project_ID__c -> Baton Project ID."""
    return name.removesuffix("__c").replace("_", " ").strip()[:40]


def developer_name(name: str) -> str:
    """The Tooling API's DeveloperName of a custom field: its name without `__c`."""
    return name.removesuffix("__c")


def describe_entry(name: str, metadata: dict[str, Any]) -> dict[str, Any]:
    """The describe entry Salesforce shows for a custom field made from `metadata`."""
    kind = str(metadata["type"])
    entry: dict[str, Any] = {
        "name": name,
        "label": metadata.get("label", label_of(name)),
        "type": _DESCRIBE_TYPES[kind],
        "custom": True,
        "calculated": False,
        "createable": True,
        "updateable": True,
        "nillable": True,
        "externalId": bool(metadata.get("externalId")),
        "unique": bool(metadata.get("unique")),
        "caseSensitive": bool(metadata.get("caseSensitive")),
        "idLookup": bool(metadata.get("externalId") or metadata.get("unique")),
        "length": 0,
        "precision": 0,
        "scale": 0,
        "referenceTo": [],
    }
    if kind in ("Text", "LongTextArea"):
        entry["length"] = int(metadata["length"])
    elif kind == "Url":
        entry["length"] = 255
    elif kind in ("Number", "Percent", "Currency"):
        entry["precision"] = int(metadata["precision"])
        entry["scale"] = int(metadata["scale"])
    return entry


_DESCRIBE_TYPES: Final = {
    "Text": "string",
    "LongTextArea": "textarea",
    "Url": "url",
    "Number": "double",
    "Percent": "percent",
    "Currency": "currency",
    "Date": "date",
    "DateTime": "datetime",
    "Checkbox": "boolean",
}


def _typed(key: str) -> dict[str, Any]:
    if key == "projectId":
        return {
            "type": "Text",
            "length": 255,
            "externalId": True,
            "unique": True,
            "caseSensitive": False,
        }
    if key == "projectUrl":
        return {"type": "Url"}
    if key in _PERCENT_KEYS:
        return {"type": "Percent", "precision": 3, "scale": 0}
    if key == "averageMilestoneFeedback":
        return {"type": "Number", "precision": 3, "scale": 1}
    if key in _DATE_KEYS:
        return {"type": "Date"}
    if key in _NUMBER_KEYS:
        return {"type": "Number", "precision": 18, "scale": 2}
    if key in _LONG_TEXT_KEYS:
        return {"type": "LongTextArea", "length": LONG_TEXT_LENGTH, "visibleLines": 3}
    # Known limit: a field for a Baton custom field (custom.NAME) is created as Text(255),
    # whatever the kind of the Baton custom field.
    return {"type": "Text", "length": 255}


def _baton_label(key: str) -> str:
    if is_custom_key(key):
        return f"custom field {key.removeprefix('custom.')}"
    field = baton_field(key)
    return field.label if field is not None else key
