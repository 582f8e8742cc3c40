"""Preflight: what the org must allow before a plan can be applied, checked while planning.

The integration user must manage PushTopics and update every SyncBack target; the org must
serve the Connection's API version, must not run the deprecated "Baton" managed package,
and must have enough of the day's API requests left for the plan. Every failure is one
line naming the cause and the fix; all of them are raised together as one PlanError.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

from reconciler.errors import PlanError
from reconciler.plan.model import Plan
from reconciler.salesforce.client import SalesforceClient
from reconciler.salesforce.errors import SalesforceApiError
from reconciler.spec import Spec

LEGACY_PACKAGE: Final = "Baton"
_TOPIC_RIGHTS: Final = (
    ("createable", "create"),
    ("queryable", "read"),
    ("updateable", "update"),
    ("deletable", "delete"),
)
_PACKAGES: Final = (
    "SELECT Id, SubscriberPackage.Name, SubscriberPackage.NamespacePrefix "
    "FROM InstalledSubscriberPackage"
)


def preflight(spec: Spec, sf: SalesforceClient, plan: Plan) -> None:
    """Check that the org allows what `plan` will do; PlanError listing every failure."""
    problems = [
        *push_topic_rights(sf),
        *target_rights(spec, sf),
        *api_version(spec, sf),
        *legacy_package(sf),
        *daily_requests(sf, plan),
    ]
    if problems:
        raise PlanError("\n".join(f"preflight: {problem}" for problem in problems))


def push_topic_rights(sf: SalesforceClient) -> Iterator[str]:
    """The integration user creates, reads, updates and deletes PushTopic records."""
    try:
        describe = sf.describe("PushTopic")
    except SalesforceApiError as exc:
        if exc.status != 404:
            raise
        describe = {}
    missing = [verb for flag, verb in _TOPIC_RIGHTS if not describe.get(flag)]
    if missing:
        yield (
            f"the integration user cannot {', '.join(missing)} PushTopic records; give its "
            "profile or a permission set Read, Create, Edit and Delete on Push Topics"
        )


def target_rights(spec: Spec, sf: SalesforceClient) -> Iterator[str]:
    """The integration user updates every SyncBack target object and existing field."""
    seen: set[str] = set()
    for sync in spec.sync_backs:
        name = sync.target.object
        describe = sf.describe(name)
        if not describe.get("updateable") and name not in seen:
            seen.add(name)
            yield (
                f"the integration user cannot update {name} records (SyncBack {sync.name}); "
                f"give its profile or a permission set Edit on {name}"
            )
        fields = {str(e["name"]).lower(): e for e in describe.get("fields", [])}
        for field in sorted(sync.fields):
            entry = fields.get(field.lower())
            full = f"{name}.{field}"
            if entry is not None and not entry.get("updateable") and full not in seen:
                seen.add(full)
                yield (
                    f"the integration user cannot update {full} (SyncBack {sync.name}); "
                    "grant Edit in its field-level security, or map a field that is not a "
                    "formula or read-only"
                )


def api_version(spec: Spec, sf: SalesforceClient) -> Iterator[str]:
    """The org serves the Connection's API version."""
    wanted = spec.connection.salesforce.api_version
    served = sf.versions()
    if wanted not in served:
        newest = max(served, key=_version_key) if served else "none"
        yield (
            f"the org does not serve API version {wanted} (its newest is {newest}); set "
            f'salesforce.apiVersion to a version it serves, such as "{newest}"'
        )


def legacy_package(sf: SalesforceClient) -> Iterator[str]:
    """The deprecated managed package named "Baton" is not installed."""
    try:
        rows = sf.tooling_query(_PACKAGES)
    except SalesforceApiError as exc:
        yield (
            f"cannot list the org's installed packages ({exc.code or exc.status}); give the "
            "integration user the View Setup and Configuration permission"
        )
        return
    for row in rows:
        package = row.get("SubscriberPackage") or {}
        if str(package.get("Name", "")).strip().lower() == LEGACY_PACKAGE.lower():
            namespace = package.get("NamespacePrefix")
            shown = f' (namespace "{namespace}")' if namespace else ""
            yield (
                f'the deprecated managed package "{LEGACY_PACKAGE}"{shown} is installed and '
                "interferes with the integration; uninstall it: Setup > Apps > Packaging > "
                f'Installed Packages, then Uninstall next to "{LEGACY_PACKAGE}"'
            )


def daily_requests(sf: SalesforceClient, plan: Plan) -> Iterator[str]:
    """The day's remaining API requests cover the plan's estimate."""
    needed = plan.summary.api_calls.salesforce
    allowance = sf.limits().get("DailyApiRequests")
    remaining = _remaining(allowance)
    if remaining is not None and remaining < needed:
        yield (
            f"the org has {remaining} API requests left today and applying the plan takes "
            f"about {needed}; wait for the 24-hour allowance to recover, or raise the org's "
            "limit with Salesforce"
        )


def _remaining(allowance: Any) -> int | None:
    if not isinstance(allowance, Mapping) or allowance.get("Remaining") is None:
        return None
    return int(allowance["Remaining"])


def _version_key(version: str) -> float:
    try:
        return float(version)
    except ValueError:
        return 0.0
