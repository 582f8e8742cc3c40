"""The reconcile commands: plan, apply, show."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from reconciler.apply.guard import ApplyOptions, guarded_apply, written_values
from reconciler.apply.runner import ApplyReport, Outcome
from reconciler.cli import console, review
from reconciler.cli.annotations import FormatOption, diagnostic_annotation
from reconciler.cli.progress import progress_bar
from reconciler.errors import PlanError
from reconciler.plan.file import load_plan, save_plan, write_plan
from reconciler.plan.markdown import render_markdown
from reconciler.plan.model import Plan
from reconciler.plan.render import render_text
from reconciler.plan.run import Clients, connect, plan_spec
from reconciler.policy import PolicyReport, PolicySet
from reconciler.spec import Spec, SpecInvalid, load_spec

SpecDirArgument = typer.Argument(Path("specs"), help="The spec directory.")
EnvOption = typer.Option(None, "--env", help="Merge environments/NAME/ over the base spec.")
JsonOption = typer.Option(False, "--json", help="Print JSON instead of text.")
MarkdownOption = typer.Option(
    False, "--markdown", help="Print the plan as a pull-request comment in Markdown."
)


def register(app: typer.Typer) -> None:
    """Add the reconcile commands to the application."""
    app.command("plan")(plan)
    app.command("apply")(apply)
    app.command("show")(show)


def plan(
    spec_dir: Path = SpecDirArgument,
    env: str | None = EnvOption,
    out: Path | None = typer.Option(None, "--out", help="Save the plan to this file."),
    as_json: bool = JsonOption,
    detailed_exitcode: bool = typer.Option(
        False, "--detailed-exitcode", help="Exit 2 when there are changes, 0 when none."
    ),
    policies: Path | None = review.PoliciesOption,
    markdown: bool = MarkdownOption,
    output_format: str = FormatOption,
) -> None:
    """Show what apply would change in Baton and Salesforce, judged by the policies."""
    github = review.output_mode(output_format, as_json=as_json, markdown=markdown)
    policy_set = review.policies_for_plan(policies, as_json=as_json, github=github)
    _, the_plan, report = _planned(spec_dir, env, policy_set, github)
    if out is not None:
        save_plan(the_plan, out)
    if markdown:
        console.plain(render_markdown(the_plan, artifact=str(out or "plan.json")))
    elif as_json:
        _print_json(the_plan, out)
    else:
        console.plain(render_text(the_plan))
        review.print_findings(report, github=github)
    if out is not None and not (as_json or markdown):
        console.out.print(f"Saved the plan to {out}; apply it with: baton-sf apply {out}")
    if report is not None and report.denied:
        raise typer.Exit(1)
    if any(d.severity == "error" for d in the_plan.diagnostics):
        raise typer.Exit(1)
    if detailed_exitcode and the_plan.has_changes:
        raise typer.Exit(2)


def _print_json(the_plan: Plan, saved: Path | None) -> None:
    """The plan document on standard output: copied from the file just saved, else written
    a change at a time."""
    with console.binary() as stream:
        if saved is None:
            write_plan(the_plan, stream)
        else:
            with saved.open("rb") as source:
                shutil.copyfileobj(source, stream)


def _planned(
    spec_dir: Path, env: str | None, policy_set: PolicySet | None, github: bool
) -> tuple[tuple[Spec, Clients], Plan, PolicyReport | None]:
    """Plan, then judge the plan; with --format github a spec error is also annotated."""
    try:
        spec, clients, the_plan = plan_spec(spec_dir, env, last_written=written_values)
    except SpecInvalid as exc:
        if github:
            for diagnostic in exc.diagnostics:
                console.plain(diagnostic_annotation(diagnostic) + "\n")
        raise
    judged = review.judge_plan(the_plan, policy_set, spec_dir, env, clients.salesforce)
    return (spec, clients), *judged


def apply(
    target: Path = typer.Argument(Path("specs"), help="A saved plan file, or a spec directory."),
    env: str | None = EnvOption,
    auto_approve: bool = typer.Option(
        False, "--auto-approve", help="Apply without asking for confirmation."
    ),
    as_json: bool = JsonOption,
    prune: bool = typer.Option(False, "--prune", help="Also delete PushTopics of removed rules."),
    policies: Path | None = review.PoliciesOption,
    lock_timeout: float = typer.Option(
        0.0, "--lock-timeout", min=0.0, help="Seconds to wait for another apply's lock."
    ),
    max_api_calls: int | None = typer.Option(
        None, "--max-api-calls", min=1, help="Stop before making more API calls than this."
    ),
    no_progress: bool = typer.Option(
        False, "--no-progress", help="No progress bar, even on a terminal."
    ),
) -> None:
    """Apply a saved plan, or plan a spec directory and apply it after confirmation."""
    if target.is_file():
        the_plan = load_plan(target)
        _check_policy(the_plan, target)
        spec = load_spec(Path(the_plan.spec.directory), the_plan.spec.environment)
        _check_digest(the_plan, spec.digest, target)
        clients = connect(spec)
    else:
        policy_set = review.policies_for_plan(policies, as_json=as_json, github=False)
        (spec, clients), the_plan, judged = _planned(target, env, policy_set, False)
        if not as_json:
            _print_plan(the_plan, False)
            review.print_findings(judged, github=False)
        if judged is not None and judged.denied:
            raise PlanError(
                f"the policies deny this plan ({len(judged.denied)} denied finding(s))",
                hint="fix what the findings name, then apply again; nothing was changed",
            )
        if not the_plan.has_changes:
            if as_json:
                console.plain(json.dumps(ApplyReport().to_json()) + "\n")
            return
        if not auto_approve:
            _confirm()

    options = ApplyOptions(
        prune=prune,
        lock_timeout=lock_timeout,
        max_api_calls=max_api_calls,
    )
    with progress_bar(len(the_plan.changes), enabled=not (as_json or no_progress)) as advance:

        def progress(outcome: Outcome) -> None:
            advance()
            if not as_json:
                _print_outcome(outcome)

        report = guarded_apply(
            the_plan, spec, clients, options, on_progress=progress, warn=console.warn
        )
    if as_json:
        console.plain(json.dumps(report.to_json(), indent=2) + "\n")
    else:
        if report.failed:
            console.out.print(_failure_table(report))
        console.out.print(
            f"Apply complete: {report.count('applied')} applied, {report.count('failed')} failed, "
            f"{report.count('skipped')} skipped."
        )
    unattempted = [o for o in report.outcomes if o.code == "NOT_ATTEMPTED"]
    if unattempted and not as_json:
        console.error(f"{len(unattempted)} change(s) were not attempted: {unattempted[0].message}")
    if report.failed or unattempted:
        raise typer.Exit(1)


def show(
    plan_file: Path = typer.Argument(..., help="A plan saved with plan --out."),
    as_json: bool = JsonOption,
    markdown: bool = MarkdownOption,
) -> None:
    """Render a saved plan."""
    review.output_mode("text", as_json=as_json, markdown=markdown)
    the_plan = load_plan(plan_file)
    if markdown:
        console.plain(render_markdown(the_plan, artifact=str(plan_file)))
    else:
        _print_plan(the_plan, as_json)


def _print_plan(the_plan: Plan, as_json: bool) -> None:
    if as_json:
        _print_json(the_plan, None)
    else:
        console.plain(render_text(the_plan))


def _failure_table(report: ApplyReport) -> Table:
    """Every failed change: the record, the fields, and the service's own code and message."""
    table = Table(title="Failed changes", show_lines=False, highlight=False)
    table.add_column("change", overflow="fold")
    table.add_column("fields", overflow="fold")
    table.add_column("code", no_wrap=True)
    table.add_column("message", overflow="fold")
    for outcome in report.failed:
        table.add_row(
            escape(outcome.address),
            escape(", ".join(outcome.fields) or "-"),
            escape(outcome.code or "-"),
            escape(outcome.message),
        )
    return table


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


def _check_policy(the_plan: Plan, path: Path) -> None:
    denied = the_plan.policy.denied
    if denied:
        names = ", ".join(sorted({f"{d.get('policy')}/{d.get('rule')}" for d in denied}))
        raise PlanError(
            f"{path} was denied by policy ({names}) when it was planned",
            hint="fix what the findings name and make a new plan; nothing was changed",
        )


def _check_digest(the_plan: Plan, digest: str, path: Path) -> None:
    if the_plan.spec.digest != digest:
        raise PlanError(
            f"the spec in {the_plan.spec.directory} changed since {path} was planned",
            hint="make a new plan with baton-sf plan --out",
        )
