"""Each default guardrail in policies/ trips on the plan or spec it guards against and
passes the one it allows."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.plan.model import Change, DailyApiRequests
from reconciler.policy import load_policies
from tests.policy.policy_support import (
    DEMO_SPECS,
    POLICIES,
    SCAFFOLD_SPECS,
    copy_specs,
    first_line_of_document,
    judge,
    make_plan,
    project_create,
    record_write,
    tripped,
    write_policy,
)

MAPPED = ["Baton_Status__c", "Baton_Phase__c"]


def test_the_default_guardrails_load_without_diagnostics() -> None:
    policy_set, diagnostics = load_policies(POLICIES)

    assert diagnostics == []
    assert [rule.name for rule in policy_set.policies[0].rules] == [
        "firehose",
        "unmapped-field-write",
        "delete-needs-allowance",
        "status-history",
        "api-budget",
        "go-live-in-production",
    ]


def test_firehose_denies_more_creates_than_allowed() -> None:
    report = judge(SCAFFOLD_SPECS, make_plan(project_create(n) for n in range(51)))

    [finding] = [f for f in report.findings if f.rule == "firehose"]
    assert finding.level == "deny"
    assert finding.message.startswith("At most 50 projects per apply")


def test_firehose_passes_the_allowed_number_and_more_in_the_sandbox() -> None:
    at_limit = judge(SCAFFOLD_SPECS, make_plan(project_create(n) for n in range(50)))
    sandbox = judge(
        SCAFFOLD_SPECS, make_plan(project_create(n) for n in range(120)), environment="sandbox"
    )

    assert "firehose" not in tripped(at_limit)
    assert "firehose" not in tripped(sandbox)


def test_a_write_to_an_unmapped_field_is_denied_naming_the_field_and_rule() -> None:
    plan = make_plan([record_write(1, [*MAPPED, "Amount"]), record_write(2, ["Amount"])])

    report = judge(SCAFFOLD_SPECS, plan)

    [finding] = [f for f in report.findings if f.rule == "unmapped-field-write"]
    assert finding.level == "deny"
    assert finding.element == "Opportunity.Amount"
    assert finding.file == str(SCAFFOLD_SPECS / "import" / "closed-won.yaml")
    assert finding.line == first_line_of_document(SCAFFOLD_SPECS / "import" / "closed-won.yaml")


def test_creating_an_unmapped_custom_field_is_denied() -> None:
    create = Change(
        action="create",
        resource="salesforce.customField",
        address="salesforce.customField[Opportunity.Secret__c]",
        field="Opportunity.Secret__c",
        after={"type": "Text"},
    )

    report = judge(SCAFFOLD_SPECS, make_plan([create]))

    assert [f.element for f in report.findings if f.rule == "unmapped-field-write"] == [
        "Opportunity.Secret__c"
    ]


def test_writes_to_mapped_fields_pass() -> None:
    plan = make_plan(record_write(n, MAPPED) for n in range(30))

    assert "unmapped-field-write" not in tripped(judge(SCAFFOLD_SPECS, plan))


def _delete() -> Change:
    return Change(
        action="delete",
        resource="salesforce.pushTopic",
        address="salesforce.pushTopic[BatonSF_old_rule]",
        rule="closed-won",
    )


def test_a_delete_without_an_allowance_is_denied() -> None:
    report = judge(SCAFFOLD_SPECS, make_plan([record_write(1, MAPPED), _delete()]))

    [finding] = [f for f in report.findings if f.rule == "delete-needs-allowance"]
    assert finding.element == "salesforce.pushTopic[BatonSF_old_rule]"
    assert finding.level == "deny"


def test_a_delete_passes_where_the_environment_allows_it(tmp_path: Path) -> None:
    text = (POLICIES / "guardrails.yaml").read_text(encoding="utf-8")
    allowed = text.replace(
        "      maxCreates: 500\n", "      maxCreates: 500\n      allowDeletes: true\n"
    )
    assert allowed != text
    write_policy(tmp_path / "policies", allowed, "guardrails.yaml")

    sandbox = judge(SCAFFOLD_SPECS, make_plan([_delete()]), "sandbox", tmp_path / "policies")
    production = judge(SCAFFOLD_SPECS, make_plan([_delete()]), "production", tmp_path / "policies")

    assert "delete-needs-allowance" not in tripped(sandbox)
    assert "delete-needs-allowance" in tripped(production)


def test_a_plan_without_deletes_passes() -> None:
    assert "delete-needs-allowance" not in tripped(judge(SCAFFOLD_SPECS, make_plan()))


def test_a_status_field_without_history_tracking_is_warned_at_its_syncback() -> None:
    report = judge(DEMO_SPECS, None)

    [finding] = [f for f in report.findings if f.rule == "status-history"]
    assert finding.level == "warn"
    assert finding.element == "SyncBack opportunity"
    assert finding.file == str(DEMO_SPECS / "sync" / "opportunity.yaml")
    assert finding.line == first_line_of_document(DEMO_SPECS / "sync" / "opportunity.yaml")


def test_a_status_field_with_history_tracking_passes() -> None:
    assert "status-history" not in tripped(judge(SCAFFOLD_SPECS, None))


@pytest.mark.parametrize(
    ("calls", "remaining", "denied"),
    [
        pytest.param(2_001, 20_000, True, id="over-a-tenth"),
        pytest.param(2_000, 20_000, False, id="exactly-a-tenth"),
        pytest.param(40, 100_000, False, id="small-plan"),
    ],
)
def test_the_api_budget_weighs_the_estimate_against_the_remaining_requests(
    calls: int, remaining: int, denied: bool
) -> None:
    allowance = DailyApiRequests(max=100_000, remaining=remaining)
    plan = make_plan([record_write(1, MAPPED)], salesforce_calls=calls, allowance=allowance)

    assert ("api-budget" in tripped(judge(SCAFFOLD_SPECS, plan))) is denied


def test_the_api_budget_passes_when_the_allowance_is_unknown() -> None:
    plan = make_plan([record_write(1, MAPPED)], salesforce_calls=10**6, allowance=None)

    assert "api-budget" not in tripped(judge(SCAFFOLD_SPECS, plan))


def _without_go_live(tmp_path: Path) -> Path:
    specs = copy_specs(SCAFFOLD_SPECS, tmp_path)
    overlay = specs / "environments" / "production" / "connection.yaml"
    text = overlay.read_text(encoding="utf-8")
    overlay.write_text(text.replace("goLive: 2027-01-04T00:00:00Z", "timezone: UTC"), "utf-8")
    return specs


def test_production_without_go_live_is_denied_at_the_connection(tmp_path: Path) -> None:
    specs = _without_go_live(tmp_path)

    report = judge(specs, make_plan(), environment="production")

    [finding] = [f for f in report.findings if f.rule == "go-live-in-production"]
    assert finding.element == "Connection acme"
    assert finding.file == str(specs / "connection.yaml")


def test_go_live_is_not_required_outside_production(tmp_path: Path) -> None:
    specs = _without_go_live(tmp_path)

    assert "go-live-in-production" not in tripped(judge(specs, make_plan(), "sandbox"))
    assert "go-live-in-production" not in tripped(judge(SCAFFOLD_SPECS, make_plan(), "production"))


def test_a_clean_plan_of_the_scaffold_has_no_findings() -> None:
    plan = make_plan(
        [project_create(1), record_write(1, MAPPED)],
        allowance=DailyApiRequests(max=100_000, remaining=99_000),
        environment="production",
    )

    report = judge(SCAFFOLD_SPECS, plan, "production")

    assert report.findings == ()
    assert report.evaluated == 6
