"""Preflight, against the emulator: every failure is a plan error line naming cause and fix."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reconciler.errors import PlanError
from reconciler.plan import preflight
from reconciler.plan.run import plan_spec
from reconciler.salesforce.client import connect
from reconciler.spec import load_spec
from tests.schema.schema_support import LIVE_CONNECTION, write_live_spec

OPPORTUNITIES = {
    "Opportunity": [
        {
            "Name": "Won",
            "StageName": "Closed Won",
            "Type": "New Customer",
            "CloseDate": "2026-12-01",
        }
    ]
}
BATON = {"custom_fields": [{"id": 1, "title": "Salesforce Link", "type": "text"}]}
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
"""
SYNC = """\
apiVersion: baton-sf/v1
kind: SyncBack
metadata: {name: opportunity}
spec:
  rule: won
  target: {object: Opportunity}
  fields:
    Description: status
"""


@pytest.fixture
def start(
    make_emulator: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Callable[..., Path]:
    """Start an emulator with extra seed settings and return a spec directory for it."""

    def make(**settings: Any) -> Path:
        running = make_emulator(seed={"salesforce": OPPORTUNITIES, "baton": BATON, **settings})
        for name, value in running.env.items():
            monkeypatch.setenv(name, value)
        return write_live_spec(tmp_path / "spec", rule=RULE, sync=SYNC)

    return make


def test_a_clean_org_passes(start: Callable[..., Path]) -> None:
    _, _, plan = plan_spec(start(), None)

    assert plan.has_changes


def test_missing_push_topic_rights_and_the_legacy_package_are_each_one_line(
    start: Callable[..., Path],
) -> None:
    spec_dir = start(
        userPermissions={"PushTopic": {"create": False, "delete": False}},
        installedPackages=[{"name": "Baton", "namespace": "baton"}],
    )

    with pytest.raises(PlanError) as caught:
        plan_spec(spec_dir, None)

    lines = str(caught.value).splitlines()
    assert lines == [
        "preflight: the integration user cannot create, delete PushTopic records; give its "
        "profile or a permission set Read, Create, Edit and Delete on Push Topics",
        'preflight: the deprecated managed package "Baton" (namespace "baton") is installed '
        "and interferes with the integration; uninstall it: Setup > Apps > Packaging > "
        'Installed Packages, then Uninstall next to "Baton"',
    ]


def test_another_package_is_no_problem(start: Callable[..., Path]) -> None:
    spec_dir = start(installedPackages=[{"name": "Baton Helpers", "namespace": "bh"}])

    _, _, plan = plan_spec(spec_dir, None)

    assert plan.has_changes


def test_a_target_object_the_user_cannot_edit_is_named(start: Callable[..., Path]) -> None:
    spec = load_spec(start(userPermissions={"Opportunity": {"edit": False}}))

    problems = list(preflight.target_rights(spec, connect(spec)))

    assert problems[0] == (
        "the integration user cannot update Opportunity records (SyncBack opportunity); give "
        "its profile or a permission set Edit on Opportunity"
    )


def test_an_api_version_the_org_does_not_serve_is_named(
    start: Callable[..., Path], tmp_path: Path
) -> None:
    spec_dir = start()
    (spec_dir / "connection.yaml").write_text(
        LIVE_CONNECTION.replace('apiVersion: "62.0"', 'apiVersion: "99.0"')
    )
    spec = load_spec(spec_dir)

    (problem,) = preflight.api_version(spec, connect(spec))

    assert problem.startswith("the org does not serve API version 99.0 (its newest is ")
    assert 'set salesforce.apiVersion to a version it serves, such as "' in problem


def test_a_plan_bigger_than_the_days_allowance_is_refused(start: Callable[..., Path]) -> None:
    _, clients, plan = plan_spec(start(), None)
    remaining = clients.salesforce.limits()["DailyApiRequests"]["Remaining"]
    huge = plan.model_copy(
        update={
            "summary": plan.summary.model_copy(
                update={
                    "api_calls": plan.summary.api_calls.model_copy(
                        update={"salesforce": remaining + 1000}
                    )
                }
            )
        }
    )

    (problem,) = preflight.daily_requests(clients.salesforce, huge)
    fits = list(preflight.daily_requests(clients.salesforce, plan))

    assert f"API requests left today and applying the plan takes about {remaining + 1000}" in (
        problem
    )
    assert fits == []
