"""Policies: rules in CEL, kept in `policies/`, that judge a spec and its plan (deny or warn)."""

from reconciler.policy.budget import daily_api_requests, with_api_allowance
from reconciler.policy.errors import PolicyError
from reconciler.policy.evaluate import evaluate_policies
from reconciler.policy.loader import load_policies
from reconciler.policy.model import Finding, Level, Policy, PolicyReport, PolicySet, Rule
from reconciler.policy.spec_data import spec_data

__all__ = [
    "Finding",
    "Level",
    "Policy",
    "PolicyError",
    "PolicyReport",
    "PolicySet",
    "Rule",
    "daily_api_requests",
    "evaluate_policies",
    "load_policies",
    "spec_data",
    "with_api_allowance",
]
