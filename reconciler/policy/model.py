"""Policies and their findings: rules in CEL that judge a spec and its plan.

A policy document (`kind: Policy`) holds parameters, per-environment overrides of them,
and rules. A rule trips when its `when` expression is true; a `deny` finding stops a plan,
a `warn` finding is only reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from reconciler.plan.model import PolicyResult
from reconciler.spec import Location

Level = Literal["deny", "warn"]
LEVELS: tuple[Level, ...] = ("deny", "warn")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)


class Rule(_Frozen):
    """One rule. `for_each` (CEL giving a list) makes the rule judge each item, bound to
    `item`; `at` (CEL) names the spec element a rule without `for_each` is about."""

    name: str
    level: Level
    when: str
    message: str
    for_each: str | None = None
    at: str | None = None
    description: str | None = None
    location: Location


class Policy(_Frozen):
    """One policy document."""

    name: str
    location: Location
    params: Mapping[str, Any] = Field(default_factory=dict)
    environments: Mapping[str, Mapping[str, Any]] = Field(default_factory=dict)
    rules: tuple[Rule, ...] = ()

    def params_for(self, environment: str | None) -> dict[str, Any]:
        """The parameters as the rules see them for `environment`: the environment's
        overrides over the defaults."""
        merged = dict(self.params)
        if environment is not None:
            merged.update(self.environments.get(environment, {}))
        return merged


class PolicySet(_Frozen):
    """Every policy of a directory, in file order."""

    directory: str
    policies: tuple[Policy, ...] = ()

    @property
    def rule_count(self) -> int:
        return sum(len(policy.rules) for policy in self.policies)


class Finding(_Frozen):
    """A rule that tripped: which policy and rule, how severe, why, and the spec element it
    is about (`file`/`line` of the document involved, when one can be named)."""

    policy: str
    rule: str
    level: Level
    message: str
    element: str | None = None
    file: str | None = None
    line: int | None = None
    policy_file: str
    policy_line: int

    @property
    def where(self) -> str:
        """The place to look: the spec element's file:line, else the rule's."""
        if self.file is not None:
            return f"{self.file}:{self.line}" if self.line else self.file
        return f"{self.policy_file}:{self.policy_line}"

    def to_json(self) -> dict[str, Any]:
        return {
            "policy": self.policy,
            "rule": self.rule,
            "level": self.level,
            "message": self.message,
            "element": self.element,
            "file": self.file,
            "line": self.line,
            "policyFile": self.policy_file,
            "policyLine": self.policy_line,
        }


class PolicyReport(_Frozen):
    """The outcome of running a policy set: its findings, how many rules ran, and the rules
    left out because they read a plan and none was given."""

    findings: tuple[Finding, ...] = ()
    evaluated: int = 0
    skipped: tuple[str, ...] = ()

    @property
    def denied(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.level == "deny")

    @property
    def warned(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.level == "warn")

    def result(self) -> PolicyResult:
        """The findings as the plan document's `policy` section holds them."""
        return PolicyResult(
            denied=[f.to_json() for f in self.denied], warned=[f.to_json() for f in self.warned]
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "denied": [f.to_json() for f in self.denied],
            "warned": [f.to_json() for f in self.warned],
            "evaluated": self.evaluated,
            "skipped": list(self.skipped),
        }
