"""Factories for policy tests: plans of a chosen shape, policy files, spec copies."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Iterable
from pathlib import Path

from reconciler.plan.document import PlanDocument
from reconciler.plan.model import (
    ApiCalls,
    BatonTarget,
    Change,
    DailyApiRequests,
    FieldChange,
    Plan,
    RecordRef,
    SalesforceTarget,
    SpecInfo,
    Summary,
    Targets,
    Tool,
)
from reconciler.policy import PolicyReport, evaluate_policies, load_policies, spec_data

REPO = Path(__file__).resolve().parents[2]
POLICIES = REPO / "policies"
DEMO_SPECS = REPO / "specs"
SCAFFOLD_SPECS = REPO / "reconciler" / "scaffold" / "files" / "specs"


def record_id(n: int) -> str:
    return f"006{n:015d}"


def project_create(n: int, rule: str = "closed-won") -> Change:
    return Change(
        action="create",
        resource="baton.project",
        address=f"baton.project[{rule}/{record_id(n)}]",
        rule=rule,
        record=RecordRef(object="Opportunity", id=record_id(n)),
        after={"title": f"Project {n}"},
        reason=f"matches rule {rule}",
    )


def record_write(n: int, fields: Iterable[str], rule: str = "closed-won") -> Change:
    return Change(
        action="update",
        resource="salesforce.record",
        address=f"salesforce.record[Opportunity/{record_id(n)}]",
        rule=rule,
        record=RecordRef(object="Opportunity", id=record_id(n)),
        fields={name: FieldChange(before=None, after="Doing", source="status") for name in fields},
    )


def make_plan(
    changes: Iterable[Change] = (),
    *,
    salesforce_calls: int = 1,
    allowance: DailyApiRequests | None = None,
    environment: str | None = None,
) -> Plan:
    """A plan whose summary counts its changes as the planner does."""
    changes = list(changes)
    writes = [c for c in changes if c.resource == "salesforce.record"]
    summary = Summary(
        create=sum(1 for c in changes if c.resource == "baton.project"),
        update=len(writes),
        field_writes=sum(len(c.fields or {}) for c in writes),
        api_calls=ApiCalls(salesforce=salesforce_calls, baton=1),
    )
    return Plan(
        tool=Tool(version="0.1.0"),
        spec=SpecInfo(digest="sha256:" + "0" * 64, environment=environment, directory="specs"),
        targets=Targets(
            salesforce=SalesforceTarget(
                instance_url="https://127.0.0.1", daily_api_requests=allowance
            ),
            baton=BatonTarget(url="https://127.0.0.1"),
        ),
        summary=summary,
        changes=changes,
    )


def first_line_of_document(path: Path) -> int:
    """The line of a one-document file's first key, where findings point."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith("apiVersion:"))


def copy_specs(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / "specs"
    shutil.copytree(source, target)
    return target


def write_policy(directory: Path, text: str, name: str = "policy.yaml") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def judge(
    spec_dir: Path,
    plan: Plan | None,
    environment: str | None = None,
    policies: Path = POLICIES,
) -> PolicyReport:
    policy_set, diagnostics = load_policies(policies)
    assert not diagnostics, diagnostics
    plan_json = PlanDocument(plan) if plan is not None else None
    return evaluate_policies(policy_set, spec_data(spec_dir, environment), plan_json, environment)


def tripped(report: PolicyReport) -> set[str]:
    return {finding.rule for finding in report.findings}
