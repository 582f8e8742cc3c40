"""Reading policy documents: every problem, YAML or CEL, is a diagnostic with file and line,
never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.policy import load_policies
from reconciler.spec import Diagnostic
from tests.policy.policy_support import write_policy

HEADER = """
apiVersion: baton-sf/v1
kind: Policy
metadata:
  name: p
spec:
"""


def diagnostics_of(tmp_path: Path, text: str) -> list[Diagnostic]:
    write_policy(tmp_path / "policies", text)
    _, diagnostics = load_policies(tmp_path / "policies")
    return diagnostics


def one_error(tmp_path: Path, text: str) -> Diagnostic:
    """The first diagnostic, which must be an error (a missing key may follow an unknown one)."""
    diagnostics = diagnostics_of(tmp_path, text)
    assert diagnostics, "no diagnostic"
    assert diagnostics[0].severity == "error"
    return diagnostics[0]


def test_a_cel_syntax_error_points_at_the_expression(tmp_path: Path) -> None:
    error = one_error(
        tmp_path,
        HEADER
        + """
  rules:
    - name: broken
      level: deny
      when: plan.summary.create >
      message: m
""",
    )

    assert error.code == "policy-syntax"
    assert error.file == str(tmp_path / "policies" / "policy.yaml")
    assert (error.line, error.column) == (10, 33)
    assert "when is not a valid CEL expression" in error.message


def test_a_cel_syntax_error_in_a_block_scalar_points_at_its_line(tmp_path: Path) -> None:
    error = one_error(
        tmp_path,
        HEADER
        + """
  rules:
    - name: broken
      level: warn
      when: >-
        plan.summary.create > 1
        && plan.summary.update >> 2
      message: m
""",
    )

    assert error.code == "policy-syntax"
    assert error.line == 12
    assert error.column > 9


def test_a_yaml_syntax_error_is_a_diagnostic_with_its_line(tmp_path: Path) -> None:
    error = one_error(tmp_path, HEADER + "  rules: [\n    - name: x\n")

    assert error.code == "yaml-syntax"
    assert error.line >= 7


@pytest.mark.parametrize(
    ("body", "code", "words"),
    [
        pytest.param(
            "  rules:\n    - name: r\n      level: deny\n      whne: true\n      message: m\n",
            "unknown-key",
            "did you mean 'when'",
            id="unknown-key",
        ),
        pytest.param(
            "  rules:\n    - name: r\n      level: block\n      when: 'true'\n      message: m\n",
            "bad-value",
            "not one of deny, warn",
            id="bad-level",
        ),
        pytest.param(
            "  rules:\n    - name: r\n      level: deny\n      when: item.x\n      message: m\n",
            "item-without-for-each",
            "no forEach",
            id="item-without-for-each",
        ),
        pytest.param(
            "  rules:\n    - name: r\n      level: deny\n      when: 'true'\n"
            "      message: At most {maxCreats}\n",
            "unknown-param",
            "maxCreats",
            id="unknown-placeholder",
        ),
        pytest.param(
            "  params: {a: 1}\n  environments:\n    prod: {b: 2}\n  rules: []\n",
            "unknown-param",
            "sets 'b'",
            id="unknown-override",
        ),
        pytest.param(
            "  rules:\n    - name: r\n      level: deny\n      forEach: spec.syncBacks\n"
            "      at: spec.connection\n      when: 'true'\n      message: m\n",
            "at-with-for-each",
            "at is for rules without forEach",
            id="at-with-for-each",
        ),
        pytest.param("  rules: {}\n", "wrong-type", "must be a list", id="rules-not-a-list"),
        pytest.param(
            "  rules:\n    - name: r\n      level: deny\n      message: m\n",
            "missing-key",
            "needs 'when'",
            id="missing-when",
        ),
    ],
)
def test_mistakes_are_diagnostics_naming_the_fix(
    tmp_path: Path, body: str, code: str, words: str
) -> None:
    error = one_error(tmp_path, HEADER + body)

    assert error.code == code
    assert words in f"{error.message} {error.hint}"
    assert error.line > 5


def test_duplicate_rules_and_policies_are_reported(tmp_path: Path) -> None:
    rule = "    - name: r\n      level: deny\n      when: 'true'\n      message: m\n"
    write_policy(tmp_path / "policies", HEADER + "  rules:\n" + rule + rule, "a.yaml")
    write_policy(tmp_path / "policies", HEADER + "  rules: []\n", "b.yaml")
    write_policy(tmp_path / "policies", HEADER + "  rules: []\n", "c.yaml")

    policy_set, diagnostics = load_policies(tmp_path / "policies")

    assert [d.code for d in diagnostics] == ["duplicate-rule", "duplicate-policy"]
    assert diagnostics[1].file.endswith("c.yaml")
    assert [p.name for p in policy_set.policies] == ["p"]


def test_a_spec_document_in_the_policy_directory_is_named_as_such(tmp_path: Path) -> None:
    text = "apiVersion: baton-sf/v1\nkind: ImportRule\nmetadata: {name: x}\nspec: {}\n"

    error = one_error(tmp_path, text)

    assert error.code == "not-a-policy"
    assert error.line == 2


def test_a_policy_with_an_error_is_left_out_and_the_others_load(tmp_path: Path) -> None:
    good = HEADER + "  rules:\n    - {name: ok, level: warn, when: 'true', message: m}\n"
    write_policy(tmp_path / "policies", good, "a.yaml")
    write_policy(
        tmp_path / "policies", good.replace("name: p", "name: q") + "  extra: 1\n", "b.yaml"
    )

    policy_set, diagnostics = load_policies(tmp_path / "policies")

    assert [p.name for p in policy_set.policies] == ["p"]
    assert [d.code for d in diagnostics] == ["unknown-key"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(when=st.text(max_size=40), message=st.text(max_size=20))
def test_no_expression_or_message_makes_the_loader_raise(
    tmp_path: Path, when: str, message: str
) -> None:
    text = (
        HEADER + "  rules:\n    - name: r\n      level: deny\n      when: WHEN\n      message: M\n"
    )
    text = text.replace("WHEN", repr(when)).replace("M\n", repr(message) + "\n")
    write_policy(tmp_path / "fuzz", text)

    policy_set, diagnostics = load_policies(tmp_path / "fuzz")

    assert policy_set.rule_count + len(diagnostics) >= 1
