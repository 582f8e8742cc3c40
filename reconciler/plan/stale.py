"""Saved plans go stale: before applying one, re-read only what it touches.

A plan is refused when a record it writes or imports changed in Salesforce since the plan
was made, when a project whose values it writes changed in Baton, or when a project it
would create already exists. The refusal names every record and field that moved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from reconciler.baton.client import BatonClient
from reconciler.errors import PlanError
from reconciler.observe.baton_reads import read_links
from reconciler.plan.model import Change, Plan, is_known_after_apply
from reconciler.plan.planner import same_value
from reconciler.salesforce import soql
from reconciler.salesforce.client import SalesforceClient

_ID_CHUNK = 200

RecordKey = tuple[str, str]


class StalePlan(PlanError):
    """The world moved since the plan was made."""


@dataclass(frozen=True)
class Moved:
    """One thing that changed since the plan was made."""

    address: str
    what: str


@dataclass(frozen=True)
class Touched:
    """The current state of everything a plan touches."""

    records: Mapping[RecordKey, Mapping[str, Any]]
    projects: Mapping[int, Mapping[str, Any]]
    links: Mapping[str, int]


def find_moved(plan: Plan, now: Touched) -> list[Moved]:
    """Every record, field and project that moved since the plan observed it."""
    moved: list[Moved] = []
    for change in plan.changes:
        moved.extend(_moved_record(change, now))
        moved.extend(_moved_project(change, now))
    return moved


def check_fresh(plan: Plan, sf: SalesforceClient, baton: BatonClient) -> None:
    """Refuse a plan whose observed values no longer hold."""
    moved = find_moved(plan, read_touched(plan, sf, baton))
    if moved:
        shown = "; ".join(f"{m.address}: {m.what}" for m in moved[:5])
        more = f" and {len(moved) - 5} more" if len(moved) > 5 else ""
        raise StalePlan(
            f"the saved plan is stale: {shown}{more}",
            hint="run baton-sf plan again, review the new plan and apply that one",
        )


def read_touched(plan: Plan, sf: SalesforceClient, baton: BatonClient) -> Touched:
    """Read the records, projects and links a plan depends on, and nothing else."""
    return Touched(
        records=_read_records(plan.changes, sf),
        projects=_read_projects(plan.changes, baton),
        links=read_links(baton) if _creates(plan.changes) else {},
    )


def _moved_record(change: Change, now: Touched) -> Iterable[Moved]:
    if change.record is None or change.observed is None:
        return
    key = (change.record.object, change.record.id)
    current = now.records.get(key)
    label = f"{change.record.object} {change.record.id}"
    if current is None:
        yield Moved(change.address, f"{label} no longer exists or no longer matches")
        return
    for name, item in (change.fields or {}).items():
        if not same_value(item.before, current.get(name)):
            yield Moved(change.address, f"{label} field {name} is now {current.get(name)!r}")
            return
    before = change.observed.get("LastModifiedDate")
    if before is not None and not same_value(before, current.get("LastModifiedDate")):
        yield Moved(change.address, f"{label} was modified at {current.get('LastModifiedDate')}")
    if change.resource == "baton.project" and change.after:
        project = now.links.get(str(change.after.get("link")))
        if project is not None:
            yield Moved(change.address, f"project {project} already imports {label}")


def _moved_project(change: Change, now: Touched) -> Iterable[Moved]:
    observed = (change.observed or {}).get("project")
    if not isinstance(observed, Mapping):
        return
    project_id = int(observed["id"])
    current = now.projects.get(project_id)
    if current is None:
        yield Moved(change.address, f"Baton project {project_id} no longer exists")
    elif current.get("modified") != observed.get("modified"):
        yield Moved(
            change.address, f"Baton project {project_id} changed at {current.get('modified')}"
        )


def _creates(changes: Iterable[Change]) -> bool:
    return any(change.resource == "baton.project" for change in changes)


def _read_records(changes: list[Change], sf: SalesforceClient) -> dict[RecordKey, dict[str, Any]]:
    wanted: dict[str, dict[str, set[str]]] = {}
    for change in changes:
        if change.record is None or change.observed is None:
            continue
        fields = wanted.setdefault(change.record.object, {}).setdefault(change.record.id, set())
        fields.update(
            name
            for name, item in (change.fields or {}).items()
            if not is_known_after_apply(item.before)
        )
    records: dict[RecordKey, dict[str, Any]] = {}
    for object_name, by_id in sorted(wanted.items()):
        # Fields this plan creates are not in the org yet: they held nothing when planned.
        known = {entry["name"] for entry in sf.describe(object_name).get("fields", [])}
        names = {"Id", "LastModifiedDate"}.union(*by_id.values()) & (known | {"Id"})
        ids = sorted(by_id)
        for start in range(0, len(ids), _ID_CHUNK):
            where = f"Id IN {soql.in_list(ids[start : start + _ID_CHUNK], 'id')}"
            for row in sf.query(soql.select(object_name, names, where)):
                records[(object_name, str(row["Id"]))] = dict(row)
    return records


def _read_projects(changes: list[Change], baton: BatonClient) -> dict[int, Mapping[str, Any]]:
    ids = sorted(
        {
            int(observed["id"])
            for change in changes
            if isinstance(observed := (change.observed or {}).get("project"), Mapping)
        }
    )
    if not ids:
        return {}
    wanted = set(ids)
    return {int(p["id"]): p for p in baton.list("projects") if int(p["id"]) in wanted}
