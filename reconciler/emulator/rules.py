"""Checks Salesforce runs on writes of particular objects, beyond field types and lengths:
PushTopic queries, field permissions that name real fields, one assignment of a
permission set per user, and the validation rules a seed declares.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .describe import Schema, SObject
from .pushtopic import check_push_topic
from .records import Problem
from .settings import ValidationRule
from .store import Store, quote, sf_table
from .values import ValueProblem, to_storage


class RecordRules:
    """The object-specific checks of one org, run on every create and update."""

    def __init__(self, schema: Schema, store: Store, rules: tuple[ValidationRule, ...]) -> None:
        self.schema = schema
        self.store = store
        self.rules = rules

    def check(
        self,
        view: Schema,
        sobject: SObject,
        row: Mapping[str, Any],
        record_id: str | None,
    ) -> list[Problem]:
        """Return the problems of a record about to be stored (`row`: all its values)."""
        name = sobject.name.lower()
        problems: list[Problem] = []
        if name == "pushtopic":
            problems += check_push_topic(view, row)
        elif name == "fieldpermissions":
            problems += self._field_permission(row, record_id)
        elif name == "permissionsetassignment":
            problems += self._assignment(sobject, row, record_id)
        problems += self._validation(sobject, row)
        return problems

    def _field_permission(self, row: Mapping[str, Any], record_id: str | None) -> list[Problem]:
        value = row.get("Field")
        if not isinstance(value, str):
            return []
        object_name, _, field_name = value.partition(".")
        target = self.schema.get(object_name)
        if target is None or not field_name or not target.has_field(field_name):
            return [
                Problem(
                    "INVALID_FIELD",
                    f"Field Name: bad value for field: no field {value} in this org",
                    ("Field",),
                    "give an existing field as Object.Field__c",
                )
            ]
        sobject_type = row.get("SobjectType")
        if isinstance(sobject_type, str) and sobject_type.lower() != target.name.lower():
            return [
                Problem(
                    "FIELD_INTEGRITY_EXCEPTION",
                    f"Field Name: {value} is not a field of SobjectType {sobject_type}",
                    ("Field", "SobjectType"),
                )
            ]
        if row.get("PermissionsEdit") and not row.get("PermissionsRead"):
            return [
                Problem(
                    "FIELD_INTEGRITY_EXCEPTION",
                    "Permission Edit depends on permission(s): Read",
                    ("PermissionsEdit",),
                )
            ]
        other = self._same(
            "FieldPermissions", {"ParentId": row.get("ParentId"), "Field": value}, record_id
        )
        return [_duplicate(other)] if other else []

    def _assignment(
        self, sobject: SObject, row: Mapping[str, Any], record_id: str | None
    ) -> list[Problem]:
        keys = {"AssigneeId": row.get("AssigneeId"), "PermissionSetId": row.get("PermissionSetId")}
        other = self._same(sobject.name, keys, record_id)
        return [_duplicate(other)] if other else []

    def _same(self, object_name: str, values: dict[str, Any], record_id: str | None) -> str | None:
        """Return the ID of another live record with these values, or None."""
        sobject = self.schema.get(object_name)
        if sobject is None or any(v is None for v in values.values()):
            return None
        if not all(sobject.has_field(name) for name in values):
            return None
        where = [f"{quote(name)} = ?" for name in values]
        params = list(values.values())
        if sobject.has_field("IsDeleted"):
            where.append('"IsDeleted" = 0')
        if record_id is not None:
            where.append('"Id" != ?')
            params.append(record_id)
        row = self.store.execute(
            f'SELECT "Id" FROM {sf_table(sobject)} WHERE {" AND ".join(where)} LIMIT 1', params
        ).fetchone()
        return None if row is None else str(row[0])

    def _validation(self, sobject: SObject, row: Mapping[str, Any]) -> list[Problem]:
        problems = []
        full = self.schema.get(sobject.name) or sobject
        for rule in self.rules:
            if rule.object.lower() != sobject.name.lower():
                continue
            field = full.field(rule.field)
            if field is None:
                continue
            try:
                rejected = to_storage(field, rule.reject_value)
            except ValueProblem:
                continue
            if row.get(field.name) == rejected:
                problems.append(
                    Problem("FIELD_CUSTOM_VALIDATION_EXCEPTION", rule.message, (field.name,))
                )
        return problems


def _duplicate(other: str) -> Problem:
    return Problem(
        "DUPLICATE_VALUE",
        f"duplicate value found: <unknown> duplicates value on record with id: {other}",
        (),
    )
