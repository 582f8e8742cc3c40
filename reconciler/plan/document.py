"""The plan document read without being built whole: what policies see of a plan.

`PlanDocument(plan)` reads as `plan.to_json()` does, but a change is a view over its model
that makes each key JSON only when a rule reads it. The functions that visit every change
(`writtenFields`, `changesWhere`) read two or three keys of each, so a plan of 200,000
changes is judged without a second copy of it in memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final, overload

from pydantic import BaseModel, TypeAdapter

from reconciler.plan.model import Change, FieldChange, Plan

_KEYS: Final = tuple((name, field.alias or name) for name, field in Change.model_fields.items())
_ATTRIBUTES: Final = {key: name for name, key in _KEYS}
_SCALARS: Final = (str, int, float, bool)
_ANY: Final = TypeAdapter(Any)


class PlanDocument(Mapping[str, Any]):
    """The plan document as a mapping: its head made once, its changes viewed."""

    def __init__(self, plan: Plan) -> None:
        self._head = plan.head_json()
        self._changes = ChangeDocuments(plan.changes)

    def __getitem__(self, key: str) -> Any:
        return self._changes if key == "changes" else self._head[key]

    def __contains__(self, key: object) -> bool:
        return key == "changes" or key in self._head

    def __iter__(self) -> Iterator[str]:
        yield from self._head
        yield "changes"

    def __len__(self) -> int:
        return len(self._head) + 1


class ChangeDocuments(Sequence[Mapping[str, Any]]):
    """A plan's changes, each as a `ChangeDocument`."""

    def __init__(self, changes: Sequence[Change]) -> None:
        self._changes = changes

    @overload
    def __getitem__(self, index: int) -> Mapping[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[Mapping[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> Mapping[str, Any] | list[Mapping[str, Any]]:
        if isinstance(index, slice):
            return [ChangeDocument(change) for change in self._changes[index]]
        return ChangeDocument(self._changes[index])

    def __len__(self) -> int:
        return len(self._changes)

    def __iter__(self) -> Iterator[Mapping[str, Any]]:
        return map(ChangeDocument, self._changes)


class ChangeDocument(Mapping[str, Any]):
    """One change as `change_json` makes it: the keys whose value is set, each made JSON
    when it is read."""

    __slots__ = ("_change",)

    def __init__(self, change: Change) -> None:
        self._change = change

    def __getitem__(self, key: str) -> Any:
        name = _ATTRIBUTES.get(key)
        value = None if name is None else getattr(self._change, name)
        if value is None:
            raise KeyError(key)
        if type(value) in _SCALARS:
            return value
        if name == "fields":
            return FieldDocuments(value)
        if isinstance(value, BaseModel):
            return value.model_dump(mode="json", by_alias=True)
        return _ANY.dump_python(value, mode="json")

    def __contains__(self, key: object) -> bool:
        name = _ATTRIBUTES.get(key) if isinstance(key, str) else None
        return name is not None and getattr(self._change, name) is not None

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def __iter__(self) -> Iterator[str]:
        return (key for name, key in _KEYS if getattr(self._change, name) is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class FieldDocuments(Mapping[str, Any]):
    """A change's field writes by field name, each made JSON when it is read."""

    __slots__ = ("_fields",)

    def __init__(self, fields: Mapping[str, FieldChange]) -> None:
        self._fields = fields

    def __getitem__(self, key: str) -> Any:
        return self._fields[key].model_dump(mode="json", by_alias=True)

    def __iter__(self) -> Iterator[str]:
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)
