"""CEL for policies: compiling expressions, evaluating them over plain data, and the few
functions the policy language adds.

cel-python's interpreted runner is used: it is the reference implementation (its compiled
runner prints to the terminal and differs on `has()`). Its failures are turned into an
`ExpressionError` with a short message, never a traceback or a dump of the activation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any, Final

import celpy
import lark
from celpy import celtypes
from celpy.adapter import CELJSONEncoder
from celpy.celparser import CELParseError
from celpy.evaluation import CELEvalError

from reconciler.policy.errors import ExpressionError

_TYPE_NAMES: Final = {
    "IntType": "int",
    "UintType": "uint",
    "DoubleType": "double",
    "float": "double",
    "int": "int",
    "StringType": "string",
    "str": "string",
    "BoolType": "bool",
    "bool": "bool",
    "ListType": "list",
    "MapType": "map",
    "NoneType": "null",
}
_OVERLOAD: Final = re.compile(r"found no matching overload for Token\('RULE', '(\w+)'\)")
_CLASS: Final = re.compile(r"<class '(?:[\w.]*\.)?(\w+)'>")
_MAX_MESSAGE: Final = 240


@cache
def _environment() -> celpy.Environment:
    # Known limit: cel-python's interpreted CEL takes about a millisecond per item, so a rule
    # that visits every change of a 10,000-change plan takes seconds; writtenFields(plan) and
    # changesWhere(...) keep the default rules fast. Its `x != null` fails for a map, so
    # rules test `type(x) == map`.
    return celpy.Environment()


@cache
def compile_expression(text: str) -> celpy.Runner:
    """The runnable form of one expression; ExpressionError with its position when the
    text is not valid CEL."""
    environment = _environment()
    try:
        tree = environment.compile(text)
    except CELParseError as exc:
        raise ExpressionError(_syntax_message(text, exc), exc.line, exc.column) from None
    except RecursionError:
        raise ExpressionError("the expression nests too deeply to read", 1, 1) from None
    return environment.program(tree, functions=dict(FUNCTIONS))


def _syntax_message(text: str, exc: CELParseError) -> str:
    lines = text.splitlines() or [""]
    line = lines[exc.line - 1] if exc.line and exc.line <= len(lines) else ""
    rest = line[exc.column - 1 :].strip() if exc.column else ""
    if not rest:
        return "the expression ends where more is needed"
    return f"cannot read on from '{rest[:20]}'" + (
        f" (column {exc.column})" if len(lines) == 1 else ""
    )


def identifiers(text: str) -> frozenset[str]:
    """The names an expression refers to (variables and bound macro variables alike)."""
    tree = _environment().compile(text)
    return frozenset(
        str(token)
        for node in tree.find_data("ident")
        for token in node.children
        if isinstance(token, lark.Token)
    )


def evaluate(runner: celpy.Runner, variables: Mapping[str, Any]) -> Any:
    """The value of a compiled expression for CEL-typed `variables`, as plain Python data."""
    return to_plain(evaluate_cel(runner, variables))


def evaluate_cel(runner: celpy.Runner, variables: Mapping[str, Any]) -> Any:
    """The value of a compiled expression for CEL-typed `variables`, as a CEL value."""
    try:
        result = runner.evaluate(dict(variables))
    except CELEvalError as exc:
        raise ExpressionError(describe_failure(exc)) from None
    except RecursionError:
        raise ExpressionError("the expression recursed too deeply") from None
    except Exception as exc:  # cel-python raises plain TypeErrors and ValueErrors too
        raise ExpressionError(_shorten(f"{type(exc).__name__}: {exc}")) from None
    if isinstance(result, CELEvalError):
        raise ExpressionError(describe_failure(result))
    return result


def to_cel(value: Any) -> Any:
    """Plain JSON-like data as CEL values. A map's values become CEL values when a rule
    first reads them, so that a rule about `plan.summary` does not convert every change of
    a large plan. Equal scalars share one CEL value: a plan repeats the same keys and values
    thousands of times, and making each CEL number is slow."""
    return _to_cel(value, {})


def source_of(value: Any) -> Any:
    """The plain data a CEL map was made from by `to_cel`, or None for any other value."""
    return value.source if isinstance(value, _LazyMap) else None


class _Pending:
    """A map's value not yet made a CEL value."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


class _LazyMap(celtypes.MapType):
    """A CEL map whose keys are CEL values from the start and whose nested maps and lists
    become CEL values on first read. Every way cel-python reads a map's values goes through
    `__getitem__`, `get`, `values` or `items`; a read that bypassed them would meet a
    `_Pending` and fail rather than see plain data."""

    def __init__(self, source: Mapping[Any, Any], memo: dict[tuple[type, Any], Any]) -> None:
        # MapType's own constructor checks and copies each key in Python; a plan's maps are
        # built from a dict whose keys are already unique, so they are filled in one call.
        super().__init__()
        self.source = source
        self._memo = memo
        dict.update(self, {_to_cel(k, memo): _shallow(v, memo) for k, v in source.items()})

    def __getitem__(self, key: Any) -> Any:
        value = super().__getitem__(key)
        if type(value) is _Pending:
            value = _to_cel(value.value, self._memo)
            dict.__setitem__(self, key, value)
        return value

    def get(self, key: Any, default: Any = None) -> Any:
        if key in self:
            return self[key]
        return super().get(key, default)

    def values(self) -> Any:
        return [self[key] for key in self]

    def items(self) -> Any:
        return [(key, self[key]) for key in self]

    def __repr__(self) -> str:
        return f"MapType({dict(self.items())!r})"


def _shallow(value: Any, memo: dict[tuple[type, Any], Any]) -> Any:
    """A scalar as its CEL value; a map or list, pending."""
    if value is None or type(value) in (bool, int, float, str):
        return _to_cel(value, memo)
    return _Pending(value)


def _to_cel(value: Any, memo: dict[tuple[type, Any], Any]) -> Any:
    if value is None:
        return None
    kind = type(value)
    if kind is dict or (kind is not str and isinstance(value, Mapping)):
        return _LazyMap(value, memo)
    if kind is list or kind is tuple:
        return celtypes.ListType([_to_cel(item, memo) for item in value])
    if isinstance(value, bool | int | float | str):
        key = (kind, value)
        made = memo.get(key)
        if made is None:
            made = memo[key] = _scalar(value)
        return made
    if isinstance(value, Sequence) and not isinstance(value, bytes):
        return celtypes.ListType([_to_cel(item, memo) for item in value])
    return celtypes.StringType(str(value))


def _scalar(value: bool | int | float | str) -> Any:
    if isinstance(value, bool):
        return celtypes.BoolType(value)
    if isinstance(value, int):
        try:
            return celtypes.IntType(value)
        except ValueError:  # beyond CEL's 64 bits
            return celtypes.DoubleType(float(value))
    if isinstance(value, float):
        return celtypes.DoubleType(value)
    return celtypes.StringType(value)


def to_plain(value: Any) -> Any:
    """CEL values back as plain Python data (bool, int, float, str, None, list, dict)."""
    if isinstance(value, celtypes.BoolType | bool):
        return bool(value)
    if isinstance(value, Mapping):
        return {to_plain(key): to_plain(item) for key, item in value.items()}
    if isinstance(value, celtypes.ListType | list | tuple):
        return [to_plain(item) for item in value]
    if isinstance(value, celtypes.StringType | str):
        return str(value)
    if isinstance(value, celtypes.DoubleType | float):
        return float(value)
    if isinstance(value, celtypes.IntType | celtypes.UintType | int):
        return int(value)
    if value is None:
        return None
    return CELJSONEncoder.to_python(value)


def describe_failure(error: CELEvalError) -> str:
    """A one-line reason for an evaluation error, free of cel-python's internals."""
    raw = str(error.args[0]) if error.args else "evaluation failed"
    if raw == "evaluation error" and len(error.args) > 2 and error.args[2]:
        raw = str(error.args[2][0])
    raw = raw.split(" (in activation", 1)[0]
    # A map made by `to_cel` is named as the map it is.
    raw = raw.replace(f"{__name__}._LazyMap", "celpy.celtypes.MapType")
    overload = _OVERLOAD.search(raw)
    if overload is not None:
        operator = overload.group(1).split("_")[-1]
        kinds = [_TYPE_NAMES.get(name, name) for name in _CLASS.findall(raw)]
        raw = f"'{operator}' does not apply to {' and '.join(kinds) or 'these values'}"
        if "int" in kinds and "double" in kinds:
            raw += "; convert with double(...) or int(...)"
    elif raw.startswith("no such member"):
        raw += "; test an optional key with has(...)"
    return _shorten(raw)


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 3] + "..."


def written_fields(plan: Any) -> Any:
    """`writtenFields(plan)`: each Salesforce field a plan writes values into or creates,
    once per rule, as `{field: "Object.Field", rule, address, changes}`.

    Visiting every change in CEL is slow on large plans; this does it in Python, so a rule
    about fields looks at a handful of entries instead of every record.
    """
    found: dict[tuple[str, str], dict[str, Any]] = {}
    changes = _changes(plan)
    for change in changes if _is_list(changes) else []:
        fields = _fields_of(change)
        rule = str(_get(change, "rule") or "") if fields else ""
        for field in fields:
            entry = found.get((field, rule))
            if entry is None:
                address = str(_get(change, "address") or "")
                entry = found[field, rule] = {"field": field, "address": address, "changes": 0}
                if rule:
                    entry["rule"] = rule
            entry["changes"] += 1
    return to_cel([found[key] for key in sorted(found)])


def _fields_of(change: Any) -> list[str]:
    resource = _get(change, "resource")
    if resource == "salesforce.record":
        record = _get(change, "record")
        if not isinstance(record, Mapping):
            return []
        object_name = str(_get(record, "object") or "")
        return [f"{object_name}.{name}" for name in sorted(_get(change, "fields") or {})]
    field = _get(change, "field") if resource == "salesforce.customField" else None
    return [str(field)] if field else []


def _get(mapping: Any, key: str) -> Any:
    """`mapping[key]`, or None when it is absent or `mapping` is not a map. (cel-python's
    maps raise KeyError from `get`.)"""
    if type(mapping) is dict:
        return mapping.get(key)
    if isinstance(mapping, celtypes.MapType):
        return mapping[key] if key in mapping else None  # noqa: SIM401 (its get raises)
    if isinstance(mapping, Mapping):
        return mapping.get(key)
    return None


def changes_where(plan: Any, key: Any, value: Any) -> Any:
    """`changesWhere(plan, "action", "delete")`: the plan's changes whose `key` equals
    `value`, picked in Python so that a rule about a few changes does not visit them all."""
    changes = _changes(plan)
    if not _is_list(changes):
        return to_cel([])
    wanted = to_plain(value)
    picked = [c for c in changes if to_plain(_get(c, str(key))) == wanted]
    return to_cel(picked) if source_of(plan) is not None else celtypes.ListType(picked)


def _is_list(value: Any) -> bool:
    """True for a list of plain data: a list, or a sequence such as a plan document's
    changes, which are made one at a time as they are read."""
    return isinstance(value, Sequence) and not isinstance(value, str | bytes)


def _changes(plan: Any) -> Any:
    """The plan's changes as plain data when the plan was made by `to_cel` (reading them
    does not convert them), else as the CEL values they are."""
    source = source_of(plan)
    return _get(source if source is not None else plan, "changes")


def type_of(value: Any) -> Any:
    """`type(x)`, with a map made by `to_cel` reported as the `map` it is."""
    if isinstance(value, _LazyMap):
        return celtypes.MapType
    return celtypes.TypeType(value)


FUNCTIONS: Final[Mapping[str, Any]] = {
    "type": type_of,
    "writtenFields": written_fields,
    "changesWhere": changes_where,
}
