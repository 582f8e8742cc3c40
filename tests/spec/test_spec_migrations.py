"""The migration registry: older apiVersions are read through registered steps."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

import pytest
from spec_support import CONNECTION, Check, line_of, only

from reconciler.spec import migrations
from reconciler.spec.migrations import MigrationError, MigrationRegistry

V0_CONNECTION = CONNECTION.replace("baton-sf/v1", "baton-sf/v0").replace(
    "instanceUrl:", "instance:"
)


def rename_instance(doc: MutableMapping[str, Any]) -> None:
    """v0 called `instanceUrl` `instance`."""
    salesforce = doc.get("spec", {}).get("salesforce", {})
    if "instance" in salesforce:
        salesforce["instanceUrl"] = salesforce.pop("instance")


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> MigrationRegistry:
    """A registry that also reads baton-sf/v0, in place of the build's for one test."""
    fresh = MigrationRegistry()
    fresh.register("baton-sf/v0", "baton-sf/v1", rename_instance)
    monkeypatch.setattr(migrations, "REGISTRY", fresh)
    return fresh


def test_v1_is_the_newest_and_only_version_of_this_build() -> None:
    assert migrations.NEWEST == "baton-sf/v1"
    assert migrations.supported_versions() == ("baton-sf/v1",)


def test_migrate_runs_the_steps_up_to_the_newest(registry: MigrationRegistry) -> None:
    doc: dict[str, Any] = {"apiVersion": "baton-sf/v0", "spec": {"salesforce": {"instance": "u"}}}

    migrated = registry.migrate(doc)

    assert migrated is doc
    assert doc == {"apiVersion": "baton-sf/v1", "spec": {"salesforce": {"instanceUrl": "u"}}}


def test_steps_chain_through_intermediate_versions() -> None:
    registry = MigrationRegistry()
    registry.register("baton-sf/v1alpha1", "baton-sf/v1beta1", lambda d: d.update(a=1))
    registry.register("baton-sf/v1beta1", "baton-sf/v1", lambda d: d.update(b=2))

    doc = registry.migrate({"apiVersion": "baton-sf/v1alpha1"})

    assert doc == {"apiVersion": "baton-sf/v1", "a": 1, "b": 2}


def test_a_version_without_a_path_is_refused() -> None:
    registry = MigrationRegistry()
    registry.register("baton-sf/v0", "baton-sf/v0", lambda d: None)

    with pytest.raises(MigrationError, match="cannot be migrated"):
        registry.migrate({"apiVersion": "baton-sf/v0"})


def test_a_step_is_registered_once() -> None:
    registry = MigrationRegistry()
    registry.register("baton-sf/v0", "baton-sf/v1", rename_instance)

    with pytest.raises(ValueError, match="already defined"):
        registry.register("baton-sf/v0", "baton-sf/v1", rename_instance)


def test_an_older_document_loads_through_its_migration(
    check: Check, registry: MigrationRegistry
) -> None:
    spec, diagnostics = check({"connection.yaml": V0_CONNECTION})

    assert spec is not None, [str(d) for d in diagnostics]
    assert spec.connection.salesforce.instance_url == "https://acme.my.salesforce.com"


def test_a_migrated_document_keeps_its_positions(check: Check, registry: MigrationRegistry) -> None:
    text = V0_CONNECTION.replace("America/New_York", "Mars/Olympus")

    _, diagnostics = check({"connection.yaml": text})

    assert only(diagnostics, "unknown-timezone").line == line_of(text, "Mars/Olympus")


def test_an_unknown_version_lists_the_supported_ones(
    check: Check, registry: MigrationRegistry
) -> None:
    _, diagnostics = check({"connection.yaml": CONNECTION.replace("/v1", "/v7")})

    assert only(diagnostics, "unknown-api-version").hint == (
        "supported versions: baton-sf/v1, baton-sf/v0"
    )


def test_a_failing_step_is_a_diagnostic(check: Check, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(doc: MutableMapping[str, Any]) -> None:
        raise KeyError("spec")

    fresh = MigrationRegistry()
    fresh.register("baton-sf/v0", "baton-sf/v1", broken)
    monkeypatch.setattr(migrations, "REGISTRY", fresh)

    spec, diagnostics = check({"connection.yaml": V0_CONNECTION})

    assert spec is None
    assert only(diagnostics, "migration-failed").line == 1
