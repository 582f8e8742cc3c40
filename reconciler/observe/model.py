"""Observed: the snapshot of Salesforce and Baton that the planner reads.

It holds only what the spec needs, already indexed the way the planner looks things up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from reconciler.observe.details import BatonDetail, SyncTargets
from reconciler.salesforce.schema import SchemaState

LINK_FIELD_TITLE = "Salesforce Link"


def target_key(instance_url: str, organization_id: str | None) -> str:
    """How the journal and the lock name an org: its ID, or its URL when the ID is unknown."""
    return organization_id or instance_url


def link_key(rule: str, record_id: str) -> str:
    """The value a project's link field holds: the rule and the record it came from."""
    return f"{rule}/{record_id}"


@dataclass(frozen=True, slots=True)
class ObservedRecord:
    """One Salesforce record a rule imports or syncs back to, in SOQL's nested JSON form."""

    rule: str
    object: str
    id: str
    data: Mapping[str, Any]
    candidate: bool


@dataclass(frozen=True)
class Observed:
    """Both systems as one plan sees them."""

    instance_url: str
    organization_id: str | None
    baton_url: str
    records: Mapping[str, tuple[ObservedRecord, ...]]
    projects: Mapping[int, Mapping[str, Any]]
    links: Mapping[str, int]
    link_values: Mapping[int, int] = field(default_factory=dict)
    link_field_id: int | None = None
    users: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    describes: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    api_calls: Mapping[str, int] = field(default_factory=dict)
    schema: SchemaState | None = None
    baton: BatonDetail = field(default_factory=BatonDetail)
    targets: SyncTargets = field(default_factory=SyncTargets)
    last_written: Mapping[tuple[str, str, str], Any] = field(default_factory=dict)

    @property
    def target_key(self) -> str:
        """The org this snapshot is of, as the journal names it."""
        return target_key(self.instance_url, self.organization_id)

    def describe_field(self, object_name: str, name: str) -> Mapping[str, Any] | None:
        """One field of an object's describe, or None when the org does not have it."""
        return self._describe_index.get((object_name, name))

    @cached_property
    def _describe_index(self) -> dict[tuple[str, str], Mapping[str, Any]]:
        """Every described field by (object, field name): the planner asks once per record
        and field, so a scan of the describe each time grows with the org's schema."""
        index: dict[tuple[str, str], Mapping[str, Any]] = {}
        for object_name, describe in self.describes.items():
            for entry in describe.get("fields", []):
                index.setdefault((object_name, str(entry.get("name"))), entry)
        return index
