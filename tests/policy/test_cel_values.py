"""CEL values made from plain data convert a map's values only when a rule reads them; every
expression must give what it gives over fully converted values."""

from __future__ import annotations

from typing import Any

import pytest
from celpy import celtypes
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.policy.cel import compile_expression, evaluate, to_cel, written_fields
from reconciler.policy.errors import ExpressionError

KEYS = st.sampled_from(["a", "b", "changes", "rule", "action"])
SCALARS = st.none() | st.booleans() | st.integers(-5, 5) | st.sampled_from(["a", "x", "delete"])
DATA = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
    max_leaves=12,
)

EXPRESSIONS = [
    "data",
    "data == other",
    "data != other",
    "type(data) == map",
    "type(data) == list",
    "size(data)",
    "has(data.a)",
    "data.a",
    "data.a.b",
    "data['changes']",
    "'a' in data",
    "data.exists(k, k == 'b')",
    "data.all(k, type(data[k]) == map)",
    "data.map(k, data[k])",
    "data.filter(k, data[k] == null)",
    "data.a.exists(x, x == 'x')",
    "data.changes.filter(c, type(c) == map && has(c.action))",
    "[data, other]",
    "{'k': data}.k == data",
    "changesWhere(data, 'action', 'delete')",
]
# Compiled before Hypothesis runs: cel-python's parser raises the recursion limit once.
COMPILED = {text: compile_expression(text) for text in EXPRESSIONS}


def _eager(value: Any) -> Any:
    """Plain data as CEL values, every level converted at once."""
    if isinstance(value, dict):
        return celtypes.MapType({_eager(k): _eager(v) for k, v in value.items()})
    if isinstance(value, list):
        return celtypes.ListType([_eager(item) for item in value])
    if isinstance(value, bool):
        return celtypes.BoolType(value)
    if isinstance(value, int):
        return celtypes.IntType(value)
    if isinstance(value, str):
        return celtypes.StringType(value)
    return value


def _outcome(text: str, variables: dict[str, Any]) -> Any:
    try:
        return ("value", evaluate(COMPILED[text], variables))
    except ExpressionError as exc:
        return ("error", exc.message)


@settings(max_examples=150, deadline=None)
@given(data=DATA, other=DATA, text=st.sampled_from(EXPRESSIONS))
def test_lazy_values_evaluate_as_converted_ones(data: Any, other: Any, text: str) -> None:
    lazy = _outcome(text, {"data": to_cel(data), "other": to_cel(other)})
    eager = _outcome(text, {"data": _eager(data), "other": _eager(other)})
    assert lazy == eager


def test_a_rule_about_the_summary_leaves_the_changes_unconverted() -> None:
    plan = to_cel({"summary": {"create": 3}, "changes": [{"action": "create"}] * 3})
    assert evaluate(compile_expression("plan.summary.create > 2"), {"plan": plan}) is True
    pending = dict.__getitem__(plan, "changes")
    assert not isinstance(pending, celtypes.ListType)
    assert evaluate(compile_expression("size(plan.changes)"), {"plan": plan}) == 3


@pytest.mark.parametrize("convert", [to_cel, _eager], ids=["from-plain", "cel-values"])
def test_written_fields_reads_plain_and_cel_plans_alike(convert: Any) -> None:
    change = {
        "resource": "salesforce.record",
        "rule": "won",
        "address": "salesforce.record[Opportunity/006]",
        "record": {"object": "Opportunity", "id": "006"},
        "fields": {"Baton_Status__c": {"after": "Done"}},
    }
    found = written_fields(convert({"changes": [change, change]}))
    assert [dict(entry) for entry in found] == [
        {
            "field": "Opportunity.Baton_Status__c",
            "address": "salesforce.record[Opportunity/006]",
            "changes": 2,
            "rule": "won",
        }
    ]
