"""Running policies: each rule's CEL over `spec`, `plan`, `environment` and `params`.

A rule that cannot be evaluated (a missing key, a type mismatch) is itself a finding at
the rule's level, naming the rule and the reason: a broken deny rule fails closed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from reconciler.policy.cel import compile_expression, evaluate, evaluate_cel, identifiers, to_cel
from reconciler.policy.cel import to_plain as cel_to_plain
from reconciler.policy.errors import ExpressionError
from reconciler.policy.loader import PLACEHOLDER
from reconciler.policy.model import Finding, Policy, PolicyReport, PolicySet, Rule


def evaluate_policies(
    policies: PolicySet,
    spec: Mapping[str, Any],
    plan: Mapping[str, Any] | None,
    environment: str | None,
) -> PolicyReport:
    """Every rule of `policies` judged against the spec data (see `spec_data`) and the plan
    document (`Plan.to_json()`); with no plan, the rules that read `plan` are skipped."""
    base = {"spec": to_cel(dict(spec)), "plan": to_cel(plan), "environment": environment}
    locator = Locator(spec)
    findings: list[Finding] = []
    skipped: list[str] = []
    evaluated = 0
    for policy in policies.policies:
        params = policy.params_for(environment)
        variables = {**base, "params": to_cel(params)}
        for rule in policy.rules:
            if plan is None and "plan" in _names(rule):
                skipped.append(f"{policy.name}/{rule.name}")
                continue
            evaluated += 1
            run = _RuleRun(policy, rule, variables, locator, format_message(rule.message, params))
            findings.extend(run.findings())
    return PolicyReport(findings=tuple(findings), evaluated=evaluated, skipped=tuple(skipped))


def _names(rule: Rule) -> frozenset[str]:
    names: frozenset[str] = frozenset()
    for text in (rule.for_each, rule.when, rule.at):
        if text is not None:
            names |= identifiers(text)
    return names


def format_message(message: str, params: Mapping[str, Any]) -> str:
    """The message with each `{param}` replaced by the parameter's value."""

    def value(match: Any) -> str:
        name = match.group(1)
        if name not in params:
            return str(match.group(0))
        item = params[name]
        return item if isinstance(item, str) else json.dumps(item)

    return PLACEHOLDER.sub(value, message)


class Locator:
    """Names the spec element a value is about, and where it was written."""

    def __init__(self, spec: Mapping[str, Any]) -> None:
        self.rules: dict[str, Mapping[str, Any]] = {}
        for doc in spec.get("importRules", []):
            name = (doc.get("metadata") or {}).get("name")
            if isinstance(name, str):
                self.rules.setdefault(name, doc)

    def element(self, value: Any) -> tuple[str | None, str | None, int | None]:
        """(element, file, line): a spec document names itself; a change or a written field
        names its address or field and points at the ImportRule it came from."""
        if isinstance(value, Mapping):
            location = value.get("location")
            if isinstance(location, Mapping) and "kind" in value:
                name = (value.get("metadata") or {}).get("name")
                return f"{value['kind']} {name}", location.get("file"), location.get("line")
            label = value.get("field") or value.get("address") or value.get("name")
            file, line = self._rule_location(value.get("rule"))
            return (str(label) if label is not None else None), file, line
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return str(value), None, None
        return None, None, None

    def _rule_location(self, rule: Any) -> tuple[str | None, int | None]:
        doc = self.rules.get(rule) if isinstance(rule, str) else None
        location = doc.get("location") if doc is not None else None
        if not isinstance(location, Mapping):
            return None, None
        return location.get("file"), location.get("line")


class _RuleRun:
    """One rule judged once, or once per item of its forEach list."""

    def __init__(
        self,
        policy: Policy,
        rule: Rule,
        variables: dict[str, Any],
        locator: Locator,
        message: str,
    ) -> None:
        self.policy = policy
        self.rule = rule
        self.variables = variables
        self.locator = locator
        self.message = message

    def findings(self) -> list[Finding]:
        try:
            if self.rule.for_each is None:
                return self._once()
            items = evaluate_cel(compile_expression(self.rule.for_each), self.variables)
        except ExpressionError as exc:
            return [self._broken(exc.message)]
        if isinstance(items, Mapping):
            items = list(items.keys())
        if not isinstance(items, list):
            return [self._broken(f"forEach gave {_kind(cel_to_plain(items))}, not a list")]
        return self._each(items)

    def _once(self) -> list[Finding]:
        if not self._holds(self.variables):
            return []
        element = None
        if self.rule.at is not None:
            element = evaluate(compile_expression(self.rule.at), self.variables)
        return [self._finding(element)]

    def _each(self, items: list[Any]) -> list[Finding]:
        found: list[Finding] = []
        failures: list[str] = []
        for item in items:
            try:
                tripped = self._holds({**self.variables, "item": item})
            except ExpressionError as exc:
                failures.append(exc.message)
                continue
            if tripped:
                found.append(self._finding(cel_to_plain(item)))
        if failures:
            found.append(
                self._broken(f"{failures[0]} (for {len(failures)} of {len(items)} item(s))")
            )
        return found

    def _holds(self, variables: dict[str, Any]) -> bool:
        result = evaluate(compile_expression(self.rule.when), variables)
        if not isinstance(result, bool):
            raise ExpressionError(f"when gave {_kind(result)}, not true or false")
        return result

    def _finding(self, element_value: Any) -> Finding:
        element, file, line = self.locator.element(element_value)
        return Finding(
            policy=self.policy.name,
            rule=self.rule.name,
            level=self.rule.level,
            message=self.message,
            element=element,
            file=file,
            line=line,
            policy_file=self.rule.location.file,
            policy_line=self.rule.location.line,
        )

    def _broken(self, reason: str) -> Finding:
        return Finding(
            policy=self.policy.name,
            rule=self.rule.name,
            level=self.rule.level,
            message=f"the rule cannot be evaluated: {reason}",
            policy_file=self.rule.location.file,
            policy_line=self.rule.location.line,
        )


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text '{value[:40]}'"
    if isinstance(value, list):
        return "a list"
    return "a map"
