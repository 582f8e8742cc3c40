"""The schema stage against the emulator: planned, applied, and then nothing left to do."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reconciler.apply.runner import apply_plan
from reconciler.apply.schema import apply_schema
from reconciler.plan.run import plan_spec
from reconciler.salesforce import schema_writes
from reconciler.salesforce.client import SalesforceClient
from reconciler.salesforce.schema import PERMISSION_SET_NAME
from tests.schema.schema_support import write_live_spec

SEED = {
    "salesforce": {
        "Opportunity": [
            {
                "Name": "Won deal",
                "StageName": "Closed Won",
                "Type": "New Customer",
                "Amount": 20000,
                "CloseDate": "2026-12-01",
            },
            {
                "Name": "Lost deal",
                "StageName": "Closed Lost",
                "Type": "New Customer",
                "CloseDate": "2026-12-01",
            },
        ]
    },
    "baton": {
        "users": [
            {
                "id": 1,
                "first_name": "Pat",
                "last_name": "Lee",
                "email": "pm@x.example",
                "account_type": "admin",
            }
        ],
        "custom_fields": [{"id": 1, "title": "Salesforce Link", "type": "text"}],
    },
}
RULE = """\
apiVersion: baton-sf/v1
kind: ImportRule
metadata: {name: won}
spec:
  object: Opportunity
  backfill: all
  when:
    all:
      - {field: StageName, eq: Closed Won}
      - {field: Type, eq: New Customer}
      - {field: Amount, gt: AMOUNT}
  fields:
    title: Name
"""
SYNC = """\
apiVersion: baton-sf/v1
kind: SyncBack
metadata: {name: opportunity}
spec:
  rule: won
  target: {object: Opportunity}
  createMissingFields: true
  trackHistory: [Baton_Status__c]
  fields:
    Baton_Project_ID__c: projectId
    Baton_Status__c: status
    Baton_Tasks_Complete__c: tasksCompletePercentage
    Baton_Due_Date__c: dueDate
"""


@pytest.fixture
def org(make_emulator: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> Any:
    running = make_emulator(seed=SEED)
    for name, value in running.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("BATON_SF_DESCRIBE_WAIT_SECONDS", "10")
    return running


def spec_dir(tmp_path: Path, amount: int = 10000) -> Path:
    return write_live_spec(tmp_path / "spec", rule=RULE.replace("AMOUNT", str(amount)), sync=SYNC)


def schema_changes(plan: Any) -> list[tuple[str, str]]:
    return [
        (c.action, c.address)
        for c in plan.changes
        if c.resource.startswith("salesforce.") and c.resource != "salesforce.record"
    ]


def test_apply_creates_the_planned_schema_and_the_next_plan_has_none(
    org: Any, tmp_path: Path
) -> None:
    spec, clients, plan = plan_spec(spec_dir(tmp_path), None)

    report = apply_plan(plan, spec, clients.salesforce, clients.baton)
    _, _, again = plan_spec(spec_dir(tmp_path), None)

    assert report.failed == [], report.failed
    assert len(schema_changes(plan)) == 4 + 2 + 4 + 1 + 1
    assert schema_changes(again) == []
    assert again.changes == []
    sf = org.sf()
    fields = {f["name"]: f for f in sf.Opportunity.describe()["fields"]}
    link = fields["Baton_Project_ID__c"]
    assert (link["type"], link["length"], link["externalId"], link["unique"]) == (
        "string",
        255,
        True,
        True,
    )
    assert not link["caseSensitive"]
    percent = fields["Baton_Tasks_Complete__c"]
    assert (percent["type"], percent["precision"], percent["scale"]) == ("percent", 3, 0)
    assert fields["Baton_Due_Date__c"]["type"] == "date"
    (won,) = sf.query(
        "SELECT Baton_Status__c, Baton_Project_ID__c FROM Opportunity WHERE Name = 'Won deal'"
    )["records"]
    assert won["Baton_Project_ID__c"] and won["Baton_Status__c"]
    tracked = sf.restful(
        "tooling/query/",
        params={
            "q": "SELECT QualifiedApiName, IsFieldHistoryTracked FROM FieldDefinition "
            "WHERE EntityDefinitionId = 'Opportunity'"
        },
    )["records"]
    assert {r["QualifiedApiName"] for r in tracked if r["IsFieldHistoryTracked"]} >= {
        "Baton_Status__c"
    }
    (topic,) = sf.query("SELECT Name, Query, NotifyForFields, ApiVersion FROM PushTopic")["records"]
    assert topic["Query"] == (
        "SELECT Id, Amount, StageName, Type FROM Opportunity WHERE (StageName = 'Closed Won') "
        "AND (Type = 'New Customer') AND (Amount > 10000)"
    )
    assert (topic["NotifyForFields"], topic["ApiVersion"]) == ("Referenced", 62.0)


def test_a_changed_rule_updates_its_topic_and_a_removed_one_is_deleted_only_with_prune(
    org: Any, tmp_path: Path
) -> None:
    spec, clients, plan = plan_spec(spec_dir(tmp_path), None)
    apply_plan(plan, spec, clients.salesforce, clients.baton)

    spec, clients, changed = plan_spec(spec_dir(tmp_path, amount=50000), None)
    apply_plan(changed, spec, clients.salesforce, clients.baton)
    (topic,) = org.sf().query("SELECT Id, Name, Query FROM PushTopic")["records"]
    renamed = write_live_spec(
        tmp_path / "renamed",
        rule=RULE.replace("name: won", "name: won2").replace("AMOUNT", "1"),
        sync=SYNC.replace("rule: won", "rule: won2"),
    )
    spec, clients, moved = plan_spec(renamed, None)
    kept = apply_plan(moved, spec, clients.salesforce, clients.baton)
    pruned = apply_plan(moved, spec, clients.salesforce, clients.baton, prune=True)

    assert schema_changes(changed) == [("update", f"salesforce.pushTopic[{topic['Name']}]")]
    assert "Amount > 50000" in topic["Query"]
    delete = f"salesforce.pushTopic[{topic['Name']}]"
    assert ("delete", delete) in schema_changes(moved)
    assert [o.status for o in kept.outcomes if o.address == delete] == ["skipped"]
    assert [o.status for o in pruned.outcomes if o.address == delete] == ["applied"]
    names = {r["Name"] for r in org.sf().query("SELECT Name FROM PushTopic")["records"]}
    assert topic["Name"] not in names and len(names) == 1


def test_a_new_field_is_invisible_until_granted_and_the_wait_sees_it(
    org: Any, tmp_path: Path
) -> None:
    _, clients, _ = plan_spec(spec_dir(tmp_path), None)
    sf: SalesforceClient = clients.salesforce
    metadata = {"label": "Baton Phase", "type": "Text", "length": 255}

    first = schema_writes.create_custom_field(sf, "Opportunity.Baton_Phase__c", metadata)
    again = schema_writes.create_custom_field(sf, "Opportunity.Baton_Phase__c", metadata)
    hidden = schema_writes.wait_until_visible(sf, {"Opportunity": {"Baton_Phase__c"}}, 0)
    permission_set = schema_writes.ensure_permission_set(sf)
    schema_writes.assign_permission_set(sf, permission_set, sf.user_info().user_id)
    schema_writes.assign_permission_set(sf, permission_set, sf.user_info().user_id)
    schema_writes.grant_field(sf, permission_set, "Opportunity.Baton_Phase__c")
    shown = schema_writes.wait_until_visible(sf, {"Opportunity": {"Baton_Phase__c"}}, 5, 0.1)

    assert first == again
    assert hidden == {"Opportunity": {"Baton_Phase__c"}}
    assert shown == {}
    assert schema_writes.ensure_permission_set(sf) == permission_set
    (row,) = org.sf().query(f"SELECT Id FROM PermissionSet WHERE Name = '{PERMISSION_SET_NAME}'")[
        "records"
    ]
    assert row["Id"] == permission_set


def test_a_field_the_org_refuses_is_reported_and_the_stage_goes_on(
    org: Any, tmp_path: Path
) -> None:
    _, clients, plan = plan_spec(spec_dir(tmp_path), None)
    creates = [c for c in plan.changes if c.resource == "salesforce.customField"]
    broken = creates[0].model_copy(update={"after": {"label": "Bad", "type": "Text", "length": 0}})
    outcomes: list[tuple[str, str, str, str | None]] = []

    apply_schema(
        clients.salesforce,
        [broken, *creates[1:]],
        prune=False,
        record=lambda *outcome: outcomes.append(outcome),
        wait_seconds=0,
    )

    assert outcomes[0][1:2] == ("failed",)
    assert outcomes[0][3] == "FIELD_INTEGRITY_EXCEPTION"
    assert [o[1] for o in outcomes[1:]] == ["applied"] * (len(creates) - 1)
