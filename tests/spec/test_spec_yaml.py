"""Reading YAML: anchors, merge keys, several documents, and hostile input as diagnostics."""

from __future__ import annotations

import time

import pytest
from spec_support import CONNECTION, RULE, Check, only

RULE_FILE = "import/closed-won.yaml"


def test_anchors_and_merge_keys_are_read(check: Check) -> None:
    text = RULE.replace(
        "  fields:\n",
        "  fields:\n    <<: {description: Description, privateNotes: NextStep}\n",
    ).replace("    description: Description\n", "    description: Name\n")

    spec, diagnostics = check({RULE_FILE: text})

    assert spec is not None, [str(d) for d in diagnostics]
    fields = spec.rule("closed-won").fields
    assert (fields["description"], fields["privateNotes"]) == ("Name", "NextStep")


def test_empty_documents_and_comment_only_files_are_skipped(check: Check) -> None:
    spec, diagnostics = check({"notes.yaml": "# nothing yet\n", "more.yaml": "---\n---\n"})

    assert spec is not None, [str(d) for d in diagnostics]


def test_a_byte_order_mark_is_accepted(check: Check) -> None:
    spec, _ = check({"connection.yaml": b"\xef\xbb\xbf" + CONNECTION.encode()})

    assert spec is not None


def test_a_document_must_be_a_mapping(check: Check) -> None:
    _, diagnostics = check({"list.yaml": "- apiVersion: baton-sf/v1\n"})

    found = only(diagnostics, "wrong-type")
    assert (found.file, found.line) == ("spec/list.yaml", 1)


def test_a_complex_key_is_reported(check: Check) -> None:
    text = RULE.replace("  template: Standard Onboarding\n", "  ? [a, b]\n  : c\n")

    _, diagnostics = check({RULE_FILE: text})

    assert only(diagnostics, "wrong-type").line == 15


def test_a_control_character_is_a_syntax_diagnostic(check: Check) -> None:
    text = RULE.replace("Standard Onboarding", "Standard\x07Onboarding")

    _, diagnostics = check({RULE_FILE: text})

    found = only(diagnostics, "yaml-syntax")
    assert (found.line, found.column) == (15, 21)


def test_an_alias_to_itself_is_reported(check: Check) -> None:
    _, diagnostics = check({"loop.yaml": "a: &x [1, *x]\n"})

    assert only(diagnostics, "document-too-large").file == "spec/loop.yaml"


def test_alias_expansion_is_bounded(check: Check) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    started = time.monotonic()

    _, diagnostics = check({"laughs.yaml": "\n".join(lines) + "\n"})

    assert only(diagnostics, "document-too-large")
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("[" * 3000 + "]" * 3000, id="flow"),
        pytest.param("".join("  " * i + "- \n" for i in range(200)), id="block"),
    ],
)
def test_deep_nesting_is_a_diagnostic(check: Check, text: str) -> None:
    spec, diagnostics = check({"deep.yaml": text})

    assert spec is None
    assert {d.code for d in diagnostics} & {"too-deep", "document-too-large", "yaml-syntax"}


def test_an_invalid_timestamp_is_a_diagnostic(check: Check) -> None:
    text = CONNECTION.replace("2026-12-15T00:00:00Z", "2026-13-45T00:00:00Z")

    _, diagnostics = check({"connection.yaml": text})

    assert only(diagnostics, "bad-value").line == 20
