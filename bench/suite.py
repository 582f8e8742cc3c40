"""One workload at one size, measured end to end against its own emulator.

The steps, each in its own process: `baton-sf plan --json --out` (timed, peak RSS), the
read floor on the same state (timed), `baton-sf apply PLAN` (timed, peak RSS), an untimed
plan that must find nothing left to do (after a first import), and the naive baseline.
The emulator's request counters are reset before each step and read after it.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from bench.clients import salesforce
from bench.emulator import (
    RAISED_BATON_RATE,
    REAL_BATON_RATE,
    BenchEmulator,
    free_port,
    write_faults,
)
from bench.measure import Measured, run_measured
from bench.workloads import Workload, write_seed
from reconciler.observe.reader import selected_fields, where_clause
from reconciler.salesforce import soql
from reconciler.spec import load_spec

REPO = Path(__file__).resolve().parents[1]
SPEC_DIR = REPO / "bench" / "specs"
DEFAULT_POLICIES = REPO / "policies"
REAL_ENV = "emulator"
IMPORT_ENV = "emulator-unthrottled"
COLLECTION_SIZE = 200
BULK_WRITE_THRESHOLD = 2000
"""The reconciler's default: above this many records an object's writes use Bulk API 2.0."""

_WRITE_KINDS = ("composite", "sobject.update", "sobject.upsert")


class BenchFailure(Exception):
    """A step failed or did something other than its workload requires."""


@dataclass
class Step:
    """One measured step: the process and the requests it made, by service and kind."""

    run: Measured
    calls: dict[str, Any]
    emulator_seconds: float
    """The time the emulator spent answering the step's requests, from its log."""
    ended: float = field(default_factory=time.monotonic)

    def total(self, service: str) -> int:
        return int(self.calls.get("total", {}).get(service, 0))

    def kinds(self, service: str) -> dict[str, int]:
        return dict(self.calls.get(service, {}))


@dataclass
class Context:
    """Where one workload runs: its emulator, environment and scratch directory."""

    load: Workload
    size: int
    emulator: BenchEmulator
    env: dict[str, str]
    work: Path
    spec_env: str
    per_minute: int
    policies: Path
    recent_baton: list[tuple[int, float]] = field(default_factory=list)
    """(Baton requests, when the step ended) of each step so far."""
    expected_baton: int = 0
    """Baton requests a step may make: as many as the plan made."""


def run_workload(load: Workload, size: int, work: Path, *, verify: bool = True) -> dict[str, Any]:
    """Measure one workload at one size and return its row of figures."""
    work = work / f"{load.name}-{size}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    first = load.changed_share is None
    port = free_port()
    seed = write_seed(work / "seed.json", load, size, f"https://127.0.0.1:{port}")
    rate = RAISED_BATON_RATE if first else REAL_BATON_RATE
    faults = write_faults(work / "faults.yaml", rate)
    emulator = BenchEmulator.start(work / "emulator", port, seed, faults)
    try:
        spec_env = IMPORT_ENV if first else REAL_ENV
        context = Context(
            load=load,
            size=size,
            emulator=emulator,
            env=_environment(emulator, work),
            work=work,
            spec_env=spec_env,
            per_minute=load_spec(SPEC_DIR, spec_env).connection.baton.requests_per_minute,
            policies=write_policies(work / "policies", spec_env),
        )
        return _measure(context, verify=verify and first)
    finally:
        emulator.stop()


def _measure(context: Context, *, verify: bool) -> dict[str, Any]:
    soql_text = read_query(context)
    plan_path = context.work / "plan.json"
    plan_args = ("plan", str(SPEC_DIR), "--env", context.spec_env, "--json", "--out")
    plan = _step(context, "plan", _cli(context, *plan_args, str(plan_path)))
    summary = json.loads(plan_path.read_text(encoding="utf-8"))["summary"]
    check_plan(context.load, context.size, summary)
    collections = listed_collections(plan.calls)
    floor = _step(context, "read-floor", [
        sys.executable, "-m", "bench.read_floor", "--soql", soql_text,
        "--collections", ",".join(collections), "--per-minute", str(context.per_minute),
    ])  # fmt: skip
    apply = _step(context, "apply", _cli(context, "apply", str(plan_path)))
    if verify:
        _verify_converged(context)
    naive = _step(context, "naive", [
        sys.executable, "-m", "bench.naive", "--soql", soql_text,
        "--per-minute", str(context.per_minute),
    ])  # fmt: skip
    return build_row(context.load, context.size, plan, floor, apply, naive, summary)


def read_query(context: Context) -> str:
    """The rule's query exactly as the plan builds it: the same fields and condition, and
    every linked record besides (the link field is not null)."""
    spec = load_spec(SPEC_DIR, context.spec_env)
    rule = spec.import_rules[0]
    describe = salesforce(context.env).restful(f"sobjects/{rule.object}/describe/")
    if not isinstance(describe, dict):
        raise BenchFailure(f"the emulator answered no describe of {rule.object}")
    where = where_clause(rule.when, describe)
    links = [sync.link_field() for sync in spec.sync_backs_for(rule.name) if sync.link_field()]
    if links:
        where = soql.conjunction([where, f"{soql.field_name(str(links[0]))} != null"], "OR")
    return soql.select(rule.object, selected_fields(spec, rule), where, order_by="Id")


def listed_collections(calls: Mapping[str, Any]) -> list[str]:
    """The Baton collections a step listed, from the emulator's `GET name` counters."""
    kinds = calls.get("baton.collections", {})
    return sorted(
        kind.split(" ", 1)[1]
        for kind in kinds
        if kind.startswith("GET ") and "/" not in kind.split(" ", 1)[1]
    )


def check_plan(load: Workload, size: int, summary: Mapping[str, Any]) -> None:
    """Refuse a plan that is not what the workload sets up: its figures would mean nothing."""
    changed = load.changed(size)
    if load.changed_share is None:
        wanted = {"create": size}
    else:
        wanted = {"create": 0, "update": changed, "fieldWrites": 2 * changed, "schema": 0}
    found = {key: summary.get(key) for key in wanted}
    if found != wanted:
        raise BenchFailure(
            f"{load.name} at {size}: the plan's summary {found} is not the expected {wanted}; "
            "the generated seed no longer matches what the reconciler plans"
        )


def _verify_converged(context: Context) -> None:
    """After a first import, a plan must find nothing left to do (not timed)."""
    run = run_measured(
        _cli(context, "plan", str(SPEC_DIR), "--env", context.spec_env, "--detailed-exitcode"),
        context.env,
        REPO,
        context.work / "verify",
    )
    if run.code != 0:
        raise BenchFailure(
            f"{context.load.name} at {context.size}: the plan after apply still finds changes "
            f"(exit {run.code}):\n{run.stdout[-2000:]}{run.stderr[-2000:]}"
        )


def _step(context: Context, name: str, command: list[str]) -> Step:
    _wait_for_baton_window(context)
    context.emulator.reset_stats()
    log_offset = context.emulator.log_size()
    run = run_measured(command, context.env, REPO, context.work / name)
    if run.code != 0:
        raise BenchFailure(
            f"{context.load.name} at {context.size}: {name} exited {run.code}:\n"
            f"{run.stderr[-3000:]}"
        )
    step = Step(run, context.emulator.stats(), context.emulator.served_seconds(log_offset))
    context.recent_baton.append((step.total("baton"), step.ended))
    context.expected_baton = max(context.expected_baton, step.total("baton"))
    return step


def _wait_for_baton_window(context: Context) -> None:
    """Let Baton's minute window empty before a step when what earlier steps sent in it and
    what this one may send could go over the limit, so that no step is throttled for
    requests another step made (the wait is not timed)."""
    if context.per_minute > REAL_BATON_RATE:
        return
    time.sleep(
        baton_wait(
            context.recent_baton, context.expected_baton, context.per_minute, time.monotonic()
        )
    )


def baton_wait(
    steps: Sequence[tuple[int, float]], expected: int, per_minute: int, now: float
) -> float:
    """Seconds to wait until the Baton requests of earlier `steps` (count, end time) that
    are still in the server's minute window leave room for `expected` more: none when they
    already do, else until all of them have left it (a second to spare)."""
    recent = [(count, ended) for count, ended in steps if count and ended + 61 > now]
    if not recent or sum(count for count, _ in recent) + expected <= per_minute:
        return 0.0
    return max(ended for _, ended in recent) + 61 - now


def _cli(context: Context, *args: str) -> list[str]:
    """A `baton-sf` command line, judged by the bench's policies."""
    command = Path(sys.executable).with_name("baton-sf")
    return [str(command), *args, "--policies", str(context.policies)]


def _environment(emulator: BenchEmulator, work: Path) -> dict[str, str]:
    """The process environment: the emulator's variables and a fresh journal directory."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("BATON_SF_")}
    env.update(emulator.env)
    env["BATON_SF_HOME"] = str(work / "home")
    env["NO_COLOR"] = "1"
    env["PYTHONPATH"] = str(REPO)
    return env


def write_policies(directory: Path, spec_env: str) -> Path:
    """The default guardrails, with the bench environment allowed any number of creates."""
    yaml = YAML()
    document = yaml.load((DEFAULT_POLICIES / "guardrails.yaml").read_text(encoding="utf-8"))
    environments = document["spec"].setdefault("environments", {})
    environments[spec_env] = {"maxCreates": 10_000_000}
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / "guardrails.yaml").open("w", encoding="utf-8") as handle:
        yaml.dump(document, handle)
    return directory


def salesforce_write_calls(kinds: Mapping[str, int]) -> int:
    """Record writes sent: sObject Collections and single-record calls, and every Bulk API
    2.0 ingest request."""
    single = sum(kinds.get(kind, 0) for kind in _WRITE_KINDS)
    return single + sum(n for kind, n in kinds.items() if kind.startswith("bulk.ingest"))


def write_path(records: int) -> str:
    """How the reconciler writes this many records of one object."""
    if records == 0:
        return "none"
    return "bulk" if records > BULK_WRITE_THRESHOLD else "rest"


def build_row(
    load: Workload,
    size: int,
    plan: Step,
    floor: Step,
    apply: Step,
    naive: Step,
    summary: Mapping[str, Any],
) -> dict[str, Any]:
    """The figures of one workload and size, as `latest.json` holds them."""
    written = load.changed(size)
    path = write_path(written)
    baton = plan.total("baton") + apply.total("baton")
    naive_sf = naive.total("salesforce")
    ours_sf = plan.total("salesforce") + apply.total("salesforce")
    return {
        "workload": load.name,
        "size": size,
        "recordsWritten": written,
        "planSeconds": round(plan.run.seconds, 3),
        "applySeconds": round(apply.run.seconds, 3),
        "readFloorSeconds": round(floor.run.seconds, 3),
        "planToReadFloor": round(plan.run.seconds / floor.run.seconds, 3),
        "peakRssMb": round(max(plan.run.peak_rss_mb, apply.run.peak_rss_mb), 1),
        "planEmulatorSeconds": round(plan.emulator_seconds, 3),
        "applyEmulatorSeconds": round(apply.emulator_seconds, 3),
        "readFloorEmulatorSeconds": round(floor.emulator_seconds, 3),
        "planPeakRssMb": round(plan.run.peak_rss_mb, 1),
        "applyPeakRssMb": round(apply.run.peak_rss_mb, 1),
        "apiCalls": {"salesforce": ours_sf, "baton": baton},
        "apiCallsByKind": {
            "plan": {"salesforce": plan.kinds("salesforce"), "baton": plan.kinds("baton")},
            "apply": {"salesforce": apply.kinds("salesforce"), "baton": apply.kinds("baton")},
        },
        "writePath": path,
        "salesforceWriteCalls": salesforce_write_calls(apply.kinds("salesforce")),
        "expectedRestWriteCalls": math.ceil(written / COLLECTION_SIZE) if path == "rest" else None,
        "planSummary": dict(summary),
        "readFloorApiCalls": {
            "salesforce": floor.total("salesforce"),
            "baton": floor.total("baton"),
        },
        "naiveApiCalls": {"salesforce": naive_sf, "baton": naive.total("baton")},
        "naiveSeconds": round(naive.run.seconds, 3),
        "naiveToReconcilerSalesforceCalls": round(naive_sf / max(1, ours_sf), 1),
        "batonThrottled": sum(
            step.calls.get("faults", {}).get("baton.throttled", 0)
            for step in (plan, floor, apply, naive)
        ),
        "batonRequestsPerMinuteLimit": RAISED_BATON_RATE
        if load.changed_share is None
        else REAL_BATON_RATE,
        "batonRealLimitMinutes": round(baton / REAL_BATON_RATE, 2),
    }
