"""The SOQL parser: the subset it reads, the escapes it decodes, what it refuses."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reconciler.emulator import soql
from reconciler.emulator.soql import Comparison, Junction, Negation, SoqlError


def test_select_from_where_order_limit_are_read() -> None:
    query = soql.parse(
        "select Id, Account.Name from Opportunity where Amount > 10 "
        "order by Name desc nulls last, Id limit 5 offset 2"
    )

    assert [f.dotted for f in query.fields] == ["Id", "Account.Name"]
    assert query.sobject == "Opportunity"
    assert isinstance(query.where, Comparison)
    assert query.where.operator == ">"
    assert [(o.field.dotted, o.descending, o.nulls_last) for o in query.order_by] == [
        ("Name", True, True),
        ("Id", False, None),
    ]
    assert (query.limit, query.offset) == (5, 2)


def test_count_is_read() -> None:
    assert soql.parse("SELECT COUNT() FROM Account").count_only


@pytest.mark.parametrize(
    ("literal", "expected"),
    [
        pytest.param(r"'O\'Brien'", "O'Brien", id="quote"),
        pytest.param(r"'a\\b'", "a\\b", id="backslash"),
        pytest.param(r"'\"x\"'", '"x"', id="double quote"),
        pytest.param(r"'a\nb\rc\td\be\ff'", "a\nb\rc\td\be\ff", id="control characters"),
        pytest.param(r"'caf\u00e9'", "café", id="unicode escape"),
    ],
)
def test_string_escapes_are_decoded(literal: str, expected: str) -> None:
    query = soql.parse(f"SELECT Id FROM Account WHERE Name = {literal}")

    assert isinstance(query.where, Comparison)
    assert query.where.values[0].value == expected


def test_like_patterns_keep_escaped_wildcards_literal() -> None:
    query = soql.parse(r"SELECT Id FROM Account WHERE Name LIKE '50\%\_%'")

    assert isinstance(query.where, Comparison)
    assert query.where.values[0].like == r"50\%\_%"
    assert query.where.values[0].like_escapes


def test_literals_of_each_kind_are_typed() -> None:
    query = soql.parse(
        "SELECT Id FROM X WHERE (A = 2026-01-31 AND B = 2026-01-31T10:00:00+02:00 "
        "AND C = -1.5 AND D = true AND E = null)"
    )

    assert isinstance(query.where, Junction)
    values = [item.values[0] for item in query.where.items if isinstance(item, Comparison)]
    assert [v.kind for v in values] == ["date", "datetime", "number", "boolean", "null"]
    assert values[0].value == date(2026, 1, 31)
    assert values[1].value == datetime(2026, 1, 31, 8, 0, tzinfo=UTC)
    assert values[2].value == -1.5


def test_not_and_parentheses_nest() -> None:
    query = soql.parse("SELECT Id FROM X WHERE NOT (A = 1 OR B = 2) AND C NOT IN (1, 2)")

    assert isinstance(query.where, Junction)
    first, second = query.where.items
    assert isinstance(first, Negation) and isinstance(first.item, Junction)
    assert isinstance(second, Comparison) and second.operator == "NOT IN"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("SELECT Id FROM X WHERE A = 1 AND B = 2 OR C = 3", "'OR'", id="mixed"),
        pytest.param("SELECT Id FROM X WHERE Name = 'abc", "unterminated", id="open quote"),
        pytest.param(r"SELECT Id FROM X WHERE Name = '\q'", "Illegal escape", id="bad escape"),
        pytest.param("SELECT Id, Id FROM X", "duplicate field", id="duplicate field"),
        pytest.param("SELECT Id FROM X GROUP BY Id", "GROUP", id="unsupported clause"),
        pytest.param("SELECT FROM X", "FROM", id="empty select list"),
        pytest.param("SELECT Id FROM X WHERE A IN ()", "')'", id="empty list"),
        pytest.param("SELECT Id FROM X LIMIT -1", "-1", id="negative limit"),
    ],
)
def test_malformed_queries_are_refused_with_salesforce_code(text: str, message: str) -> None:
    with pytest.raises(SoqlError) as raised:
        soql.parse(text)

    assert raised.value.code == "MALFORMED_QUERY"
    assert message in raised.value.message


def test_errors_point_at_row_and_column() -> None:
    with pytest.raises(SoqlError) as raised:
        soql.parse("SELECT Id\nFROM X WHERE A = 1 AND B = 2 OR C = 3")

    assert "ERROR at Row:2:Column:30" in raised.value.message
    assert raised.value.message.splitlines()[2] == " " * 29 + "^"


@given(st.text(max_size=80))
def test_parsing_any_text_never_raises_anything_but_soql_error(text: str) -> None:
    try:
        query = soql.parse(text)
    except SoqlError as error:
        assert error.code == "MALFORMED_QUERY"
    else:
        assert query.text == text


@given(st.text(max_size=40))
def test_any_string_quoted_the_soql_way_reads_back_unchanged(value: str) -> None:
    quoted = value.replace("\\", "\\\\").replace("'", "\\'")
    query = soql.parse(f"SELECT Id FROM X WHERE Name = '{quoted}'")

    assert isinstance(query.where, Comparison)
    assert query.where.values[0].value == value
