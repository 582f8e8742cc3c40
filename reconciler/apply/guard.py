"""The safe way to apply: one writer at a time, a fresh plan, and a journal of it all.

`guarded_apply` takes the apply lock for the spec and org, refuses a saved plan that is
stale or that carries errors, records the apply in the journal as it goes, and always
gives the lock back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from reconciler.apply.home import home
from reconciler.apply.journal import open_journal
from reconciler.apply.lock import lock_scope, open_locks
from reconciler.apply.runner import ApplyReport, Outcome, Recorder, apply_plan
from reconciler.errors import PlanError
from reconciler.observe.model import target_key
from reconciler.plan.model import Plan
from reconciler.plan.run import Clients
from reconciler.plan.stale import check_fresh
from reconciler.spec import Spec


@dataclass(frozen=True)
class ApplyOptions:
    """How an apply runs."""

    prune: bool = False
    lock_timeout: float = 0.0
    max_api_calls: int | None = None


def plan_target(plan: Plan) -> str:
    """The org a plan was made against, as the journal and the lock name it."""
    salesforce = plan.targets.salesforce
    return target_key(salesforce.instance_url, salesforce.organization_id)


def written_values(target: str) -> Mapping[tuple[str, str, str], Any]:
    """What this tool last wrote into the org's fields, from the local journal."""
    journal = open_journal(home())
    try:
        return journal.all_written(target)
    finally:
        journal.close()


def guarded_apply(
    plan: Plan,
    spec: Spec,
    clients: Clients,
    options: ApplyOptions,
    *,
    on_progress: Callable[[Outcome], None] = lambda _outcome: None,
    warn: Callable[[str], None] = lambda _message: None,
    should_stop: Callable[[], bool] = lambda: False,
) -> ApplyReport:
    """Apply a plan under the lock, journaled, after checking it is still fresh."""
    _refuse_errors(plan)
    directory = home()
    target = plan_target(plan)
    locks = open_locks(directory)
    journal = open_journal(directory)
    lock = locks.acquire(
        lock_scope(plan.spec.directory, target),
        operation="apply",
        what=plan.spec.directory,
        timeout=options.lock_timeout,
        warn=warn,
    )
    try:
        # Also a plan made moments ago: another apply may have finished in between.
        check_fresh(plan, clients.salesforce, clients.baton)
        if journal.mark_crashed():
            warn("an earlier apply ended without finishing; its unfinished creates are resumed")
        apply_id = journal.begin_apply(
            spec_dir=plan.spec.directory,
            environment=plan.spec.environment,
            spec_digest=plan.spec.digest,
            target=target,
        )
        report = apply_plan(
            plan,
            spec,
            clients.salesforce,
            clients.baton,
            on_progress=on_progress,
            prune=options.prune,
            recorder=Recorder(journal, apply_id, target),
            should_stop=should_stop,
            max_api_calls=options.max_api_calls,
        )
        counts = {s: report.count(s) for s in ("applied", "failed", "skipped")}
        journal.end_apply(apply_id, "failed" if report.failed else "succeeded", counts)
        return report
    finally:
        locks.release(lock.id)
        locks.close()
        journal.close()


def _refuse_errors(plan: Plan) -> None:
    errors = [d for d in plan.diagnostics if d.severity == "error"]
    if errors:
        raise PlanError(
            f"the plan has {len(errors)} error(s); the first: {errors[0].message}",
            hint="resolve them (or change onConflict) and plan again; nothing was changed",
        )
