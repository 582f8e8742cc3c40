"""The parts of Observed that sync-back and import planning read beyond projects and links.

`BatonDetail` is what the workspace holds around its projects; `SyncTargets` is what
Salesforce holds for the fields a project is written to (lookup targets, related records).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reconciler.baton.capabilities import Capabilities
from reconciler.baton.directory import Directory
from reconciler.baton.project_data import ProjectData

RecordData = Mapping[str, Any]


@dataclass(frozen=True)
class BatonDetail:
    """Each project with what belongs to it, the workspace's names, the operations its
    Swagger document lists (None when not read), and the collections read."""

    data: Mapping[int, ProjectData] = field(default_factory=dict)
    directory: Directory = field(default_factory=Directory)
    capabilities: Capabilities | None = None
    collections_read: frozenset[str] = frozenset()

    def project_data(self, project: Mapping[str, Any]) -> ProjectData:
        """The ProjectData of `project`, or the project alone when nothing else was read."""
        found = self.data.get(int(project["id"]))
        return found if found is not None else ProjectData(project)


@dataclass(frozen=True)
class SyncTargets:
    """Salesforce records found for sync-back: `lookups[object][email]` gives the IDs of the
    records of that object with that email (lower case); `related[object][id]` gives a
    related record a SyncBack with `target.via` writes."""

    lookups: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    related: Mapping[str, Mapping[str, RecordData]] = field(default_factory=dict)

    def lookup(self, object_name: str, email: str) -> tuple[str, ...]:
        return self.lookups.get(object_name, {}).get(email.strip().lower(), ())

    def related_record(self, object_name: str, record_id: str) -> RecordData | None:
        return self.related.get(object_name, {}).get(record_id)
