"""Reading the Salesforce records that sync-back writes need besides the imported ones.

Lead emails become record IDs with one query per batch of emails and object (never one per
record), and each related record a `target.via` SyncBack writes is read once, however many
projects point at it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from reconciler.baton.derive import LOOKUP_ROLES
from reconciler.catalog import baton_field, canonical_id
from reconciler.observe.baton_reads import BatonRead
from reconciler.observe.details import RecordData, SyncTargets
from reconciler.observe.model import ObservedRecord, link_key
from reconciler.salesforce import soql
from reconciler.salesforce.client import SalesforceClient
from reconciler.spec import ImportRule, Spec, SyncBack
from reconciler.spec.templates import field_value, is_template, render

log = logging.getLogger(__name__)

EMAIL_BATCH = 200
ID_BATCH = 200

Records = Mapping[str, tuple[ObservedRecord, ...]]
Describes = Mapping[str, Mapping[str, Any]]


def target_describes(spec: Spec, sf: SalesforceClient, known: Describes) -> dict[str, Any]:
    """Describes of the objects `target.via` SyncBacks write that are not known yet."""
    found: dict[str, Any] = {}
    for sync in spec.sync_backs:
        name = sync.target.object
        if sync.target.via is not None and name not in known and name not in found:
            found[name] = sf.describe(name)
    return found


def read_sync_targets(
    spec: Spec, sf: SalesforceClient, records: Records, baton: BatonRead, describes: Describes
) -> SyncTargets:
    """The lookup IDs of lead emails and the related records the spec's SyncBacks write."""
    return SyncTargets(
        lookups=_lookups(spec, sf, records, baton, describes),
        related=_related(spec, sf, records, baton, describes),
    )


def project_id_for(
    rule: str, record: ObservedRecord, links: Mapping[str, int], syncs: Iterable[SyncBack]
) -> int | None:
    """The project a record is linked to: by the project's link value, else by the ID its
    link field holds."""
    found = links.get(link_key(rule, record.id))
    if found is not None:
        return found
    for sync in syncs:
        name = sync.link_field()
        value = record.data.get(name) if name else None
        if value is not None and str(value).strip().isdigit():
            return int(str(value).strip())
    return None


def lookup_object(key: str, describe_field: Mapping[str, Any] | None) -> str:
    """The object a lead email is looked up in: the first of the Baton field's lookup
    objects (User, Group; Contact) that the target field references."""
    field = baton_field(key)
    wanted = sorted(field.lookup_objects) if field is not None else []
    wanted.sort(key=lambda name: (name != "User", name))
    targets = set((describe_field or {}).get("referenceTo") or ())
    for name in wanted:
        if name in targets:
            return name
    return wanted[0] if wanted else "User"


def describe_field(describes: Describes, object_name: str, name: str) -> Mapping[str, Any] | None:
    """One field of an object's describe, or None."""
    for entry in describes.get(object_name, {}).get("fields", []):
        if entry.get("name") == name:
            return dict(entry)
    return None


def _lookups(
    spec: Spec, sf: SalesforceClient, records: Records, baton: BatonRead, describes: Describes
) -> dict[str, dict[str, tuple[str, ...]]]:
    emails: dict[str, set[str]] = {}
    for rule in spec.import_rules:
        for sync in spec.sync_backs_for(rule.name):
            for name, key in sync.fields.items():
                if key not in LOOKUP_ROLES:
                    continue
                target = describe_field(describes, sync.target.object, name)
                found = _lead_emails(spec, rule, key, records.get(rule.name, ()), baton)
                emails.setdefault(lookup_object(key, target), set()).update(found)
    return {
        object_name: _find_by_email(sf, object_name, sorted(wanted))
        for object_name, wanted in sorted(emails.items())
        if wanted
    }


def _lead_emails(
    spec: Spec, rule: ImportRule, key: str, records: Iterable[ObservedRecord], baton: BatonRead
) -> set[str]:
    """The emails a lead key may need: the leads of linked projects, and the leads new
    projects will get (the rule's project lead, the imported client lead)."""
    role = LOOKUP_ROLES[key]
    syncs = spec.sync_backs_for(rule.name)
    found: set[str] = set()
    for record in records:
        project_id = project_id_for(rule.name, record, baton.links, syncs)
        data = baton.detail.data.get(project_id) if project_id is not None else None
        if data is not None:
            found.add(data.member_email(role) or "")
        elif key == "vendorLeadEmail":
            found.add(rule.project_lead or "")
        elif "clientLeadEmail" in rule.fields:
            found.add(str(_imported(record, rule.fields["clientLeadEmail"]) or ""))
    return {email.strip().lower() for email in found if "@" in email}


def _imported(record: ObservedRecord, source: str) -> Any:
    """The value an import rule's field path or template gives for a record."""
    return render(source, record.data) if is_template(source) else field_value(record.data, source)


def _find_by_email(
    sf: SalesforceClient, object_name: str, emails: list[str]
) -> dict[str, tuple[str, ...]]:
    """Record IDs by lower-case email, one query per batch of emails."""
    where_active = " AND IsActive = true" if object_name == "User" else ""
    found: dict[str, list[str]] = {}
    for start in range(0, len(emails), EMAIL_BATCH):
        batch = emails[start : start + EMAIL_BATCH]
        where = f"Email IN {soql.in_list(batch, 'email')}{where_active}"
        for row in sf.query(soql.select(object_name, ["Id", "Email"], where, order_by="Id")):
            email = str(row.get("Email") or "").lower()
            found.setdefault(email, []).append(str(row["Id"]))
    return {email: tuple(ids) for email, ids in found.items()}


def _related(
    spec: Spec, sf: SalesforceClient, records: Records, baton: BatonRead, describes: Describes
) -> dict[str, dict[str, RecordData]]:
    """Each related record once, with the fields of every SyncBack that writes its object;
    fields the object does not have yet (they are planned) are not selected."""
    wanted: dict[str, set[str]] = {}
    fields: dict[str, set[str]] = {}
    for sync in spec.sync_backs:
        via = sync.target.via
        if via is None:
            continue
        target = sync.target.object
        known = {name.lower() for name in soql.field_types(describes.get(target, {}))}
        present = {name for name in sync.fields if name.lower() in known}
        fields.setdefault(target, {"Id", "LastModifiedDate"}).update(present)
        ids = wanted.setdefault(target, set())
        syncs = spec.sync_backs_for(sync.rule)
        for record in records.get(sync.rule, ()):
            related_id = canonical_id(str(record.data.get(via) or ""))
            if related_id and project_id_for(sync.rule, record, baton.links, syncs) is not None:
                ids.add(related_id)
    return {
        target: _by_ids(sf, target, fields[target], sorted(ids))
        for target, ids in sorted(wanted.items())
        if ids
    }


def _by_ids(
    sf: SalesforceClient, object_name: str, fields: set[str], ids: list[str]
) -> dict[str, RecordData]:
    found: dict[str, RecordData] = {}
    for start in range(0, len(ids), ID_BATCH):
        batch = ids[start : start + ID_BATCH]
        query = soql.select(object_name, fields, f"Id IN {soql.in_list(batch, 'id')}")
        for row in sf.query(query):
            record_id = canonical_id(str(row["Id"])) or str(row["Id"])
            found[record_id] = {k: v for k, v in row.items() if k != "attributes"}
    log.debug("read %d related %s record(s) of %d", len(found), object_name, len(ids))
    return found
