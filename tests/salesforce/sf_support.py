"""Specs and keys for tests that sign in to the emulator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reconciler.spec import Spec, load_spec

RULE = """\
apiVersion: baton-sf/v1
kind: ImportRule
metadata: {name: won}
spec:
  object: Opportunity
  when:
    all:
      - {field: StageName, eq: Closed Won}
      - {field: Type, eq: New Customer}
"""


def write_connection(directory: Path, emulator: Any, auth: str, instance_url: str = "") -> Spec:
    """A spec whose Connection signs in to `emulator` with the `auth` mapping (YAML text,
    indented for its place under salesforce.auth)."""
    directory.mkdir(parents=True, exist_ok=True)
    url = instance_url or emulator.url
    (directory / "connection.yaml").write_text(
        "apiVersion: baton-sf/v1\n"
        "kind: Connection\n"
        "metadata: {name: test}\n"
        "spec:\n"
        "  salesforce:\n"
        f"    instanceUrl: {url}\n"
        '    apiVersion: "62.0"\n'
        f"    caBundle: {emulator.ca_bundle}\n"
        "    auth:\n"
        f"{auth}"
        "  baton:\n"
        f"    url: {emulator.url}\n"
        "    apiKey: {env: BATON_SF_BATON_API_KEY}\n"
        f"    caBundle: {emulator.ca_bundle}\n"
    )
    (directory / "rule.yaml").write_text(RULE)
    return load_spec(directory)
