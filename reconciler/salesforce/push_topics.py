"""PushTopics: the streaming channel that tells the integration when a record may import.

Each import rule gets one topic with a deterministic name (`BatonSF_` + a slug of the rule +
a short hash; the prefix marks the topics baton-sf manages). Its query follows Salesforce's
rules for PushTopic queries: it selects `Id` and the fields the criteria test, and its WHERE
holds the rule's criteria except those a PushTopic may not use (relationship paths, Text
Area and formula fields). A left-out criterion only widens what the topic notifies about;
the plan still filters records by the whole rule.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from reconciler.salesforce import soql
from reconciler.spec import Criterion, Group, ImportRule

PREFIX: Final = "BatonSF_"
MAX_NAME: Final = 25
MAX_QUERY: Final = 1300
MAX_DESCRIPTION: Final = 400
_HASH: Final = 6
_SLUG: Final = MAX_NAME - len(PREFIX) - 1 - _HASH

# The fields of a topic that baton-sf sets, and so compares to decide on an update.
MANAGED_FIELDS: Final = (
    "Query",
    "ApiVersion",
    "IsActive",
    "NotifyForFields",
    "NotifyForOperationCreate",
    "NotifyForOperationUpdate",
    "NotifyForOperationDelete",
    "NotifyForOperationUndelete",
    "Description",
)


@dataclass(frozen=True)
class TopicQuery:
    """A topic's query and the criteria it had to leave out, each with the reason."""

    query: str
    left_out: tuple[tuple[str, str], ...]


def topic_name(rule_name: str) -> str:
    """The PushTopic name of an import rule: at most 25 characters, stable, distinct."""
    slug = re.sub(r"[^A-Za-z0-9]+", "_", rule_name).strip("_")[:_SLUG].rstrip("_")
    digest = hashlib.sha256(rule_name.encode("utf-8")).hexdigest()[:_HASH]
    return f"{PREFIX}{slug}_{digest}" if slug else f"{PREFIX}{digest}"


def is_managed(name: str) -> bool:
    """True for a PushTopic name baton-sf made."""
    return name.startswith(PREFIX)


def topic_query(rule: ImportRule, describe: Mapping[str, Any]) -> TopicQuery:
    """The PushTopic query of a rule, obeying Salesforce's rules for streaming queries."""
    fields = {entry["name"]: entry for entry in describe.get("fields", [])}
    left_out: list[tuple[str, str]] = []
    selected: set[str] = {"Id"}
    where = _condition(rule.when, fields, selected, left_out)
    query = soql.select(rule.object, selected, where)
    return TopicQuery(query, tuple(left_out))


def topic_record(rule: ImportRule, query: str, api_version: str) -> dict[str, Any]:
    """Every field of the PushTopic record baton-sf wants for `rule`."""
    description = f"baton-sf: records that may import under rule {rule.name}"
    return {
        "Name": topic_name(rule.name),
        "Query": query,
        "ApiVersion": float(api_version),
        "IsActive": True,
        "NotifyForFields": "Referenced",
        "NotifyForOperationCreate": True,
        "NotifyForOperationUpdate": True,
        "NotifyForOperationDelete": False,
        "NotifyForOperationUndelete": False,
        "Description": description[:MAX_DESCRIPTION],
    }


def differences(existing: Mapping[str, Any], wanted: Mapping[str, Any]) -> dict[str, Any]:
    """The managed fields whose existing value differs from the wanted one (old values)."""
    changed: dict[str, Any] = {}
    for name in MANAGED_FIELDS:
        old, new = existing.get(name), wanted.get(name)
        if isinstance(new, float) and isinstance(old, int | float | str):
            try:
                same = float(old) == new
            except ValueError:
                same = False
        else:
            same = old == new
        if not same:
            changed[name] = old
    return changed


def _condition(
    condition: Criterion | Group,
    fields: Mapping[str, Mapping[str, Any]],
    selected: set[str],
    left_out: list[tuple[str, str]],
) -> str | None:
    """The condition as SOQL, or None when it must be left out (it then matches all)."""
    if isinstance(condition, Criterion):
        reason = _forbidden(condition.field, fields)
        if reason is not None:
            left_out.append((condition.field, reason))
            return None
        selected.add(condition.field)
        field_type = str(fields[condition.field]["type"]) if condition.field in fields else None
        return soql.comparison(condition.field, condition.op, condition.value, field_type)
    parts = [_condition(item, fields, selected, left_out) for item in condition.items]
    if condition.mode == "any" and any(part is None for part in parts):
        # One alternative that matches everything makes the whole `any` match everything.
        return None
    kept = [part for part in parts if part is not None]
    if not kept:
        return None
    return soql.conjunction(kept, "AND" if condition.mode == "all" else "OR")


def _forbidden(path: str, fields: Mapping[str, Mapping[str, Any]]) -> str | None:
    if "." in path:
        return "a relationship path"
    entry = fields.get(path)
    if entry is None:
        return None
    if entry.get("calculated"):
        return "a formula field"
    if entry.get("type") == "textarea":
        return "a Text Area field"
    return None
