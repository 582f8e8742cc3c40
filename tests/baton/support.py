"""Specs written for one test, and plans made in-process against a running emulator."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from reconciler.plan.model import Plan
from reconciler.plan.run import Clients, plan_spec
from reconciler.spec import Spec

CONNECTION = """\
apiVersion: baton-sf/v1
kind: Connection
metadata: {name: test}
spec:
  salesforce:
    instanceUrl: {env: BATON_SF_SALESFORCE_URL}
    auth: {method: access-token, accessToken: {env: BATON_SF_SALESFORCE_TOKEN}}
    caBundle: {env: BATON_SF_CA_BUNDLE}
  baton:
    url: {env: BATON_SF_BATON_URL}
    apiKey: {env: BATON_SF_BATON_API_KEY}
    caBundle: {env: BATON_SF_CA_BUNDLE}
  goLive: 2026-11-01T00:00:00Z
  timezone: UTC
"""


def rule_document(name: str = "won", extra: str = "") -> str:
    """An Opportunity ImportRule; `extra` is more YAML under `spec:` (indented two spaces)."""
    return (
        f"apiVersion: baton-sf/v1\nkind: ImportRule\nmetadata: {{name: {name}}}\nspec:\n"
        "  object: Opportunity\n  when:\n    all:\n"
        "      - {field: StageName, eq: Closed Won}\n      - {field: Type, eq: New Customer}\n"
        + extra
    )


def sync_document(
    name: str, fields: dict[str, str], *, target: str = "Opportunity", via: str | None = None
) -> str:
    """A SyncBack of rule `won` writing `fields` (Salesforce field: Baton key)."""
    where = f"{{object: {target}" + (f", via: {via}}}" if via else "}")
    lines = "".join(f"    {sf}: {key}\n" for sf, key in fields.items())
    return (
        f"apiVersion: baton-sf/v1\nkind: SyncBack\nmetadata: {{name: {name}}}\nspec:\n"
        f"  rule: won\n  target: {where}\n  fields:\n{lines}"
    )


@dataclass
class SpecDir:
    """A spec directory built document by document."""

    path: Path
    documents: dict[str, str] = field(default_factory=dict)

    def write(self, **documents: str) -> Path:
        self.path.mkdir(parents=True, exist_ok=True)
        (self.path / "connection.yaml").write_text(CONNECTION)
        for name, text in documents.items():
            (self.path / f"{name}.yaml").write_text(text)
        return self.path


@dataclass
class InProcess:
    """Plans made in this process against one emulator, its variables set for the test."""

    emulator: Any
    monkeypatch: pytest.MonkeyPatch

    def plan(self, spec_dir: Path) -> tuple[Spec, Clients, Plan]:
        for name, value in self.emulator.env.items():
            self.monkeypatch.setenv(name, value)
        return plan_spec(spec_dir, None)


@pytest.fixture
def in_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Any], InProcess]]:
    yield lambda emulator: InProcess(emulator, monkeypatch)
