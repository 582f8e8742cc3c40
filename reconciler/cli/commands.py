"""The spec commands: validate, plan, apply, show."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

from reconciler.apply.runner import ApplyReport, Outcome, apply_plan
from reconciler.cli import console
from reconciler.errors import PlanError
from reconciler.plan.file import load_plan, save_plan
from reconciler.plan.model import Plan
from reconciler.plan.render import render_text
from reconciler.plan.run import connect, plan_spec
from reconciler.spec import Diagnostic, load_spec, validate_spec

SpecDirArgument = typer.Argument(Path("specs"), help="The spec directory.")
EnvOption = typer.Option(None, "--env", help="Merge environments/NAME/ over the base spec.")
JsonOption = typer.Option(False, "--json", help="Print JSON instead of text.")


def register(app: typer.Typer) -> None:
    """Add the spec commands to the application."""
    app.command("validate")(validate)
    app.command("plan")(plan)
    app.command("apply")(apply)
    app.command("show")(show)


def validate(
    spec_dir: Path = SpecDirArgument, env: str | None = EnvOption, as_json: bool = JsonOption
) -> None:
    """Check the spec files offline; exit 1 when there is an error."""
    _, diagnostics = validate_spec(spec_dir, env)
    errors = [d for d in diagnostics if d.severity == "error"]
    if as_json:
        payload = {"valid": not errors, "diagnostics": [_diagnostic_json(d) for d in diagnostics]}
        console.plain(json.dumps(payload, indent=2) + "\n")
    else:
        for diagnostic in diagnostics:
            console.plain(_diagnostic_line(diagnostic) + "\n")
        verdict = "invalid" if errors else "valid"
        console.out.print(
            f"{spec_dir}: {verdict} ({len(errors)} error(s), "
            f"{len(diagnostics) - len(errors)} warning(s))"
        )
    if errors:
        raise typer.Exit(1)


def plan(
    spec_dir: Path = SpecDirArgument,
    env: str | None = EnvOption,
    out: Path | None = typer.Option(None, "--out", help="Save the plan to this file."),
    as_json: bool = JsonOption,
    detailed_exitcode: bool = typer.Option(
        False, "--detailed-exitcode", help="Exit 2 when there are changes, 0 when none."
    ),
) -> None:
    """Show what apply would change in Baton and Salesforce."""
    _, _, the_plan = plan_spec(spec_dir, env)
    if out is not None:
        save_plan(the_plan, out)
    _print_plan(the_plan, as_json)
    if out is not None and not as_json:
        console.out.print(f"Saved the plan to {out}; apply it with: baton-sf apply {out}")
    if detailed_exitcode and the_plan.has_changes:
        raise typer.Exit(2)


def apply(
    target: Path = typer.Argument(Path("specs"), help="A saved plan file, or a spec directory."),
    env: str | None = EnvOption,
    auto_approve: bool = typer.Option(
        False, "--auto-approve", help="Apply without asking for confirmation."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Apply a saved plan, or plan a spec directory and apply it after confirmation."""
    if target.is_file():
        the_plan = load_plan(target)
        spec = load_spec(Path(the_plan.spec.directory), the_plan.spec.environment)
        _check_digest(the_plan, spec.digest, target)
        clients = connect(spec)
    else:
        spec, clients, the_plan = plan_spec(target, env)
        if not as_json:
            _print_plan(the_plan, False)
        if not the_plan.has_changes:
            if as_json:
                console.plain(json.dumps(ApplyReport().to_json()) + "\n")
            return
        if not auto_approve:
            _confirm()

    def progress(outcome: Outcome) -> None:
        if not as_json:
            _print_outcome(outcome)

    report = apply_plan(the_plan, spec, clients.salesforce, clients.baton, on_progress=progress)
    if as_json:
        console.plain(json.dumps(report.to_json(), indent=2) + "\n")
    else:
        console.out.print(
            f"Apply complete: {report.count('applied')} applied, {report.count('failed')} failed, "
            f"{report.count('skipped')} skipped."
        )
    if report.failed:
        raise typer.Exit(1)


def show(
    plan_file: Path = typer.Argument(..., help="A plan saved with plan --out."),
    as_json: bool = JsonOption,
) -> None:
    """Render a saved plan."""
    _print_plan(load_plan(plan_file), as_json)


def _print_plan(the_plan: Plan, as_json: bool) -> None:
    if as_json:
        console.plain(json.dumps(the_plan.to_json(), indent=2) + "\n")
    else:
        console.plain(render_text(the_plan))


def _print_outcome(outcome: Outcome) -> None:
    if outcome.status == "failed":
        code = f" [{outcome.code}]" if outcome.code else ""
        console.error(f"{outcome.address}: {outcome.message}{code}")
    else:
        console.plain(f"{outcome.status}: {outcome.address}: {outcome.message}\n")


def _confirm() -> None:
    if not sys.stdin.isatty():
        raise PlanError(
            "apply needs a confirmation and there is no terminal to ask on",
            hint="review the plan, then run apply --auto-approve or apply a saved plan",
        )
    if not typer.confirm("Apply these changes?", default=False):
        console.out.print("Apply cancelled; nothing was changed.")
        raise typer.Exit(1)


def _check_digest(the_plan: Plan, digest: str, path: Path) -> None:
    if the_plan.spec.digest != digest:
        raise PlanError(
            f"the spec in {the_plan.spec.directory} changed since {path} was planned",
            hint="make a new plan with baton-sf plan --out",
        )


def _diagnostic_line(d: Diagnostic) -> str:
    hint = f" (hint: {d.hint})" if d.hint else ""
    return f"{d.file}:{d.line}:{d.column}: {d.severity}: {d.message} [{d.code}]{hint}"


def _diagnostic_json(d: Diagnostic) -> dict[str, Any]:
    return {
        "severity": d.severity,
        "code": d.code,
        "message": d.message,
        "file": d.file,
        "line": d.line,
        "column": d.column,
        "hint": d.hint,
    }
