"""Spec files and describes for the schema-stage tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reconciler.spec import Spec, load_spec

CONNECTION = """\
apiVersion: baton-sf/v1
kind: Connection
metadata: {name: test}
spec:
  salesforce:
    instanceUrl: https://127.0.0.1:1
    apiVersion: "62.0"
    auth: {method: access-token, accessToken: {env: TOKEN}}
  baton: {url: https://127.0.0.1:1, apiKey: {env: KEY}}
  goLive: 2026-11-01T00:00:00Z
"""
RULE = """\
apiVersion: baton-sf/v1
kind: ImportRule
metadata: {name: NAME}
spec:
  object: Opportunity
  when:
    all:
      - {field: StageName, eq: Closed Won}
      - {field: Type, in: [New Customer, Existing Customer - Upgrade]}
WHEN
  fields:
    title: Name
"""
SYNC = """\
apiVersion: baton-sf/v1
kind: SyncBack
metadata: {name: opportunity}
spec:
  rule: won
  target: {object: Opportunity}
  fields:
FIELDS
EXTRA
"""
BATON_FIELDS = {
    "Baton_Project_ID__c": "projectId",
    "Baton_Project_URL__c": "projectUrl",
    "Baton_Status__c": "status",
    "Baton_Tasks_Complete__c": "tasksCompletePercentage",
    "Baton_Due_Date__c": "dueDate",
    "Baton_Description__c": "description",
    "Baton_Contract_Value__c": "contractValue",
}


def write_spec(
    directory: Path,
    fields: dict[str, str] | None = None,
    *,
    extra: str = "  createMissingFields: true\n  trackHistory: [Baton_Status__c]\n",
    when: str = "",
    rules: tuple[str, ...] = ("won",),
) -> Spec:
    """A spec with one SyncBack of `fields` on rule `won` and the given import rules."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "connection.yaml").write_text(CONNECTION)
    for name in rules:
        (directory / f"rule-{name}.yaml").write_text(
            RULE.replace("NAME", name).replace("WHEN\n", when)
        )
    mapping = fields if fields is not None else BATON_FIELDS
    lines = "".join(f"    {name}: {key}\n" for name, key in mapping.items())
    (directory / "sync.yaml").write_text(SYNC.replace("FIELDS\n", lines).replace("EXTRA\n", extra))
    return load_spec(directory)


def opportunity_describe(*extra: dict[str, Any]) -> dict[str, Any]:
    """A small Opportunity describe: standard fields, plus `extra` entries."""
    fields = [
        {"name": "Id", "type": "id", "updateable": False},
        {"name": "Name", "type": "string", "length": 120, "updateable": True},
        {"name": "StageName", "type": "picklist", "updateable": True},
        {"name": "Type", "type": "picklist", "updateable": True},
        {"name": "Amount", "type": "currency", "updateable": True},
        {"name": "Description", "type": "textarea", "length": 32000, "updateable": True},
        {"name": "Score__c", "type": "double", "calculated": True, "updateable": False},
        {
            "name": "AccountId",
            "type": "reference",
            "referenceTo": ["Account"],
            "relationshipName": "Account",
        },
        *extra,
    ]
    return {"name": "Opportunity", "updateable": True, "fields": fields}


LIVE_CONNECTION = """\
apiVersion: baton-sf/v1
kind: Connection
metadata: {name: live}
spec:
  salesforce:
    instanceUrl: {env: BATON_SF_SALESFORCE_URL}
    apiVersion: "62.0"
    auth: {method: access-token, accessToken: {env: BATON_SF_SALESFORCE_TOKEN}}
    caBundle: {env: BATON_SF_CA_BUNDLE}
  baton:
    url: {env: BATON_SF_BATON_URL}
    apiKey: {env: BATON_SF_BATON_API_KEY}
    caBundle: {env: BATON_SF_CA_BUNDLE}
  goLive: 2026-01-01T00:00:00Z
"""


def write_live_spec(directory: Path, **documents: str) -> Path:
    """A spec directory whose Connection reads the emulator's variables, with one file per
    keyword (its name) holding the given YAML documents."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "connection.yaml").write_text(LIVE_CONNECTION)
    for name, text in documents.items():
        (directory / f"{name}.yaml").write_text(text)
    return directory
