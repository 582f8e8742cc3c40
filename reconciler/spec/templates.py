"""Templates of import-rule fields: any string holding `{{`, rendered in a sandboxed Jinja2
environment whose variables are field paths of the imported record.

A record is Salesforce's nested JSON shape, `{"Name": ..., "Account": {"Name": ...}}`.
Names are matched exactly, then ignoring case, as SOQL does. A path through a null parent
(`Account.Name` when the record has no Account) renders as empty text; a path the record
does not have at all is an error, since it means the field was never read.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from typing import Any, Final

from jinja2 import StrictUndefined, Template, TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from reconciler.errors import SpecError

_MARKER: Final = "{{"


class TemplateError(SpecError):
    """A template cannot be parsed or rendered."""


class RecordPathError(TemplateError):
    """A record does not hold a field path that was asked for."""


def _finalize(value: Any) -> Any:
    """How values print: null as empty text, booleans as true/false, 5.0 as 5."""
    if value is None or value is _NULL:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


_MAX_REPEAT: Final = 10_000
_MAX_EXPONENT: Final = 100
_JINJA_LOCALS: Final = frozenset({"loop", "self", "super", "caller", "varargs", "kwargs"})


class _Sandbox(SandboxedEnvironment):
    """The sandbox, also refusing `*` and `**` that would build huge values."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int | float) and abs(right) > _MAX_EXPONENT:
            raise SecurityError(f"an exponent above {_MAX_EXPONENT} is not allowed")
        if operator == "*" and _too_long(left, right):
            raise SecurityError(f"a repeated value longer than {_MAX_REPEAT} is not allowed")
        return super().call_binop(context, operator, left, right)


def _too_long(left: Any, right: Any) -> bool:
    for seq, count in ((left, right), (right, left)):
        if isinstance(seq, str | list | tuple) and isinstance(count, int):
            return count * max(len(seq), 1) > _MAX_REPEAT
    return False


_ENV: Final = _Sandbox(
    undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True, finalize=_finalize
)


def is_template(text: str) -> bool:
    """True when `text` is a template rather than a field path."""
    return _MARKER in text


@functools.lru_cache(maxsize=512)
def _parse(text: str) -> nodes.Template:
    try:
        return _ENV.parse(text)
    except TemplateSyntaxError as exc:
        raise TemplateError(
            f"template '{text}' is invalid: {exc.message} (line {exc.lineno})",
            hint="templates use Jinja2 syntax: {{ Account.Name }} - {{ Name }}",
        ) from exc


def template_problems(text: str) -> tuple[str, ...]:
    """What keeps `text` from being a valid template, each as a sentence; empty when valid.

    Templates read field paths and may use filters; they may not call functions or methods
    or touch attributes starting with `_`.
    """
    try:
        tree = _parse(text)
    except TemplateError as exc:
        return (exc.message,)
    problems = []
    for node in tree.find_all((nodes.Call, nodes.Getattr, nodes.Getitem)):
        if isinstance(node, nodes.Call):
            problems.append("it calls a function or method; use a filter instead (x | upper)")
        elif _attribute_name(node) is not None and str(_attribute_name(node)).startswith("_"):
            problems.append(f"it reads the private attribute '{_attribute_name(node)}'")
    return tuple(dict.fromkeys(problems))


@functools.lru_cache(maxsize=512)
def template_variables(text: str) -> frozenset[str]:
    """Every field path the template reads, e.g. {"Account.Name", "Name"} (found once per
    template text: a plan renders the same template for every record)."""
    tree = _parse(text)
    stored = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    local = stored | set(_ENV.globals) | _JINJA_LOCALS
    found: set[str] = set()
    _collect(tree, local, found)
    return frozenset(found)


def _attribute_name(node: nodes.Node) -> str | None:
    if isinstance(node, nodes.Getattr):
        return str(node.attr)
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        value = node.arg.value
        return value if isinstance(value, str) else None
    return None


def _chain(node: nodes.Node) -> list[str] | None:
    """`Account.Owner.Name` as ["Account", "Owner", "Name"], or None if not a plain path."""
    if isinstance(node, nodes.Name):
        return [str(node.name)]
    attribute = _attribute_name(node)
    if attribute is None:
        return None
    assert isinstance(node, nodes.Getattr | nodes.Getitem)
    parent = _chain(node.node)
    return None if parent is None else [*parent, attribute]


def _collect(node: nodes.Node, local: set[str], found: set[str]) -> None:
    chain = _chain(node) if isinstance(node, nodes.Name | nodes.Getattr | nodes.Getitem) else None
    if chain is not None:
        if chain[0] not in local:
            found.add(".".join(chain))
        return
    if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr):
        # A method call: the path is the object the method belongs to.
        _collect(node.node.node, local, found)
        for child in _children_except(node, node.node):
            _collect(child, local, found)
        return
    for child in node.iter_child_nodes():
        _collect(child, local, found)


def _children_except(node: nodes.Node, skipped: nodes.Node) -> Iterator[nodes.Node]:
    return (child for child in node.iter_child_nodes() if child is not skipped)


def _lookup(record: Mapping[str, Any], name: str) -> tuple[bool, Any]:
    """(found, value) for `name` in `record`: exact key first, then ignoring case."""
    if name in record:
        return True, record[name]
    folded = name.casefold()
    for key, value in record.items():
        if isinstance(key, str) and key.casefold() == folded:
            return True, value
    return False, None


def field_value(record: Mapping[str, Any], path: str) -> Any:
    """The value at dotted `path` in a record; None when a parent on the way is null.

    Raises RecordPathError when the record does not hold the path at all.
    """
    current: Any = record
    walked: list[str] = []
    for name in path.split("."):
        if current is None:
            return None
        if not isinstance(current, Mapping):
            raise RecordPathError(
                f"'{'.'.join(walked)}' is a value, not a record, so '{path}' cannot be read",
                hint="use the relationship name (Account.Name), not the ID field (AccountId)",
            )
        found, current = _lookup(current, name)
        walked.append(name)
        if not found:
            raise RecordPathError(
                f"the record has no field '{'.'.join(walked)}' (reading '{path}')",
                hint="read the field in the query, or correct the path",
            )
    return current


class _Null:
    """A null parent: every attribute of it is null too, and it prints as empty text."""

    def __getattr__(self, name: str) -> _Null:
        if name.startswith("_"):
            raise AttributeError(name)
        return self

    def __getitem__(self, name: str) -> _Null:
        return self

    def __str__(self) -> str:
        return ""

    def __bool__(self) -> bool:
        return False


_NULL: Final = _Null()


def _wrap(value: Any) -> Any:
    if value is None:
        return _NULL
    if isinstance(value, Mapping):
        return _RecordView(value)
    return value


class _RecordView:
    """Field access for templates: `Account.Name` reads the key `Name` of `Account`."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = data

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        found, value = _lookup(self._data, name)
        if not found:
            raise _MissingField(name)
        return _wrap(value)

    def __getitem__(self, name: str) -> Any:
        return self.__getattr__(name)

    def __str__(self) -> str:
        return str({k: v for k, v in self._data.items() if k != "attributes"})


class _MissingField(Exception):
    """Raised from inside Jinja2 when a record lacks a field, to be reported by `render`."""


@functools.lru_cache(maxsize=512)
def _compiled(text: str) -> Template:
    return _ENV.from_string(_parse(text))


@functools.lru_cache(maxsize=512)
def _root_names(text: str) -> frozenset[str]:
    """The first name of every field path the template reads: "Account" of Account.Name."""
    return frozenset(path.split(".")[0] for path in template_variables(text))


_Part = str | tuple[str, ...]
"""A piece of a plain template: literal text, or a field path split at its dots."""


@functools.lru_cache(maxsize=512)
def _plain_parts(text: str) -> tuple[_Part, ...] | None:
    """The template as literal text and field paths, when that is all it holds (the common
    `{{ Account.Name }} - {{ Name }}`); None when it uses filters, tests or anything else."""
    body = _parse(text).body
    if len(body) != 1 or not isinstance(body[0], nodes.Output):
        return None
    parts: list[_Part] = []
    for node in body[0].nodes:
        if isinstance(node, nodes.TemplateData):
            parts.append(str(node.data))
            continue
        chain = _chain(node)
        if chain is None or any(name.startswith("_") for name in chain):
            return None
        parts.append(tuple(chain))
    return tuple(parts)


_FALL_BACK: Final = object()


def _plain_render(parts: tuple[_Part, ...], record: Mapping[str, Any]) -> Any:
    """A plain template rendered without Jinja2, printing values as Jinja2 does here; or
    `_FALL_BACK` when a value is anything but what such a path usually meets (a missing
    field, a record printed whole, a path through a value), so that Jinja2 renders it and
    reports what went wrong in its own words."""
    out: list[str] = []
    for part in parts:
        if type(part) is str:
            out.append(part)
            continue
        current: Any = record
        for name in part:
            if current is None:
                break
            if not isinstance(current, Mapping):
                return _FALL_BACK
            found, current = _lookup(current, name)
            if not found:
                return _FALL_BACK
        if isinstance(current, Mapping):
            return _FALL_BACK
        out.append(str(_finalize(current)))
    return "".join(out)


def render(text: str, record: Mapping[str, Any]) -> str:
    """`text` rendered with the record's fields as variables.

    Raises TemplateError naming the template when it reads a field the record does not
    have, is refused by the sandbox, or fails on the record's values.
    """
    parts = _plain_parts(text)
    if parts is not None:
        rendered = _plain_render(parts, record)
        if rendered is not _FALL_BACK:
            return str(rendered)
    return render_with_jinja(text, record)


def render_with_jinja(text: str, record: Mapping[str, Any]) -> str:
    """`render`, always through the Jinja2 sandbox."""
    template = _compiled(text)
    context = {key: _wrap(value) for key, value in record.items() if isinstance(key, str)}
    for name in _root_names(text) - context.keys():
        found, value = _lookup(record, name)
        if not found:
            raise TemplateError(
                f"template '{text}' reads field '{name}', which the record does not have",
                hint="read the field in the query, or correct the template",
            )
        context[name] = _wrap(value)
    try:
        return template.render(context)
    except _MissingField as exc:
        raise TemplateError(
            f"template '{text}' reads field '{exc.args[0]}', which the record does not have",
            hint="read the field in the query, or correct the template",
        ) from exc
    except SecurityError as exc:
        raise TemplateError(
            f"template '{text}' was refused by the sandbox: {exc}",
            hint="templates may read field paths and use filters, nothing else",
        ) from exc
    except UndefinedError as exc:
        raise TemplateError(
            f"template '{text}' reads something the record does not have: {exc.message}",
            hint="read the field in the query, or correct the template",
        ) from exc
    except Exception as exc:
        # A template is a small program run on record data; whatever it raises (a filter
        # given the wrong type, a division by zero) is reported as this template's failure.
        raise TemplateError(
            f"template '{text}' failed on this record: {exc}", hint="correct the template"
        ) from exc
