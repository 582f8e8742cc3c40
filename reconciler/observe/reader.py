"""Reading both systems: one query per import rule, the Baton collections the spec needs.

Only fields the spec references are selected; Baton's tasks, time entries and feedback are
not read because no field derived from them can be synced back yet.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from reconciler.baton.client import BatonClient
from reconciler.observe.model import LINK_FIELD_TITLE, Observed, ObservedRecord
from reconciler.salesforce import soql
from reconciler.salesforce.client import SalesforceClient
from reconciler.spec import Criterion, Group, ImportRule, Spec

log = logging.getLogger(__name__)

_ID_CHUNK = 200


def observe(spec: Spec, sf: SalesforceClient, baton: BatonClient) -> Observed:
    """Read what the spec's rules and sync-backs need from Salesforce and Baton."""
    link_field_id = _link_field_id(baton)
    link_values, links = _links(baton, link_field_id)
    projects = {int(project["id"]): project for project in baton.list("projects")}
    users = _users(spec, baton)
    describes = {rule.object: sf.describe(rule.object) for rule in spec.import_rules}

    records = {
        rule.name: _rule_records(spec, rule, sf, describes[rule.object], links)
        for rule in spec.import_rules
    }
    return Observed(
        instance_url=sf.instance_url,
        organization_id=sf.organization_id(),
        baton_url=baton.url,
        records=records,
        projects=projects,
        links=links,
        link_values=link_values,
        link_field_id=link_field_id,
        users=users,
        describes=describes,
        api_calls={"salesforce": sf.calls, "baton": baton.calls},
    )


def selected_fields(spec: Spec, rule: ImportRule) -> set[str]:
    """Every field one rule's query selects: what it tests, imports and syncs back."""
    fields = {"Id", "LastModifiedDate", *rule.field_paths()}
    for sync in spec.sync_backs_for(rule.name):
        if sync.target.via is None:
            fields.update(sync.fields)
    return fields


def where_clause(condition: Criterion | Group, describe: Mapping[str, Any]) -> str:
    """The SOQL condition of a rule's `when`, every value typed against the describe."""
    types = soql.field_types(describe)
    if isinstance(condition, Criterion):
        return soql.comparison(
            condition.field, condition.op, condition.value, types.get(condition.field)
        )
    parts = [where_clause(item, describe) for item in condition.items]
    return soql.conjunction(parts, "AND" if condition.mode == "all" else "OR")


def _rule_records(
    spec: Spec,
    rule: ImportRule,
    sf: SalesforceClient,
    describe: Mapping[str, Any],
    links: Mapping[str, int],
) -> tuple[ObservedRecord, ...]:
    fields = selected_fields(spec, rule)
    link_field = _sf_link_field(spec, rule)
    where = where_clause(rule.when, describe)
    if link_field:
        where = soql.conjunction([where, f"{soql.field_name(link_field)} != null"], "OR")
    found: dict[str, ObservedRecord] = {}
    for row in sf.query(soql.select(rule.object, fields, where, order_by="Id")):
        candidate = not (link_field and row.get(link_field))
        found[row["Id"]] = _record(rule, row, candidate)

    prefix = f"{rule.name}/"
    missing = sorted(key[len(prefix) :] for key in links if key.startswith(prefix))
    missing = [record_id for record_id in missing if record_id not in found]
    for row in _by_ids(sf, rule.object, fields, missing):
        found[row["Id"]] = _record(rule, row, candidate=False)
    return tuple(found[record_id] for record_id in sorted(found))


def _by_ids(
    sf: SalesforceClient, object_name: str, fields: set[str], ids: list[str]
) -> Iterable[dict[str, Any]]:
    for start in range(0, len(ids), _ID_CHUNK):
        chunk = ids[start : start + _ID_CHUNK]
        yield from sf.query(soql.select(object_name, fields, f"Id IN {soql.in_list(chunk, 'id')}"))


def _record(rule: ImportRule, row: Mapping[str, Any], candidate: bool) -> ObservedRecord:
    data = _strip_attributes(row)
    return ObservedRecord(
        rule=rule.name, object=rule.object, id=str(row["Id"]), data=data, candidate=candidate
    )


def _strip_attributes(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        key: _strip_attributes(value) if isinstance(value, Mapping) else value
        for key, value in row.items()
        if key != "attributes"
    }


def _sf_link_field(spec: Spec, rule: ImportRule) -> str | None:
    for sync in spec.sync_backs_for(rule.name):
        if sync.target.via is None and sync.link_field():
            return sync.link_field()
    return None


def _link_field_id(baton: BatonClient) -> int | None:
    for custom_field in baton.list("custom_fields"):
        if custom_field.get("title") == LINK_FIELD_TITLE:
            return int(custom_field["id"])
    return None


def _links(baton: BatonClient, field_id: int | None) -> tuple[dict[int, int], dict[str, int]]:
    """The link custom field values: project ID -> value ID, and link key -> project ID."""
    if field_id is None:
        return {}, {}
    value_ids: dict[int, int] = {}
    links: dict[str, int] = {}
    for value in baton.list("custom_field_values"):
        field = value.get("field")
        if not isinstance(field, Mapping) or field.get("id") != field_id:
            continue
        project_id = _id_of(value.get("project"))
        if project_id is None or not value.get("value_text"):
            continue
        value_ids[project_id] = int(value["id"])
        links.setdefault(str(value["value_text"]), project_id)
    return value_ids, links


def _users(spec: Spec, baton: BatonClient) -> dict[str, Mapping[str, Any]]:
    if not any(rule.project_lead for rule in spec.import_rules):
        return {}
    return {str(user.get("email", "")).lower(): user for user in baton.list("users")}


def _id_of(relation: Any) -> int | None:
    """The integer ID of a relation given as an ID, a URI or an embedded object."""
    if isinstance(relation, int):
        return relation
    if isinstance(relation, Mapping):
        return _id_of(relation.get("id"))
    if isinstance(relation, str):
        tail = relation.rstrip("/").rsplit("/", 1)[-1]
        return int(tail) if tail.isdigit() else None
    return None
