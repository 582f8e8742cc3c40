"""`reconcile` runs plan and apply in a loop; `import` imports one record now."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import typer

from reconciler.apply.guard import ApplyOptions, guarded_apply, written_values
from reconciler.apply.loop import CycleKind, CycleResult, Loop, StopFlag, stop_on_signals
from reconciler.cli import console
from reconciler.errors import BatonSfError, PlanError
from reconciler.plan.model import Change, Plan, is_known_after_apply
from reconciler.plan.run import plan_spec
from reconciler.spec import Backfill, Spec, parse_duration

SpecDirArgument = typer.Argument(Path("specs"), help="The spec directory.")
EnvOption = typer.Option(None, "--env", help="Merge environments/NAME/ over the base spec.")
JsonOption = typer.Option(False, "--json", help="Print JSON instead of text.")


def register(app: typer.Typer) -> None:
    """Add the loop commands to the application."""
    app.command("reconcile")(reconcile)
    app.command("import")(import_one)


def reconcile(
    spec_dir: Path = SpecDirArgument,
    env: str | None = EnvOption,
    every: str = typer.Option("4h", "--every", help="Cadence of sync-back cycles."),
    import_every: str = typer.Option("1m", "--import-every", help="Cadence of import cycles."),
    once: bool = typer.Option(False, "--once", help="Run one full cycle and exit."),
    lock_timeout: float = typer.Option(
        30.0, "--lock-timeout", min=0.0, help="Seconds to wait for another apply's lock."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Import on the short cadence and sync back on the long one, until stopped (SIGTERM)."""
    sync_every, import_cadence = (
        _seconds(every, "--every"),
        _seconds(import_every, "--import-every"),
    )
    flag = StopFlag()
    options = ApplyOptions(lock_timeout=lock_timeout)

    def cycle(kind: CycleKind) -> CycleResult:
        spec, clients, plan = plan_spec(spec_dir, env, last_written=written_values)
        if kind == "import":
            plan = imports_only(plan)
        if not plan.changes:
            return CycleResult(kind, 0, 0)
        report = guarded_apply(plan, spec, clients, options, warn=console.warn, should_stop=flag)
        return CycleResult(kind, len(plan.changes), len(report.failed))

    def said(result: CycleResult) -> None:
        stamp = datetime.now().isoformat(timespec="seconds")
        if as_json:
            line = {
                "at": stamp,
                "kind": result.kind,
                "changes": result.changes,
                "failed": result.failed,
            }
            console.plain(json.dumps(line) + "\n")
            return
        console.plain(
            f"{stamp} {result.kind}: {result.changes} change(s), {result.failed} failed\n"
        )

    def failed(kind: CycleKind, error: BatonSfError, delay: float) -> None:
        console.warn(f"{kind} cycle failed: {error}; trying again in {delay:.0f}s")

    loop = Loop(cycle, sync_every, import_cadence, on_result=said, on_error=failed, stop=flag)
    with stop_on_signals(flag):
        code = loop.run(once=once)
    if flag.requested:
        console.out.print("Stopped: the batch in flight was finished and the lock released.")
    raise typer.Exit(code)


def import_one(
    spec_dir: Path = SpecDirArgument,
    record_id: str = typer.Option(..., "--id", help="The Salesforce record to import."),
    rule: str = typer.Option(..., "--rule", help="The import rule that imports it."),
    env: str | None = EnvOption,
    as_json: bool = JsonOption,
) -> None:
    """Import one record now, whatever goLive says (it must still match the rule)."""

    def named(spec: Spec) -> Spec:
        spec.rule(rule)  # an unknown rule is an error naming the rules there are
        rules = tuple(
            r.model_copy(update={"backfill": Backfill(mode="ids", ids=(record_id,))})
            if r.name == rule
            else r
            for r in spec.import_rules
        )
        return spec.model_copy(update={"import_rules": rules})

    spec, clients, plan = plan_spec(spec_dir, env, last_written=written_values, adjust=named)
    mine = [c for c in imports_only(plan).changes if _about(c, rule, record_id)]
    if not any(c.resource == "baton.project" for c in mine):
        raise PlanError(
            f"rule {rule} does not import {record_id} now: it does not match the rule's "
            "criteria, does not exist, or already has a project",
            hint="check the record against the rule's `when` with baton-sf plan",
        )
    plan = plan.model_copy(
        update={
            "changes": [c for c in plan.changes if c in mine or c.resource == "baton.customField"]
        }
    )
    report = guarded_apply(plan, spec, clients, ApplyOptions(), warn=console.warn)
    if as_json:
        console.plain(json.dumps(report.to_json(), indent=2) + "\n")
    for outcome in [] if as_json else report.outcomes:
        console.plain(f"{outcome.status}: {outcome.address}: {outcome.message}\n")
    if report.failed:
        raise typer.Exit(1)


def imports_only(plan: Plan) -> Plan:
    """The part of a plan that imports new records: creates and their first writes."""
    kept = [change for change in plan.changes if _is_import(change)]
    return plan.model_copy(update={"changes": kept})


def _is_import(change: Change) -> bool:
    if change.resource in ("baton.project", "baton.customField"):
        return True
    fields = change.fields or {}
    return change.resource == "salesforce.record" and any(
        is_known_after_apply(item.after) for item in fields.values()
    )


def _about(change: Change, rule: str, record_id: str) -> bool:
    record = change.record
    return record is not None and change.rule == rule and record.id[:15] == record_id[:15]


def _seconds(text: str, option: str) -> float:
    try:
        return parse_duration(text).total_seconds()
    except ValueError:
        raise PlanError(
            f"{option} {text!r} is not a duration", hint="write it like 30s, 1m, 4h or 1d"
        ) from None
