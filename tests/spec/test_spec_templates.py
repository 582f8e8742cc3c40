"""Templates of import-rule fields: variables, rendering, and the sandbox."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.spec.templates import (
    RecordPathError,
    TemplateError,
    field_value,
    is_template,
    render,
    render_with_jinja,
    template_problems,
    template_variables,
)

RECORD: dict[str, Any] = {
    "attributes": {"type": "Opportunity", "url": "/services/data/v62.0/sobjects/Opportunity/1"},
    "Name": "Renewal",
    "Amount": 50000.0,
    "Probability": 12.5,
    "IsWon": True,
    "Description": None,
    "Account": {"attributes": {"type": "Account"}, "Name": "Acme", "Owner": None},
    "Partner__r": None,
}


def test_a_template_holds_double_braces() -> None:
    assert is_template("{{ Name }}")
    assert not is_template("Account.Name")


@pytest.mark.parametrize(
    ("text", "variables"),
    [
        pytest.param("{{ Account.Name }} - {{ Name }}", {"Account.Name", "Name"}, id="paths"),
        pytest.param("{{ Account.Owner.Email | lower }}", {"Account.Owner.Email"}, id="filter"),
        pytest.param('{{ Account["Name"] }}', {"Account.Name"}, id="subscript"),
        pytest.param(
            "{% if IsWon %}{{ Name }}{% else %}{{ Description }}{% endif %}",
            {"IsWon", "Name", "Description"},
            id="condition",
        ),
        pytest.param(
            "{% for c in Contacts %}{{ c.Email }}{{ loop.index }}{% endfor %}",
            {"Contacts"},
            id="loop-locals",
        ),
        pytest.param("{% set x = Name %}{{ x }}", {"Name"}, id="set"),
        pytest.param("{{ 'fixed' }}", set(), id="constant"),
    ],
)
def test_variables_are_the_field_paths_read(text: str, variables: set[str]) -> None:
    assert template_variables(text) == variables


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("{{ Account.Name }} - {{ Name }}", "Acme - Renewal", id="paths"),
        pytest.param("{{ account.name }}", "Acme", id="case-insensitive"),
        pytest.param("[{{ Partner__r.Name }}]", "[]", id="null-parent"),
        pytest.param("[{{ Account.Owner.Email }}]", "[]", id="null-grandparent"),
        pytest.param("[{{ Description }}]", "[]", id="null-value"),
        pytest.param("{{ Amount }} / {{ Probability }}", "50000 / 12.5", id="numbers"),
        pytest.param("{{ IsWon }}", "true", id="boolean"),
        pytest.param("{{ Name | upper }}", "RENEWAL", id="filter"),
        pytest.param("{{ Partner__r.Name or 'none' }}", "none", id="null-is-false"),
    ],
)
def test_render_fills_in_the_record(text: str, expected: str) -> None:
    assert render(text, RECORD) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("{{ Missing }}", id="root"),
        pytest.param("{{ Account.Missing }}", id="nested"),
    ],
)
def test_a_field_the_record_lacks_is_an_error(text: str) -> None:
    with pytest.raises(TemplateError, match="Missing"):
        render(text, RECORD)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("{{ ''.__class__ }}", id="class-of-constant"),
        pytest.param("{{ Name.__class__.__mro__ }}", id="mro"),
        pytest.param("{{ Account.__init__.__globals__ }}", id="globals"),
        pytest.param("{{ Account._data }}", id="private-attribute"),
        pytest.param("{{ 'x' * 100000000 }}", id="huge-string"),
        pytest.param("{{ 10 ** 100000 }}", id="huge-number"),
        pytest.param("{{ range(10 ** 9) | list }}", id="huge-range"),
    ],
)
def test_the_sandbox_refuses_attribute_tricks(text: str) -> None:
    with pytest.raises(TemplateError):
        render(text, RECORD)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        pytest.param("{{ ''.__class__ }}", "private attribute '__class__'", id="private"),
        pytest.param("{{ Name.upper() }}", "calls a function", id="call"),
        pytest.param("{{ Name", "invalid", id="syntax"),
    ],
)
def test_problems_name_what_is_not_allowed(text: str, problem: str) -> None:
    problems = template_problems(text)

    assert any(problem in p for p in problems), problems


def test_a_valid_template_has_no_problems() -> None:
    assert template_problems("{{ Account.Name | default('n/a') }} - {{ Name }}") == ()


def test_a_failing_filter_names_the_template() -> None:
    with pytest.raises(TemplateError, match="Name"):
        render("{{ Name + 1 }}", RECORD)


def test_field_value_walks_the_nested_record() -> None:
    assert field_value(RECORD, "Account.Name") == "Acme"
    assert field_value(RECORD, "ACCOUNT.name") == "Acme"
    assert field_value(RECORD, "Partner__r.Email") is None
    assert field_value(RECORD, "Amount") == 50000.0


def test_field_value_of_a_path_never_read_is_an_error() -> None:
    with pytest.raises(RecordPathError, match=r"Account\.Industry"):
        field_value(RECORD, "Account.Industry")


def test_field_value_through_a_plain_value_is_an_error() -> None:
    with pytest.raises(RecordPathError, match="not a record"):
        field_value(RECORD, "Name.First")


KEYS = st.sampled_from(["Name", "name", "Account", "Owner", "Amount", "attributes"])
LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.floats(-10, 10, allow_nan=False)
    | st.text(alphabet="ab -{}", max_size=4)
)
RECORDS = st.dictionaries(
    KEYS,
    st.recursive(LEAVES, lambda inner: st.dictionaries(KEYS, inner, max_size=3), max_leaves=6),
    max_size=4,
)
PATHS = st.lists(KEYS, min_size=1, max_size=3).map(".".join)
TEMPLATES = st.lists(
    st.text(alphabet="xyz -:", max_size=3) | PATHS.map(lambda path: "{{ " + path + " }}"),
    min_size=1,
    max_size=4,
).map("".join)


def outcome(renderer: Any, text: str, record: dict[str, Any]) -> tuple[str, str]:
    try:
        return "text", renderer(text, record)
    except TemplateError as exc:
        return "error", exc.message


@settings(max_examples=300, deadline=None)
@given(text=TEMPLATES, record=RECORDS)
def test_plain_templates_render_as_jinja_renders_them(text: str, record: dict[str, Any]) -> None:
    assert outcome(render, text, record) == outcome(render_with_jinja, text, record)
