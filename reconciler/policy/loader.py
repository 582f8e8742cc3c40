"""Reading a policy directory: every `kind: Policy` document, its rules compiled, and every
problem (YAML or CEL alike) a diagnostic with file, line and column.

    apiVersion: baton-sf/v1
    kind: Policy
    metadata: {name: guardrails}
    spec:
      params: {maxCreates: 50}          # read by the rules as params.NAME
      environments:                     # per --env NAME, over params
        sandbox: {maxCreates: 500}
      rules:
        - name: firehose
          level: deny                   # deny | warn
          when: plan.summary.create > params.maxCreates
          message: At most {maxCreates} projects per apply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from reconciler.policy.cel import compile_expression, identifiers
from reconciler.policy.errors import ExpressionError
from reconciler.policy.model import LEVELS, Level, Policy, PolicySet, Rule
from reconciler.policy.spec_data import plain
from reconciler.spec.diagnostics import Diagnostic, DiagnosticLog, Location, suggestion
from reconciler.spec.documents import NAME_PATTERN
from reconciler.spec.files import spec_files
from reconciler.spec.reader import read_file
from reconciler.spec.sections import Section
from reconciler.spec.yamltree import YMap, YNode, YScalar

API_VERSIONS: Final = ("baton-sf/v1",)
KIND: Final = "Policy"
TOP_KEYS: Final = ("apiVersion", "kind", "metadata", "spec")
METADATA_KEYS: Final = ("name", "description")
SPEC_KEYS: Final = ("params", "environments", "rules")
RULE_KEYS: Final = ("name", "level", "description", "forEach", "when", "at", "message")
VARIABLES: Final = ("spec", "plan", "environment", "params")
PARAM_NAME: Final = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
PLACEHOLDER: Final = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def load_policies(directory: Path) -> tuple[PolicySet, list[Diagnostic]]:
    """Every policy in `directory` (its `.yaml`/`.yml` files, recursively) and every
    diagnostic; a policy with an error is left out of the set."""
    log = DiagnosticLog()
    policies: list[Policy] = []
    for path in spec_files(directory):
        policies.extend(_read_file(path, log))
    return PolicySet(directory=str(directory), policies=tuple(_unique(policies, log))), log.items


def _read_file(path: Path, log: DiagnosticLog) -> list[Policy]:
    shown = str(path)
    read = read_file(path, shown, log)
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
    policies = []
    for node in read.documents:
        policy = _PolicyReader(log, lines).read(node)
        if policy is not None:
            policies.append(policy)
    return policies


def _unique(policies: list[Policy], log: DiagnosticLog) -> list[Policy]:
    seen: dict[str, Policy] = {}
    for policy in policies:
        first = seen.setdefault(policy.name, policy)
        if first is not policy:
            log.error(
                "duplicate-policy",
                f"a second policy named '{policy.name}'",
                policy.location,
                hint=f"rename one; the first is at {first.location}",
            )
    return list(seen.values())


@dataclass
class _PolicyReader:
    """Reads one document into a Policy, logging what is wrong with it."""

    log: DiagnosticLog
    lines: list[str]
    params: dict[str, Any] = field(default_factory=dict)

    def read(self, node: YNode) -> Policy | None:
        if not isinstance(node, YMap):
            self.log.error(
                "wrong-type",
                "a policy document must be a mapping of apiVersion, kind, metadata and spec",
                node.loc,
            )
            return None
        errors = self.log.error_count()
        top = Section(node, self.log, "the policy", TOP_KEYS)
        if not self._header(top):
            return None
        name = self._name(top)
        body = top.section("spec", SPEC_KEYS, required=True)
        if body is None or name is None:
            return None
        self.params = self._params(body)
        environments = self._environments(body)
        rules = self._rules(body)
        if self.log.error_count() > errors:
            return None
        return Policy(
            name=name,
            location=node.loc,
            params=self.params,
            environments=environments,
            rules=tuple(rules),
        )

    def _header(self, top: Section) -> bool:
        version = top.text("apiVersion", required=True, hint="write apiVersion: baton-sf/v1")
        kind = top.text("kind", required=True, hint="write kind: Policy")
        if version is not None and version not in API_VERSIONS:
            self.log.error(
                "unknown-api-version",
                f"apiVersion '{version}' is not one this build reads for policies",
                top.value_loc("apiVersion"),
                hint="supported versions: " + ", ".join(API_VERSIONS),
            )
            return False
        if kind is not None and kind != KIND:
            self.log.error(
                "not-a-policy",
                f"kind '{kind}' does not belong in a policy directory",
                top.value_loc("kind"),
                hint="policy documents are kind: Policy; spec documents belong in the spec "
                "directory",
            )
            return False
        return version is not None and kind is not None

    def _name(self, top: Section) -> str | None:
        metadata = top.section("metadata", METADATA_KEYS, required=True)
        if metadata is None:
            return None
        metadata.text("description")
        name = metadata.text("name", required=True)
        if name is not None and not NAME_PATTERN.match(name):
            self.log.error(
                "bad-name",
                f"metadata.name '{name}' is not a valid name",
                metadata.value_loc("name"),
                hint="use letters, digits, '-', '_' or '.', starting with a letter or digit",
            )
            return None
        return name

    def _params(self, body: Section) -> dict[str, Any]:
        node = body.mapping("params")
        if node is None:
            return {}
        params = {}
        for key, entry in node.entries.items():
            if not PARAM_NAME.match(key):
                self.log.error(
                    "bad-name",
                    f"parameter '{key}' cannot be read as params.{key}",
                    entry.key_loc,
                    hint="use letters, digits and '_', starting with a letter",
                )
            params[key] = plain(entry.value)
        return params

    def _environments(self, body: Section) -> dict[str, dict[str, Any]]:
        node = body.mapping("environments")
        if node is None:
            return {}
        environments: dict[str, dict[str, Any]] = {}
        for env_name, entry in node.entries.items():
            overrides = entry.value
            if not isinstance(overrides, YMap):
                body.wrong_type(f"environments.{env_name}", overrides, "a mapping of params")
                continue
            environments[env_name] = {}
            for key, item in overrides.entries.items():
                if key not in self.params:
                    self.log.error(
                        "unknown-param",
                        f"environment '{env_name}' sets '{key}', which params does not define",
                        item.key_loc,
                        hint=suggestion(key, self.params, "params"),
                    )
                environments[env_name][key] = plain(item.value)
        return environments

    def _rules(self, body: Section) -> list[Rule]:
        node = body.sequence("rules", required=True)
        rules: list[Rule] = []
        names: dict[str, Location] = {}
        for item in node.items if node is not None else ():
            if not isinstance(item, YMap):
                body.wrong_type("rules[]", item, "a mapping of name, level, when and message")
                continue
            rule = self._rule(Section(item, self.log, "a rule", RULE_KEYS))
            if rule is None:
                continue
            if rule.name in names:
                self.log.error(
                    "duplicate-rule",
                    f"a second rule named '{rule.name}' in this policy",
                    rule.location,
                    hint=f"rename one; the first is at {names[rule.name]}",
                )
                continue
            names[rule.name] = rule.location
            rules.append(rule)
        return rules

    def _rule(self, section: Section) -> Rule | None:
        errors = self.log.error_count()
        name = section.text("name", required=True)
        level = section.choice("level", LEVELS)
        if level is None and not section.has("level"):
            section.missing("level", "deny or warn")
        for_each = self._expression(section, "forEach")
        when = self._expression(section, "when", required=True)
        at = self._expression(section, "at")
        message = unfold(section.text("message", required=True))
        description = unfold(section.text("description"))
        if self.log.error_count() > errors or name is None or when is None or message is None:
            return None
        self._check_names(section, for_each, at, when, message)
        if self.log.error_count() > errors:
            return None
        return Rule(
            name=name,
            level=_level(level),
            when=when,
            message=message,
            for_each=for_each,
            at=at,
            description=description,
            location=section.value_loc("name"),
        )

    def _expression(self, section: Section, key: str, *, required: bool = False) -> str | None:
        text = unfold(section.text(key, required=required, hint="write a CEL expression"))
        if text is None:
            return None
        try:
            compile_expression(text)
        except ExpressionError as exc:
            node = section.value(key)
            assert isinstance(node, YScalar)
            self.log.error(
                "policy-syntax",
                f"{key} is not a valid CEL expression: {exc.message}",
                self._position(node, text, exc),
                hint="fix the expression at this position",
            )
            return None
        return text

    def _check_names(
        self, section: Section, for_each: str | None, at: str | None, when: str, message: str
    ) -> None:
        """Errors a reader can see without running the rule: `item` outside forEach, `at`
        beside forEach, and message placeholders that name no parameter."""
        if for_each is None and "item" in identifiers(when):
            self.log.error(
                "item-without-for-each",
                "when refers to item, but the rule has no forEach",
                section.value_loc("when"),
                hint="add forEach: with the list whose items the rule judges",
            )
        if for_each is not None and at is not None:
            self.log.error(
                "at-with-for-each",
                "a rule with forEach names each item itself; at is for rules without forEach",
                section.key_loc("at"),
                hint="remove at:",
            )
        for placeholder in PLACEHOLDER.findall(message):
            if placeholder not in self.params:
                self.log.error(
                    "unknown-param",
                    f"message names {{{placeholder}}}, which spec.params does not define",
                    section.value_loc("message"),
                    hint=suggestion(placeholder, self.params, "params"),
                )

    def _position(self, node: YScalar, text: str, exc: ExpressionError) -> Location:
        """Where in the file a CEL syntax error is. The text from the error on is looked for
        in the lines the value spans (a folded or quoted value is not the file's text
        verbatim); failing that, the start of the value."""
        start = node.loc
        lines = text.splitlines()
        if exc.line is None or exc.column is None or exc.line > len(lines):
            return start
        line = lines[exc.line - 1]
        needle = line[exc.column - 1 :][:12].rstrip()
        before = line[: exc.column - 1].strip()[-12:]
        span = len(lines) + text.count(" ") + 1  # folding turns line breaks into spaces
        last = min(start.line + span, len(self.lines))
        for number in range(start.line, last + 1):
            file_line = self.lines[number - 1]
            found = _find_after(file_line, needle, before if number == start.line else "")
            if needle and found >= 0:
                return Location(file=start.file, line=number, column=found + 1)
        return start


def _find_after(line: str, needle: str, before: str) -> int:
    """The index of `needle` in `line`, after `before` when that is on the line too."""
    offset = line.find(before) + len(before) if before and before in line else 0
    return line.find(needle, offset)


def unfold(text: str | None) -> str | None:
    """A text value as YAML means it. ruamel.yaml's round-trip reader marks the folds of a
    folded (`>`) scalar with a BEL character, which is dropped here."""
    return None if text is None else text.replace("\a", "")


def _level(level: str | None) -> Level:
    return "warn" if level == "warn" else "deny"
