"""Running rules: what a rule sees, what a finding names, and how a rule that cannot be
evaluated is reported."""

from __future__ import annotations

from pathlib import Path

from reconciler.policy import Finding, PolicyReport
from tests.policy.policy_support import (
    SCAFFOLD_SPECS,
    judge,
    make_plan,
    project_create,
    record_write,
    write_policy,
)

HEADER = """
apiVersion: baton-sf/v1
kind: Policy
metadata:
  name: house
spec:
  params:
    limit: 2
  environments:
    sandbox:
      limit: 10
  rules:
"""


def run_rules(
    tmp_path: Path, rules: str, *, plan_size: int = 3, env: str | None = None
) -> PolicyReport:
    write_policy(tmp_path / "policies", HEADER + rules)
    plan = make_plan([project_create(n) for n in range(plan_size)]) if plan_size >= 0 else None
    return judge(SCAFFOLD_SPECS, plan, env, tmp_path / "policies")


def only(report: PolicyReport) -> Finding:
    assert len(report.findings) == 1, report.findings
    return report.findings[0]


def test_a_rule_reads_the_plan_params_and_environment(tmp_path: Path) -> None:
    rules = """
    - name: many
      level: warn
      when: plan.summary.create > params.limit && environment == null
      message: More than {limit} creates.
"""
    finding = only(run_rules(tmp_path, rules))

    assert (finding.policy, finding.rule, finding.level) == ("house", "many", "warn")
    assert finding.message == "More than 2 creates."
    assert finding.element is None
    assert finding.where == f"{tmp_path / 'policies' / 'policy.yaml'}:13"


def test_environment_params_override_the_defaults(tmp_path: Path) -> None:
    rules = """
    - {name: many, level: deny, when: plan.summary.create > params.limit, message: m}
"""
    assert run_rules(tmp_path, rules, env="sandbox").findings == ()
    assert only(run_rules(tmp_path, rules, env="production")).rule == "many"


def test_a_missing_key_is_a_finding_naming_the_rule_not_a_traceback(tmp_path: Path) -> None:
    rules = """
    - {name: typo, level: deny, when: plan.summary.creates > 1, message: m}
"""
    finding = only(run_rules(tmp_path, rules))

    assert finding.rule == "typo"
    assert finding.level == "deny"
    assert "cannot be evaluated" in finding.message
    assert "creates" in finding.message and "has(" in finding.message


def test_a_type_mismatch_is_explained(tmp_path: Path) -> None:
    rules = """
    - {name: mixed, level: warn, when: plan.summary.create > 0.5, message: m}
"""
    finding = only(run_rules(tmp_path, rules))

    assert "'gt' does not apply to int and double" in finding.message
    assert "double(...)" in finding.message


def test_a_rule_that_does_not_give_a_boolean_is_reported(tmp_path: Path) -> None:
    rules = """
    - {name: count, level: warn, when: plan.summary.create, message: m}
"""
    assert "when gave the number 3, not true or false" in only(run_rules(tmp_path, rules)).message


def test_for_each_judges_each_item_and_names_spec_documents(tmp_path: Path) -> None:
    rules = """
    - name: named
      level: warn
      forEach: spec.documents
      when: item.kind != "Connection"
      message: m
"""
    report = run_rules(tmp_path, rules)

    assert sorted(f.element or "" for f in report.findings) == [
        "ImportRule closed-won",
        "SyncBack opportunity",
    ]
    assert all(f.file and f.file.startswith(str(SCAFFOLD_SPECS)) for f in report.findings)


def test_for_each_errors_are_one_finding_with_a_count(tmp_path: Path) -> None:
    rules = """
    - name: partial
      level: deny
      forEach: plan.changes
      when: item.fields.size() > 5
      message: m
"""
    write_policy(tmp_path / "policies", HEADER + rules)
    plan = make_plan([project_create(1), project_create(2), record_write(3, ["A__c"])])

    report = judge(SCAFFOLD_SPECS, plan, None, tmp_path / "policies")

    finding = only(report)
    assert "(for 2 of 3 item(s))" in finding.message


def test_at_names_the_element_of_a_rule_without_for_each(tmp_path: Path) -> None:
    rules = """
    - name: tz
      level: warn
      when: has(spec.connection.spec.timezone)
      at: spec.connection
      message: m
"""
    finding = only(run_rules(tmp_path, rules))

    assert finding.element == "Connection acme"
    assert finding.file == str(SCAFFOLD_SPECS / "connection.yaml")


def test_rules_that_read_the_plan_are_skipped_without_one(tmp_path: Path) -> None:
    rules = """
    - {name: plan-rule, level: deny, when: plan.summary.create > 0, message: m}
    - {name: spec-rule, level: warn, when: size(spec.importRules) == 1, message: m}
"""
    report = run_rules(tmp_path, rules, plan_size=-1)

    assert report.skipped == ("house/plan-rule",)
    assert report.evaluated == 1
    assert only(report).rule == "spec-rule"


def test_the_spec_data_leaves_out_null_keys_and_writes_dates_as_text(tmp_path: Path) -> None:
    rules = """
    - name: shapes
      level: warn
      when: >-
        spec.connection.spec.goLive == "2027-01-04T00:00:00+00:00"
        && !has(spec.connection.spec.salesforce.caBundle)
        && "Opportunity.Baton_Status__c" in spec.mappedFields
      message: m
"""
    write_policy(tmp_path / "policies", HEADER + rules)

    report = judge(SCAFFOLD_SPECS, None, "production", tmp_path / "policies")

    assert only(report).rule == "shapes"


def test_a_rule_over_every_change_sees_the_plan_document_made_a_change_at_a_time(
    tmp_path: Path,
) -> None:
    rules = """
    - name: creates-in-cel
      level: deny
      when: >-
        plan.changes.filter(c, c.action == "create").size() == 3
        && plan.changes[0].rule == "closed-won"
      message: Three creates, seen change by change.
"""
    finding = only(run_rules(tmp_path, rules))

    assert finding.rule == "creates-in-cel"
