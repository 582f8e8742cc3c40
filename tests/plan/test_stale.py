"""A saved plan is refused when what it was computed from moved; only what it touches counts."""

from __future__ import annotations

from typing import Any

from reconciler.plan.model import (
    BatonTarget,
    Change,
    FieldChange,
    Plan,
    RecordRef,
    SalesforceTarget,
    SpecInfo,
    Summary,
    Targets,
    Tool,
)
from reconciler.plan.stale import Touched, find_moved

MODIFIED = "2026-11-20T12:00:00.000+0000"


def _plan(*changes: Change) -> Plan:
    return Plan(
        tool=Tool(version="0"),
        spec=SpecInfo(digest="d", directory="specs"),
        targets=Targets(
            salesforce=SalesforceTarget(instance_url="https://x"),
            baton=BatonTarget(url="https://x"),
        ),
        summary=Summary(),
        changes=list(changes),
    )


def _write(record_id: str, before: Any, project_modified: str = "m1") -> Change:
    return Change(
        action="update",
        resource="salesforce.record",
        address=f"salesforce.record[Opportunity/{record_id}]",
        rule="won",
        record=RecordRef(object="Opportunity", id=record_id),
        fields={"Status__c": FieldChange(before=before, after="Doing", source="status")},
        observed={"LastModifiedDate": MODIFIED, "project": {"id": 7, "modified": project_modified}},
    )


def _create(record_id: str) -> Change:
    return Change(
        action="create",
        resource="baton.project",
        address=f"baton.project[won/{record_id}]",
        rule="won",
        record=RecordRef(object="Opportunity", id=record_id),
        after={"title": "T", "link": f"won/{record_id}"},
        observed={"LastModifiedDate": MODIFIED},
    )


def _now(records: dict[str, dict[str, Any]], modified: str = "m1", links: Any = None) -> Touched:
    return Touched(
        records={
            ("Opportunity", rid): {"LastModifiedDate": MODIFIED, **r} for rid, r in records.items()
        },
        projects={7: {"id": 7, "modified": modified}},
        links=links or {},
    )


def test_nothing_moved_means_fresh() -> None:
    plan = _plan(_write("006A", "Planning"), _create("006B"))

    assert find_moved(plan, _now({"006A": {"Status__c": "Planning"}, "006B": {}})) == []


def test_a_field_that_moved_is_named() -> None:
    plan = _plan(_write("006A", "Planning"))

    (moved,) = find_moved(plan, _now({"006A": {"Status__c": "Done"}}))

    assert "Status__c" in moved.what and "006A" in moved.what


def test_a_record_modified_since_the_plan_is_named() -> None:
    plan = _plan(_create("006B"))
    touched = _now({"006B": {"LastModifiedDate": "2026-12-01T00:00:00.000+0000"}})

    (moved,) = find_moved(plan, touched)

    assert "modified" in moved.what


def test_a_project_changed_in_baton_is_named() -> None:
    plan = _plan(_write("006A", "Planning"))

    (moved,) = find_moved(plan, _now({"006A": {"Status__c": "Planning"}}, modified="m2"))

    assert "project 7" in moved.what


def test_a_project_created_since_the_plan_makes_the_create_stale() -> None:
    plan = _plan(_create("006B"))

    (moved,) = find_moved(plan, _now({"006B": {}}, links={"won/006B": 9}))

    assert "already imports" in moved.what


def test_an_unrelated_record_does_not_count() -> None:
    plan = _plan(_write("006A", "Planning"))
    touched = _now({"006A": {"Status__c": "Planning"}, "006Z": {"Status__c": "Other"}})

    assert find_moved(plan, touched) == []
