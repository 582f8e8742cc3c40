"""Salesforce's rules for a PushTopic: its API version and what its streaming query may say.

The query selects Id from one supported object, with no ORDER BY, LIMIT, GROUP BY,
aggregates, subqueries or semi-joins, relationship fields or NOT (NOT IN is fine), and no
formula or Text Area field in WHERE.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from . import soql
from .describe import Schema, SObject
from .records import Problem
from .soql import Comparison, Condition, FieldRef, Junction, Negation, SoqlError

MIN_API_VERSION = 20.0

# The standard objects a PushTopic may stream; every custom object may be streamed too.
SUPPORTED_OBJECTS = frozenset(
    name.lower()
    for name in (
        "Account",
        "Campaign",
        "Case",
        "Contact",
        "ContractLineItem",
        "Entitlement",
        "Lead",
        "LiveChatTranscript",
        "MessagingSession",
        "Opportunity",
        "Quote",
        "QuoteLineItem",
        "ServiceAppointment",
        "ServiceContract",
        "Task",
        "UserServicePresence",
        "WorkOrder",
        "WorkOrderLineItem",
    )
)
_AGGREGATES = {"COUNT", "COUNT_DISTINCT", "SUM", "AVG", "MIN", "MAX"}
_CLAUSES = {"ORDER": "ORDER BY", "LIMIT": "LIMIT", "GROUP": "GROUP BY", "HAVING": "HAVING"}


def check_push_topic(schema: Schema, row: Mapping[str, Any]) -> list[Problem]:
    """Return the problems of a PushTopic's ApiVersion and Query."""
    problems = []
    version = row.get("ApiVersion")
    if version is not None and float(version) < MIN_API_VERSION:
        problems.append(
            _integrity(
                "ApiVersion",
                f"API version {version} is not supported; PushTopic needs {MIN_API_VERSION} or "
                "later",
            )
        )
    query = row.get("Query")
    if isinstance(query, str):
        problem = check_query(schema, query)
        if problem is not None:
            problems.append(problem)
    return problems


def check_query(schema: Schema, text: str) -> Problem | None:
    """Return the first rule a PushTopic query breaks, or None."""
    try:
        structural = _structure_problem(soql.tokenize(text))
        if structural is not None:
            return _integrity("Query", structural)
        query = soql.parse(text)
    except SoqlError as error:
        return _invalid(f"the query is not valid SOQL: {error.detail}")
    sobject = schema.get(query.sobject)
    if sobject is None:
        return _integrity("Query", f"sObject type '{query.sobject}' is not supported.")
    if not _supported(sobject):
        return _integrity(
            "Query",
            f"PushTopic does not support the object {query.sobject}; use a custom object or one "
            "of the supported standard objects, such as Opportunity",
        )
    return _select_problem(sobject, query) or _where_problem(sobject, query.where)


def _supported(sobject: SObject) -> bool:
    return sobject.name.lower() in SUPPORTED_OBJECTS or sobject.name.endswith("__c")


def _structure_problem(tokens: list[soql.Token]) -> str | None:
    """Name the first construct streaming queries refuse, found in the tokens."""
    for index, token in enumerate(tokens[:-1]):
        following = tokens[index + 1]
        word = token.text.upper() if token.kind == "ident" else ""
        if word in _CLAUSES:
            return f"{_CLAUSES[word]} is not allowed in a PushTopic query"
        if word in _AGGREGATES and following.text == "(":
            return f"aggregate functions such as {word}() are not allowed in a PushTopic query"
        if token.text == "(" and following.text.upper() == "SELECT":
            return "subqueries and semi-joins are not allowed in a PushTopic query"
        if word == "NOT" and following.text.upper() != "IN":
            return "NOT is not allowed in a PushTopic query; use != instead (NOT IN is fine)"
    return None


def _select_problem(sobject: SObject, query: soql.Query) -> Problem | None:
    for ref in query.fields:
        problem = _field_problem(sobject, ref)
        if problem is not None:
            return problem
    if not any(ref.dotted.lower() == "id" for ref in query.fields):
        return _integrity("Query", "a PushTopic query must select Id")
    return None


def _where_problem(sobject: SObject, where: Condition | None) -> Problem | None:
    for comparison in _comparisons(where):
        problem = _field_problem(sobject, comparison.field)
        if problem is not None:
            return problem
        field = sobject.field(comparison.field.dotted)
        assert field is not None
        if field.calculated:
            return _invalid(f"formula field {field.name} is not allowed in the WHERE clause")
        if field.type == "textarea":
            return _invalid(f"Text Area field {field.name} is not allowed in the WHERE clause")
    return None


def _field_problem(sobject: SObject, ref: FieldRef) -> Problem | None:
    if len(ref.path) > 1:
        return _invalid(f"relationship field {ref.dotted} is not allowed in a PushTopic query")
    if not sobject.has_field(ref.dotted):
        return _invalid(f"No such column '{ref.dotted}' on entity '{sobject.name}'")
    return None


def _comparisons(condition: Condition | None) -> Iterator[Comparison]:
    if condition is None:
        return
    if isinstance(condition, Junction):
        for item in condition.items:
            yield from _comparisons(item)
    elif isinstance(condition, Negation):
        yield from _comparisons(condition.item)
    else:
        yield condition


def _integrity(field: str, message: str) -> Problem:
    return Problem("FIELD_INTEGRITY_EXCEPTION", message, (field,))


def _invalid(message: str) -> Problem:
    return Problem("INVALID_FIELD", message, ("Query",))
