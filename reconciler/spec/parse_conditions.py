"""Reading the `when` of an import rule: criteria and their `all`/`any` groups."""

from __future__ import annotations

import math
from typing import Final, Literal, cast

from reconciler.spec.conditions import (
    LIST_OPERATORS,
    OPERATORS,
    ORDER_OPERATORS,
    Condition,
    Criterion,
    CriterionValue,
    Group,
    Operator,
    ScalarValue,
)
from reconciler.spec.diagnostics import DiagnosticLog, Location
from reconciler.spec.sections import Section, wrong_type
from reconciler.spec.values import check_field_path
from reconciler.spec.yamltree import YEntry, YMap, YNode, YScalar, YSeq

GROUP_KEYS: Final = ("all", "any")
CRITERION_KEYS: Final = ("field", *OPERATORS)
_SHAPE: Final = "{field: Name, eq: value}, {all: [...]} or {any: [...]}"


def parse_when(node: YNode, what: str, log: DiagnosticLog) -> Group | None:
    """`when`: a group, a single criterion or a list (both read as `all`)."""
    if isinstance(node, YSeq):
        return _group("all", node, what, log)
    condition = parse_condition(node, what, log)
    if condition is None or isinstance(condition, Group):
        return condition
    return Group(mode="all", items=(condition,), location=condition.location)


def parse_condition(node: YNode, what: str, log: DiagnosticLog) -> Condition | None:
    if not isinstance(node, YMap):
        wrong_type(log, what, node, "a condition", hint="write " + _SHAPE)
        return None
    keys = set(node.entries)
    if keys & set(GROUP_KEYS):
        return _group_mapping(node, what, log)
    if "field" in keys:
        return _criterion(node, what, log)
    errors = log.error_count()
    section = Section(node, log, what, CRITERION_KEYS + GROUP_KEYS)
    if log.error_count() == errors:
        section.missing("field", hint="a criterion is " + _SHAPE)
    return None


def _group_mapping(node: YMap, what: str, log: DiagnosticLog) -> Group | None:
    section = Section(node, log, what, GROUP_KEYS)
    modes = [key for key in GROUP_KEYS if key in node.entries]
    if len(modes) > 1:
        log.error(
            "bad-condition",
            f"{what} holds both all and any",
            node.entries[modes[1]].key_loc,
            hint="nest one inside the other: {all: [..., {any: [...]}]}",
        )
        return None
    mode = cast(Literal["all", "any"], modes[0])
    items = section.sequence(mode)
    if items is None:
        if section.value(mode) is None:
            log.error(
                "empty-group",
                f"{what}.{mode} has no conditions",
                section.key_loc(mode),
                hint="list at least one criterion, or remove the group",
            )
        return None
    return _group(mode, items, f"{what}.{mode}", log, at=node.entries[mode])


def _group(
    mode: Literal["all", "any"],
    items: YSeq,
    what: str,
    log: DiagnosticLog,
    at: YEntry | None = None,
) -> Group | None:
    if not items.items:
        location = at.key_loc if at is not None else items.loc
        log.error(
            "empty-group",
            f"{what} has no conditions",
            location,
            hint="list at least one criterion, or remove the group",
        )
        return None
    parsed = [parse_condition(item, f"{what}[{i}]", log) for i, item in enumerate(items.items)]
    conditions = tuple(c for c in parsed if c is not None)
    if len(conditions) != len(parsed):
        return None
    location = at.key_loc if at is not None else items.loc
    return Group(mode=mode, items=conditions, location=location)


def _criterion(node: YMap, what: str, log: DiagnosticLog) -> Criterion | None:
    errors = log.error_count()
    section = Section(node, log, what, CRITERION_KEYS)
    field = section.text("field", required=True, hint="the field's API name, e.g. StageName")
    if field is not None:
        check_field_path(field.strip(), f"{what}.field", section.value_loc("field"), log)
    operators = [key for key in OPERATORS if key in node.entries]
    if not operators:
        log.error(
            "missing-operator",
            f"{what} has no operator",
            node.loc,
            hint="add one of: " + ", ".join(OPERATORS),
        )
        return None
    for extra in operators[1:]:
        log.error(
            "several-operators",
            f"{what} has more than one operator ({', '.join(operators)})",
            node.entries[extra].key_loc,
            hint="write one criterion per operator inside all:",
        )
    op: Operator = operators[0]
    operand = node.entries[op].value
    value = _operand(op, operand, f"{what}.{op}", log)
    if field is None or log.error_count() > errors:
        return None
    return Criterion(
        field=field.strip(),
        op=op,
        value=value,
        location=node.loc,
        field_location=section.value_loc("field"),
        value_locations=_operand_locations(operand),
    )


def _operand_locations(node: YNode) -> tuple[Location, ...]:
    """Where each operand value is written: every item of a list, or the one value."""
    if isinstance(node, YSeq):
        return tuple(item.loc for item in node.items)
    return (node.loc,)


def _operand(op: Operator, node: YNode, what: str, log: DiagnosticLog) -> CriterionValue:
    if op in LIST_OPERATORS:
        return _list_operand(node, what, log)
    if not isinstance(node, YScalar):
        hint = "use in or notIn to test against a list" if isinstance(node, YSeq) else None
        wrong_type(log, what, node, "a single value", hint=hint)
        return None
    value = node.value
    if isinstance(value, float) and not math.isfinite(value):
        log.error("bad-value", f"{what} must be a finite number", node.loc)
    elif op == "isNull" and not isinstance(value, bool):
        wrong_type(log, what, node, "true or false", hint="isNull: true matches empty fields")
    elif op == "like" and not isinstance(value, str):
        wrong_type(log, what, node, "text", hint="like takes a pattern such as 'Acme%'")
    elif op in ORDER_OPERATORS and (value is None or isinstance(value, bool)):
        wrong_type(log, what, node, "a number, date or text", hint="use isNull to test for empty")
    return value


def _list_operand(node: YNode, what: str, log: DiagnosticLog) -> tuple[ScalarValue, ...]:
    if not isinstance(node, YSeq) or not node.items:
        if isinstance(node, YSeq):
            log.error(
                "bad-value", f"{what} is an empty list", node.loc, hint="list at least one value"
            )
        else:
            wrong_type(log, what, node, "a list", hint="write in: [A, B]; eq tests one value")
        return ()
    values: list[ScalarValue] = []
    for index, item in enumerate(node.items):
        if not isinstance(item, YScalar) or item.value is None:
            wrong_type(
                log, f"{what}[{index}]", item, "a single value", hint="use isNull to test for empty"
            )
        elif isinstance(item.value, float) and not math.isfinite(item.value):
            log.error("bad-value", f"{what}[{index}] must be a finite number", item.loc)
        else:
            values.append(item.value)
    return tuple(values)
