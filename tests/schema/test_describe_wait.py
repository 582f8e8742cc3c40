"""New fields show in describe only after a delay: apply waits for them, within its bound."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reconciler.apply.runner import apply_plan
from reconciler.plan.run import plan_spec
from tests.schema.schema_support import write_live_spec
from tests.schema.test_apply_schema import RULE, SEED

SYNC = """\
apiVersion: baton-sf/v1
kind: SyncBack
metadata: {name: opportunity}
spec:
  rule: won
  target: {object: Opportunity}
  createMissingFields: true
  fields:
    Baton_Project_ID__c: projectId
    Baton_Status__c: status
"""
DELAY = 1.5


@pytest.fixture
def slow_org(make_faulty_org: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> Any:
    running = make_faulty_org(SEED, {"salesforce": {"describeDelaySeconds": DELAY}})
    for name, value in running.env.items():
        monkeypatch.setenv(name, value)
    return running


def spec_dir(tmp_path: Path) -> Path:
    return write_live_spec(tmp_path / "spec", rule=RULE.replace("AMOUNT", "1"), sync=SYNC)


def test_apply_waits_for_describe_then_writes_the_new_fields(
    slow_org: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BATON_SF_DESCRIBE_WAIT_SECONDS", "20")
    spec, clients, plan = plan_spec(spec_dir(tmp_path), None)

    report = apply_plan(plan, spec, clients.salesforce, clients.baton)

    assert report.failed == []
    writes = [o for o in report.outcomes if o.address.startswith("salesforce.record[")]
    assert writes and all(o.status == "applied" for o in writes)
    (won,) = slow_org.sf().query("SELECT Baton_Status__c FROM Opportunity WHERE Name = 'Won deal'")[
        "records"
    ]
    assert won["Baton_Status__c"]


def test_a_wait_that_runs_out_fails_the_grants_by_name(
    slow_org: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BATON_SF_DESCRIBE_WAIT_SECONDS", "0")
    spec, clients, plan = plan_spec(spec_dir(tmp_path), None)

    report = apply_plan(plan, spec, clients.salesforce, clients.baton)

    timed_out = [o for o in report.failed if o.code == "DESCRIBE_TIMEOUT"]
    assert [o.address for o in timed_out] == [
        "salesforce.fieldPermission[Opportunity.Baton_Project_ID__c]",
        "salesforce.fieldPermission[Opportunity.Baton_Status__c]",
    ]
    assert "plan and apply again in a few minutes" in timed_out[0].message
