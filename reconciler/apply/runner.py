"""Applying a plan: stages in order, each change reported as applied or failed.

Stages: Salesforce schema (apply/schema.py), Baton schema (the link field), Baton project
creates, link writes, Salesforce field writes. A value known only after an earlier stage (a
new project's ID) flows forward through `created`. Every change that can be applied is
applied; failures are collected.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, Literal

from reconciler.apply.imports import Imported, WorkspaceNames, create_imported
from reconciler.apply.journal import Journal, PendingChange, now
from reconciler.apply.recovery import recovered_project
from reconciler.apply.schema import apply_schema
from reconciler.baton import writes
from reconciler.baton.client import BatonClient
from reconciler.baton.derive import Workspace, derive, project_fields
from reconciler.baton.project_data import ProjectData
from reconciler.catalog import CUSTOM_PREFIX, to_salesforce
from reconciler.errors import BatonSfError
from reconciler.plan.capabilities import check_capabilities
from reconciler.plan.model import Change, Plan, is_known_after_apply
from reconciler.plan.planner import same_value
from reconciler.plan.schema import SCHEMA_RESOURCES
from reconciler.salesforce.client import SalesforceClient
from reconciler.salesforce.errors import TRANSIENT_CODES
from reconciler.spec import Spec

log = logging.getLogger(__name__)

Status = Literal["applied", "failed", "skipped"]


@dataclass(frozen=True)
class Outcome:
    """What happened to one change."""

    address: str
    status: Status
    message: str = ""
    code: str | None = None
    fields: tuple[str, ...] = ()


@dataclass
class ApplyReport:
    """Every change's outcome, in the order they were attempted."""

    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def failed(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.status == "failed"]

    def count(self, status: Status) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    def to_json(self) -> dict[str, Any]:
        return {
            "applied": self.count("applied"),
            "failed": self.count("failed"),
            "skipped": self.count("skipped"),
            "outcomes": [outcome.__dict__ for outcome in self.outcomes],
        }


@dataclass(frozen=True)
class Recorder:
    """Where an apply journals its changes: the journal, this apply's ID, and its target."""

    journal: Journal
    apply_id: str
    target: str


class BudgetSpent(BatonSfError):
    """The apply reached its --max-api-calls allowance."""


@dataclass
class _Run:
    spec: Spec
    sf: SalesforceClient
    baton: BatonClient
    report: ApplyReport
    on_progress: Callable[[Outcome], None]
    link_field_id: int | None = None
    created: dict[str, ProjectData] = field(default_factory=dict)
    names: WorkspaceNames | None = None
    recorder: Recorder | None = None
    should_stop: Callable[[], bool] = lambda: False
    max_api_calls: int | None = None
    _projects: list[dict[str, Any]] | None = None
    kept_fields: frozenset[str] | None = None

    def record(self, outcome: Outcome) -> None:
        self.report.outcomes.append(outcome)
        self.on_progress(outcome)
        if self.recorder is not None and outcome.status != "skipped":
            self.recorder.journal.finish_change(
                self.recorder.apply_id,
                outcome.address,
                outcome.status,
                error_code=outcome.code if outcome.status == "failed" else None,
                error_message=outcome.message if outcome.status == "failed" else None,
            )

    def start(self, address: str) -> None:
        """Journal a change before it is sent; refuse it when the run must stop."""
        if self.should_stop():
            raise BudgetSpent("the apply was asked to stop before this change", hint="run again")
        spent = self.sf.calls + self.baton.calls
        if self.max_api_calls is not None and spent >= self.max_api_calls:
            raise BudgetSpent(
                f"--max-api-calls {self.max_api_calls} is spent ({spent} calls made)",
                hint="raise --max-api-calls or apply again to continue",
            )
        if self.recorder is not None:
            self.recorder.journal.start_change(self.recorder.apply_id, address)

    def projects(self) -> list[dict[str, Any]]:
        """Every Baton project, read once, for recovering unfinished creates."""
        if self._projects is None:
            self._projects = list(self.baton.list("projects"))
        return self._projects


def apply_plan(
    plan: Plan,
    spec: Spec,
    sf: SalesforceClient,
    baton: BatonClient,
    on_progress: Callable[[Outcome], None] = lambda _outcome: None,
    prune: bool = False,
    recorder: Recorder | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    max_api_calls: int | None = None,
) -> ApplyReport:
    """Carry out every change of `plan`, stage by stage; `prune` allows deletes.

    With a `recorder`, each change is journaled as it starts and ends, creates left
    unfinished by a crashed apply are completed instead of repeated, and written values
    are remembered. `should_stop` and `max_api_calls` end the apply between changes; what
    was not attempted is reported as skipped.
    """
    run = _Run(
        spec,
        sf,
        baton,
        ApplyReport(),
        on_progress,
        names=WorkspaceNames(baton),
        recorder=recorder,
        should_stop=should_stop,
        max_api_calls=max_api_calls,
    )
    changes = plan.changes
    check_capabilities(changes, baton.capabilities())
    schema = [c for c in changes if c.resource in SCHEMA_RESOURCES]
    apply_schema(sf, schema, prune=prune, record=lambda *outcome: run.record(Outcome(*outcome)))
    _stage_schema(run, [c for c in changes if c.resource == "baton.customField"])
    _stage_creates(run, [c for c in changes if c.resource == "baton.project"])
    _stage_links(run, [c for c in changes if c.resource == "baton.customFieldValue"])
    _stage_writes(run, [c for c in changes if c.resource == "salesforce.record"])
    return run.report


def _attempt(run: _Run, change: Change, action: Callable[[], str]) -> bool:
    try:
        run.start(change.address)
    except BudgetSpent as exc:
        run.record(Outcome(change.address, "skipped", str(exc), code="NOT_ATTEMPTED"))
        return False
    try:
        message = action()
    except BatonSfError as exc:
        code = getattr(exc, "code", None) or type(exc).__name__
        run.record(Outcome(change.address, "failed", str(exc), code=str(code)))
        return False
    run.record(Outcome(change.address, "applied", message))
    return True


def _stage_schema(run: _Run, changes: list[Change]) -> None:
    for change in changes:

        def create(change: Change = change) -> str:
            run.link_field_id = writes.create_link_field(run.baton)
            return f"created custom field {writes.LINK_FIELD_TITLE!r}"

        _attempt(run, change, create)


def _kept(run: _Run, data: ProjectData) -> ProjectData:
    """A new project as the later stages need it: the fields its mapped keys derive from
    (as a plan keeps of each observed project), not the whole answer Baton gave."""
    if run.kept_fields is None:
        keys = [key for sync in run.spec.sync_backs for key in sync.fields.values()]
        run.kept_fields = project_fields(keys)
    project = {key: data.project[key] for key in run.kept_fields if key in data.project}
    return replace(data, project=project)


def _link_field(run: _Run) -> int:
    if run.link_field_id is None:
        for custom_field in run.baton.list("custom_fields"):
            if custom_field.get("title") == writes.LINK_FIELD_TITLE:
                run.link_field_id = int(custom_field["id"])
                break
        else:
            run.link_field_id = writes.create_link_field(run.baton)
    return run.link_field_id


def _stage_creates(run: _Run, changes: list[Change]) -> None:
    for change in changes:

        def create(change: Change = change) -> str:
            made = _create_with_retries(run, change)
            run.created[change.address] = _kept(run, made.data)
            if made.problems:
                raise BatonSfError(
                    f"created project {made.data.id}, but " + "; ".join(made.problems),
                    hint="complete the project in Baton; later plans do not import it again",
                )
            return f"created project {made.data.id}"

        _attempt(run, change, create)


_CREATE_TRIES = 5


def _create_with_retries(run: _Run, change: Change) -> Imported:
    """Create a change's project; after a transient failure, look for the project Baton may
    have stored anyway and complete that one, so that no retry makes a second project."""
    # Known limit: an adopted project gets its link, but leads and custom values that the
    # failed attempt had not added yet are not added later.
    assert run.names is not None
    values = change.after or {}
    existing = _unfinished(run, change)
    started = now()
    noted: dict[str, Any] = {}
    for attempt in range(1, _CREATE_TRIES + 1):
        try:
            return create_imported(
                run.baton,
                run.names,
                values,
                _link_field(run),
                run.spec.connection.timezone,
                on_created=partial(_note, run, change.address, noted),
                existing=existing,
            )
        except BatonSfError as exc:
            if not exc.retryable or attempt == _CREATE_TRIES:
                raise
            log.info("creating %s failed (%s); checking before retrying", change.address, exc)
            run._projects = None
            pending = PendingChange("", change.address, started, noted)
            title = str(values.get("title", ""))
            taken = {data.id for data in run.created.values()}
            found = recovered_project([pending], title, run.projects(), linked=taken)
            existing = dict(found) if found is not None else None
            time.sleep(min(0.25 * 2**attempt, 5.0))
    raise AssertionError("unreachable")


def _note(run: _Run, address: str, noted: dict[str, Any], project_id: int) -> None:
    noted["projectId"] = project_id
    if run.recorder is not None:
        recorder = run.recorder
        recorder.journal.note_result(recorder.apply_id, address, noted)


def _unfinished(run: _Run, change: Change) -> dict[str, Any] | None:
    """A project an earlier, crashed apply already made for this change, if any."""
    if run.recorder is None:
        return None
    pending = [
        p
        for p in run.recorder.journal.pending(change.address)
        if p.address == change.address and p.apply_id != run.recorder.apply_id
    ]
    if not pending:
        return None
    title = str((change.after or {}).get("title", ""))
    found = recovered_project(pending, title, run.projects(), linked=set())
    for item in pending:
        run.recorder.journal.settle(item.address, "recovered")
    return dict(found) if found is not None else None


def _stage_links(run: _Run, changes: list[Change]) -> None:
    for change in changes:

        def link(change: Change = change) -> str:
            assert change.project_id is not None and change.after is not None
            key = str(change.after["Salesforce Link"])
            writes.set_link(run.baton, _link_field(run), change.project_id, key)
            return f"linked project {change.project_id}"

        _attempt(run, change, link)


def _stage_writes(run: _Run, changes: list[Change]) -> None:
    batches: dict[str, list[tuple[Change, dict[str, Any]]]] = {}
    for change in changes:
        values = _resolved_fields(run, change)
        if values is None:
            continue
        if not values:
            run.record(Outcome(change.address, "skipped", "already holds Baton's values"))
            continue
        assert change.record is not None
        batches.setdefault(change.record.object, []).append((change, values))
    for object_name, items in sorted(batches.items()):
        _write_batch(run, object_name, items)


_RECORD_ROUNDS = 5


def _write_batch(run: _Run, object_name: str, items: list[tuple[Change, dict[str, Any]]]) -> None:
    started: list[tuple[Change, dict[str, Any]]] = []
    for change, values in items:
        try:
            run.start(change.address)
        except BudgetSpent as exc:
            run.record(Outcome(change.address, "skipped", str(exc), code="NOT_ATTEMPTED"))
            continue
        started.append((change, values))
    records = [{"id": change.record.id, **values} for change, values in started if change.record]
    try:
        errors = _update_with_retries(run, object_name, records)
    except BatonSfError as exc:
        for change, values in started:
            code = getattr(exc, "code", None)
            run.record(Outcome(change.address, "failed", str(exc), code=code, fields=tuple(values)))
        return
    for change, values in started:
        assert change.record is not None
        error = errors.get(change.record.id)
        if error is None:
            _remember(run, object_name, change.record.id, values)
            run.record(
                Outcome(
                    change.address, "applied", f"wrote {len(values)} field(s)", fields=tuple(values)
                )
            )
        else:
            run.record(
                Outcome(
                    change.address, "failed", error.message, code=error.code, fields=error.fields
                )
            )


def _resolved_fields(run: _Run, change: Change) -> dict[str, Any] | None:
    """The values to write, with known-after-apply ones computed from the new project."""
    fields = change.fields or {}
    pending = [name for name, item in fields.items() if is_known_after_apply(item.after)]
    values = {name: item.after for name, item in fields.items() if name not in pending}
    if not pending:
        return values
    assert change.record is not None and change.rule is not None
    data = run.created.get(f"baton.project[{change.rule}/{change.record.id}]")
    if data is None:
        run.record(Outcome(change.address, "skipped", "its Baton project was not created"))
        return None
    workspace = Workspace(url=run.baton.url)
    describe = run.sf.describe(change.record.object)
    by_name = {entry["name"]: entry for entry in describe.get("fields", [])}
    for name in pending:
        key = fields[name].source
        value = derive(key, data, workspace)
        target = by_name.get(name)
        timezone = run.spec.connection.timezone
        after = to_salesforce(key, value, target, timezone, custom_type=_custom_type(data, key))
        if not same_value(fields[name].before, after):
            values[name] = after
    return values


def _custom_type(data: ProjectData, key: str) -> str | None:
    """The type of a custom field the new project holds a value of, or None."""
    if not key.startswith(CUSTOM_PREFIX):
        return None
    found = data.custom_value(key[len(CUSTOM_PREFIX) :])
    return found.type if found is not None else None


def _update_with_retries(
    run: _Run, object_name: str, records: list[dict[str, Any]]
) -> dict[str, Any]:
    """Write records; those refused for a transient reason are sent again, a few rounds."""
    errors: dict[str, Any] = {}
    pending = records
    for round_number in range(1, _RECORD_ROUNDS + 1):
        result = run.sf.update(object_name, pending)
        errors.update({error.record_id: error for error in result.errors})
        retry = {e.record_id for e in result.errors if e.code in TRANSIENT_CODES}
        for record_id in result.written:
            errors.pop(record_id, None)
        if not retry or round_number == _RECORD_ROUNDS:
            break
        pending = [record for record in pending if record["id"] in retry]
        time.sleep(min(0.25 * 2**round_number, 5.0))
        log.info(
            "retrying %d %s record(s) refused for a transient reason", len(pending), object_name
        )
    return errors


def _remember(run: _Run, object_name: str, record_id: str, values: dict[str, Any]) -> None:
    if run.recorder is not None:
        recorder = run.recorder
        recorder.journal.remember_written(
            recorder.apply_id, recorder.target, object_name, record_id, values
        )
