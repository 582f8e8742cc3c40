"""Whether a Salesforce field (its describe entry) fits a Baton field, at import or sync."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from reconciler.catalog.fields import BatonField, baton_field

Direction = Literal["import", "sync"]


def accepts(
    key: str,
    describe_field: Mapping[str, Any],
    direction: Direction,
    *,
    custom_type: str | None = None,
) -> bool:
    """True when the Salesforce field described by `describe_field` can feed (`import`) or
    receive (`sync`) the Baton field `key`, by SPEC.md's type table.

    Whether a field exists, or is updateable for the integration user, is the caller's
    check; formula fields are refused for sync here because no user can ever write them.
    """
    return rejection_reason(key, describe_field, direction, custom_type=custom_type) is None


def rejection_reason(
    key: str,
    describe_field: Mapping[str, Any],
    direction: Direction,
    *,
    custom_type: str | None = None,
) -> str | None:
    """Why `accepts` says no, as a sentence for an error message; None when it says yes."""
    field = baton_field(key, custom_type)
    name = str(describe_field.get("name", "the field"))
    sf_type = str(describe_field.get("type", ""))
    if field is None:
        return f"'{key}' is not a Baton field"
    if direction == "import":
        return _import_problem(field, name, sf_type)
    return _sync_problem(field, describe_field, name, sf_type)


def _import_problem(field: BatonField, name: str, sf_type: str) -> str | None:
    if not field.importable:
        return f"{field.key} ({field.label}) cannot be filled at import"
    if sf_type not in field.import_types:
        wanted = ", ".join(sorted(field.import_types))
        return f"{name} is of type {sf_type}; {field.key} is read from {wanted}"
    return None


def _sync_problem(
    field: BatonField, describe: Mapping[str, Any], name: str, sf_type: str
) -> str | None:
    if not field.syncable:
        return f"{field.key} ({field.label}) cannot be written to Salesforce"
    if describe.get("calculated"):
        return f"{name} is a formula field, which cannot be written"
    if sf_type not in field.sync_types:
        wanted = ", ".join(sorted(field.sync_types))
        return f"{name} is of type {sf_type}; {field.key} is written into {wanted}"
    if field.lookup_objects:
        return _lookup_problem(field, describe, name)
    if field.baton_type == "id":
        return _link_field_problem(describe, name)
    return None


def _lookup_problem(field: BatonField, describe: Mapping[str, Any], name: str) -> str | None:
    targets = set(describe.get("referenceTo") or ())
    if targets & field.lookup_objects:
        return None
    wanted = " or ".join(sorted(field.lookup_objects))
    found = ", ".join(sorted(targets)) or "nothing"
    return f"{name} looks up {found}; {field.key} needs a lookup to {wanted}"


def _link_field_problem(describe: Mapping[str, Any], name: str) -> str | None:
    if not describe.get("externalId"):
        return f"{name} is not an External ID field; projectId needs Text(255), External ID"
    if not describe.get("unique"):
        return f"{name} is not Unique; projectId needs a unique, case-insensitive field"
    if describe.get("caseSensitive"):
        return f"{name} is case-sensitive; projectId needs a case-insensitive unique field"
    return None
