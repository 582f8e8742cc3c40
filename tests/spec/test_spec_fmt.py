"""Formatting spec files: one layout, with comments, key order, quoting and meaning kept;
formatting a formatted file changes nothing; other YAML is left alone."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from spec_support import BASE

from reconciler.errors import SpecError
from reconciler.spec.files import yaml_files
from reconciler.spec.formatter import format_text
from reconciler.spec.yaml_rewrite import RewriteError, same_meaning

SPECS = Path(__file__).resolve().parents[2] / "specs"

MESSY = """\
# The rule, written by hand.
apiVersion:   baton-sf/v1
kind: ImportRule
metadata: {name: closed-won}
spec:
    object: Opportunity   # the imported object
    when:
        all:
        - {field: StageName,eq: Closed Won}
        -   field: Type
            in: [ 'New Customer', "Existing Customer - Upgrade" ]
    # who leads
    projectLead: pm@acme.com
    backfill:
    fields:
        title: "{{ Account.Name }} - {{ Name }}"
        dueDate: CloseDate
"""

FORMATTED = """\
# The rule, written by hand.
apiVersion: baton-sf/v1
kind: ImportRule
metadata: {name: closed-won}
spec:
  object: Opportunity     # the imported object
  when:
    all:
      - {field: StageName, eq: Closed Won}
      - field: Type
        in: ['New Customer', "Existing Customer - Upgrade"]
    # who leads
  projectLead: pm@acme.com
  backfill: null
  fields:
    title: "{{ Account.Name }} - {{ Name }}"
    dueDate: CloseDate
"""


def test_a_messy_document_takes_the_one_layout_keeping_comments_order_and_quotes() -> None:
    assert format_text(MESSY, "rule.yaml") == FORMATTED


def test_formatting_a_formatted_document_changes_nothing() -> None:
    assert format_text(FORMATTED, "rule.yaml") == FORMATTED


@pytest.mark.parametrize("path", sorted(SPECS.rglob("*.yaml")), ids=lambda p: p.name)
def test_the_example_specs_are_formatted(path: Path) -> None:
    text = path.read_text(encoding="utf-8")

    assert format_text(text, str(path)) == text


@pytest.mark.parametrize("name", sorted(BASE))
def test_the_examples_of_spec_md_are_formatted(name: str) -> None:
    assert format_text(BASE[name], name) == BASE[name]


def test_markers_and_what_comes_before_the_first_document_are_kept() -> None:
    text = (
        "# two documents\n"
        "--- # the rule\n"
        "apiVersion: baton-sf/v1\n"
        "kind: ImportRule\n"
        "metadata:\n"
        "    name: a\n"
        "---\n"
        "apiVersion: baton-sf/v1\n"
        "kind: SyncBack\n"
        "metadata: {name: b}\n"
        "...\n"
    )

    formatted = format_text(text, "two.yaml")

    assert formatted == text.replace("    name: a", "  name: a")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n", id="kubernetes"),
        pytest.param("# only a comment\n", id="comment-only"),
        pytest.param("", id="empty"),
        pytest.param("- a\n-   b\n", id="a-list"),
        pytest.param(
            "apiVersion: baton-sf/v1\nkind: Connection\n---\nname:    other\n", id="mixed-file"
        ),
    ],
)
def test_yaml_that_is_not_a_spec_is_left_alone(text: str) -> None:
    assert format_text(text, "other.yaml") is None


def test_a_policy_document_takes_the_same_layout() -> None:
    policy = "apiVersion: baton-sf/v1\nkind: Policy\nmetadata:\n    name: p\n"

    assert format_text(policy, "p.yaml") == policy.replace("    name", "  name")


def test_windows_line_endings_become_unix_ones() -> None:
    assert format_text(FORMATTED.replace("\n", "\r\n"), "rule.yaml") == FORMATTED


def test_invalid_yaml_is_an_error_naming_file_line_and_column() -> None:
    text = FORMATTED.replace("dueDate: CloseDate", "dueDate: [CloseDate")

    with pytest.raises(RewriteError, match=r"^rule\.yaml:\d+:\d+: invalid YAML"):
        format_text(text, "rule.yaml")


def test_a_duplicate_key_is_an_error_not_a_silent_merge() -> None:
    text = FORMATTED.replace("dueDate: CloseDate", "dueDate: CloseDate\n    dueDate: Other")

    with pytest.raises(RewriteError, match=r"rule\.yaml:"):
        format_text(text, "rule.yaml")


def test_a_document_that_starts_on_its_marker_line_is_refused() -> None:
    with pytest.raises(RewriteError, match="starts on its --- line"):
        format_text("--- {apiVersion: baton-sf/v1}\n", "inline.yaml")


def test_a_document_the_yaml_library_would_rewrite_wrong_is_refused() -> None:
    text = (
        "apiVersion: baton-sf/v1\nkind: ImportRule\nspec:\n"
        "  C:\n# a comment\n  - {}\n  -\n  - false\n"
    )

    with pytest.raises(RewriteError, match=r"^odd\.yaml:1:1: .* so it is left as it is"):
        format_text(text, "odd.yaml")


# Values that survive a YAML round trip as themselves.
_scalars = st.one_of(
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.text(st.characters(codec="ascii", exclude_categories=("Cc",)), max_size=12),
    st.none(),
)
_keys = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,8}", fullmatch=True)
_data = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_keys, inner, max_size=3)),
    max_leaves=12,
)


@settings(max_examples=40, deadline=None)
@given(
    spec=st.dictionaries(_keys, _data, max_size=4),
    mapping=st.integers(2, 6),
    sequence=st.integers(2, 6),
    offset=st.integers(0, 4),
    flow=st.booleans(),
    comments=st.lists(st.integers(0, 40), max_size=4),
)
def test_formatting_is_idempotent_and_keeps_the_meaning(
    spec: dict[str, object],
    mapping: int,
    sequence: int,
    offset: int,
    flow: bool,
    comments: list[int],
) -> None:
    yaml = YAML(typ="rt")
    yaml.indent(mapping=mapping, sequence=sequence, offset=min(offset, sequence - 2))
    yaml.default_flow_style = flow
    out = StringIO()
    yaml.dump({"apiVersion": "baton-sf/v1", "kind": "ImportRule", "spec": spec}, out)
    lines = out.getvalue().splitlines(keepends=True)
    for position in sorted(comments, reverse=True):
        if position < len(lines) and _between_block_lines(lines, position):
            lines.insert(position, " " * (position % 5) + "# a comment\n")
    text = "# head\n" + "".join(lines)

    try:
        once = format_text(text, "generated.yaml")
    except RewriteError as refused:
        # Refusing is allowed (see the known limit); writing a wrong document is not.
        assert "so it is left as it is" in refused.message
        return

    assert once is not None
    assert same_meaning(text, once)
    assert format_text(once, "generated.yaml") == once
    assert once.startswith("# head\n")
    assert once.count("# a comment") == text.count("# a comment")


def _between_block_lines(lines: list[str], position: int) -> bool:
    """A full-line comment fits before `position` unless a flow collection is open there."""
    before = "".join(lines[:position])
    return before.count("[") == before.count("]") and before.count("{") == before.count("}")


def test_a_path_that_does_not_exist_is_named(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(FORMATTED)

    assert yaml_files([tmp_path]) == [tmp_path / "a.yaml"]
    with pytest.raises(SpecError, match="nowhere does not exist"):
        yaml_files([tmp_path, tmp_path / "nowhere"])
