"""The Baton operations a plan needs, checked against what the workspace offers.

A plan that needs a write the workspace's `/api/swagger.json` does not list stops before it
is shown or applied, naming the missing operation, instead of failing halfway through an
apply.
"""

from __future__ import annotations

from collections.abc import Iterable

from reconciler.baton.capabilities import Capabilities, Operation
from reconciler.errors import PlanError
from reconciler.plan.model import Change


def required_operations(changes: Iterable[Change]) -> dict[Operation, str]:
    """Each Baton operation the changes need, with the address of the first that needs it."""
    needed: dict[Operation, str] = {}
    for change in changes:
        for operation in _operations(change):
            needed.setdefault(operation, change.address)
    return needed


def check_capabilities(changes: Iterable[Change], capabilities: Capabilities | None) -> None:
    """Refuse changes that need an operation the workspace does not offer; `capabilities`
    None means they were not read, and nothing is checked."""
    needed = required_operations(changes)
    if not needed or capabilities is None:
        return
    if not capabilities.published:
        first = sorted(needed)[0]
        raise PlanError(
            f"the Baton workspace publishes no /api/swagger.json, so baton-sf cannot confirm "
            f"that it offers {first} ({first.purpose}), which {needed[first]} needs",
            hint="check baton.url; the workspace's API reference must be reachable to write",
        )
    missing = capabilities.missing(needed)
    if missing:
        named = "; ".join(f"{op} ({op.purpose}) for {needed[op]}" for op in missing)
        raise PlanError(
            f"the Baton workspace does not offer {named}",
            hint=f"{capabilities.source} lists the operations the API key may use; ask Baton "
            "to enable them, or change the spec so that the plan does not need them",
        )


def _operations(change: Change) -> list[Operation]:
    if change.resource == "baton.customField" and change.action == "create":
        return [Operation("POST", "custom_fields")]
    if change.resource == "baton.customFieldValue":
        if change.action == "update":
            return [Operation("PATCH", "custom_field_values")]
        return [Operation("POST", "custom_field_values")]
    if change.resource == "baton.project" and change.action == "create":
        return _create_operations(change)
    return []


def _create_operations(change: Change) -> list[Operation]:
    after = change.after or {}
    operations = [Operation("POST", "projects"), Operation("POST", "custom_field_values")]
    if after.get("projectLead") or after.get("clientLeadEmail"):
        operations.append(Operation("POST", "project_users"))
    if after.get("template"):
        operations.append(Operation("GET", "templates"))
    return operations
