"""Migrating spec files in place: older documents rewritten through the registered steps
with their comments, newer ones and other YAML kept byte for byte."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

import pytest

from reconciler.spec import migrations
from reconciler.spec.migrate_files import Migrated, migrate_text
from reconciler.spec.migrations import MigrationRegistry, rename_key
from reconciler.spec.yaml_rewrite import RewriteError

V0 = """\
# The connection, written for v0.
apiVersion: baton-sf/v0
kind: Connection
metadata:
  name: acme
spec:
  salesforce:
    instance: https://acme.my.salesforce.com   # the org
    auth: {method: access-token, accessToken: {env: SF_TOKEN}}
  baton: {url: https://acme.hellobaton.com, apiKey: {env: BATON_API_KEY}}
"""

V1 = V0.replace("baton-sf/v0", "baton-sf/v1").replace("instance:", "instanceUrl:")


def rename_instance(doc: MutableMapping[str, Any]) -> None:
    """v0 called `instanceUrl` `instance`."""
    rename_key(doc["spec"]["salesforce"], "instance", "instanceUrl")


@pytest.fixture(autouse=True)
def registry(monkeypatch: pytest.MonkeyPatch) -> MigrationRegistry:
    fresh = MigrationRegistry()
    fresh.register("baton-sf/v0", "baton-sf/v1", rename_instance)
    monkeypatch.setattr(migrations, "REGISTRY", fresh)
    return fresh


def test_an_older_document_is_migrated_keeping_comments_and_order() -> None:
    text, done = migrate_text(V0, "connection.yaml")

    assert done == [Migrated(line=2, before="baton-sf/v0", after="baton-sf/v1")]
    # The renamed key is longer, so its comment moves to the nearest column that fits.
    assert text == V1.replace(".com   # the org", ".com # the org")


def test_a_document_of_the_newest_version_is_kept_byte_for_byte() -> None:
    odd = V1.replace("kind: Connection", "kind:    Connection")

    assert migrate_text(odd, "connection.yaml") == (odd, [])


def test_only_the_older_documents_of_a_file_change() -> None:
    newer = "apiVersion: baton-sf/v1\nkind:   ImportRule\n"
    other = "name:    not a spec\n"
    text = f"{newer}---\n{V0}---\n{other}"

    migrated, done = migrate_text(text, "all.yaml")

    assert [m.line for m in done] == [5]
    assert migrated.startswith(
        newer + "---\n# The connection, written for v0.\napiVersion: baton-sf/v1"
    )
    assert migrated.endswith("---\n" + other)


def test_an_unknown_version_is_refused_naming_the_line_and_the_versions() -> None:
    with pytest.raises(RewriteError) as caught:
        migrate_text(V0.replace("baton-sf/v0", "baton-sf/v7"), "connection.yaml")

    assert caught.value.message.startswith("connection.yaml:2:1: apiVersion baton-sf/v7")
    assert caught.value.hint == "supported versions: baton-sf/v1, baton-sf/v0"


def test_a_step_that_fails_is_reported_at_the_document(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(doc: MutableMapping[str, Any]) -> None:
        raise KeyError("spec")

    fresh = MigrationRegistry()
    fresh.register("baton-sf/v0", "baton-sf/v1", broken)
    monkeypatch.setattr(migrations, "REGISTRY", fresh)

    with pytest.raises(RewriteError, match="cannot be migrated from baton-sf/v0 to baton-sf/v1"):
        migrate_text(V0, "connection.yaml")


def test_rename_key_keeps_the_place_of_the_key_in_plain_mappings_too() -> None:
    plain: dict[str, Any] = {"a": 1, "instance": "u", "c": 3}

    rename_key(plain, "instance", "instanceUrl")
    rename_key(plain, "absent", "other")

    assert list(plain.items()) == [("a", 1), ("instanceUrl", "u"), ("c", 3)]


def test_a_document_of_another_kind_is_not_migrated() -> None:
    policy = "apiVersion: baton-sf/v0\nkind: Policy\nmetadata: {name: p}\n"

    assert migrate_text(policy, "policy.yaml") == (policy, [])
