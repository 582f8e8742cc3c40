"""Reading the Baton workspace: each collection the spec needs, once, in full.

Baton offers no filters, so a collection is read whole or not at all. Projects, custom
fields and custom field values are always read (they hold the links); users, project
users, tasks, time entries, milestone feedback, templates and drop-down options only when
a mapped field or an import rule needs them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reconciler.baton import directory as names
from reconciler.baton.client import BatonClient
from reconciler.baton.derive import custom_titles, project_fields, reads_for
from reconciler.baton.project_data import (
    JsonObject,
    ProjectData,
    custom_values,
    group_by_project,
    id_of,
    members,
)
from reconciler.baton.writes import LINK_FIELD_TITLE
from reconciler.observe.details import BatonDetail
from reconciler.spec import Spec

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BatonRead:
    """What one run read from the workspace."""

    projects: Mapping[int, Mapping[str, Any]]
    links: Mapping[str, int]
    link_values: Mapping[int, int]
    link_field_id: int | None
    users: Mapping[str, Mapping[str, Any]]
    detail: BatonDetail


def needed_collections(spec: Spec) -> frozenset[str]:
    """The collections beyond projects and custom fields (and their values) that the spec's
    sync-back keys and import rules need."""
    needed: set[str] = set()
    rules = {rule.name for rule in spec.import_rules}
    for sync in spec.sync_backs:
        if sync.rule in rules:
            for key in sync.fields.values():
                needed |= reads_for(key)
    for rule in spec.import_rules:
        if rule.project_lead or "clientLeadEmail" in rule.fields:
            needed.add("users")
        if rule.template:
            needed.add("templates")
    return frozenset(needed)


def read_baton(spec: Spec, client: BatonClient) -> BatonRead:
    """Read what the spec needs from the workspace and group it by project."""
    needed = needed_collections(spec)
    capabilities = client.capabilities()
    fields = list(client.list("custom_fields"))
    link_field_id = _link_field_id(fields)
    keys = [key for sync in spec.sync_backs for key in sync.fields.values()]
    # Every project holds a link value: they are read as they arrive, not kept in a list.
    link_values, links, values = _split_values(
        client.list("custom_field_values"), link_field_id, custom_titles(keys)
    )
    kept = project_fields(keys)
    projects = {
        int(project["id"]): without_hyperlinks({k: project[k] for k in kept if k in project})
        for project in client.list("projects")
    }
    read = {"projects", "custom_fields", "custom_field_values"}
    collections = {name: _read(client, name, needed, read) for name in _OPTIONAL}
    options = _options(spec, client, fields, read)

    users = collections["users"]
    emails = {int(user["id"]): str(user.get("email") or "") for user in users if "id" in user}
    data = _project_data(projects, collections, values, emails)
    directory = names.Directory(
        users=names.index_users(users),
        custom_fields=names.index_custom_fields(fields, options),
        templates=names.index_templates(collections["templates"]),
    )
    log.debug("read Baton collections: %s", ", ".join(sorted(read)))
    return BatonRead(
        projects=projects,
        links=links,
        link_values=link_values,
        link_field_id=link_field_id,
        users={str(user.get("email") or "").lower(): user for user in users},
        detail=BatonDetail(data, directory, capabilities, frozenset(read)),
    )


_OPTIONAL = ("users", "project_users", "tasks", "time_entries", "milestone_feedback", "templates")


def _read(
    client: BatonClient, name: str, needed: frozenset[str], read: set[str]
) -> list[JsonObject]:
    if name not in needed:
        return []
    read.add(name)
    return _listed(client, name)


def _listed(client: BatonClient, name: str) -> list[JsonObject]:
    """Every object of a collection, each without its hyperlinks as it arrives."""
    return [without_hyperlinks(item) for item in client.list(name)]


def without_hyperlinks(item: Mapping[str, Any]) -> dict[str, Any]:
    """An object without the URLs Baton adds for browsing: `_self`, and the `*_list` lists
    of related objects. Relations are read from their own collections; the URLs would
    otherwise be most of what a plan of many projects holds in memory."""
    return {
        key: without_hyperlinks(value) if isinstance(value, Mapping) else value
        for key, value in item.items()
        if key != "_self" and not (key.endswith("_list") and isinstance(value, list))
    }


def _options(
    spec: Spec, client: BatonClient, fields: Sequence[JsonObject], read: set[str]
) -> list[JsonObject]:
    """Drop-down options, read only when an import rule fills a drop-down custom field."""
    titles = {title.casefold() for rule in spec.import_rules for title in rule.custom_fields}
    dropdowns = [
        f
        for f in fields
        if str(f.get("title") or "").casefold() in titles and f.get("type") == "dropdown"
    ]
    if not dropdowns:
        return []
    read.add("custom_field_options")
    return list(client.list("custom_field_options"))


def read_links(client: BatonClient) -> dict[str, int]:
    """Link key -> project ID, read fresh: the custom field list and its values."""
    field_id = _link_field_id(client.list("custom_fields"))
    if field_id is None:
        return {}
    return _split_values(client.list("custom_field_values"), field_id, frozenset())[1]


def _link_field_id(fields: Iterable[JsonObject]) -> int | None:
    for custom_field in fields:
        if custom_field.get("title") == LINK_FIELD_TITLE:
            return int(custom_field["id"])
    return None


def _split_values(
    values: Iterable[JsonObject], field_id: int | None, titles: frozenset[str]
) -> tuple[dict[int, int], dict[str, int], list[JsonObject]]:
    """One pass over the custom field values: the link field's (project ID -> value ID, and
    link key -> project ID), and the values of the fields titled `titles` (case-folded),
    the only ones a plan derives anything from."""
    value_ids: dict[int, int] = {}
    links: dict[str, int] = {}
    kept: list[JsonObject] = []
    for value in values:
        if titles and values_titled([value], titles):
            kept.append(without_hyperlinks(value))
        if field_id is None or id_of(value.get("field")) != field_id:
            continue
        project_id = id_of(value.get("project"))
        if project_id is None or not value.get("value_text"):
            continue
        value_ids[project_id] = int(value["id"])
        links.setdefault(str(value["value_text"]), project_id)
    return value_ids, links, kept


def values_titled(values: Iterable[JsonObject], titles: frozenset[str]) -> list[JsonObject]:
    """The custom field values of the fields titled `titles` (case-folded): the only ones a
    plan derives anything from, so that the link every project holds is not kept twice."""
    kept = []
    for value in values:
        field_info = value.get("field")
        title = field_info.get("title") if isinstance(field_info, Mapping) else None
        if isinstance(title, str) and title.casefold() in titles:
            kept.append(value)
    return kept


def _project_data(
    projects: Mapping[int, Mapping[str, Any]],
    collections: Mapping[str, list[JsonObject]],
    values: Sequence[JsonObject],
    emails: Mapping[int, str],
) -> dict[int, ProjectData]:
    grouped = {name: group_by_project(items) for name, items in collections.items()}
    by_project = group_by_project(values)
    return {
        project_id: ProjectData(
            project=project,
            members=members(grouped["project_users"].get(project_id, []), emails),
            tasks=tuple(grouped["tasks"].get(project_id, [])),
            time_entries=tuple(grouped["time_entries"].get(project_id, [])),
            feedback=tuple(grouped["milestone_feedback"].get(project_id, [])),
            custom=custom_values(by_project.get(project_id, [])),
        )
        for project_id, project in projects.items()
    }
