"""Making a plan from a spec directory: connect, check the spec against the org's schema,
observe, plan."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from reconciler.baton.client import BatonClient
from reconciler.baton.client import connect as connect_baton
from reconciler.observe.reader import observe
from reconciler.plan.model import Plan
from reconciler.plan.planner import make_plan
from reconciler.plan.preflight import preflight
from reconciler.salesforce.client import SalesforceClient
from reconciler.salesforce.client import connect as connect_salesforce
from reconciler.salesforce.errors import SalesforceApiError
from reconciler.salesforce.schema import tracked_fields
from reconciler.spec import Diagnostic, Spec, SpecInvalid, load_spec
from reconciler.spec.schema_checks import check_against_org, read_describes


@dataclass
class Clients:
    """Both services, connected for one run."""

    salesforce: SalesforceClient
    baton: BatonClient


def connect(spec: Spec) -> Clients:
    """Connect to the spec's org and workspace, resolving its references."""
    return Clients(salesforce=connect_salesforce(spec), baton=connect_baton(spec))


WrittenValues = Callable[[str], Mapping[tuple[str, str, str], Any]]


def plan_spec(
    spec_dir: Path,
    env: str | None,
    last_written: WrittenValues | None = None,
    adjust: Callable[[Spec], Spec] | None = None,
) -> tuple[Spec, Clients, Plan]:
    """Load a spec, read both systems and plan the difference.

    `last_written` gives, for an org, the values this tool last wrote into its fields, so
    that a field a person changed since can be told apart (onConflict); `adjust` changes
    the loaded spec for this run only (`import` uses it to name one record).
    """
    spec = load_spec(spec_dir, env)
    if adjust is not None:
        spec = adjust(spec)
    clients = connect(spec)
    check_org(spec, clients.salesforce)
    observed = observe(spec, clients.salesforce, clients.baton)
    if last_written is not None:
        observed = replace(observed, last_written=last_written(observed.target_key))
    plan = make_plan(spec, observed, connection=connection_as_written(spec))
    preflight(spec, clients.salesforce, plan)
    return spec, clients, plan


def check_org(spec: Spec, salesforce: SalesforceClient) -> list[Diagnostic]:
    """The spec's findings against the org's schema; SpecInvalid when one is an error."""
    diagnostics = org_diagnostics(spec, salesforce)
    if any(d.severity == "error" for d in diagnostics):
        raise SpecInvalid(diagnostics)
    return diagnostics


def org_diagnostics(spec: Spec, salesforce: SalesforceClient) -> list[Diagnostic]:
    """Every finding of the spec against the org's live schema; each describe is read once
    and kept by the client for the rest of the run."""
    describes = read_describes(spec, describer(salesforce))
    return check_against_org(spec, describes, history_tracked(spec, salesforce, describes))


def history_tracked(
    spec: Spec, salesforce: SalesforceClient, describes: Mapping[str, Any]
) -> dict[str, list[str]]:
    """The fields the org tracks the history of already, on each object the spec tracks
    history on (objects the org lacks are left out). Read only when the spec tracks any."""
    names = {name.lower(): name for name in describes}
    wanted = {sync.target.object.lower() for sync in spec.sync_backs if sync.track_history}
    objects = sorted(names[obj] for obj in wanted if obj in names)
    return {name: sorted(tracked_fields(salesforce, name)) for name in objects}


def describer(salesforce: SalesforceClient) -> Callable[[str], dict[str, Any] | None]:
    """The org's describe of an object, None when the org has no such object."""

    def describe(name: str) -> dict[str, Any] | None:
        try:
            return salesforce.describe(name)
        except SalesforceApiError as exc:
            if exc.status == 404:
                return None
            raise

    return describe


def connection_as_written(spec: Spec) -> dict[str, Any]:
    """The Connection with its references as references: never a resolved secret."""
    return {
        "name": spec.connection.name,
        "spec": spec.connection.model_dump(
            mode="json", by_alias=True, exclude={"name", "location"}
        ),
    }
