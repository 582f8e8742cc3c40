"""Making a plan from a spec directory: connect, observe, plan."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reconciler.baton.client import BatonClient
from reconciler.baton.client import connect as connect_baton
from reconciler.observe.reader import observe
from reconciler.plan.model import Plan
from reconciler.plan.planner import make_plan
from reconciler.salesforce.client import SalesforceClient
from reconciler.salesforce.client import connect as connect_salesforce
from reconciler.spec import Spec, load_spec


@dataclass
class Clients:
    """Both services, connected for one run."""

    salesforce: SalesforceClient
    baton: BatonClient


def connect(spec: Spec) -> Clients:
    """Connect to the spec's org and workspace, resolving its references."""
    return Clients(salesforce=connect_salesforce(spec), baton=connect_baton(spec))


def plan_spec(spec_dir: Path, env: str | None) -> tuple[Spec, Clients, Plan]:
    """Load a spec, read both systems and plan the difference."""
    spec = load_spec(spec_dir, env)
    clients = connect(spec)
    observed = observe(spec, clients.salesforce, clients.baton)
    plan = make_plan(spec, observed, connection=connection_as_written(spec))
    return spec, clients, plan


def connection_as_written(spec: Spec) -> dict[str, Any]:
    """The Connection with its references as references: never a resolved secret."""
    return {
        "name": spec.connection.name,
        "spec": spec.connection.model_dump(
            mode="json", by_alias=True, exclude={"name", "location"}
        ),
    }
