"""The org's schema as the spec checks read it: describe payloads looked up by name, and
field paths (`Account.Owner.Email`) walked across them through relationships.

Describes come from a callback, so the same walk serves a snapshot file (a mapping
looked up) and a live org (each describe read once, when first needed). API names are
matched exactly first, then ignoring case, as Salesforce does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from reconciler.spec.diagnostics import nearest_hint

DescribeField = Mapping[str, Any]
Describe = Mapping[str, Any]
Lookup = Callable[[str], Describe | None]


@dataclass(frozen=True)
class Resolved:
    """A field path that exists: the describe entry of its last field, and its object."""

    field: DescribeField
    object: str

    @property
    def name(self) -> str:
        return str(self.field.get("name", ""))

    @property
    def type(self) -> str:
        return str(self.field.get("type", ""))


@dataclass(frozen=True)
class Unresolved:
    """A field path that does not exist, with the reason and the nearest names."""

    code: str
    message: str
    hint: str


class OrgSchema:
    """Describes by object name, read through `lookup` once each."""

    def __init__(self, lookup: Lookup) -> None:
        self._lookup = lookup
        self._read: dict[str, Describe | None] = {}

    @classmethod
    def of(cls, describes: Mapping[str, Describe]) -> OrgSchema:
        """A schema over describes already read, keyed by object name."""
        folded = {name.lower(): payload for name, payload in describes.items()}
        return cls(lambda name: describes.get(name) or folded.get(name.lower()))

    def describe(self, obj: str) -> Describe | None:
        """The object's describe, or None when the org (or snapshot) has no such object."""
        key = obj.lower()
        if key not in self._read:
            self._read[key] = self._lookup(obj)
        return self._read[key]

    def read(self) -> dict[str, Describe]:
        """Every describe read so far, by the object's own API name."""
        return {
            str(payload.get("name") or key): payload
            for key, payload in self._read.items()
            if payload is not None
        }

    def fields(self, obj: str) -> Iterator[DescribeField]:
        describe = self.describe(obj) or {}
        for field in describe.get("fields") or ():
            if isinstance(field, Mapping) and isinstance(field.get("name"), str):
                yield field

    def field(self, obj: str, name: str) -> DescribeField | None:
        """The describe entry of field `name` of `obj`."""
        folded = None
        for field in self.fields(obj):
            if field["name"] == name:
                return field
            if folded is None and str(field["name"]).lower() == name.lower():
                folded = field
        return folded

    def relationship(self, obj: str, name: str) -> DescribeField | None:
        """The lookup field whose relationship name is `name` (`Account` for AccountId)."""
        for field in self.fields(obj):
            relationship = field.get("relationshipName")
            if isinstance(relationship, str) and relationship.lower() == name.lower():
                return field
        return None

    def field_names(self, obj: str) -> list[str]:
        return [str(field["name"]) for field in self.fields(obj)]

    def relationship_names(self, obj: str) -> list[str]:
        names = (field.get("relationshipName") for field in self.fields(obj))
        return [name for name in names if isinstance(name, str) and name]

    def resolve(self, obj: str, path: str) -> Resolved | Unresolved:
        """Walk `path` from `obj`: every part but the last names a relationship, the last a
        field.

        Known limit: a polymorphic relationship (Owner, What, Who) resolves when any of the
        objects it may point to has the rest of the path, in describe order; SOQL itself
        allows only the fields they share unless the query uses TYPEOF.
        """
        return self._walk(obj, path.split("."), path)

    def _walk(self, obj: str, parts: list[str], path: str) -> Resolved | Unresolved:
        if self.describe(obj) is None:
            return _no_object(obj, path)
        head, rest = parts[0], parts[1:]
        if not rest:
            return self._last(obj, head, path)
        lookup = self.relationship(obj, head)
        if lookup is None:
            return self._no_relationship(obj, head, path)
        targets = [str(t) for t in lookup.get("referenceTo") or () if isinstance(t, str)]
        first: Unresolved | None = None
        for target in targets:
            found = self._walk(target, rest, path)
            if isinstance(found, Resolved):
                return found
            first = first or found
        if first is None:
            return Unresolved(
                "unknown-relationship",
                f"relationship '{head}' of {obj} points to no object, so '{path}' cannot be read",
                "read a field of another relationship",
            )
        return first

    def _last(self, obj: str, name: str, path: str) -> Resolved | Unresolved:
        field = self.field(obj, name)
        if field is not None:
            return Resolved(field=field, object=str((self.describe(obj) or {}).get("name", obj)))
        relationship = self.relationship(obj, name)
        if relationship is not None:
            return Unresolved(
                "unknown-field",
                f"'{path}' names the relationship {name} of {obj}, not a field",
                f"read one of its fields, e.g. {name}.Name, or the ID field "
                f"{relationship.get('name')}",
            )
        return Unresolved(
            "unknown-field",
            f"{obj} has no field '{name}'" + (f" (reading '{path}')" if path != name else ""),
            nearest_hint(name, self.field_names(obj), f"fields of {obj}"),
        )

    def _no_relationship(self, obj: str, name: str, path: str) -> Unresolved:
        field = self.field(obj, name)
        relationship = field.get("relationshipName") if field is not None else None
        if field is not None and isinstance(relationship, str) and relationship:
            hint = f"{name} holds the ID; go through the relationship: {relationship}."
        elif field is not None:
            hint = f"{name} is a field of type {field.get('type')}, not a lookup"
        else:
            hint = nearest_hint(name, self.relationship_names(obj), f"relationships of {obj}")
        return Unresolved(
            "unknown-relationship",
            f"{obj} has no relationship '{name}' (reading '{path}')",
            hint,
        )


def _no_object(obj: str, path: str) -> Unresolved:
    return Unresolved(
        "unknown-object",
        f"object {obj} is not in the org's schema, so '{path}' cannot be read",
        "check the object's API name; with a snapshot, take a fresh one with baton-sf org snapshot",
    )
