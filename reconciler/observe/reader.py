"""Reading both systems: one query per import rule, the Baton collections the spec needs.

Only fields the spec references are selected; Baton's tasks, time entries, feedback and
project users are read only when a mapped field is derived from them
(`reconciler.observe.baton_reads`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from reconciler.baton.client import BatonClient
from reconciler.observe.background import Background
from reconciler.observe.baton_reads import read_baton
from reconciler.observe.model import Observed, ObservedRecord
from reconciler.observe.sync_reads import read_sync_targets, target_describes
from reconciler.salesforce import soql
from reconciler.salesforce.client import SalesforceClient
from reconciler.salesforce.schema import read_schema
from reconciler.spec import Criterion, Group, ImportRule, Spec

log = logging.getLogger(__name__)

_ID_CHUNK = 200


def observe(spec: Spec, sf: SalesforceClient, baton: BatonClient) -> Observed:
    """Read what the spec's rules and sync-backs need from Salesforce and Baton: Baton on a
    thread of its own, Salesforce's describes, schema and rule queries meanwhile."""
    reading = Background(lambda: read_baton(spec, baton), name="baton-sf read Baton")
    try:
        describes = {rule.object: sf.describe(rule.object) for rule in spec.import_rules}
        describes.update(target_describes(spec, sf, describes))
        reading.check()
        schema = read_schema(spec, sf)
        queried = {}
        for rule in spec.import_rules:
            reading.check()
            queried[rule.name] = _query_rule(spec, rule, sf, describes[rule.object])
        read = reading.result()
    except BaseException:
        baton.abandon()
        raise
    links = read.links
    records = {
        rule.name: _with_linked(rule, sf, queried[rule.name], links) for rule in spec.import_rules
    }
    targets = read_sync_targets(spec, sf, records, read, describes)
    return Observed(
        instance_url=sf.instance_url,
        organization_id=sf.organization_id(),
        baton_url=baton.url,
        records=records,
        projects=read.projects,
        links=links,
        link_values=read.link_values,
        link_field_id=read.link_field_id,
        users=read.users,
        describes=describes,
        api_calls={"salesforce": sf.calls, "baton": baton.calls},
        schema=schema,
        baton=read.detail,
        targets=targets,
    )


def selected_fields(spec: Spec, rule: ImportRule) -> set[str]:
    """Every field one rule's query selects: what it tests, imports and syncs back."""
    fields = {"Id", "LastModifiedDate", *rule.field_paths()}
    for sync in spec.sync_backs_for(rule.name):
        if sync.target.via is None:
            fields.update(sync.fields)
        else:
            fields.add(sync.target.via)
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


@dataclass
class _Queried:
    """One rule's query: the records found by ID, and the fields it selected."""

    found: dict[str, ObservedRecord]
    fields: set[str]


def _query_rule(
    spec: Spec, rule: ImportRule, sf: SalesforceClient, describe: Mapping[str, Any]
) -> _Queried:
    """The records that match the rule, and every record whose link field is set."""
    unseen = _unseen_sync_fields(spec, rule, describe)
    fields = selected_fields(spec, rule) - unseen
    link_field = _sf_link_field(spec, rule)
    link_field = None if link_field in unseen else link_field
    where = where_clause(rule.when, describe)
    if link_field:
        where = soql.conjunction([where, f"{soql.field_name(link_field)} != null"], "OR")
    found: dict[str, ObservedRecord] = {}
    for row in sf.query(soql.select(rule.object, fields, where, order_by="Id")):
        candidate = not (link_field and row.get(link_field))
        found[row["Id"]] = _record(rule, row, candidate)
    return _Queried(found, fields)


def _with_linked(
    rule: ImportRule, sf: SalesforceClient, queried: _Queried, links: Mapping[str, int]
) -> tuple[ObservedRecord, ...]:
    """The rule's records, and the records Baton links to that the query did not find."""
    found = queried.found
    prefix = f"{rule.name}/"
    missing = sorted(key[len(prefix) :] for key in links if key.startswith(prefix))
    missing = [record_id for record_id in missing if record_id not in found]
    for row in _by_ids(sf, rule.object, queried.fields, missing):
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


def _unseen_sync_fields(spec: Spec, rule: ImportRule, describe: Mapping[str, Any]) -> set[str]:
    """Sync-back fields the describe lacks: fields the plan will create are not read yet."""
    known = {name.lower() for name in soql.field_types(describe)}
    names = {name for sync in spec.sync_backs_for(rule.name) for name in sync.fields}
    return {name for name in names if name.lower() not in known}


def _sf_link_field(spec: Spec, rule: ImportRule) -> str | None:
    for sync in spec.sync_backs_for(rule.name):
        if sync.target.via is None and sync.link_field():
            return sync.link_field()
    return None
