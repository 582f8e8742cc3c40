"""Reading an ImportRule document into the ImportRule model."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Final

from reconciler.catalog import (
    CUSTOM_PREFIX,
    IMPORTABLE_OBJECTS,
    baton_field,
    canonical_id,
    importable_keys,
    is_importable,
)
from reconciler.spec.conditions import Criterion
from reconciler.spec.diagnostics import DiagnosticLog, Location, nearest, suggestion
from reconciler.spec.documents import Document
from reconciler.spec.import_rule import Backfill, ImportRule
from reconciler.spec.parse_conditions import parse_when
from reconciler.spec.sections import Section, build_model, wrong_type
from reconciler.spec.values import read_source
from reconciler.spec.yamltree import YMap, YNode, YScalar

SPEC_KEYS: Final = ("object", "when", "projectLead", "template", "backfill", "fields")
BACKFILL_MODES: Final = ("none", "all")
EMAIL: Final = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_OPPORTUNITY_NEEDS: Final = ("Type", "StageName")


def parse_import_rule(doc: Document, log: DiagnosticLog) -> ImportRule | None:
    """The ImportRule in `doc`, or None when it has errors (all reported to `log`)."""
    assert doc.spec is not None
    errors = log.error_count()
    spec = Section(doc.spec, log, "spec", SPEC_KEYS, at=doc.spec_loc)
    obj = _object(spec)
    when_node = spec.value("when")
    when = parse_when(when_node, "spec.when", log) if when_node is not None else None
    if when_node is None:
        log.error(
            "no-criteria",
            "the import rule has no criteria (spec.when)",
            spec.at,
            hint="add when: with at least one criterion, e.g. {field: StageName, eq: Closed Won}",
        )
    if obj == "Opportunity" and when is not None:
        _check_opportunity(when.criteria(), spec)
    lead = _project_lead(spec)
    template = spec.text("template")
    backfill = _backfill(spec)
    fields, custom, locations = _fields(spec)
    if log.error_count() > errors or obj is None or when is None or backfill is None:
        return None
    return build_model(
        log,
        doc.name_loc,
        "the import rule",
        lambda: ImportRule(
            name=doc.name,
            location=doc.name_loc,
            object=obj,
            when=when,
            project_lead=lead,
            template=template,
            backfill=backfill,
            fields=fields,
            custom_fields=custom,
            locations={"object": spec.value_loc("object"), **locations},
        ),
    )


def _object(spec: Section) -> str | None:
    name = spec.text("object", required=True, hint="e.g. Opportunity, or a custom object (__c)")
    if name is None or is_importable(name.strip()):
        return name.strip() if name else None
    close = nearest(name, IMPORTABLE_OBJECTS)
    spec.log.error(
        "not-importable",
        f"Baton cannot import from object '{name}'",
        spec.value_loc("object"),
        hint=(f"did you mean '{close}'? " if close else "")
        + "use a custom object (ending in __c) or one of: "
        + ", ".join(sorted(IMPORTABLE_OBJECTS)),
    )
    return None


def _check_opportunity(criteria: tuple[Criterion, ...], spec: Section) -> None:
    # Known limit: a criterion on Type or StageName counts wherever it sits in `when`, also
    # inside an `any` group, where it does not by itself restrict what is imported.
    tested = {criterion.field.lower() for criterion in criteria}
    missing = [name for name in _OPPORTUNITY_NEEDS if name.lower() not in tested]
    if missing:
        spec.log.error(
            "opportunity-needs-type-and-stage",
            "an Opportunity rule needs criteria on both Type and StageName; missing: "
            + ", ".join(missing),
            spec.key_loc("when"),
            hint="add e.g. {field: StageName, eq: Closed Won} and {field: Type, eq: New Customer}",
        )


def _project_lead(spec: Section) -> str | None:
    lead = spec.text("projectLead", hint="a Baton user's email address")
    if lead is None or EMAIL.match(lead.strip()):
        return lead.strip() if lead else None
    spec.log.error(
        "bad-email",
        f"spec.projectLead '{lead}' is not an email address",
        spec.value_loc("projectLead"),
        hint="give the email of a Baton user",
    )
    return None


def _backfill(spec: Section) -> Backfill | None:
    node = spec.value("backfill")
    if node is None:
        return Backfill()
    if isinstance(node, YScalar) and isinstance(node.value, str):
        if node.value in BACKFILL_MODES:
            return Backfill(mode="all" if node.value == "all" else "none")
        spec.log.error(
            "bad-value",
            f"spec.backfill '{node.value}' is not a backfill",
            node.loc,
            hint="write none, all, {since: 2026-01-01} or {ids: [006...]}",
        )
        return None
    if not isinstance(node, YMap):
        spec.wrong_type("backfill", node, "none, all, {since: date} or {ids: [...]}")
        return None
    section = Section(
        node, spec.log, "spec.backfill", ("since", "ids"), at=spec.key_loc("backfill")
    )
    if len(node.entries) != 1:
        spec.log.error(
            "bad-value",
            "spec.backfill takes exactly one of since or ids",
            node.loc,
            hint="write {since: 2026-01-01} or {ids: [006...]}",
        )
        return None
    if "since" in node.entries:
        since = _since(section)
        return None if since is None else Backfill(mode="since", since=since)
    ids = _ids(section)
    return None if ids is None else Backfill(mode="ids", ids=ids)


def _since(section: Section) -> date | None:
    node = section.required("since")
    value = node.value if isinstance(node, YScalar) else None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            value = None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if node is not None:
        section.wrong_type("since", node, "a date (YYYY-MM-DD)", hint="e.g. since: 2026-01-01")
    return None


def _ids(section: Section) -> tuple[str, ...] | None:
    items = section.sequence("ids", required=True)
    if items is None:
        return None
    if not items.items:
        section.log.error(
            "bad-value",
            "spec.backfill.ids is an empty list",
            items.loc,
            hint="list record IDs, or remove the backfill",
        )
        return None
    ids: list[str] = []
    for index, item in enumerate(items.items):
        record_id = _record_id(item, f"spec.backfill.ids[{index}]", section.log)
        if record_id is None:
            continue
        if record_id in ids:
            section.log.warning(
                "duplicate-entry",
                f"record ID {record_id} is listed twice",
                item.loc,
                hint="remove one",
            )
            continue
        ids.append(record_id)
    return tuple(ids) if len(ids) else None


def _record_id(node: YNode, what: str, log: DiagnosticLog) -> str | None:
    if not (isinstance(node, YScalar) and isinstance(node.value, str)):
        wrong_type(log, what, node, "a record ID", hint="quote it if needed")
        return None
    record_id = canonical_id(node.value.strip())
    if record_id is None:
        log.error(
            "bad-record-id",
            f"{what} '{node.value}' is not a Salesforce record ID",
            node.loc,
            hint="give the 15- or 18-character ID, e.g. 0065g00000AbCdEAAV",
        )
    return record_id


def _fields(spec: Section) -> tuple[dict[str, str], dict[str, str], dict[str, Location]]:
    """`fields`: Baton key to source, with custom fields (under `custom:` or written as
    `custom.NAME`) gathered apart, by title; and where each source is written, by
    `fields.KEY` (`fields.custom.TITLE` for a custom field)."""
    node = spec.mapping("fields")
    fields: dict[str, str] = {}
    custom: dict[str, str] = {}
    locations: dict[str, Location] = {}
    for key, entry in node.entries.items() if node is not None else ():
        what = f"spec.fields.{key}"
        if key == "custom":
            _custom_fields(entry.value, spec.log, custom, locations)
        elif key.startswith(CUSTOM_PREFIX):
            title = key[len(CUSTOM_PREFIX) :]
            _add_custom(title, entry.value, what, entry.key_loc, spec.log, custom, locations)
        elif _importable(key, entry.key_loc, spec.log):
            source = read_source(entry.value, what, spec.log)
            if source is not None:
                fields[key] = source
                locations[f"fields.{key}"] = entry.value.loc
    return fields, custom, locations


def _importable(key: str, at: Location, log: DiagnosticLog) -> bool:
    field = baton_field(key)
    if field is None:
        known = (*importable_keys(), "custom")
        log.error(
            "unknown-baton-field",
            f"'{key}' is not a Baton field",
            at,
            hint=suggestion(key, known, "Baton fields"),
        )
        return False
    if not field.importable:
        log.error(
            "not-importable-field",
            f"Baton field '{key}' is not filled at import; it is read from Baton",
            at,
            hint="fields filled at import: " + ", ".join(importable_keys()),
        )
        return False
    return True


def _custom_fields(
    node: YNode, log: DiagnosticLog, custom: dict[str, str], locations: dict[str, Location]
) -> None:
    if not isinstance(node, YMap):
        wrong_type(
            log,
            "spec.fields.custom",
            node,
            "a mapping of custom field title to source",
            hint="e.g. custom: {Region: Account.BillingCountry}",
        )
        return
    for title, entry in node.entries.items():
        what = f"spec.fields.custom.{title}"
        _add_custom(title, entry.value, what, entry.key_loc, log, custom, locations)


def _add_custom(
    title: str,
    node: YNode,
    what: str,
    key_loc: Location,
    log: DiagnosticLog,
    custom: dict[str, str],
    locations: dict[str, Location],
) -> None:
    if not title.strip():
        log.error(
            "empty-value",
            "a custom field title is empty",
            key_loc,
            hint="use the custom field's title in Baton",
        )
        return
    if title.strip() in custom:
        log.error(
            "duplicate-key",
            f"custom field '{title.strip()}' is mapped twice",
            key_loc,
            hint="keep one of the two",
        )
        return
    source = read_source(node, what, log)
    if source is not None:
        custom[title.strip()] = source
        locations[f"fields.{CUSTOM_PREFIX}{title.strip()}"] = node.loc
