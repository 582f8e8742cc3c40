"""Shared test data and helpers of the spec tests: SPEC.md's example documents."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from reconciler.spec import Diagnostic, Spec

MakeSpec = Callable[..., Path]
"""make_spec(files=None, *, base=True) -> the spec directory."""

Check = Callable[..., tuple[Spec | None, list[Diagnostic]]]
"""check(files=None, *, base=True, env=None) -> validate_spec's answer."""

CONNECTION = """\
apiVersion: baton-sf/v1
kind: Connection
metadata:
  name: acme
spec:
  salesforce:
    instanceUrl: https://acme.my.salesforce.com
    apiVersion: "62.0"
    auth:
      method: jwt-bearer
      username: integration@acme.com
      clientId: {env: SF_CLIENT_ID}
      privateKey: {file: secrets/sf.key}
    caBundle: null
  baton:
    url: https://acme.hellobaton.com
    apiKey: {env: BATON_API_KEY}
    caBundle: null
    requestsPerMinute: 1000
  goLive: 2026-12-15T00:00:00Z
  timezone: America/New_York
"""

RULE = """\
apiVersion: baton-sf/v1
kind: ImportRule
metadata:
  name: closed-won
spec:
  object: Opportunity
  when:
    all:
      - {field: StageName, eq: Closed Won}
      - {field: Type, in: [New Customer, Existing Customer - Upgrade]}
      - any:
          - {field: Amount, gt: 10000}
          - {field: Ready_for_Implementation__c, eq: true}
  projectLead: pm@acme.com
  template: Standard Onboarding
  backfill: none
  fields:
    title: "{{ Account.Name }} - {{ Name }}"
    dueDate: CloseDate
    contractValue: Amount
    clientLeadEmail: Primary_Contact__r.Email
    description: Description
    custom:
      Region: Account.BillingCountry
"""

SYNC = """\
apiVersion: baton-sf/v1
kind: SyncBack
metadata:
  name: opportunity
spec:
  rule: closed-won
  target: {object: Opportunity}
  fields:
    Baton_Project_ID__c: projectId
    Baton_Project_URL__c: projectUrl
    Baton_Status__c: status
    Baton_Phase__c: phase
    Baton_Tasks_Complete__c: tasksCompletePercentage
    Baton_Projected_Due_Date__c: projectedDueDate
    Baton_Region__c: custom.Region
  createMissingFields: true
  trackHistory: [Baton_Status__c]
  every: 4h
  onConflict: overwrite
"""

BASE: Mapping[str, str] = {
    "connection.yaml": CONNECTION,
    "import/closed-won.yaml": RULE,
    "sync/opportunity.yaml": SYNC,
}


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the first occurrence of `needle` in `text`."""
    index = text.index(needle)
    return text.count("\n", 0, index) + 1


def only(diagnostics: list[Diagnostic], code: str) -> Diagnostic:
    """The one diagnostic with `code`; fails listing them all otherwise."""
    found = [d for d in diagnostics if d.code == code]
    assert len(found) == 1, [str(d) for d in diagnostics]
    return found[0]
