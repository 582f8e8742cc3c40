"""Review commands: `policy check` runs the policies alone, `init` scaffolds a spec
repository; and the policy step that `plan` and `apply` run after planning."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape

from reconciler.cli import console
from reconciler.cli.annotations import (
    FormatOption,
    check_format,
    diagnostic_annotation,
    finding_annotation,
)
from reconciler.errors import BatonSfError
from reconciler.plan.document import PlanDocument
from reconciler.plan.file import load_plan
from reconciler.plan.model import Plan
from reconciler.policy import (
    Finding,
    PolicyError,
    PolicyReport,
    PolicySet,
    daily_api_requests,
    evaluate_policies,
    load_policies,
    spec_data,
    with_api_allowance,
)
from reconciler.policy.json_schema import policy_schema_text
from reconciler.salesforce.client import SalesforceClient
from reconciler.scaffold import scaffold
from reconciler.spec import Diagnostic, validate_spec

DEFAULT_POLICIES = Path("policies")

EnvOption = typer.Option(None, "--env", help="Merge environments/NAME/ over the base spec.")
JsonOption = typer.Option(False, "--json", help="Print JSON instead of text.")
PoliciesOption = typer.Option(
    None, "--policies", help="The policy directory (default: policies/ when it exists)."
)

policy_app = typer.Typer(help="Run the policies that judge specs and plans.", no_args_is_help=True)


def register_review(app: typer.Typer) -> None:
    """Add `policy check` and `init` to the application."""
    app.add_typer(policy_app, name="policy")
    app.command("init")(init)


@policy_app.command("check")
def check(
    spec_dir: Path | None = typer.Argument(
        None, help="The spec directory (default: the saved plan's, else specs)."
    ),
    plan_file: Path | None = typer.Option(
        None, "--plan", help="A plan saved with plan --out (without one, plan rules are skipped)."
    ),
    env: str | None = EnvOption,
    policies: Path | None = PoliciesOption,
    as_json: bool = JsonOption,
    output_format: str = FormatOption,
) -> None:
    """Run the policies against a spec (and a saved plan); exit 1 when one denies."""
    github = output_mode(output_format, as_json=as_json)
    directory = policy_directory(policies)
    if directory is None:
        raise PolicyError(
            f"there is no policy directory {DEFAULT_POLICIES}/ here",
            hint="run where policies/ is, or pass --policies DIR",
        )
    policy_set = read_policies(directory, as_json=as_json, github=github)
    the_plan = load_plan(plan_file) if plan_file is not None else None
    if spec_dir is None:
        spec_dir = Path(the_plan.spec.directory) if the_plan is not None else Path("specs")
    if env is None and the_plan is not None:
        env = the_plan.spec.environment
    _valid_spec(spec_dir, env, the_plan, as_json=as_json, github=github)
    plan_json = PlanDocument(the_plan) if the_plan is not None else None
    report = evaluate_policies(policy_set, spec_data(spec_dir, env), plan_json, env)
    if as_json:
        console.plain(json.dumps({"passed": not report.denied, **report.to_json()}, indent=2))
        console.plain("\n")
    else:
        print_findings(report, github=github)
    if report.denied:
        raise typer.Exit(1)


@policy_app.command("schema")
def schema(
    as_json: bool = typer.Option(False, "--json", help="Accepted; the schema is JSON anyway."),
) -> None:
    """Print the JSON Schema of Policy documents."""
    console.plain(policy_schema_text())


def init(
    directory: Path = typer.Argument(..., help="Where to create the spec repository."),
    force: bool = typer.Option(False, "--force", help="Overwrite files that exist."),
    as_json: bool = JsonOption,
) -> None:
    """Scaffold a spec repository: specs/, policies/, CI workflows and a .gitignore."""
    written = scaffold(directory, force=force)
    if as_json:
        console.plain(json.dumps({"created": [str(p) for p in written]}, indent=2) + "\n")
        return
    for path in written:
        console.plain(f"created {path}\n")
    console.out.print(
        f"Scaffolded {directory}: check it with `baton-sf validate {directory / 'specs'}`, "
        "then set the secrets the workflows name."
    )


def output_mode(output_format: str, *, as_json: bool, markdown: bool = False) -> bool:
    """Whether annotations were asked for; --json, --markdown and --format github each
    choose the whole output, so two of them together are an error."""
    github = check_format(output_format)
    if sum((as_json, markdown, github)) > 1:
        raise BatonSfError(
            "--json, --markdown and --format github each choose the whole output",
            hint="pick one of them",
        )
    return github


def policy_directory(option: Path | None) -> Path | None:
    """--policies DIR (which must exist), else policies/ here when it exists, else None."""
    if option is not None:
        if not option.is_dir():
            raise PolicyError(
                f"the policy directory {option} does not exist",
                hint="pass the directory that holds the Policy documents",
            )
        return option
    return DEFAULT_POLICIES if DEFAULT_POLICIES.is_dir() else None


def read_policies(directory: Path, *, as_json: bool, github: bool) -> PolicySet:
    """The policies of `directory`; their diagnostics printed and exit 1 when one is an
    error."""
    policy_set, diagnostics = load_policies(directory)
    if diagnostics:
        print_diagnostics(diagnostics, as_json=as_json, github=github)
    if any(d.severity == "error" for d in diagnostics):
        raise typer.Exit(1)
    return policy_set


def policies_for_plan(option: Path | None, *, as_json: bool, github: bool) -> PolicySet | None:
    """The policies `plan` and `apply` run, read before anything is planned; None when
    there is no policy directory."""
    directory = policy_directory(option)
    return read_policies(directory, as_json=as_json, github=github) if directory else None


def judge_plan(
    the_plan: Plan,
    policy_set: PolicySet | None,
    spec_dir: Path,
    env: str | None,
    salesforce: SalesforceClient,
) -> tuple[Plan, PolicyReport | None]:
    """The plan with the org's API allowance and the policy results recorded in it. The
    policies read the plan as a `PlanDocument`, each change made JSON as a rule reads it."""
    the_plan = with_api_allowance(the_plan, daily_api_requests(salesforce))
    if policy_set is None:
        return the_plan, None
    report = evaluate_policies(policy_set, spec_data(spec_dir, env), PlanDocument(the_plan), env)
    return the_plan.model_copy(update={"policy": report.result()}), report


def print_findings(report: PolicyReport | None, *, github: bool) -> None:
    """Findings as annotations (github) or lines of text, then a summary line."""
    if report is None:
        return
    for finding in report.findings:
        if github:
            console.plain(finding_annotation(finding) + "\n")
        else:
            _print_finding(finding)
    if github:
        return
    skipped = f", {len(report.skipped)} skipped (they read a plan)" if report.skipped else ""
    console.out.print(
        f"Policies: {report.evaluated} rule(s) evaluated{skipped}; "
        f"{len(report.denied)} denied, {len(report.warned)} warned."
    )


def _print_finding(finding: Finding) -> None:
    style = "bold red" if finding.level == "deny" else "yellow"
    element = f" ({escape(finding.element)})" if finding.element else ""
    console.out.print(
        f"[{style}]{finding.level}[/] {escape(finding.policy)}/{escape(finding.rule)}: "
        f"{escape(finding.message)}\n    at {escape(finding.where)}{element}"
    )


def print_diagnostics(diagnostics: list[Diagnostic], *, as_json: bool, github: bool) -> None:
    if as_json:
        payload = {"valid": False, "diagnostics": [_diagnostic_json(d) for d in diagnostics]}
        console.plain(json.dumps(payload, indent=2) + "\n")
        return
    for d in diagnostics:
        if github:
            console.plain(diagnostic_annotation(d) + "\n")
        else:
            hint = f" (hint: {d.hint})" if d.hint else ""
            console.plain(f"{d.file}:{d.line}:{d.column}: {d.severity}: {d.message} [{d.code}]")
            console.plain(f"{hint}\n")


def _diagnostic_json(d: Diagnostic) -> dict[str, Any]:
    return d.model_dump()


def _valid_spec(
    spec_dir: Path, env: str | None, the_plan: Plan | None, *, as_json: bool, github: bool
) -> None:
    spec, diagnostics = validate_spec(spec_dir, env)
    if spec is None:
        print_diagnostics(diagnostics, as_json=as_json, github=github)
        raise typer.Exit(1)
    if the_plan is not None and the_plan.spec.digest != spec.digest:
        console.warn(
            f"the spec in {spec_dir} changed since the plan was made; judging the current "
            "spec with the saved plan"
        )
