"""`--format github`: workflow-command annotations, escaped as the Actions toolkit does."""

from __future__ import annotations

import pytest

from reconciler.cli.annotations import (
    annotation,
    check_format,
    diagnostic_annotation,
    escape_data,
    escape_property,
    finding_annotation,
)
from reconciler.errors import BatonSfError
from reconciler.policy import Finding
from reconciler.spec import Diagnostic


@pytest.mark.parametrize(
    ("raw", "data", "prop"),
    [
        pytest.param("50% done", "50%25 done", "50%25 done", id="percent"),
        pytest.param("a\r\nb", "a%0D%0Ab", "a%0D%0Ab", id="newlines"),
        pytest.param("a:b,c", "a:b,c", "a%3Ab%2Cc", id="colon-comma"),
        pytest.param("%0A", "%250A", "%250A", id="escape-is-not-undone"),
    ],
)
def test_escaping_follows_githubs_rules(raw: str, data: str, prop: str) -> None:
    assert escape_data(raw) == data
    assert escape_property(raw) == prop


def test_an_annotation_carries_file_line_col_and_title() -> None:
    line = annotation(
        "error", "bad: value\nsecond", file="specs/a,b.yaml", line=3, col=7, title="t: x"
    )

    assert line == "::error file=specs/a%2Cb.yaml,line=3,col=7,title=t%3A x::bad: value%0Asecond"


def test_an_annotation_without_properties() -> None:
    assert annotation("warning", "plain") == "::warning::plain"


def test_a_diagnostic_becomes_an_error_or_a_warning_at_its_place() -> None:
    diagnostic = Diagnostic(
        severity="warning",
        code="stray-file",
        message="x.yaml belongs to no environment",
        file="specs/environments/x.yaml",
        line=1,
        column=1,
        hint="move it",
    )

    assert diagnostic_annotation(diagnostic) == (
        "::warning file=specs/environments/x.yaml,line=1,col=1,title=baton-sf stray-file"
        "::x.yaml belongs to no environment (move it)"
    )


def test_a_finding_points_at_its_element_or_else_its_rule() -> None:
    at_spec = Finding(
        policy="guardrails",
        rule="status-history",
        level="warn",
        message="m",
        element="SyncBack opportunity",
        file="specs/sync/opportunity.yaml",
        line=3,
        policy_file="policies/guardrails.yaml",
        policy_line=32,
    )
    at_rule = at_spec.model_copy(
        update={"level": "deny", "element": None, "file": None, "line": None}
    )

    assert finding_annotation(at_spec) == (
        "::warning file=specs/sync/opportunity.yaml,line=3,"
        "title=policy guardrails/status-history (warn)::m [SyncBack opportunity]"
    )
    assert finding_annotation(at_rule).startswith(
        "::error file=policies/guardrails.yaml,line=32,title=policy guardrails/status-history"
    )


def test_an_unknown_format_is_refused() -> None:
    assert check_format("github") is True
    assert check_format("text") is False
    with pytest.raises(BatonSfError, match="--format sarif"):
        check_format("sarif")
