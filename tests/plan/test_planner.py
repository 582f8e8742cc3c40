"""The planner is a pure function: these tests build Observed by hand, no I/O."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from reconciler.observe.model import Observed, ObservedRecord
from reconciler.plan.model import is_known_after_apply
from reconciler.plan.planner import make_plan, same_value
from reconciler.spec import Spec, load_spec

CONNECTION = """\
apiVersion: baton-sf/v1
kind: Connection
metadata: {name: test}
spec:
  salesforce:
    instanceUrl: https://127.0.0.1:1
    auth: {method: access-token, accessToken: {env: TOKEN}}
  baton: {url: https://127.0.0.1:1, apiKey: {env: KEY}}
  goLive: 2026-11-01T00:00:00Z
  timezone: America/New_York
"""
RULE = """\
apiVersion: baton-sf/v1
kind: ImportRule
metadata: {name: won}
spec:
  object: Opportunity
  when:
    all:
      - {field: StageName, eq: Closed Won}
      - {field: Type, eq: New Customer}
  fields:
    title: "{{ Account.Name }} - {{ Name }}"
    dueDate: CloseDate
  backfill: BACKFILL
"""
SYNC = """\
apiVersion: baton-sf/v1
kind: SyncBack
metadata: {name: opp}
spec:
  rule: won
  target: {object: Opportunity}
  fields:
    Baton_Project_ID__c: projectId
    Baton_Status__c: status
    Baton_Due_Date__c: dueDate
  onConflict: ON_CONFLICT
"""
DESCRIBE = {
    "name": "Opportunity",
    "fields": [
        {"name": "Baton_Project_ID__c", "type": "string", "length": 255},
        {"name": "Baton_Status__c", "type": "string", "length": 255},
        {"name": "Baton_Due_Date__c", "type": "date"},
    ],
}
AFTER_GO_LIVE = "2026-11-20T12:00:00.000+0000"
BEFORE_GO_LIVE = "2026-06-20T12:00:00.000+0000"


@pytest.fixture
def make_spec(tmp_path: Path) -> Callable[..., Spec]:
    def make(backfill: str = "none", on_conflict: str = "overwrite") -> Spec:
        (tmp_path / "connection.yaml").write_text(CONNECTION)
        (tmp_path / "rule.yaml").write_text(RULE.replace("BACKFILL", backfill))
        (tmp_path / "sync.yaml").write_text(SYNC.replace("ON_CONFLICT", on_conflict))
        return load_spec(tmp_path)

    return make


def record(record_id: str, modified: str = AFTER_GO_LIVE, **fields: Any) -> ObservedRecord:
    data = {
        "Id": record_id,
        "Name": "Deal",
        "Account": {"Name": "Acme"},
        "CloseDate": "2027-01-31",
        "LastModifiedDate": modified,
        **fields,
    }
    linked = fields.get("Baton_Project_ID__c") is not None
    return ObservedRecord("won", "Opportunity", record_id, data, candidate=not linked)


def observed(*records: ObservedRecord, projects: Any = (), links: Any = None) -> Observed:
    return Observed(
        instance_url="https://127.0.0.1:1",
        organization_id="00D000000000001AAA",
        baton_url="https://127.0.0.1:1",
        records={"won": tuple(records)},
        projects={int(p["id"]): p for p in projects},
        links=links or {},
        link_field_id=1,
        describes={"Opportunity": DESCRIBE},
    )


def project(project_id: int, **fields: Any) -> dict[str, Any]:
    return {
        "id": project_id,
        "title": "Acme - Deal",
        "status": "doing",
        "deadline_datetime": "2027-01-31T05:00:00Z",
        **fields,
    }


def test_matching_record_modified_after_go_live_becomes_a_project(make_spec: Any) -> None:
    plan = make_plan(make_spec(), observed(record("006A")))

    create, write = plan.changes
    assert create.resource == "baton.project"
    assert create.after == {"title": "Acme - Deal", "dueDate": "2027-01-31", "link": "won/006A"}
    assert write.resource == "salesforce.record"
    assert write.fields is not None
    assert all(is_known_after_apply(item.after) for item in write.fields.values())
    assert plan.summary.create == 1


def test_record_last_modified_before_go_live_is_not_imported(make_spec: Any) -> None:
    plan = make_plan(make_spec(), observed(record("006A", BEFORE_GO_LIVE)))

    assert plan.changes == []
    assert [d.code for d in plan.diagnostics] == ["not-after-go-live"]


def test_backfill_all_imports_records_from_before_go_live(make_spec: Any) -> None:
    plan = make_plan(make_spec("all"), observed(record("006A", BEFORE_GO_LIVE)))

    assert plan.summary.create == 1


def test_backfill_by_id_imports_only_the_named_record(make_spec: Any) -> None:
    spec = make_spec("{ids: ['006000000000001']}")
    old = (record("006000000000001AAA", BEFORE_GO_LIVE), record("006B", BEFORE_GO_LIVE))

    plan = make_plan(spec, observed(*old))

    created = [c.record.id for c in plan.changes if c.resource == "baton.project" and c.record]
    assert created == ["006000000000001AAA"]


def test_linked_record_in_step_needs_nothing(make_spec: Any) -> None:
    linked = record(
        "006A", Baton_Project_ID__c="7", Baton_Status__c="Doing", Baton_Due_Date__c="2027-01-31"
    )

    plan = make_plan(make_spec(), observed(linked, projects=[project(7)], links={"won/006A": 7}))

    assert plan.changes == []
    assert plan.summary.unchanged == 1


def test_only_fields_that_differ_are_written(make_spec: Any) -> None:
    linked = record(
        "006A", Baton_Project_ID__c="7", Baton_Status__c="Planning", Baton_Due_Date__c="2027-01-31"
    )

    plan = make_plan(make_spec(), observed(linked, projects=[project(7)], links={"won/006A": 7}))

    (write,) = plan.changes
    assert write.fields is not None
    assert {name: (f.before, f.after) for name, f in write.fields.items()} == {
        "Baton_Status__c": ("Planning", "Doing")
    }
    assert plan.summary.field_writes == 1


def test_link_missing_on_the_baton_side_is_repaired(make_spec: Any) -> None:
    linked = record(
        "006A", Baton_Project_ID__c="7", Baton_Status__c="Doing", Baton_Due_Date__c="2027-01-31"
    )

    plan = make_plan(make_spec(), observed(linked, projects=[project(7)]))

    (link,) = plan.changes
    assert link.resource == "baton.customFieldValue"
    assert link.project_id == 7
    assert link.after == {"Salesforce Link": "won/006A"}


def test_link_missing_on_the_salesforce_side_is_written_not_recreated(make_spec: Any) -> None:
    plan = make_plan(
        make_spec(), observed(record("006A"), projects=[project(7)], links={"won/006A": 7})
    )

    (write,) = plan.changes
    assert write.resource == "salesforce.record"
    assert write.fields is not None
    assert write.fields["Baton_Project_ID__c"].after == "7"
    assert plan.summary.create == 0


def test_due_date_is_cut_in_the_connection_timezone(make_spec: Any) -> None:
    late_evening = project(7, deadline_datetime="2027-02-01T03:00:00Z")
    linked = record(
        "006A", Baton_Project_ID__c="7", Baton_Status__c="Doing", Baton_Due_Date__c="2027-02-01"
    )

    plan = make_plan(make_spec(), observed(linked, projects=[late_evening], links={"won/006A": 7}))

    (write,) = plan.changes
    assert write.fields is not None
    assert write.fields["Baton_Due_Date__c"].after == "2027-01-31"


def test_plan_is_deterministic(make_spec: Any) -> None:
    state = observed(record("006B"), record("006A"), record("006C", BEFORE_GO_LIVE))

    first = make_plan(make_spec(), state).to_json()
    second = make_plan(make_spec(), state).to_json()

    assert first == second


@pytest.mark.parametrize(
    ("before", "after", "same"),
    [
        pytest.param(None, "", True, id="null-is-empty"),
        pytest.param(120000.0, "120000.00", True, id="number-and-decimal-text"),
        pytest.param(120000.0, 120000.5, False, id="numbers-differ"),
        pytest.param("Doing", "Doing", True, id="same-text"),
        pytest.param("2026-01-01T00:00:00.000+0000", "2026-01-01T00:00:00Z", True, id="instants"),
        pytest.param(None, "x", False, id="empty-to-value"),
    ],
)
def test_same_value_compares_as_salesforce_stores(before: Any, after: Any, same: bool) -> None:
    assert same_value(before, after) is same


@pytest.mark.parametrize(
    ("policy", "written", "severity"),
    [
        pytest.param("overwrite", True, None, id="overwrite"),
        pytest.param("skip", False, "warning", id="skip"),
        pytest.param("fail", False, "error", id="fail"),
    ],
)
def test_a_field_a_person_changed_follows_on_conflict(
    make_spec: Any, policy: str, written: bool, severity: str | None
) -> None:
    edited = record(
        "006A", Baton_Project_ID__c="7", Baton_Status__c="On hold", Baton_Due_Date__c="2027-01-31"
    )
    state = observed(edited, projects=[project(7)], links={"won/006A": 7})
    state = replace(state, last_written={("Opportunity", "006A", "Baton_Status__c"): "Planning"})

    plan = make_plan(make_spec(on_conflict=policy), state)

    fields = plan.changes[0].fields if plan.changes else {}
    assert ("Baton_Status__c" in (fields or {})) is written
    conflicts = [d for d in plan.diagnostics if d.code == "conflict"]
    assert [d.severity for d in conflicts] == ([severity] if severity else [])


def test_a_field_still_holding_what_was_written_is_no_conflict(make_spec: Any) -> None:
    kept = record(
        "006A", Baton_Project_ID__c="7", Baton_Status__c="Planning", Baton_Due_Date__c="2027-01-31"
    )
    state = observed(kept, projects=[project(7)], links={"won/006A": 7})
    state = replace(state, last_written={("Opportunity", "006A", "Baton_Status__c"): "Planning"})

    plan = make_plan(make_spec(on_conflict="fail"), state)

    (write,) = plan.changes
    assert write.fields is not None and write.fields["Baton_Status__c"].after == "Doing"
    assert not [d for d in plan.diagnostics if d.code == "conflict"]
