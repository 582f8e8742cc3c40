"""The schema stage of the planner is pure: Observed and its SchemaState are built by hand."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from reconciler.errors import PlanError
from reconciler.observe.model import Observed, ObservedRecord
from reconciler.plan.planner import make_plan
from reconciler.plan.render import render_text
from reconciler.plan.schema import plan_schema
from reconciler.salesforce.client import UserInfo
from reconciler.salesforce.push_topics import topic_name, topic_query, topic_record
from reconciler.salesforce.schema import SchemaState
from tests.schema.schema_support import opportunity_describe, write_spec

USER = UserInfo("005000000000001AAA", "integration@example.com", "00D000000000001AAA")


def observed(state: SchemaState, *records: ObservedRecord) -> Observed:
    return Observed(
        instance_url="https://127.0.0.1:1",
        organization_id="00D000000000001AAA",
        baton_url="https://127.0.0.1:1",
        records={"won": tuple(records)},
        projects={},
        links={},
        link_field_id=1,
        describes={"Opportunity": state.describes["Opportunity"]},
        schema=state,
    )


def state(*extra: dict[str, Any], **changes: Any) -> SchemaState:
    base = SchemaState(describes={"Opportunity": opportunity_describe(*extra)}, user=USER)
    return replace(base, **changes)


def kinds(changes: Any) -> list[tuple[str, str, str]]:
    return [(c.action, c.resource, c.address) for c in changes]


def test_describe_only_org_plans_fields_access_tracking_and_topic(tmp_path: Path) -> None:
    spec = write_spec(tmp_path)

    plan = make_plan(spec, observed(state()))

    creates = [c for c in plan.changes if c.resource == "salesforce.customField"]
    assert [c.field for c in creates] == [
        "Opportunity.Baton_Contract_Value__c",
        "Opportunity.Baton_Description__c",
        "Opportunity.Baton_Due_Date__c",
        "Opportunity.Baton_Project_ID__c",
        "Opportunity.Baton_Project_URL__c",
        "Opportunity.Baton_Status__c",
        "Opportunity.Baton_Tasks_Complete__c",
    ]
    link = next(c for c in creates if c.field == "Opportunity.Baton_Project_ID__c")
    assert link.after is not None and link.after["externalId"] and link.after["unique"]
    access = [c for c in plan.changes if c.resource == "salesforce.fieldPermission"]
    assert [c.address for c in access[:2]] == [
        "salesforce.fieldPermission[PermissionSet Baton_SF_Integration]",
        "salesforce.fieldPermission[PermissionSetAssignment integration@example.com]",
    ]
    assert len(access) == 2 + len(creates)
    assert kinds(c for c in plan.changes if c.resource == "salesforce.historyTracking") == [
        (
            "update",
            "salesforce.historyTracking",
            "salesforce.historyTracking[Opportunity.Baton_Status__c]",
        )
    ]
    topics = [c for c in plan.changes if c.resource == "salesforce.pushTopic"]
    assert kinds(topics) == [
        ("create", "salesforce.pushTopic", f"salesforce.pushTopic[{topic_name('won')}]")
    ]
    assert plan.summary.schema_ == len(creates) + len(access) + 1 + 1
    assert plan.summary.api_calls.salesforce >= plan.summary.schema_


def test_schema_changes_come_first_and_read_well(tmp_path: Path) -> None:
    plan = make_plan(write_spec(tmp_path), observed(state()))

    text = render_text(plan)

    assert plan.changes[0].resource == "salesforce.customField"
    assert (
        "+ create Salesforce custom field Opportunity.Baton_Project_ID__c (Text(255), "
        "externalId, unique)" in text
    )
    assert "+ create permission set Baton_SF_Integration" in text
    assert "~ turn on field history tracking of Opportunity.Baton_Status__c" in text
    assert f"+ create PushTopic {topic_name('won')}: SELECT Id, StageName, Type" in text


def test_planned_fields_are_written_with_values_typed_by_their_planned_type(
    tmp_path: Path,
) -> None:
    spec = write_spec(tmp_path, {"Baton_Project_ID__c": "projectId", "Baton_Status__c": "status"})
    record = ObservedRecord(
        "won",
        "Opportunity",
        "006000000000001AAA",
        {
            "Id": "006000000000001AAA",
            "Name": "Deal",
            "LastModifiedDate": "2026-11-20T12:00:00.000+0000",
        },
        candidate=True,
    )

    plan = make_plan(spec, observed(state(), record))

    write = next(c for c in plan.changes if c.resource == "salesforce.record")
    assert write.fields is not None
    assert set(write.fields) == {"Baton_Project_ID__c", "Baton_Status__c"}


def test_an_org_that_has_everything_needs_no_schema_change(tmp_path: Path) -> None:
    spec = write_spec(tmp_path)
    first = make_plan(spec, observed(state()))
    entries = [c for c in first.changes if c.resource == "salesforce.customField"]
    rule = spec.rule("won")
    query = topic_query(rule, opportunity_describe()).query
    topic = {"Id": "0IF000000000001AAA", **topic_record(rule, query, "62.0")}
    fields = [
        {"name": c.field.split(".")[1], "type": "string", "updateable": True} for c in entries
    ]
    done = state(
        *fields,
        custom_fields={"Opportunity": {f["name"]: "00N" for f in fields}},
        tracked={"Opportunity": frozenset({"Baton_Status__c"})},
        push_topics=(topic,),
        permission_set_id="0PS000000000001AAA",
        assigned=True,
        granted=frozenset(c.field for c in entries if c.field),
    )

    plan = plan_schema(spec, observed(done))

    assert plan.changes == ()


def test_a_field_that_exists_but_is_invisible_is_only_granted(tmp_path: Path) -> None:
    spec = write_spec(
        tmp_path, {"Baton_Status__c": "status"}, extra="  createMissingFields: true\n"
    )
    hidden = state(
        custom_fields={"Opportunity": {"Baton_Status__c": "00N000000000001AAA"}},
        permission_set_id="0PS000000000001AAA",
        assigned=True,
    )

    plan = plan_schema(spec, observed(hidden))

    assert kinds(c for c in plan.changes if c.resource != "salesforce.pushTopic") == [
        (
            "create",
            "salesforce.fieldPermission",
            "salesforce.fieldPermission[Opportunity.Baton_Status__c]",
        )
    ]


def test_a_missing_field_without_create_missing_fields_names_the_nearest(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, {"Baton_Stauts__c": "status"}, extra="")
    org = state({"name": "Baton_Status__c", "type": "string", "updateable": True})

    with pytest.raises(PlanError) as caught:
        plan_schema(spec, observed(org))

    message = str(caught.value)
    assert "Opportunity.Baton_Stauts__c" in message
    assert "nearest existing: Baton_Status__c" in message
    assert "createMissingFields: true" in message


def test_lookup_fields_are_not_created(tmp_path: Path) -> None:
    spec = write_spec(
        tmp_path, {"Baton_Lead__c": "vendorLeadEmail"}, extra="  createMissingFields: true\n"
    )

    with pytest.raises(PlanError, match=r"lookup to Group, User; baton-sf does not create"):
        plan_schema(spec, observed(state()))


def test_more_than_twenty_tracked_fields_is_refused(tmp_path: Path) -> None:
    spec = write_spec(tmp_path)
    busy = state(tracked={"Opportunity": frozenset(f"F{i}__c" for i in range(20))})

    with pytest.raises(PlanError, match=r"track the history of 21 fields \(20 tracked now\)"):
        plan_schema(spec, observed(busy))


def test_tracking_a_standard_field_is_a_warning_with_the_setup_path(tmp_path: Path) -> None:
    spec = write_spec(
        tmp_path,
        {"Baton_Status__c": "status"},
        extra="  createMissingFields: true\n  trackHistory: [StageName]\n",
    )

    plan = plan_schema(spec, observed(state()))

    warning = next(d for d in plan.diagnostics if d.code == "history-standard-field")
    assert "Set History Tracking" in warning.message
    assert not [c for c in plan.changes if c.resource == "salesforce.historyTracking"]


def test_a_changed_rule_updates_its_topic_and_a_gone_rule_deletes_one(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, {"Name": "title"}, extra="", rules=("won",))
    rule = spec.rule("won")
    old = topic_record(rule, "SELECT Id, StageName FROM Opportunity", "62.0")
    gone = topic_record(rule, "SELECT Id FROM Opportunity", "62.0") | {
        "Name": "BatonSF_gone_123456"
    }
    org = state(push_topics=({"Id": "0IF1", **old}, {"Id": "0IF2", **gone}))

    plan = plan_schema(spec, observed(org))

    update, delete = plan.changes
    assert (update.action, update.observed) == (
        "update",
        {"Id": "0IF1", "Query": "SELECT Id, StageName FROM Opportunity"},
    )
    assert (delete.action, delete.address) == (
        "delete",
        "salesforce.pushTopic[BatonSF_gone_123456]",
    )
    assert "--prune" in (delete.reason or "")


def test_criteria_a_topic_cannot_hold_are_reported(tmp_path: Path) -> None:
    spec = write_spec(
        tmp_path, {"Name": "title"}, extra="", when="      - {field: Account.Name, eq: Acme}\n"
    )

    plan = plan_schema(spec, observed(state()))

    (note,) = [d for d in plan.diagnostics if d.code == "push-topic-broader"]
    assert "Account.Name" in note.message and note.severity == "warning"


def test_a_topic_query_over_1300_characters_is_refused(tmp_path: Path) -> None:
    names = ", ".join(f"Name {i:04d} with some padding" for i in range(60))
    spec = write_spec(
        tmp_path, {"Name": "title"}, extra="", when=f"      - {{field: Name, in: [{names}]}}\n"
    )

    with pytest.raises(PlanError, match=r"over Salesforce's 1300"):
        plan_schema(spec, observed(state()))
